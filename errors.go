package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"errors"

	"github.com/redis/go-redis/v9"
)

// laterPrefixes are Redis replies that say "not now": the server is loading, busy with a
// script, failing over, out of memory or at its client limit. Waiting can fix each of them.
var laterPrefixes = []string{
	"LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "OOM", "READONLY",
	"NOREPLICAS", "MOVED", "ASK", "NOAUTH", "WRONGPASS",
}

// isRetryable tells whether writing the same chunk again may succeed. Anything that is not a
// reply from Redis (refused or lost connections, timeouts, a closed pool) is retryable, and so
// are the "not now" replies above. Every other reply from Redis, WRONGTYPE and NOPERM among
// them, will be given again for the same data, so retrying only delays the failure.
func isRetryable(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true
	}
	if redis.IsAuthError(err) || redis.IsOOMError(err) || redis.IsLoadingError(err) ||
		redis.IsTryAgainError(err) || redis.IsClusterDownError(err) ||
		redis.IsMasterDownError(err) || redis.IsReadOnlyError(err) || redis.IsMaxClientsError(err) {
		return true
	}
	for _, prefix := range laterPrefixes {
		if redis.HasErrorPrefix(err, prefix) {
			return true
		}
	}
	return false
}
