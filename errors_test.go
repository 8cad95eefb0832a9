package redisauditexporter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
)

// reply is an error reply as Redis sends it.
type reply string

func (r reply) Error() string { return string(r) }
func (reply) RedisError()     {}

var _ redis.Error = reply("")

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		err   error
		retry bool
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{io.EOF, true},
		{context.DeadlineExceeded, true},
		{redis.ErrPoolTimeout, true},
		{redis.ErrClosed, true},
		{reply("LOADING Redis is loading the dataset in memory"), true},
		{reply("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT."), true},
		{reply("TRYAGAIN Multiple keys request during rehashing of slot"), true},
		{reply("CLUSTERDOWN The cluster is down"), true},
		{reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), true},
		{reply("OOM command not allowed when used memory > 'maxmemory'."), true},
		{reply("READONLY You can't write against a read only replica."), true},
		{reply("NOAUTH Authentication required."), true},
		{reply("WRONGPASS invalid username-password pair or user is disabled."), true},
		{reply("ERR max number of clients reached"), true},
		{fmt.Errorf("write audit events: %w", reply("LOADING Redis is loading")), true},
		{reply("WRONGTYPE audit key audit:user:1 holds a string, not a stream"), false},
		{reply("NOPERM this user has no permissions to run the 'xadd' command"), false},
		{reply("ERR The ID specified in XADD is equal or smaller than the target stream top item"), false},
		{reply("ERR unknown command 'EVALSHA'"), false},
		{fmt.Errorf("wrapped: %w", reply("WRONGTYPE Operation against a key")), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.retry, isRetryable(tt.err), "%v", tt.err)
	}
	assert.True(t, isRetryable(errors.New("connection reset by peer")))
}
