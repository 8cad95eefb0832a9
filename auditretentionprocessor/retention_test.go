package auditretentionprocessor

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/redisaudit/redisauditexporter/auditretentionprocessor/internal/metadatatest"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// The two entries on either side of the cutoff: the first is 1 ms too old, the second is kept.
var (
	edgeOld  = []string{"edge", "old"}
	edgeKept = []string{"edge", "kept"}
)

// seedAuditData writes old events (three entries each), new events, old and new dead-letter
// entries, and two entries on either side of the cutoff, and returns the whole database.
func seedAuditData(
	t *testing.T, srv *redistest.Server, cfg *Config, oldEvents, newEvents int,
) map[entryKey][]string {
	t.Helper()
	rdb := srv.Client(t)
	oldStart := testNow.Add(-120 * 24 * time.Hour)
	writeEvents(t, rdb, cfg.Streams, makeEvents(oldEvents, oldStart, 3*24*time.Hour, 7, 5))
	cutoffEvents := []event{
		{id: strconv.FormatInt(testCutoff-1, 10) + "-5", user: "u0", action: "act0", fields: edgeOld},
		{id: strconv.FormatInt(testCutoff, 10) + "-0", user: "u0", action: "act0", fields: edgeKept},
	}
	writeEvents(t, rdb, cfg.Streams, cutoffEvents)
	writeEvents(t, rdb, cfg.Streams, makeEvents(newEvents, testNow.Add(-2*time.Hour), time.Hour, 7, 5))
	var dead []streamEntry
	for i, ev := range makeEvents(oldEvents/100+20, oldStart, 100*24*time.Hour, 1, 1) {
		fields := append([]string{"error", "missing user_id"}, ev.fields[:2*(1+i%3)]...)
		dead = append(dead, streamEntry{ID: ev.id, Fields: fields})
	}
	writeEntries(t, rdb, cfg.Streams.DeadLetter.Key, dead)
	return snapshot(t, rdb)
}

// TestArchiveThenTrim is the main promise: after one run every old entry is in the archive
// exactly once, in the file of its class and day, and gone from Redis; every newer entry is
// untouched; no XTRIM removed more than a page.
func TestArchiveThenTrim(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	before := seedAuditData(t, srv, cfg, 25_000, 500)
	old, kept := splitAt(t, before, testCutoff)
	deadOld := countClass(cfg, old, classDeadLetter)
	require.Positive(t, deadOld)
	require.Len(t, old, 3*25_001+int(deadOld), "25,001 old events in three streams, and dead letters")

	p, tel := newTestProcessor(t, cfg)
	// A lower commit limit makes each class commit and trim several times, so day files get
	// several gzip members.
	p.limits = commitLimits{entries: 10_000, bytes: 64 << 20}
	var maxRemoved int64
	p.hooks.trimmed = func(_, _ string, removed int64) { maxRemoved = max(maxRemoved, removed) }
	stats, err := p.runOnce(t.Context())
	require.NoError(t, err)
	assert.False(t, stats.skipped)
	assert.LessOrEqual(t, maxRemoved, int64(cfg.PageSize), "one XTRIM removes at most one page")

	assertArchivedOnce(t, cfg.Archive.Directory, old)
	assertSameEntries(t, kept, snapshot(t, rdb), "Redis holds exactly the newer entries, unchanged")
	lines := readArchive(t, cfg.Archive.Directory)
	assertArchiveLayout(t, cfg, lines)

	wantByClass := map[string]int64{
		classMain: 25_001, classUser: 25_001, classAction: 25_001, classDeadLetter: deadOld,
	}
	assert.Equal(t, wantByClass, stats.archived)
	assert.Equal(t, wantByClass, stats.trimmed)
	assert.Equal(t, 14, stats.visited, "main, 7 users, 5 action types, dead letter")
	assertRunTelemetry(t, tel, wantByClass, 14)

	again, err := p.runOnce(t.Context())
	require.NoError(t, err)
	assert.Empty(t, again.archived, "a second run finds nothing old")
	assert.Len(t, readArchive(t, cfg.Archive.Directory), len(lines), "and writes nothing")
}

// assertArchiveLayout checks that each line is in the file of its class and day, that the
// commits of one run added several gzip members to a day file, and that no temp file is left.
func assertArchiveLayout(t *testing.T, cfg *Config, lines []archivedLine) {
	t.Helper()
	for _, l := range lines {
		id, err := parseID(l.line.ID)
		require.NoError(t, err)
		require.Equal(t, id.day(), l.day, "entry %s is in the file of its day", l.line.ID)
		require.Equal(t, classOf(cfg, l.line.Stream), l.class,
			"%s is in its class folder", l.line.Stream)
	}
	dir := cfg.Archive.Directory
	mainFiles, err := filepath.Glob(filepath.Join(dir, classMain, "*"+archiveSuffix))
	require.NoError(t, err)
	members := 0
	for _, f := range mainFiles {
		members = max(members, gzipMembers(t, f))
	}
	assert.Greater(t, members, 1, "commits of 10,000 entries add members to a day file")
	assert.Empty(t, tempFiles(t, dir))
}

// assertRunTelemetry checks the metrics of one good run.
func assertRunTelemetry(
	t *testing.T, tel *componenttest.Telemetry, byClass map[string]int64, visited int64,
) {
	t.Helper()
	ignoreTime := metricdatatest.IgnoreTimestamp()
	metadatatest.AssertEqualAuditretentionEntriesArchived(t, tel, classPoints(byClass), ignoreTime)
	metadatatest.AssertEqualAuditretentionEntriesTrimmed(t, tel, classPoints(byClass), ignoreTime)
	metadatatest.AssertEqualAuditretentionStreamsVisited(t, tel,
		[]metricdata.DataPoint[int64]{{Value: visited}}, ignoreTime)
	metadatatest.AssertEqualAuditretentionLastSuccessTime(t, tel,
		[]metricdata.DataPoint[int64]{{Value: testNow.Unix()}}, ignoreTime)
	dur, err := tel.GetMetric("otelcol_auditretention_run_duration")
	require.NoError(t, err)
	assert.EqualValues(t, 1, dur.Data.(metricdata.Histogram[float64]).DataPoints[0].Count)
}

func classOf(cfg *Config, key string) string {
	switch {
	case key == cfg.Streams.Main.Key:
		return classMain
	case key == cfg.Streams.DeadLetter.Key:
		return classDeadLetter
	case strings.HasPrefix(key, cfg.Streams.PerUser.Prefix):
		return classUser
	}
	return classAction
}

func countClass(cfg *Config, entries map[entryKey][]string, class string) int64 {
	var n int64
	for k := range entries {
		if classOf(cfg, k.stream) == class {
			n++
		}
	}
	return n
}

func classPoints(byClass map[string]int64) []metricdata.DataPoint[int64] {
	var dps []metricdata.DataPoint[int64]
	for class, n := range byClass {
		dps = append(dps, metricdata.DataPoint[int64]{
			Attributes: attribute.NewSet(attribute.String("stream_class", class)), Value: n,
		})
	}
	return dps
}

var errSimulatedCrash = errors.New("simulated crash")

// TestCrashBetweenArchiveAndTrim stops a run right after its first archive commit, before any
// trim. The next run archives those entries again; readers that drop repeats by (stream, id)
// see each entry once, and none is lost.
func TestCrashBetweenArchiveAndTrim(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	before := seedAuditData(t, srv, cfg, 2_000, 50)
	old, kept := splitAt(t, before, testCutoff)

	p, _ := newTestProcessor(t, cfg)
	p.hooks.afterCommit = func(context.Context, string) error { return errSimulatedCrash }
	_, err := p.runOnce(t.Context())
	require.ErrorIs(t, err, errSimulatedCrash)
	assertSameEntries(t, before, snapshot(t, rdb), "nothing trimmed")
	first := readArchive(t, cfg.Archive.Directory)
	require.NotEmpty(t, first, "the main class was committed before the crash")

	p.hooks.afterCommit = nil
	_, err = p.runOnce(t.Context())
	require.NoError(t, err)
	archived, copies := archiveContents(t, readArchive(t, cfg.Archive.Directory))
	assertSameEntries(t, old, archived, "every old entry is in the archive")
	assertSameEntries(t, kept, snapshot(t, rdb), "entries")
	repeated := 0
	for _, n := range copies {
		repeated += n - 1
	}
	assert.Equal(t, len(first), repeated, "exactly the entries of the crashed commit are repeated")
}

// TestFailedWriteKeepsFinishedFiles fails a run in the middle of writing: the day files from
// an earlier run stay byte for byte the same, and no temp file is left behind.
func TestFailedWriteKeepsFinishedFiles(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.PageSize = 100
	oldStart := testNow.Add(-100 * 24 * time.Hour)
	writeEvents(t, rdb, cfg.Streams, makeEvents(300, oldStart, time.Hour, 2, 2))
	p, _ := newTestProcessor(t, cfg)
	_, err := p.runOnce(t.Context())
	require.NoError(t, err)
	dayName := oldStart.Format(time.DateOnly) + archiveSuffix
	dayFile := filepath.Join(cfg.Archive.Directory, classMain, dayName)
	finished, err := readFile(dayFile)
	require.NoError(t, err)

	writeEvents(t, rdb, cfg.Streams, makeEvents(300, oldStart.Add(2*time.Hour), time.Hour, 2, 2))
	pages := 0
	p.hooks.afterPage = func(context.Context, string, string) error {
		if pages++; pages == 2 {
			return errSimulatedCrash
		}
		return nil
	}
	_, err = p.runOnce(t.Context())
	require.ErrorIs(t, err, errSimulatedCrash)
	after, err := readFile(dayFile)
	require.NoError(t, err)
	assert.Equal(t, finished, after, "a finished file is never modified in place")
	assert.Empty(t, tempFiles(t, cfg.Archive.Directory))
	assert.Len(t, readStream(t, rdb, cfg.Streams.Main.Key), 300, "nothing of the failed run trimmed")
}

// TestLeftoverTempFilesRemoved puts a temp file like one a crash leaves in a class folder;
// the next run removes it and leaves other files alone.
func TestLeftoverTempFilesRemoved(t *testing.T) {
	srv := redistest.Start(t)
	cfg := testConfig(t, srv)
	dir := filepath.Join(cfg.Archive.Directory, classUser)
	require.NoError(t, mkdirDurable(dir))
	leftover := filepath.Join(dir, ".2026-08-01.jsonl.gz.123456.tmp")
	other := filepath.Join(dir, "notes.txt")
	require.NoError(t, writeFile(leftover, "half a file"))
	require.NoError(t, writeFile(other, "kept"))
	p, _ := newTestProcessor(t, cfg)
	_, err := p.runOnce(t.Context())
	require.NoError(t, err)
	assert.NoFileExists(t, leftover)
	assert.FileExists(t, other)
}

// TestRedisStoppedDuringRun stops Redis after the fifth page, once a first commit of three
// pages has been trimmed. The run fails; Redis (restarted from its saved data) and the archive
// together still hold every entry; the next run completes without archiving anything twice.
func TestRedisStoppedDuringRun(t *testing.T) {
	srv := redistest.Start(t)
	cfg := testConfig(t, srv)
	cfg.PageSize = 100
	// The run leaves its lock behind when Redis goes away; a short TTL lets the next run in.
	cfg.Lock.TTL = time.Second
	rdb := srv.Client(t)
	writeEvents(t, rdb, cfg.Streams, makeEvents(1_000, testNow.Add(-100*24*time.Hour), time.Hour, 3, 2))
	writeEvents(t, rdb, cfg.Streams, makeEvents(50, testNow.Add(-time.Hour), time.Minute, 3, 2))
	before := snapshot(t, rdb)
	old, kept := splitAt(t, before, testCutoff)

	p, _ := newTestProcessor(t, cfg)
	p.limits = commitLimits{entries: 250, bytes: 64 << 20}
	pages := 0
	p.hooks.afterPage = func(ctx context.Context, _, _ string) error {
		if pages++; pages == 5 {
			// SHUTDOWN SAVE writes the data to disk first, so the restart below reloads it.
			_ = rdb.Do(ctx, "SHUTDOWN", "SAVE").Err()
			srv.Stop()
		}
		return nil
	}
	stats, err := p.runOnce(t.Context())
	require.Error(t, err)
	assert.Equal(t, int64(300), stats.trimmed[classMain], "the first commit was trimmed")

	srv.Restart()
	rdb = srv.Client(t)
	archived, _ := archiveContents(t, readArchive(t, cfg.Archive.Directory))
	inRedis := snapshot(t, rdb)
	assert.Len(t, archived, 300)
	assert.Len(t, inRedis, len(before)-300)
	for k, v := range before {
		if a, ok := archived[k]; ok {
			assert.Equal(t, v, a)
		} else {
			assert.Equal(t, v, inRedis[k], "entry %v is in Redis", k)
		}
	}

	p.hooks.afterPage = nil
	require.Eventually(t, func() bool {
		stats, err = p.runOnce(t.Context())
		return err == nil && !stats.skipped
	}, 10*time.Second, 50*time.Millisecond, "the next run completes once the old lock expired")
	assertArchivedOnce(t, cfg.Archive.Directory, old)
	assertSameEntries(t, kept, snapshot(t, rdb), "Redis after the second run")
}

// TestArchiveDisabledDeletes trims old entries without writing any file, page by page, and
// keeps a class whose max age is 0.
func TestArchiveDisabledDeletes(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.Archive.Enabled = false
	cfg.PageSize = 100
	cfg.MaxAge.PerAction = 0
	cfg.MaxAge.DeadLetter = 24 * time.Hour
	before := seedAuditData(t, srv, cfg, 1_000, 20)
	p, _ := newTestProcessor(t, cfg)
	var trims sync.Map
	p.hooks.trimmed = func(key, _ string, removed int64) {
		assert.LessOrEqual(t, removed, int64(100))
		n, _ := trims.LoadOrStore(key, new(int))
		*n.(*int)++
	}
	stats, err := p.runOnce(t.Context())
	require.NoError(t, err)
	assert.NoDirExists(t, cfg.Archive.Directory, "no archive is written")

	deadCutoff := testNow.Add(-24 * time.Hour).UnixMilli()
	want := map[entryKey][]string{}
	for k, v := range before {
		id, err := parseID(k.id)
		require.NoError(t, err)
		cutoff := testCutoff
		switch classOf(cfg, k.stream) {
		case classAction:
			cutoff = 0
		case classDeadLetter:
			cutoff = deadCutoff
		}
		if int64(id.ms) >= cutoff {
			want[k] = v
		}
	}
	assertSameEntries(t, want, snapshot(t, rdb),
		"old entries deleted, action streams and new entries kept")
	assert.Less(t, len(want), len(before))
	assert.Positive(t, countClass(cfg, want, classAction), "max_age 0 keeps a class")
	assert.Zero(t, countClass(cfg, want, classDeadLetter), "dead letters use their own max age")
	assert.EqualValues(t, 1_001, stats.trimmed[classMain])
	assert.Zero(t, stats.trimmed[classAction])
	mainTrims, _ := trims.Load(cfg.Streams.Main.Key)
	assert.Equal(t, 11, *mainTrims.(*int), "1,001 entries in pages of 100: 11 exact trims")
}
