package auditretentionprocessor

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/archivefile"
)

func TestArchiveLine(t *testing.T) {
	e := entry{id: streamID{ms: 1, seq: 2}, fields: []string{"a", "<1>", "a", "é&2"}}
	var buf bytes.Buffer
	b := newArchiveBatch(t.TempDir())
	require.NoError(t, b.add("audit:all", e))
	b.abort()
	line := archivefile.NewLine("audit:all", e.id.String(), e.fields)
	want := archivefile.Line{Stream: "audit:all", ID: "1-2", Fields: [][2]string{{"a", "<1>"}, {"a", "é&2"}}}
	assert.Equal(t, want, line)
	buf.Write(b.line.Bytes())
	assert.JSONEq(t,
		`{"stream":"audit:all","id":"1-2","fields":[["a","<1>"],["a","é&2"]]}`, buf.String())
	assert.Contains(t, buf.String(), `"<1>"`, "no HTML escaping")

	binary := archivefile.NewLine("audit:user:\xff", "1-0", []string{"n", "\xfe\x00"})
	assert.Equal(t, "base64", binary.Encoding)
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte("audit:user:\xff")), binary.Stream)
	assert.Equal(t, [][2]string{{"bg==", "/gA="}}, binary.Fields)
}

// TestDayFileGrowsByMembers commits twice into the same day file. The second commit copies
// the first file and adds a gzip member; a reader sees both commits' lines in order, and the
// file's first bytes are the first commit's file unchanged.
func TestDayFileGrowsByMembers(t *testing.T) {
	dir := t.TempDir()
	held := func() error { return nil }
	commit := func(ids ...uint64) {
		b := newArchiveBatch(dir)
		for _, id := range ids {
			require.NoError(t, b.add("audit:all", testEntry(id)))
		}
		require.NoError(t, b.commit(held))
	}
	commit(1, 2)
	path := filepath.Join(dir, "1970-01-01"+archiveSuffix)
	firstBytes, err := os.ReadFile(path)
	require.NoError(t, err)
	commit(3)
	all, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, firstBytes, all[:len(firstBytes)])
	assert.Equal(t, 2, gzipMembers(t, path))
	var ids []string
	for _, l := range readArchiveFile(t, path) {
		ids = append(ids, l.ID)
	}
	assert.Equal(t, []string{"1-0", "2-0", "3-0"}, ids)
	assert.Empty(t, tempFiles(t, filepath.Dir(dir)))
}

// TestManyDaysInOneBatch writes entries of 30 days in turn, more days than a batch keeps open:
// files are parked and reopened with new members, never more than maxOpenDays are open, and
// every day file holds its own entries in order after the commit.
func TestManyDaysInOneBatch(t *testing.T) {
	dir := t.TempDir()
	b := newArchiveBatch(dir)
	const days, rounds = 30, 3
	for r := range rounds {
		for d := range days {
			ms := uint64(d)*86_400_000 + uint64(r)
			require.NoError(t, b.add("audit:all", testEntry(ms)))
			require.LessOrEqual(t, len(b.open), maxOpenDays)
		}
	}
	require.NoError(t, b.commit(func() error { return nil }))
	for d := range days {
		path := filepath.Join(dir, streamID{ms: uint64(d) * 86_400_000}.day()+archiveSuffix)
		var ids []string
		for _, l := range readArchiveFile(t, path) {
			ids = append(ids, l.ID)
		}
		base := uint64(d) * 86_400_000
		want := []string{streamID{ms: base}.String(), streamID{ms: base + 1}.String()}
		assert.Equal(t, append(want, streamID{ms: base + 2}.String()), ids)
		assert.Equal(t, rounds, gzipMembers(t, path), "each reopening adds a member")
	}
	assert.Empty(t, tempFiles(t, filepath.Dir(dir)))
}

// TestCommitWithoutLockRenamesNothing: a batch whose run lost the lock leaves the day files
// as they were.
func TestCommitWithoutLockRenamesNothing(t *testing.T) {
	dir := t.TempDir()
	b := newArchiveBatch(dir)
	require.NoError(t, b.add("audit:all", entry{id: streamID{ms: 1}, fields: []string{"n", "v"}}))
	require.ErrorIs(t, b.commit(func() error { return errLockLost }), errLockLost)
	b.abort()
	names, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, names)
}

func TestMkdirDurable(t *testing.T) {
	base := t.TempDir()
	require.NoError(t, mkdirDurable(filepath.Join(base, "a", "b", "c")))
	assert.DirExists(t, filepath.Join(base, "a", "b", "c"))
	require.NoError(t, mkdirDurable(filepath.Join(base, "a", "b", "c")), "an existing folder is fine")
	file := filepath.Join(base, "file")
	require.NoError(t, writeFile(file, "x"))
	require.Error(t, mkdirDurable(filepath.Join(file, "sub")))
	require.ErrorContains(t, mkdirDurable(file), "not a directory")
}

func testEntry(ms uint64) entry {
	return entry{id: streamID{ms: ms}, fields: []string{"n", "v"}}
}

// gzipMembers counts the gzip members of a file.
func gzipMembers(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	// One buffered reader for all members: gzip reads no further than a member's end only
	// from an io.ByteReader.
	r := bufio.NewReader(f)
	zr, err := gzip.NewReader(r)
	require.NoError(t, err)
	n := 0
	for {
		zr.Multistream(false)
		_, err := io.Copy(io.Discard, zr)
		require.NoError(t, err)
		n++
		if err := zr.Reset(r); errors.Is(err, io.EOF) {
			return n
		}
		require.NoError(t, err)
	}
}
