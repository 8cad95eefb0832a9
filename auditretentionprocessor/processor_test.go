package auditretentionprocessor

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/redisaudit/redisauditexporter/auditretentionprocessor/internal/metadata"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// TestPassesLogsThroughAndRunsJob builds the processor as the collector does: logs go to the
// next consumer unchanged, and the job started by Start archives and trims old entries.
func TestPassesLogsThroughAndRunsJob(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.InitialDelay = 0
	// The factory's processor uses the wall clock, so the entries are old by the wall clock.
	oldStart := time.Now().Add(-100 * 24 * time.Hour)
	writeEvents(t, rdb, cfg.Streams, makeEvents(200, oldStart, time.Hour, 3, 2))
	sink := new(consumertest.LogsSink)
	set := processortest.NewNopSettings(metadata.Type)
	proc, err := NewFactory().CreateLogs(t.Context(), set, cfg, sink)
	require.NoError(t, err)
	assert.False(t, proc.Capabilities().MutatesData)
	require.NoError(t, proc.Start(t.Context(), componenttest.NewNopHost()))

	ld := plog.NewLogs()
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("user 1001 logged in")
	lr.Attributes().PutStr("user.id", "1001")
	want := plog.NewLogs()
	ld.CopyTo(want)
	require.NoError(t, proc.ConsumeLogs(t.Context(), ld))
	require.Len(t, sink.AllLogs(), 1)
	assert.Equal(t, want, sink.AllLogs()[0])

	keys := []string{cfg.Streams.Main.Key, cfg.Streams.ActionKey("act0"), cfg.Streams.ActionKey("act1")}
	for _, u := range []string{"u0", "u1", "u2"} {
		keys = append(keys, cfg.Streams.UserKey(u))
	}
	require.Eventually(t, func() bool { // every class done, so Shutdown cannot cut the run short
		var left int64
		for _, key := range keys {
			left += rdb.XLen(context.Background(), key).Val()
		}
		return left == 0
	}, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, proc.Shutdown(t.Context()))
	assert.Len(t, readArchive(t, cfg.Archive.Directory), 3*200)
}

// TestUnwritableArchiveReportsStatus points the archive below a regular file, which even root
// cannot write to. The run fails before trimming anything, the failure is reported as a
// recoverable error, and the first good run afterwards reports StatusOK.
func TestUnwritableArchiveReportsStatus(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	require.NoError(t, writeFile(blocker, "x"))
	cfg.Archive.Directory = filepath.Join(blocker, "archive")
	seedOld(t, rdb, cfg, 200)
	before := snapshot(t, rdb)
	p, _ := newTestProcessor(t, cfg)
	host := newStatusHost()
	p.host = host

	_, err := p.runOnce(t.Context())
	require.ErrorContains(t, err, "create archive directory")
	require.ErrorContains(t, err, "not a directory")
	p.runAndReport(t.Context())
	assertSameEntries(t, before, snapshot(t, rdb), "nothing trimmed")
	require.Equal(t, []componentstatus.Status{componentstatus.StatusRecoverableError}, host.statuses())
	require.ErrorContains(t, host.events[0].Err(), "not a directory")

	require.NoError(t, os.Remove(blocker))
	require.NoError(t, os.Mkdir(blocker, 0o750))
	p.runAndReport(t.Context())
	assert.Equal(t, []componentstatus.Status{
		componentstatus.StatusRecoverableError, componentstatus.StatusOK,
	}, host.statuses())
	assert.Zero(t, rdb.XLen(t.Context(), cfg.Streams.Main.Key).Val())
	p.runAndReport(t.Context())
	assert.Len(t, host.statuses(), 2, "StatusOK is reported once, after the failure")
}

// startJob starts a processor's job directly, so a test can reach its hooks.
func startJob(t *testing.T, cfg *Config) *retentionProcessor {
	t.Helper()
	p, err := newRetentionProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	p.now = func() time.Time { return testNow }
	return p
}

// TestShutdownStopsRunningJob shuts down during a run: the run's context is canceled, the run
// ends without trimming, leaves no temp file, releases the lock, and Shutdown waits for it.
func TestShutdownStopsRunningJob(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.InitialDelay = 0
	seedOld(t, rdb, cfg, 200)
	before := snapshot(t, rdb)
	p := startJob(t, cfg)
	inRun, stopped := make(chan struct{}), make(chan struct{})
	p.hooks.afterPage = func(ctx context.Context, _, _ string) error {
		close(inRun)
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	}
	host := newStatusHost()
	require.NoError(t, p.start(t.Context(), host))
	<-inRun
	require.NoError(t, p.shutdown(t.Context()))
	select {
	case <-stopped:
	default:
		t.Fatal("shutdown returned before the run ended")
	}
	assertSameEntries(t, before, snapshot(t, rdb), "nothing trimmed")
	assert.Empty(t, tempFiles(t, cfg.Archive.Directory))
	assert.Zero(t, rdb.Exists(t.Context(), cfg.Lock.Key).Val(), "lock released")
	assert.Empty(t, host.statuses(), "a run stopped by shutdown is not a failure")
}

// TestShutdownBoundedByContext gives Shutdown a deadline while a run does not stop: Shutdown
// returns the deadline's error instead of hanging.
func TestShutdownBoundedByContext(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.InitialDelay = 0
	seedOld(t, rdb, cfg, 10)
	p := startJob(t, cfg)
	inRun, release := make(chan struct{}), make(chan struct{})
	p.hooks.afterPage = func(context.Context, string, string) error {
		close(inRun)
		<-release
		return nil
	}
	require.NoError(t, p.start(t.Context(), componenttest.NewNopHost()))
	<-inRun
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, p.shutdown(ctx), context.DeadlineExceeded)
	close(release)
	<-p.done
}

// TestShutdownWithoutStart is what the collector does when another component fails to start.
func TestShutdownWithoutStart(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	p, err := newRetentionProcessor(cfg, componenttest.NewNopTelemetrySettings())
	require.NoError(t, err)
	require.NoError(t, p.shutdown(t.Context()))
}
