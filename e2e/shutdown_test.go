package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// TestShutdownFlushesBatch checks that SIGTERM writes what the collector already acknowledged:
// events waiting in the batch processor reach Redis before the process exits.
func TestShutdownFlushesBatch(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	// A batch that neither times out nor fills up during the test: only shutdown flushes it.
	col := startCollector(t, srv.Addr,
		"--set=processors::batch::timeout=30s", "--set=processors::batch::send_batch_size=100000")

	// auditsend exits 0 only once the receiver acknowledged every event.
	out := runProgram(t, auditsendBin, "-endpoint", col.grpcAddr, "-count", "200")
	assert.Contains(t, out, "sent 203 of 203 events")
	// Waiting past the config's own 200ms batch timeout shows the overrides took effect. An
	// entry here would mean the batch flushed on its own and the test proved nothing.
	time.Sleep(time.Second)
	n, err := rdb.XLen(t.Context(), mainKey).Result()
	require.NoError(t, err)
	require.Zero(t, n, "entries were written before shutdown")

	require.NoError(t, col.stop(), "collector exit after SIGTERM")
	// No polling: the process exits only after its pipeline drained, so all must be there now.
	n, err = rdb.XLen(t.Context(), mainKey).Result()
	require.NoError(t, err)
	require.EqualValues(t, 203, n, "XLEN %s after shutdown", mainKey)
	checkFanOut(t, rdb, readStream(t, rdb, mainKey))
	assert.Empty(t, readStream(t, rdb, deadLetterKey))
}
