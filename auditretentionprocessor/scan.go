package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"maps"
	"slices"

	"go.uber.org/zap"
)

// scanCount is the COUNT hint of one SCAN call: how many keys Redis looks at per call, which
// bounds how long one call holds the server.
const scanCount = 1000

// findStreams lists the streams of a class, sorted. Families are found with SCAN, which
// walks the keyspace in small steps instead of blocking Redis the way KEYS does.
func (p *retentionProcessor) findStreams(ctx context.Context, c streamClass) ([]string, error) {
	if c.fixedKey != "" {
		return p.fixedStream(ctx, c.fixedKey)
	}
	seen := map[string]struct{}{}
	var cursor uint64
	for {
		keys, next, err := p.client.ScanType(ctx, cursor, c.pattern, scanCount, "stream").Result()
		if err != nil {
			return nil, err
		}
		// SCAN may return a key more than once; the set keeps one.
		for _, k := range keys {
			seen[k] = struct{}{}
		}
		if next == 0 {
			return slices.Sorted(maps.Keys(seen)), nil
		}
		cursor = next
	}
}

// fixedStream returns key when it holds a stream. A key of another type is left alone with a
// warning: it is not an audit stream, whatever its name.
func (p *retentionProcessor) fixedStream(ctx context.Context, key string) ([]string, error) {
	kind, err := p.client.Type(ctx, key).Result()
	switch {
	case err != nil:
		return nil, err
	case kind == "stream":
		return []string{key}, nil
	case kind != "none":
		p.logger.Warn("audit stream key holds another type; skipped",
			zap.String("key", key), zap.String("type", kind))
	}
	return nil, nil
}
