package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/redisaudit/redisauditexporter/internal/archivefile"
)

const (
	archiveSuffix = ".jsonl.gz"
	// Temp files are hidden and end in tmpSuffix, so a reader that lists `*.jsonl.gz` never
	// opens one, and the next run knows which files a crash left behind.
	tmpSuffix = ".tmp"
	dirMode   = 0o750
)

// commitLimits bound how much of a class one commit holds, so a large backlog is trimmed in
// steps instead of after the whole class has been archived.
type commitLimits struct {
	entries int
	bytes   int64
}

var defaultCommitLimits = commitLimits{entries: 100_000, bytes: 64 << 20}

// prepareArchive makes every class folder and removes the temp files a crashed run left.
func prepareArchive(dir string, classes []string) error {
	for _, class := range classes {
		classDir := filepath.Join(dir, class)
		if err := mkdirDurable(classDir); err != nil {
			return fmt.Errorf("create archive directory: %w", err)
		}
		if err := removeLeftovers(classDir); err != nil {
			return fmt.Errorf("clean archive directory: %w", err)
		}
	}
	return nil
}

// mkdirDurable creates dir and its missing parents, syncing each parent after adding to it,
// so a file renamed into dir later cannot vanish with a folder the crash forgot.
func mkdirDurable(dir string) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s: not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirDurable(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, dirMode); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

func removeLeftovers(dir string) error {
	names, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, d := range names {
		if isTempName(d.Name()) {
			err := os.Remove(filepath.Join(dir, d.Name()))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, tmpSuffix)
}

func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // G304: a folder of the configured archive
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// archiveBatch is what one commit of a class holds: a temp file per day it touched, and the
// trim points that become safe once those files have replaced the day files.
type archiveBatch struct {
	dir  string
	days map[string]*dayFile
	// open lists the days whose files are open, least recently used first. At most
	// maxOpenDays are, since each costs about 1 MiB of compressor state.
	open    []string
	line    bytes.Buffer
	entries int
	bytes   int64
	marks   []trimMark
}

// maxOpenDays bounds the day files a batch keeps open. A large backlog of sparse per-user
// streams can touch hundreds of days in one commit.
const maxOpenDays = 8

// trimMark is a page boundary: `XTRIM key MINID minID` removes only archived entries.
type trimMark struct {
	key   string
	minID string
}

func newArchiveBatch(dir string) *archiveBatch {
	return &archiveBatch{dir: dir, days: map[string]*dayFile{}}
}

// addPage writes a page of key's entries and records the trim point just past its last one.
func (b *archiveBatch) addPage(key string, page []entry) error {
	for _, e := range page {
		if err := b.add(key, e); err != nil {
			return err
		}
	}
	last := page[len(page)-1].id
	b.marks = append(b.marks, trimMark{key: key, minID: last.next().String()})
	return nil
}

func (b *archiveBatch) add(key string, e entry) error {
	f, err := b.dayFile(e.id.day())
	if err != nil {
		return err
	}
	b.line.Reset()
	enc := json.NewEncoder(&b.line)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(archivefile.NewLine(key, e.id.String(), e.fields)); err != nil {
		return fmt.Errorf("encode entry %s of %q: %w", e.id, key, err)
	}
	if _, err := f.gz.Write(b.line.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", f.tmp, err)
	}
	b.entries++
	b.bytes += int64(b.line.Len())
	return nil
}

// dayFile returns the open temp file of day, creating it or reopening a parked one, and parks
// the least recently used file when too many are open.
func (b *archiveBatch) dayFile(day string) (*dayFile, error) {
	f, seen := b.days[day]
	if seen && f.gz != nil {
		b.open = append(slices.DeleteFunc(b.open, func(d string) bool { return d == day }), day)
		return f, nil
	}
	if len(b.open) >= maxOpenDays {
		if err := b.days[b.open[0]].park(); err != nil {
			return nil, err
		}
		b.open = b.open[1:]
	}
	var err error
	if seen {
		err = f.resume()
	} else {
		f, err = createDayFile(b.dir, day)
	}
	if err != nil {
		return nil, err
	}
	b.days[day] = f
	b.open = append(b.open, day)
	return f, nil
}

func (b *archiveBatch) full(l commitLimits) bool {
	return b.entries >= l.entries || b.bytes >= l.bytes
}

// commit puts the batch's files in place of the day files: finish and fsync each temp file,
// make sure the lock is still held (a replica that lost it must not replace files another
// is writing), rename each over its day file, then fsync the folder so the renames last.
func (b *archiveBatch) commit(stillHeld func() error) error {
	days := slices.Sorted(maps.Keys(b.days))
	for _, day := range days {
		if err := b.days[day].finish(); err != nil {
			return err
		}
	}
	if err := stillHeld(); err != nil {
		return err
	}
	for _, day := range days {
		f := b.days[day]
		if err := os.Rename(f.tmp, f.final); err != nil {
			return fmt.Errorf("commit archive file: %w", err)
		}
		f.renamed = true
	}
	if err := syncDir(b.dir); err != nil {
		return fmt.Errorf("sync archive directory: %w", err)
	}
	return nil
}

// abort removes the temp files that were not committed. The day files are never touched.
func (b *archiveBatch) abort() {
	for _, f := range b.days {
		f.discard()
	}
}

// dayFile is the new version of one day file, written beside it: the old file's bytes, then
// new gzip members. Concatenated members are one valid gzip stream. While parked, its
// members are complete and no descriptor is open; resuming appends a new member.
type dayFile struct {
	final   string
	tmp     string
	f       *os.File
	buf     *bufio.Writer
	gz      *gzip.Writer
	renamed bool
}

func createDayFile(dir, day string) (*dayFile, error) {
	final := filepath.Join(dir, day+archiveSuffix)
	f, err := os.CreateTemp(dir, "."+day+archiveSuffix+".*"+tmpSuffix)
	if err != nil {
		return nil, fmt.Errorf("create archive file: %w", err)
	}
	d := &dayFile{final: final, tmp: f.Name(), f: f}
	if err := copyExisting(f, final); err != nil {
		d.discard()
		return nil, err
	}
	d.startMember()
	return d, nil
}

func (d *dayFile) startMember() {
	d.buf = bufio.NewWriterSize(d.f, 64<<10)
	d.gz = gzip.NewWriter(d.buf)
}

// copyExisting copies the day file as it is, if there is one. On Linux io.Copy between two
// files uses copy_file_range, so the bytes need not pass through the process.
func copyExisting(dst *os.File, path string) error {
	src, err := os.Open(path) //nolint:gosec // G304: a file of the configured archive
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open archive file: %w", err)
	}
	defer func() { _ = src.Close() }()
	if _, err := io.Copy(dst, src); err != nil {
		return fmt.Errorf("copy archive file %s: %w", path, err)
	}
	return nil
}

// endMember completes the open gzip member and writes out what is buffered.
func (d *dayFile) endMember() error {
	if err := d.gz.Close(); err != nil {
		return fmt.Errorf("write %s: %w", d.tmp, err)
	}
	if err := d.buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", d.tmp, err)
	}
	d.gz, d.buf = nil, nil
	return nil
}

func (d *dayFile) park() error {
	if err := d.endMember(); err != nil {
		return err
	}
	err := d.f.Close()
	d.f = nil
	return err
}

func (d *dayFile) resume() error {
	if err := d.reopen(); err != nil {
		return err
	}
	d.startMember()
	return nil
}

func (d *dayFile) reopen() error {
	f, err := os.OpenFile(d.tmp, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("reopen archive file: %w", err)
	}
	d.f = f
	return nil
}

// finish completes the file and fsyncs it, so it is on disk before it replaces the day file.
func (d *dayFile) finish() error {
	if d.f == nil {
		if err := d.reopen(); err != nil {
			return err
		}
	} else if err := d.endMember(); err != nil {
		return err
	}
	if err := d.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", d.tmp, err)
	}
	err := d.f.Close()
	d.f = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", d.tmp, err)
	}
	return nil
}

func (d *dayFile) discard() {
	if d.f != nil {
		_ = d.f.Close()
		d.f = nil
	}
	if !d.renamed {
		_ = os.Remove(d.tmp)
	}
}
