package auditretentionprocessor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// TestFindStreamsEscapesPrefixes uses a per-user prefix with glob characters. Only streams
// under that exact prefix are visited: a stream the unescaped pattern would match, and a key
// of another type under the prefix, are left alone, as is a main key that is not a stream.
func TestFindStreamsEscapesPrefixes(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.Streams.PerUser.Prefix = `audit:u[s]er*?\:`
	require.NoError(t, cfg.Validate())
	old := []streamEntry{{ID: "1000-0", Fields: []string{"k", "v"}}}
	ours := cfg.Streams.UserKey("1001")
	lookalike := "audit:user*?:1001" // matched by the prefix read as a glob: [s] is s
	writeEntries(t, rdb, ours, old)
	writeEntries(t, rdb, lookalike, old)
	require.NoError(t, rdb.Set(t.Context(), cfg.Streams.UserKey("str"), "not a stream", 0).Err())
	require.NoError(t, rdb.Set(t.Context(), cfg.Streams.Main.Key, "not a stream", 0).Err())

	p, _ := newTestProcessor(t, cfg)
	users, err := p.findStreams(t.Context(), p.classes()[1])
	require.NoError(t, err)
	assert.Equal(t, []string{ours}, users)

	stats, err := p.runOnce(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, stats.visited)
	assert.Zero(t, rdb.XLen(t.Context(), ours).Val(), "the stream under the exact prefix was trimmed")
	assert.Len(t, readStream(t, rdb, lookalike), 1)
	assert.Equal(t, "not a stream", rdb.Get(t.Context(), cfg.Streams.Main.Key).Val())
}

// TestFindStreamsManyKeys needs several SCAN calls and gets each stream once, sorted.
func TestFindStreamsManyKeys(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	events := makeEvents(3*scanCount, testNow.Add(-time.Hour), time.Minute, 3*scanCount, 1)
	writeEvents(t, rdb, cfg.Streams, events)
	p, _ := newTestProcessor(t, cfg)
	users, err := p.findStreams(t.Context(), p.classes()[1])
	require.NoError(t, err)
	assert.Len(t, users, 3*scanCount)
	assert.IsIncreasing(t, users)
}
