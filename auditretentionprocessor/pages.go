package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// entry is one stream entry with its fields in stored order: name, value, name, value...
// Order and repeated names are kept, which go-redis' map-based XRange result would lose.
type entry struct {
	id     streamID
	fields []string
}

// pager reads the old entries of one stream a page at a time, never the whole range at once.
type pager struct {
	client *redis.Client
	key    string
	start  string
	end    string
	count  int
	done   bool
}

// newPager pages through the entries of key whose ID time is before cutoff (ms).
func newPager(client *redis.Client, key string, cutoff int64, count int) *pager {
	// An end ID without a sequence number means its last one, so this covers the whole
	// millisecond before the cutoff and nothing of the cutoff's own.
	end := strconv.FormatInt(cutoff-1, 10)
	return &pager{client: client, key: key, start: "-", end: end, count: count}
}

// next returns the next page, empty when there is none. A short page is the last one.
func (pg *pager) next(ctx context.Context) ([]entry, error) {
	if pg.done {
		return nil, nil
	}
	raw, err := pg.client.Do(ctx, "XRANGE", pg.key, pg.start, pg.end, "COUNT", pg.count).Slice()
	if err != nil {
		return nil, fmt.Errorf("read stream %q: %w", pg.key, err)
	}
	page, err := parseEntries(raw)
	if err != nil {
		return nil, fmt.Errorf("read stream %q: %w", pg.key, err)
	}
	if len(page) < pg.count {
		pg.done = true
	}
	if len(page) > 0 {
		// '(' makes the start exclusive: the next page begins after the last entry read.
		pg.start = "(" + page[len(page)-1].id.String()
	}
	return page, nil
}

func parseEntries(raw []any) ([]entry, error) {
	page := make([]entry, 0, len(raw))
	for _, item := range raw {
		pair, ok := item.([]any)
		if !ok || len(pair) != 2 {
			return nil, fmt.Errorf("unexpected XRANGE item %T", item)
		}
		idText, _ := pair[0].(string)
		id, err := parseID(idText)
		if err != nil {
			return nil, err
		}
		values, _ := pair[1].([]any)
		fields := make([]string, 0, len(values))
		for _, v := range values {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("entry %s: unexpected field %T", idText, v)
			}
			fields = append(fields, s)
		}
		page = append(page, entry{id: id, fields: fields})
	}
	return page, nil
}
