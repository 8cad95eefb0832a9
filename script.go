package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	_ "embed"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/redisaudit/redisauditexporter/internal/streams"
)

//go:embed fanout.lua
var fanoutSource string

// fanoutScript is the one write path: every entry the exporter writes goes through it.
var fanoutScript = redis.NewScript(fanoutSource)

const (
	kindEvent      = "e"
	kindDeadLetter = "d"
	// maxChunkBytes closes a chunk early when its values are large, so that one script call
	// stays short inside Redis even when every value is near the cap.
	maxChunkBytes = 1 << 20
)

// event is one record ready to be written: its fields and the streams it goes to.
type event struct {
	deadLetter bool
	userKey    string // "" when the per-user family is off or the event is dead-lettered
	actionKey  string // likewise for the per-action family
	fields     []field
	origin     recordRef
}

// recordRef locates the record an event came from, to hand failed records back for retry.
type recordRef struct{ resource, scope, record int }

// chunk is the KEYS and ARGV of one script call, and the events it writes.
type chunk struct {
	keys   []string
	args   []any
	events []event
}

// chunker splits events into script calls.
type chunker struct {
	layout    streams.Config
	perScript int
}

func (c chunker) split(events []event) []chunk {
	var chunks []chunk
	for len(events) > 0 {
		n, size := 0, 0
		for n < len(events) && n < c.perScript && (n == 0 || size < maxChunkBytes) {
			size += eventBytes(events[n])
			n++
		}
		chunks = append(chunks, c.encode(events[:n]))
		events = events[n:]
	}
	return chunks
}

func (c chunker) encode(events []event) chunk {
	keys := []string{c.layout.Main.Key, c.layout.DeadLetter.Key}
	index := map[string]int{}
	keyIndex := func(key string) string {
		if key == "" {
			return "0"
		}
		i, ok := index[key]
		if !ok {
			keys = append(keys, key)
			i = len(keys)
			index[key] = i
		}
		return strconv.Itoa(i)
	}
	args := []any{
		capArg(c.layout.Main.MaxLen), capArg(c.layout.PerUser.MaxLen),
		capArg(c.layout.PerAction.MaxLen), capArg(c.layout.DeadLetter.MaxLen),
	}
	for _, ev := range events {
		kind := kindEvent
		if ev.deadLetter {
			kind = kindDeadLetter
		}
		args = append(args, kind, keyIndex(ev.userKey), keyIndex(ev.actionKey), len(ev.fields))
		for _, f := range ev.fields {
			args = append(args, f.name, f.value)
		}
	}
	return chunk{keys: keys, args: args, events: events}
}

func capArg(n int64) string { return strconv.FormatInt(n, 10) }

func eventBytes(ev event) int {
	n := 0
	for _, f := range ev.fields {
		n += len(f.name) + len(f.value)
	}
	return n
}
