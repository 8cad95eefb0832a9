// Package archivefile is the one definition of the retention archive's line format: the
// retention processor writes it, and every reader of the archive reads it through here.
package archivefile // import "github.com/redisaudit/redisauditexporter/internal/archivefile"

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"
)

// EncodingBase64 marks a line whose stream key and field names and values are base64.
const EncodingBase64 = "base64"

// maxLineBytes bounds one line when reading: an entry of many capped fields stays far below.
const maxLineBytes = 64 << 20

// Line is one archived entry. Fields keep their stored order and repeated names. When the
// stream key or a field is not valid UTF-8, which JSON strings cannot carry, all of them are
// base64 and Encoding says so.
type Line struct {
	Stream   string      `json:"stream"`
	ID       string      `json:"id"`
	Encoding string      `json:"encoding,omitempty"`
	Fields   [][2]string `json:"fields"`
}

// NewLine builds the line of the entry id of stream key, whose fields are name, value, ....
func NewLine(key, id string, fields []string) Line {
	line := Line{Stream: key, ID: id, Fields: make([][2]string, 0, len(fields)/2)}
	encode := func(s string) string { return s }
	if !utf8.ValidString(key) || slices.ContainsFunc(fields, notUTF8) {
		line.Encoding = EncodingBase64
		encode = func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
		line.Stream = encode(key)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		line.Fields = append(line.Fields, [2]string{encode(fields[i]), encode(fields[i+1])})
	}
	return line
}

func notUTF8(s string) bool { return !utf8.ValidString(s) }

// Read returns every line of one archive day file in file order, repeats included: a reader
// that wants each entry once drops repeats by (Stream, ID).
func Read(path string) ([]Line, error) {
	// The caller names the file on purpose: reading a given archive file is the point.
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	// gzip.Reader reads concatenated members as one stream, which is how a day file grows.
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), maxLineBytes)
	var out []Line
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("read %s: line %d: %w", path, len(out)+1, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}
