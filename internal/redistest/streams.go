package redistest // import "github.com/redisaudit/redisauditexporter/internal/redistest"

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

// Entry is one stream entry with its fields in stored order: name, value, name, value...
type Entry struct {
	ID     string
	Fields []string
}

// ReadStream returns every entry of the stream at key, oldest first. XRANGE goes through Do
// because the typed XRange returns fields as a map, which loses their order and repeats.
func ReadStream(tb testing.TB, rdb *redis.Client, key string) []Entry {
	tb.Helper()
	raw, err := rdb.Do(tb.Context(), "XRANGE", key, "-", "+").Slice()
	if err != nil {
		tb.Fatalf("XRANGE %s: %v", key, err)
	}
	out := make([]Entry, 0, len(raw))
	for _, item := range raw {
		pair, ok := item.([]any)
		if !ok || len(pair) != 2 {
			tb.Fatalf("XRANGE %s: unexpected item %v", key, item)
		}
		id, _ := pair[0].(string)
		flat, _ := pair[1].([]any)
		e := Entry{ID: id, Fields: make([]string, 0, len(flat))}
		for _, v := range flat {
			s, ok := v.(string)
			if !ok {
				tb.Fatalf("XRANGE %s: field of %s is %T", key, id, v)
			}
			e.Fields = append(e.Fields, s)
		}
		out = append(out, e)
	}
	return out
}
