package redisauditexporter

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/redisaudit/redisauditexporter/internal/metadata"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// BenchmarkPushLogs measures the whole write path (mapping, chunking, one pipelined round
// trip of script calls, fan-out into three streams) against a real redis-server, in batches
// of 500 events from 50 users and 5 action types. Report: events/s.
func BenchmarkPushLogs(b *testing.B) {
	srv := redistest.Start(b)
	cfg := createDefaultConfig().(*Config)
	require.NoError(b, confmap.NewFromStringMap(map[string]any{"endpoint": srv.Addr}).Unmarshal(cfg))
	exp, err := newAuditExporter(cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(b, err)
	require.NoError(b, exp.start(b.Context(), componenttest.NewNopHost()))
	b.Cleanup(func() { _ = exp.shutdown(b.Context()) })

	const batch = 500
	records := make([]auditRecord, batch)
	for i := range records {
		records[i] = auditRecord{
			event: []string{"user.login", "document.view", "document.edit", "billing.refund", "admin.grant"}[i%5],
			body:  "sample audit event",
			attrs: map[string]any{
				"user.id": strconv.Itoa(1000 + i%50), "status": "success",
				"resource_type": "document", "resource_id": "doc-" + strconv.Itoa(i),
				"client.address": "203.0.113.7",
			},
		}
	}
	ld := buildLogs(b, records...)
	b.ResetTimer()
	for b.Loop() {
		if err := exp.pushLogs(b.Context(), ld); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
}
