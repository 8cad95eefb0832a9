package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/grpc"
)

// logsSink is a minimal OTLP/gRPC logs receiver that keeps what it is sent.
type logsSink struct {
	collogspb.UnimplementedLogsServiceServer
	mu       sync.Mutex
	records  []*logspb.LogRecord
	services []string
}

func (s *logsSink) Export(_ context.Context, req *collogspb.ExportLogsServiceRequest,
) (*collogspb.ExportLogsServiceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rl := range req.GetResourceLogs() {
		svc := stringAttr(rl.GetResource().GetAttributes(), "service.name")
		s.services = append(s.services, svc)
		for _, sl := range rl.GetScopeLogs() {
			s.records = append(s.records, sl.GetLogRecords()...)
		}
	}
	return &collogspb.ExportLogsServiceResponse{}, nil
}

func (s *logsSink) received() ([]*logspb.LogRecord, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.records, s.services
}

func startSink(t *testing.T) (*logsSink, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	sink := &logsSink{}
	collogspb.RegisterLogsServiceServer(srv, sink)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return sink, lis.Addr().String()
}

func stringAttr(attrs []*commonpb.KeyValue, key string) string {
	for _, kv := range attrs {
		if kv.GetKey() == key {
			return kv.GetValue().GetStringValue()
		}
	}
	return ""
}

// pairs flattens record attributes to "key=value" in the order they arrived.
func pairs(attrs []*commonpb.KeyValue) []string {
	out := make([]string, 0, len(attrs))
	for _, kv := range attrs {
		out = append(out, kv.GetKey()+"="+kv.GetValue().GetStringValue())
	}
	return out
}

func TestSendExamplesOverOTLP(t *testing.T) {
	sink, addr := startSink(t)
	var stderr bytes.Buffer
	code := run([]string{"-endpoint", addr, "-timeout", "10s", "-service", "billing-api"}, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stderr.String(), "sent 3 of 3 events to "+addr)

	records, services := sink.received()
	require.Len(t, records, 3)
	require.NotEmpty(t, services)
	for _, svc := range services {
		assert.Equal(t, "billing-api", svc)
	}
	want := []struct {
		name, body, severity string
		attrs                []string
	}{
		{"user.login", "user 1001 logged in: success", "INFO", []string{
			"user.id=1001", "status=success", "client.address=192.168.1.100",
			"user_agent.original=Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
		}},
		{"document.view", "user 1001 viewed document doc-123: success", "INFO", []string{
			"user.id=1001", "status=success", "resource_type=document", "resource_id=doc-123",
		}},
		{"document.delete", "user 1001 deleted document doc-123: denied", "WARN", []string{
			"user.id=1001", "status=denied", "resource_type=document", "resource_id=doc-123",
			"reason=insufficient_permissions",
		}},
	}
	for i, w := range want {
		r := records[i]
		assert.Equal(t, w.name, r.GetEventName())
		assert.Equal(t, w.body, r.GetBody().GetStringValue())
		assert.Equal(t, w.severity, r.GetSeverityText())
		assert.Equal(t, w.attrs, pairs(r.GetAttributes()))
		assert.NotZero(t, r.GetTimeUnixNano())
	}
}

func TestSendGeneratedBurstOverOTLP(t *testing.T) {
	sink, addr := startSink(t)
	var stderr bytes.Buffer
	args := []string{
		"-endpoint", addr, "-examples=false", "-count", "700", "-users", "3", "-seed", "9",
	}
	require.Equal(t, 0, run(args, &stderr), stderr.String())

	records, _ := sink.received()
	want := generate(700, 3, 9)
	require.Len(t, records, len(want))
	for i, r := range records {
		assert.Equal(t, want[i].action, r.GetEventName())
		assert.Equal(t, want[i].userID, stringAttr(r.GetAttributes(), "user.id"))
	}
}

func TestSendPacesGeneratedEvents(t *testing.T) {
	_, addr := startSink(t)
	var stderr bytes.Buffer
	start := time.Now()
	args := []string{"-endpoint", addr, "-examples=false", "-count", "5", "-rate", "50"}
	require.Equal(t, 0, run(args, &stderr), stderr.String())
	// Five events at 50/s leave four gaps of 20ms; a ticker never fires early.
	assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
}

func TestSendFailsWhenReceiverIsDown(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close()) // nothing listens there any more

	var stderr bytes.Buffer
	code := run([]string{"-endpoint", addr, "-timeout", "1s"}, &stderr)
	out := stderr.String()
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "export to "+addr+" failed")
	assert.Contains(t, out, "code = Unavailable")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Contains(t, lines[len(lines)-1], "sent 0 of 3 events to "+addr)
}

func TestRunFlagErrors(t *testing.T) {
	var stderr bytes.Buffer
	assert.Equal(t, 0, run([]string{"-h"}, &stderr))
	for _, name := range []string{
		"endpoint", "timeout", "examples", "count", "users", "seed",
		"rate", "service",
	} {
		assert.Contains(t, stderr.String(), "  -"+name+"\n")
	}
	stderr.Reset()
	assert.Equal(t, 2, run([]string{"-users", "0"}, &stderr))
	assert.Contains(t, stderr.String(), "auditsend: -users: must be between")
}
