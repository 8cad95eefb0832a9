package auditretentionprocessor

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamIDs(t *testing.T) {
	id, err := parseID("1785924000000-7")
	require.NoError(t, err)
	assert.Equal(t, streamID{ms: 1785924000000, seq: 7}, id)
	assert.Equal(t, "1785924000000-7", id.String())
	assert.Equal(t, "1785924000000-8", id.next().String())
	assert.Equal(t, "2026-08-05", id.day())

	last := streamID{ms: 5, seq: math.MaxUint64}
	assert.Equal(t, "6-0", last.next().String(), "the last sequence rolls over to the next ms")
	assert.Equal(t, "1970-01-01", streamID{ms: 86_400_000 - 1}.day())
	assert.Equal(t, "1970-01-02", streamID{ms: 86_400_000}.day())

	for _, bad := range []string{"", "12", "a-1", "1-b", "-1", "1--1"} {
		_, err := parseID(bad)
		assert.Error(t, err, "parse %q", bad)
	}
}

func TestCutoffMillis(t *testing.T) {
	now := time.UnixMilli(10_000)
	assert.EqualValues(t, 7_000, cutoffMillis(now, 3*time.Second))
	assert.Zero(t, cutoffMillis(now, 0), "max age 0 keeps everything")
	assert.Negative(t, cutoffMillis(now, time.Hour))
}
