package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// writeTimeout bounds how long a test waits for the collector to write what it was sent. The
// batch processor flushes every 200ms, so this is generous.
const writeTimeout = 15 * time.Second

// Keys the collector writes with testdata/collector.yaml, which keeps the exporter's defaults.
const (
	mainKey       = "audit:all"
	deadLetterKey = "audit:invalid"
	userPrefix    = "audit:user:"
	actionPrefix  = "audit:action:"
)

// waitForLen polls until the stream at key holds want entries. The collector acknowledges a
// request before its batch reaches Redis, so one read right after sending would race the write.
// Polling stops at the first length >= want, so a surplus fails too.
func waitForLen(t *testing.T, rdb *redis.Client, key string, want int64) {
	t.Helper()
	deadline := time.Now().Add(writeTimeout)
	for {
		n, err := rdb.XLen(t.Context(), key).Result()
		require.NoError(t, err)
		if n >= want || time.Now().After(deadline) {
			require.Equal(t, want, n, "XLEN %s", key)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readStream returns every entry of the stream at key, oldest first, fields in order.
func readStream(t *testing.T, rdb *redis.Client, key string) []entry {
	t.Helper()
	return redistest.ReadStream(t, rdb, key)
}

// allKeys lists the keys in Redis, sorted. Each test has a server of its own, so this is
// everything the collector wrote.
func allKeys(t *testing.T, rdb *redis.Client) []string {
	t.Helper()
	keys, err := rdb.Keys(t.Context(), "*").Result()
	require.NoError(t, err)
	slices.Sort(keys)
	return keys
}

func keysWithPrefix(t *testing.T, rdb *redis.Client, prefix string) []string {
	t.Helper()
	var keys []string
	for _, key := range allKeys(t, rdb) {
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
	}
	return keys
}

// checkCopies reads every stream under prefix and checks that each of its entries is a copy
// of a main entry (same ID, same fields) sitting in the stream keyOf names for that entry.
// It returns the IDs of all copies, one per entry read.
func checkCopies(t *testing.T, rdb *redis.Client, main []entry, prefix string,
	keyOf func(entry) string,
) []string {
	t.Helper()
	byID := make(map[string]entry, len(main))
	for _, e := range main {
		byID[e.ID] = e
	}
	var ids []string
	for _, key := range keysWithPrefix(t, rdb, prefix) {
		for _, e := range readStream(t, rdb, key) {
			ids = append(ids, e.ID)
			orig, ok := byID[e.ID]
			if !assert.True(t, ok, "%s entry %s has no main entry", key, e.ID) {
				continue
			}
			assert.Equal(t, orig.Fields, e.Fields, "%s entry %s", key, e.ID)
			assert.Equal(t, keyOf(orig), key, "stream of entry %s", e.ID)
		}
	}
	return ids
}

// checkFanOut checks that every main entry is in exactly one per-user and one per-action
// stream, the ones its user_id and action name, with the same ID and fields.
func checkFanOut(t *testing.T, rdb *redis.Client, main []entry) {
	t.Helper()
	ids := make([]string, 0, len(main))
	for _, e := range main {
		ids = append(ids, e.ID)
	}
	userKey := func(e entry) string { return userPrefix + fieldValue(t, e, "user_id") }
	actionKey := func(e entry) string {
		return actionPrefix + actionType(fieldValue(t, e, "action"))
	}
	assert.ElementsMatch(t, ids, checkCopies(t, rdb, main, userPrefix, userKey), "per-user streams")
	assert.ElementsMatch(t, ids, checkCopies(t, rdb, main, actionPrefix, actionKey),
		"per-action streams")
}
