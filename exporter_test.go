package redisauditexporter

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/redisaudit/redisauditexporter/internal/metadata"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// startExporter builds the exporter without exporterhelper, so a test sees pushLogs' error.
func startExporter(t *testing.T, cfg *Config) *auditExporter {
	t.Helper()
	exp, err := newAuditExporter(cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, err)
	require.NoError(t, exp.start(t.Context(), componenttest.NewNopHost()))
	t.Cleanup(func() { assert.NoError(t, exp.shutdown(context.Background())) })
	return exp
}

// TestExampleEventsWithOnlyEndpoint is the whole path a user gets from a config that sets only
// the endpoint: the factory's exporter with its queue and retries, three events, and each one
// in the main, per-user and per-action stream under one ID.
func TestExampleEventsWithOnlyEndpoint(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := configFor(t, map[string]any{"endpoint": srv.Addr})

	f := NewFactory()
	exp, err := f.CreateLogs(t.Context(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(t.Context(), componenttest.NewNopHost()))
	require.NoError(t, exp.ConsumeLogs(t.Context(), buildLogs(t, exampleRecords...)))
	// Shutdown drains the sending queue, so everything accepted is written when it returns.
	require.NoError(t, exp.Shutdown(t.Context()))

	main := readStream(t, rdb, "audit:all")
	require.Len(t, main, 3)
	assert.Equal(t, []string{
		"timestamp", exampleTimeText, "user_id", "1001", "action", "user.login",
		"status", "success", "resource_type", "", "resource_id", "", "ip", "192.168.1.100",
		"user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", "reason", "",
		"service", "docs-api", "trace_id", "", "span_id", "", "message", "user 1001 logged in",
	}, main[0].Fields)
	assert.Equal(t, []string{
		"timestamp", exampleTimeText, "user_id", "1001", "action", "document.delete",
		"status", "denied", "resource_type", "document", "resource_id", "doc-123", "ip", "",
		"user_agent", "", "reason", "insufficient_permissions", "service", "docs-api",
		"trace_id", "", "span_id", "", "message", "user 1001 was denied deleting doc-123",
	}, main[2].Fields)
	assert.Equal(t, "document.view", fieldValue(t, main[1], "action"))
	assert.Equal(t, "doc-123", fieldValue(t, main[1], "resource_id"))

	assert.Equal(t, main, readStream(t, rdb, "audit:user:1001"), "per-user stream: same IDs and fields")
	assert.Equal(t, main[:1], readStream(t, rdb, "audit:action:user"))
	assert.Equal(t, main[1:], readStream(t, rdb, "audit:action:document"))
	assert.Empty(t, readStream(t, rdb, "audit:invalid"))
}

func TestCapsUseApproximateTrimming(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := configFor(t, map[string]any{
		"endpoint": srv.Addr,
		"streams": map[string]any{
			"main":       map[string]any{"max_len": 0},
			"per_user":   map[string]any{"max_len": 300},
			"per_action": map[string]any{"max_len": 1000},
		},
	})
	exp := startExporter(t, cfg)
	const total = 3000
	for sent := 0; sent < total; sent += 500 {
		records := make([]auditRecord, 500)
		for i := range records {
			records[i] = auditRecord{event: "user.login", attrs: map[string]any{"user.id": "7"}}
		}
		require.NoError(t, exp.pushLogs(t.Context(), buildLogs(t, records...)))
	}
	ctx := t.Context()
	assert.EqualValues(t, total, rdb.XLen(ctx, "audit:all").Val(), "max_len 0 keeps every entry")
	// MAXLEN ~ removes whole stream nodes (100 entries by default), so a stream may keep up to
	// one node more than its cap, never fewer than the cap.
	userLen := rdb.XLen(ctx, "audit:user:7").Val()
	assert.GreaterOrEqual(t, userLen, int64(300))
	assert.Less(t, userLen, int64(400))
	actionLen := rdb.XLen(ctx, "audit:action:user").Val()
	assert.GreaterOrEqual(t, actionLen, int64(1000))
	assert.Less(t, actionLen, int64(1100))
	// What is kept is the newest: the last entry is the main stream's last entry.
	last := rdb.XRevRangeN(ctx, "audit:all", "+", "-", 1).Val()[0].ID
	assert.Equal(t, last, rdb.XRevRangeN(ctx, "audit:user:7", "+", "-", 1).Val()[0].ID)
}

func TestInvalidRecordsGoToDeadLetterStream(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := exportertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	exp, err := newAuditExporter(configFor(t, map[string]any{"endpoint": srv.Addr}), set)
	require.NoError(t, err)
	require.NoError(t, exp.start(t.Context(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, exp.shutdown(context.Background())) }()

	ld := buildLogs(t,
		auditRecord{event: "user.login", attrs: map[string]any{"status": "success"}},
		auditRecord{attrs: map[string]any{"user.id": ""}, body: "no user, no action"},
		exampleRecords[0],
	)
	require.NoError(t, exp.pushLogs(t.Context(), ld))

	dead := readStream(t, rdb, "audit:invalid")
	require.Len(t, dead, 2)
	assert.Equal(t, []string{"error", "missing user_id"}, dead[0].Fields[:2])
	assert.Equal(t, "user.login", fieldValue(t, dead[0], "action"))
	assert.Equal(t, []string{"error", "missing user_id and action"}, dead[1].Fields[:2])
	assert.Equal(t, "no user, no action", fieldValue(t, dead[1], "message"))
	main := readStream(t, rdb, "audit:all")
	require.Len(t, main, 1, "only the valid record reaches the main stream")
	assert.Equal(t, "1001", fieldValue(t, main[0], "user_id"))

	got, err := tel.GetMetric("otelcol_redisaudit_records_dead_lettered")
	require.NoError(t, err)
	assert.Equal(t, int64(2), sumOf(t, got))
	written, err := tel.GetMetric("otelcol_redisaudit_entries_written")
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"main": 1, "user": 1, "action": 1, "dead_letter": 2},
		sumByAttribute(t, written, "stream_class"))
	trips, err := tel.GetMetric("otelcol_redisaudit_round_trip_duration")
	require.NoError(t, err)
	hist, ok := trips.Data.(metricdata.Histogram[float64])
	require.True(t, ok)
	require.Len(t, hist.DataPoints, 1)
	assert.Equal(t, uint64(1), hist.DataPoints[0].Count, "one round trip for the batch")
}

func TestDropInvalidRecordsWhenConfigured(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := configFor(t, map[string]any{
		"endpoint": srv.Addr, "mapping": map[string]any{"on_invalid": "drop"},
	})
	exp := startExporter(t, cfg)
	ld := buildLogs(t, auditRecord{event: "user.login"}, exampleRecords[1])
	require.NoError(t, exp.pushLogs(t.Context(), ld))
	assert.Len(t, readStream(t, rdb, "audit:all"), 1)
	assert.Zero(t, rdb.Exists(t.Context(), "audit:invalid").Val())
}

func TestKeyPartsAreEscaped(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	exp := startExporter(t, configFor(t, map[string]any{"endpoint": srv.Addr}))
	ld := buildLogs(t,
		auditRecord{event: "x{y}.z", attrs: map[string]any{"user.id": "1001:x"}},
		auditRecord{event: "a b", attrs: map[string]any{"user.id": "*"}},
	)
	require.NoError(t, exp.pushLogs(t.Context(), ld))
	keys := rdb.Keys(t.Context(), "audit:*").Val()
	assert.ElementsMatch(t, []string{
		"audit:all", "audit:user:1001%3Ax", "audit:user:%2A",
		"audit:action:x%7By%7D", "audit:action:a%20b",
	}, keys)
}

func TestWrongTypeKeyIsPermanentAndWritesNothing(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	require.NoError(t, rdb.Set(t.Context(), "audit:user:1001", "not a stream", 0).Err())
	exp := startExporter(t, configFor(t, map[string]any{"endpoint": srv.Addr}))

	err := exp.pushLogs(t.Context(), buildLogs(t, exampleRecords...))
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err), "WRONGTYPE cannot be fixed by a retry: %v", err)
	assert.Contains(t, err.Error(), "WRONGTYPE")
	assert.Zero(t, rdb.Exists(t.Context(), "audit:all").Val(), "the chunk is rejected before any write")
}

func TestOutOfMemoryIsRetryable(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	exp := startExporter(t, configFor(t, map[string]any{"endpoint": srv.Addr}))
	require.NoError(t, rdb.ConfigSet(t.Context(), "maxmemory", "1").Err())

	ld := buildLogs(t, exampleRecords...)
	err := exp.pushLogs(t.Context(), ld)
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "OOM clears when memory is freed: %v", err)
	var failed consumererror.Logs
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, 3, failed.Data().LogRecordCount(), "every record is handed back for retry")

	require.NoError(t, rdb.ConfigSet(t.Context(), "maxmemory", "0").Err())
	require.NoError(t, exp.pushLogs(t.Context(), failed.Data()))
	assert.Len(t, readStream(t, rdb, "audit:all"), 3)
}

func TestScriptReloadedAfterFlush(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	exp := startExporter(t, configFor(t, map[string]any{"endpoint": srv.Addr}))
	require.NoError(t, rdb.ScriptFlush(t.Context()).Err())
	require.NoError(t, exp.pushLogs(t.Context(), buildLogs(t, exampleRecords...)))
	assert.Len(t, readStream(t, rdb, "audit:all"), 3)
	loaded := rdb.ScriptExists(t.Context(), fanoutScript.Hash()).Val()
	assert.Equal(t, []bool{true}, loaded)
}

func TestManyChunksInOneBatch(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	exp := startExporter(t, configFor(t, map[string]any{"endpoint": srv.Addr, "events_per_script": 7}))
	records := make([]auditRecord, 100)
	for i := range records {
		records[i] = auditRecord{event: "document.view", attrs: map[string]any{
			"user.id": []string{"a", "b", "c"}[i%3], "seq": i,
		}}
	}
	require.NoError(t, exp.pushLogs(t.Context(), buildLogs(t, records...)))
	main := readStream(t, rdb, "audit:all")
	require.Len(t, main, 100)
	for i, e := range main {
		assert.Equal(t, strconv.Itoa(i), fieldValue(t, e, "attr.seq"), "order kept")
	}
	total := 0
	for _, u := range []string{"a", "b", "c"} {
		total += len(readStream(t, rdb, "audit:user:"+u))
	}
	assert.Equal(t, 100, total)
}

func TestPasswordProtectedACLUser(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", "admin-secret")
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: "admin-secret"})
	t.Cleanup(func() { _ = admin.Close() })
	// The least an exporter needs: its scripts, and the commands they run on audit keys.
	require.NoError(t, admin.Do(t.Context(), "ACL", "SETUSER", "auditor", "on", ">s3cret",
		"~audit:*", "+evalsha", "+eval", "+script|load", "+xadd", "+type").Err())

	exp := startExporter(t, configFor(t, map[string]any{
		"endpoint": srv.Addr, "username": "auditor", "password": "s3cret",
	}))
	require.NoError(t, exp.pushLogs(t.Context(), buildLogs(t, exampleRecords...)))
	n, err := admin.XLen(t.Context(), "audit:all").Result()
	require.NoError(t, err)
	assert.EqualValues(t, 3, n)

	wrong := startExporter(t, configFor(t, map[string]any{
		"endpoint": srv.Addr, "username": "auditor", "password": "wrong",
	}))
	err = wrong.pushLogs(t.Context(), buildLogs(t, exampleRecords...))
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "a rotated password may be fixed: retry")
	assert.NotContains(t, err.Error(), "s3cret")
}

func TestNoPermissionIsPermanent(t *testing.T) {
	srv := redistest.Start(t)
	admin := srv.Client(t)
	require.NoError(t, admin.Do(t.Context(), "ACL", "SETUSER", "reader", "on", ">pw",
		"~audit:*", "+evalsha", "+eval", "+script|load", "+type").Err())
	exp := startExporter(t, configFor(t, map[string]any{
		"endpoint": srv.Addr, "username": "reader", "password": "pw",
	}))
	err := exp.pushLogs(t.Context(), buildLogs(t, exampleRecords...))
	require.Error(t, err)
	assert.True(t, consumererror.IsPermanent(err), "NOPERM needs an ACL change: %v", err)
}

func TestTLS(t *testing.T) {
	srv, files := redistest.StartTLS(t)
	exp := startExporter(t, configFor(t, map[string]any{
		"endpoint": srv.Addr,
		"tls":      map[string]any{"insecure": false, "ca_file": files.CA},
	}))
	require.NoError(t, exp.pushLogs(t.Context(), buildLogs(t, exampleRecords...)))

	tlsCfg, err := exp.cfg.Connection.TLS.LoadTLSConfig(t.Context())
	require.NoError(t, err)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, TLSConfig: tlsCfg})
	t.Cleanup(func() { _ = rdb.Close() })
	assert.Len(t, readStream(t, rdb, "audit:all"), 3)
	assert.Len(t, readStream(t, rdb, "audit:user:1001"), 3)
}

// TestRedisDownAtStart starts the collector's exporter before Redis exists: start succeeds,
// the batch waits in the queue and is retried, and lands once Redis is up.
func TestRedisDownAtStart(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	cfg := configFor(t, map[string]any{
		"endpoint": srv.Addr,
		"retry_on_failure": map[string]any{
			"initial_interval": "50ms", "max_interval": "200ms", "max_elapsed_time": "1m",
		},
	})
	exp, err := NewFactory().CreateLogs(t.Context(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(t.Context(), componenttest.NewNopHost()))
	require.NoError(t, exp.ConsumeLogs(t.Context(), buildLogs(t, exampleRecords...)))

	time.Sleep(300 * time.Millisecond) // let a few attempts fail against the closed port
	srv.Restart()
	rdb := srv.Client(t)
	require.Eventually(t, func() bool {
		return rdb.XLen(context.Background(), "audit:all").Val() == 3
	}, 30*time.Second, 50*time.Millisecond)
	require.NoError(t, exp.Shutdown(t.Context()))
	assert.Len(t, readStream(t, rdb, "audit:user:1001"), 3)
}

func TestStartFailsOnUnreadableTLSFiles(t *testing.T) {
	cfg := configFor(t, map[string]any{
		"endpoint": "127.0.0.1:1",
		"tls":      map[string]any{"insecure": false, "ca_file": "/nonexistent/ca.pem"},
	})
	exp, err := newAuditExporter(cfg, exportertest.NewNopSettings(metadata.Type))
	require.NoError(t, err)
	err = exp.start(t.Context(), componenttest.NewNopHost())
	require.ErrorContains(t, err, "tls:")
	require.NoError(t, exp.shutdown(context.Background()))
}
