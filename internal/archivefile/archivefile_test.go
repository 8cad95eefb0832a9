package archivefile

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewLine(t *testing.T) {
	line := NewLine("audit:all", "1-2", []string{"a", "1", "a", "é"})
	assert.Equal(t, Line{Stream: "audit:all", ID: "1-2", Fields: [][2]string{{"a", "1"}, {"a", "é"}}}, line)

	binary := NewLine("audit:user:\xff", "1-0", []string{"n", "\xfe\x00"})
	assert.Equal(t, EncodingBase64, binary.Encoding)
	assert.Equal(t, "YXVkaXQ6dXNlcjr/", binary.Stream)
	assert.Equal(t, [][2]string{{"bg==", "/gA="}}, binary.Fields)
}

// TestReadConcatenatedMembers reads a file grown the way the processor grows a day file: one
// gzip member per commit, a repeat included.
func TestReadConcatenatedMembers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "2026-12-03.jsonl.gz")
	first := NewLine("audit:all", "1-0", []string{"user_id", "1001"})
	second := NewLine("audit:all", "2-0", []string{"user_id", "1002"})
	writeMember(t, path, first)
	writeMember(t, path, second, first)

	lines, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, []Line{first, second, first}, lines, "every member, in order, repeats kept")
}

func TestReadReportsBadLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.jsonl.gz")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	_, err = zw.Write([]byte("{\"stream\":\"a\",\"id\":\"1-0\",\"fields\":[]}\nnot json\n"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())

	_, err = Read(path)
	require.ErrorContains(t, err, "line 2")
	_, err = Read(filepath.Join(t.TempDir(), "missing.jsonl.gz"))
	require.Error(t, err)
}

func writeMember(t *testing.T, path string, lines ...Line) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	zw := gzip.NewWriter(f)
	enc := json.NewEncoder(zw)
	for _, l := range lines {
		require.NoError(t, enc.Encode(l))
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
}
