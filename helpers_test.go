package redisauditexporter

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// exampleTime is the timestamp of the records the tests build.
var exampleTime = time.Date(2026, 12, 3, 10, 0, 0, 123456789, time.UTC)

const exampleTimeText = "2026-12-03T10:00:00.123456789Z"

// auditRecord is a log record as an instrumented application sends it.
type auditRecord struct {
	event string
	attrs map[string]any
	body  string
}

// exampleRecords are the three example events: user 1001 logs in, views document doc-123,
// and is denied deleting it.
var exampleRecords = []auditRecord{
	{event: "user.login", body: "user 1001 logged in", attrs: map[string]any{
		"user.id": "1001", "status": "success", "client.address": "192.168.1.100",
		"user_agent.original": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
	}},
	{event: "document.view", body: "user 1001 viewed doc-123", attrs: map[string]any{
		"user.id": "1001", "status": "success", "resource_type": "document",
		"resource_id": "doc-123",
	}},
	{event: "document.delete", body: "user 1001 was denied deleting doc-123", attrs: map[string]any{
		"user.id": "1001", "status": "denied", "resource_type": "document",
		"resource_id": "doc-123", "reason": "insufficient_permissions",
	}},
}

func buildLogs(tb testing.TB, records ...auditRecord) plog.Logs {
	tb.Helper()
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "docs-api")
	sl := rl.ScopeLogs().AppendEmpty()
	for _, r := range records {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTimestamp(pcommon.NewTimestampFromTime(exampleTime))
		if r.event != "" {
			lr.SetEventName(r.event)
		}
		if r.body != "" {
			lr.Body().SetStr(r.body)
		}
		require.NoError(tb, lr.Attributes().FromRaw(r.attrs))
	}
	return ld
}

// configFor unmarshals raw YAML-like settings over the defaults and validates the result,
// as the collector does with a user's config.
func configFor(t *testing.T, raw map[string]any) *Config {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	return cfg
}

// entry is a stream entry with its fields in stored order.
type entry = redistest.Entry

func readStream(t *testing.T, c *redis.Client, key string) []entry {
	t.Helper()
	return redistest.ReadStream(t, c, key)
}

// fieldValue returns the value of name in e, failing the test when it is absent.
func fieldValue(t *testing.T, e entry, name string) string {
	t.Helper()
	for i := 0; i+1 < len(e.Fields); i += 2 {
		if e.Fields[i] == name {
			return e.Fields[i+1]
		}
	}
	t.Fatalf("entry %s has no field %q: %v", e.ID, name, e.Fields)
	return ""
}

// sumOf adds up the data points of an int64 sum.
func sumOf(t *testing.T, m metricdata.Metrics) int64 {
	t.Helper()
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is not an int64 sum", m.Name)
	var total int64
	for _, dp := range sum.DataPoints {
		total += dp.Value
	}
	return total
}

// sumByAttribute adds up an int64 sum's data points per value of one attribute.
func sumByAttribute(t *testing.T, m metricdata.Metrics, key string) map[string]int64 {
	t.Helper()
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is not an int64 sum", m.Name)
	out := map[string]int64{}
	for _, dp := range sum.DataPoints {
		v, _ := dp.Attributes.Value(attribute.Key(key))
		out[v.AsString()] += dp.Value
	}
	return out
}
