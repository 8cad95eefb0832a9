package e2e

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/archivefile"
	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// oldMillis is an entry time far past every max age: 2001-09-09 01:46:40 UTC.
const oldMillis = 1_000_000_000_000

// TestRetentionInCollector runs the auditretention processor inside the built collector, next
// to the exporter: entries older than max_age are archived to the day files of their class and
// removed from Redis, and the events the collector writes meanwhile are kept.
func TestRetentionInCollector(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	archive := t.TempDir()
	t.Setenv("AUDIT_ARCHIVE_DIR", archive)
	oldIDs := writeOldEvents(t, rdb, 3)

	col := startCollector(t, srv.Addr, "--config", filepath.Join("testdata", "retention.yaml"))
	runProgram(t, auditsendBin, "-endpoint", col.grpcAddr, "-count", "0")

	require.Eventually(t, func() bool {
		first, err := rdb.XRangeN(t.Context(), "audit:user:1001", "-", "+", 1).Result()
		return err == nil && len(first) == 1 && first[0].ID != oldIDs[0]
	}, 20*time.Second, 50*time.Millisecond, "old entries still in audit:user:1001")
	waitForLen(t, rdb, mainKey, 3)

	for _, s := range []struct{ class, key string }{
		{"main", mainKey}, {"user", "audit:user:1001"}, {"action", "audit:action:user"},
	} {
		got := readArchive(t, filepath.Join(archive, s.class, "2001-09-09.jsonl.gz"))
		assert.Equal(t, oldIDs, got[s.key], "archived %s entries", s.class)
		assert.Len(t, got, 1, "only %s in the %s archive", s.key, s.class)
	}
	main := readStream(t, rdb, mainKey)
	require.Len(t, main, 3)
	for _, e := range main {
		assert.Equal(t, "1001", fieldValue(t, e, "user_id"), "new events kept")
	}
	checkFanOut(t, rdb, main)
}

// writeOldEvents writes n events as the exporter lays them out: one ID in the main, per-user
// and per-action streams.
func writeOldEvents(t *testing.T, rdb *redis.Client, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(oldMillis) + "-" + strconv.Itoa(i)
		values := []any{"user_id", "1001", "action", "user.login", "status", "success"}
		for _, key := range []string{mainKey, "audit:user:1001", "audit:action:user"} {
			require.NoError(t, rdb.XAdd(t.Context(), &redis.XAddArgs{
				Stream: key, ID: ids[i], Values: values,
			}).Err())
		}
	}
	return ids
}

// readArchive returns the entry IDs of one archive day file by stream, repeats dropped as the
// archive format asks of readers.
func readArchive(t *testing.T, path string) map[string][]string {
	t.Helper()
	lines, err := archivefile.Read(path)
	require.NoError(t, err)
	out := map[string][]string{}
	seen := map[[2]string]bool{}
	for _, line := range lines {
		require.Equal(t, [][2]string{
			{"user_id", "1001"},
			{"action", "user.login"},
			{"status", "success"},
		}, line.Fields)
		if k := [2]string{line.Stream, line.ID}; !seen[k] {
			seen[k] = true
			out[line.Stream] = append(out[line.Stream], line.ID)
		}
	}
	return out
}
