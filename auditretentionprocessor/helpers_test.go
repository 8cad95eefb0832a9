package auditretentionprocessor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/component/componenttest"

	"github.com/redisaudit/redisauditexporter/internal/archivefile"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
	"github.com/redisaudit/redisauditexporter/internal/streams"
)

// testNow is the injected clock of every test. With the default max age of 90 days the cutoff
// is 2026-09-04T10:00:00Z.
var testNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

var testCutoff = testNow.Add(-defaultMaxAge).UnixMilli()

// testConfig is the default config against srv with its archive in a fresh folder.
func testConfig(t *testing.T, srv *redistest.Server) *Config {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.Connection.Endpoint = srv.Addr
	cfg.Archive.Directory = filepath.Join(t.TempDir(), "archive")
	require.NoError(t, cfg.Validate())
	return cfg
}

// newTestProcessor builds a processor with a client but without its background job, so a test
// drives runs itself through runOnce or runAndReport.
func newTestProcessor(t *testing.T, cfg *Config) (*retentionProcessor, *componenttest.Telemetry) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	p, err := newRetentionProcessor(cfg, tel.NewTelemetrySettings())
	require.NoError(t, err)
	p.now = func() time.Time { return testNow }
	p.client, err = cfg.Connection.NewClient(t.Context())
	require.NoError(t, err)
	p.host = componenttest.NewNopHost()
	t.Cleanup(func() {
		_ = p.client.Close()
		p.telemetry.Shutdown()
	})
	return p, tel
}

// streamEntry is an entry as stored: its ID and fields in order (name, value, ...).
type streamEntry = redistest.Entry

// event is one audit event as the exporter writes it: the same ID in the main stream, in its
// user's stream and in its action type's stream.
type event struct {
	id     string
	user   string
	action string
	fields []string
}

// makeEvents returns n events whose IDs are spread over span from start. Every tenth shares
// the previous one's millisecond with the next sequence number, and every 500th repeats a
// field name, which the archive must keep.
func makeEvents(n int, start time.Time, span time.Duration, users, actions int) []event {
	events := make([]event, 0, n)
	step := span.Milliseconds() / int64(n)
	ms, seq := start.UnixMilli(), 0
	for i := range n {
		if i%10 == 9 {
			seq++
		} else if i > 0 {
			ms, seq = ms+step, 0
		}
		user, action := "u"+strconv.Itoa(i%users), "act"+strconv.Itoa(i%actions)
		fields := []string{
			"timestamp", time.UnixMilli(ms).UTC().Format(time.RFC3339Nano), "user_id", user,
			"action", action + ".do", "status", "success", "message", fmt.Sprintf("event %d <é&>", i),
		}
		if i%500 == 0 {
			fields = append(fields, "attr.x", "1", "attr.x", "2")
		}
		id := fmt.Sprintf("%d-%d", ms, seq)
		events = append(events, event{id: id, user: user, action: action, fields: fields})
	}
	return events
}

// writeEvents adds the events with their explicit IDs, pipelined in chunks.
func writeEvents(t *testing.T, rdb *redis.Client, layout streams.Config, events []event) {
	t.Helper()
	for start := 0; start < len(events); start += 1000 {
		_, err := rdb.Pipelined(t.Context(), func(p redis.Pipeliner) error {
			for _, ev := range events[start:min(start+1000, len(events))] {
				keys := []string{layout.Main.Key, layout.UserKey(ev.user), layout.ActionKey(ev.action)}
				for _, key := range keys {
					p.XAdd(t.Context(), &redis.XAddArgs{Stream: key, ID: ev.id, Values: ev.fields})
				}
			}
			return nil
		})
		require.NoError(t, err)
	}
}

// writeEntries adds entries to one stream with their explicit IDs.
func writeEntries(t *testing.T, rdb *redis.Client, key string, entries []streamEntry) {
	t.Helper()
	_, err := rdb.Pipelined(t.Context(), func(p redis.Pipeliner) error {
		for _, e := range entries {
			p.XAdd(t.Context(), &redis.XAddArgs{Stream: key, ID: e.ID, Values: e.Fields})
		}
		return nil
	})
	require.NoError(t, err)
}

// readStream reads a whole stream with field order and repeated names kept.
func readStream(t *testing.T, rdb *redis.Client, key string) []streamEntry {
	t.Helper()
	return redistest.ReadStream(t, rdb, key)
}

// streamKeys lists every stream in the database.
func streamKeys(t *testing.T, rdb *redis.Client) []string {
	t.Helper()
	var keys []string
	iter := rdb.ScanType(t.Context(), 0, "*", 1000, "stream").Iterator()
	for iter.Next(t.Context()) {
		keys = append(keys, iter.Val())
	}
	require.NoError(t, iter.Err())
	return keys
}

// entryKey names an entry across streams.
type entryKey struct{ stream, id string }

// snapshot reads every stream, entry by entry.
func snapshot(t *testing.T, rdb *redis.Client) map[entryKey][]string {
	t.Helper()
	out := map[entryKey][]string{}
	for _, key := range streamKeys(t, rdb) {
		for _, e := range readStream(t, rdb, key) {
			out[entryKey{key, e.ID}] = e.Fields
		}
	}
	return out
}

// splitAt divides a snapshot into the entries older than cutoff (ms) and the rest.
func splitAt(t *testing.T, all map[entryKey][]string, cutoff int64) (old, kept map[entryKey][]string) {
	t.Helper()
	old, kept = map[entryKey][]string{}, map[entryKey][]string{}
	for k, v := range all {
		id, err := parseID(k.id)
		require.NoError(t, err)
		if int64(id.ms) < cutoff {
			old[k] = v
		} else {
			kept[k] = v
		}
	}
	return old, kept
}

// archivedLine is one line read back from the archive, with the file it came from.
type archivedLine struct {
	class string
	day   string
	line  archivefile.Line
}

// readArchive reads every archive file below dir the way the README tells readers to.
func readArchive(t *testing.T, dir string) []archivedLine {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"+archiveSuffix))
	require.NoError(t, err)
	var out []archivedLine
	for _, path := range files {
		class := filepath.Base(filepath.Dir(path))
		day := filepath.Base(path)[:len(time.DateOnly)]
		for _, l := range readArchiveFile(t, path) {
			out = append(out, archivedLine{class: class, day: day, line: l})
		}
	}
	return out
}

func readArchiveFile(t *testing.T, path string) []archivefile.Line {
	t.Helper()
	lines, err := archivefile.Read(path)
	require.NoError(t, err)
	return lines
}

// archiveContents drops repeats by (stream, id), as readers do, and counts how many copies
// each entry had.
func archiveContents(t *testing.T, lines []archivedLine) (map[entryKey][]string, map[entryKey]int) {
	t.Helper()
	entries, copies := map[entryKey][]string{}, map[entryKey]int{}
	for _, l := range lines {
		k := entryKey{l.line.Stream, l.line.ID}
		var fields []string
		for _, f := range l.line.Fields {
			fields = append(fields, f[0], f[1])
		}
		if prev, seen := entries[k]; seen {
			require.Equal(t, prev, fields, "copies of %v differ", k)
		}
		entries[k] = fields
		copies[k]++
	}
	return entries, copies
}

// statusHost records the status events a component reports.
type statusHost struct {
	component.Host
	mu     sync.Mutex
	events []*componentstatus.Event
}

func newStatusHost() *statusHost {
	return &statusHost{Host: componenttest.NewNopHost()}
}

func (h *statusHost) Report(ev *componentstatus.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
}

func (h *statusHost) statuses() []componentstatus.Status {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]componentstatus.Status, 0, len(h.events))
	for _, ev := range h.events {
		out = append(out, ev.Status())
	}
	return out
}

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// tempFiles lists the temp files left in the class folders of an archive.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "*"+tmpSuffix))
	require.NoError(t, err)
	return files
}

// assertSameEntries compares two sets of entries and, when they differ, reports counts and a
// few examples instead of printing tens of thousands of entries.
func assertSameEntries(t *testing.T, want, got map[entryKey][]string, what string) {
	t.Helper()
	var missing, extra, changed []entryKey
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case !slices.Equal(v, g):
			changed = append(changed, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	if len(missing)+len(extra)+len(changed) > 0 {
		t.Errorf("%s: %d missing (e.g. %v), %d unexpected (e.g. %v), %d with other fields (e.g. %v)",
			what, len(missing), first(missing), len(extra), first(extra), len(changed), first(changed))
	}
}

func first(keys []entryKey) []entryKey {
	return keys[:min(3, len(keys))]
}

// assertArchivedOnce checks that the archive holds exactly want, each entry once.
func assertArchivedOnce(t *testing.T, dir string, want map[entryKey][]string) {
	t.Helper()
	archived, copies := archiveContents(t, readArchive(t, dir))
	assertSameEntries(t, want, archived, "archive")
	for k, n := range copies {
		if n != 1 {
			t.Errorf("entry %v archived %d times", k, n)
			return
		}
	}
}
