package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// releaseTimeout bounds releasing the lock, which also runs after shutdown canceled the run.
const releaseTimeout = 5 * time.Second

var errLockLost = errors.New("lost the retention lock")

// Both scripts act only while the key still holds this holder's token, so a holder that was
// too slow can never extend or delete a lock another replica has taken since.
var (
	renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)

// runLock is one holding of the lock: a random token stored under the key with a TTL.
type runLock struct {
	client *redis.Client
	key    string
	token  string
	ttl    time.Duration

	mu sync.Mutex
	// validUntil is when the lock expires at the latest, measured from before the command
	// that set its TTL was sent, so it is never later than Redis' own expiry.
	validUntil time.Time
	lost       bool
}

// acquireLock takes the lock, or returns nil when another holder has it.
func acquireLock(ctx context.Context, client *redis.Client, cfg LockConfig) (*runLock, error) {
	l := &runLock{client: client, key: cfg.Key, token: rand.Text(), ttl: cfg.TTL}
	sent := time.Now()
	err := client.SetArgs(ctx, l.key, l.token, redis.SetArgs{Mode: "NX", TTL: l.ttl}).Err()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l.validUntil = sent.Add(l.ttl)
	return l, nil
}

// renew extends the lock by its TTL. Any failure, an unreachable Redis included, counts as
// losing it: the holder can no longer know that nobody else has it.
func (l *runLock) renew(ctx context.Context) error {
	sent := time.Now()
	n, err := renewScript.Run(ctx, l.client, []string{l.key}, l.token, l.ttl.Milliseconds()).Int()
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil || n == 0 {
		l.lost = true
		if err != nil {
			return fmt.Errorf("%w: renew: %w", errLockLost, err)
		}
		return errLockLost
	}
	l.validUntil = sent.Add(l.ttl)
	return nil
}

// check tells whether the lock is held with at least TTL/3 left, without a round trip. Every
// trim and every archive commit asks first; the margin keeps a rename or XTRIM from landing
// after the lock expired and another replica took it. Renewals every TTL/3 keep about 2/3
// left, so only a renewal that is late by TTL/3 or more stops the run.
func (l *runLock) check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost || !time.Now().Add(l.ttl/3).Before(l.validUntil) {
		return errLockLost
	}
	return nil
}

// keepAlive renews the lock every TTL/3 until stop is called. When a renewal fails, the
// returned context is canceled with errLockLost as its cause, which stops the run.
func (l *runLock) keepAlive(ctx context.Context) (runCtx context.Context, stop func()) {
	runCtx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(l.ttl / 3)
		defer ticker.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-ticker.C:
			}
			if err := l.renew(runCtx); err != nil {
				cancel(err)
				return
			}
		}
	}()
	return runCtx, func() {
		cancel(context.Canceled)
		<-done
	}
}

// release deletes the lock if it still holds this token. It runs even when ctx was
// canceled by shutdown, so the next holder need not wait for the TTL.
func (l *runLock) release(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	return releaseScript.Run(ctx, l.client, []string{l.key}, l.token).Err()
}
