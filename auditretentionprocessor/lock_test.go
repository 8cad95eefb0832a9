package auditretentionprocessor

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

func seedOld(t *testing.T, rdb *redis.Client, cfg *Config, n int) {
	t.Helper()
	writeEvents(t, rdb, cfg.Streams, makeEvents(n, testNow.Add(-100*24*time.Hour), time.Hour, 3, 2))
}

// TestSecondProcessorSkipsWhileLockHeld runs a second processor while the first holds the
// lock: it does nothing, says it skipped, and is not an error.
func TestSecondProcessorSkipsWhileLockHeld(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	seedOld(t, rdb, cfg, 500)
	before := snapshot(t, rdb)
	first, _ := newTestProcessor(t, cfg)
	second, _ := newTestProcessor(t, cfg)

	var secondStats runStats
	var secondErr error
	first.hooks.lockHeld = func() {
		secondStats, secondErr = second.runOnce(t.Context())
		assertSameEntries(t, before, snapshot(t, rdb), "the second processor trimmed nothing")
	}
	stats, err := first.runOnce(t.Context())
	require.NoError(t, err)
	require.NoError(t, secondErr)
	assert.True(t, secondStats.skipped)
	assert.Empty(t, secondStats.trimmed)
	assert.False(t, stats.skipped)
	assert.EqualValues(t, 500, stats.trimmed[classMain])
}

// TestConcurrentProcessorsTakeTurns runs two processors against one Redis and one archive
// folder, ten runs each, at the same time. Each holder keeps the lock until the other has
// tried and failed, so the runs overlap; at no moment do both hold it, every trim happens
// under the lock, and every old entry ends up archived exactly once.
func TestConcurrentProcessorsTakeTurns(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.PageSize = 100
	seedOld(t, rdb, cfg, 2_000)
	old, _ := splitAt(t, snapshot(t, rdb), testCutoff)

	w := &lockWatch{tried: make(chan struct{}, 1), finished: make(chan struct{})}
	var wg sync.WaitGroup
	for range 2 {
		p, _ := newTestProcessor(t, cfg)
		w.attach(p)
		wg.Go(func() { w.runs(t, p, 10) })
	}
	wg.Wait()

	assert.EqualValues(t, 1, w.maxHolders.Load(), "never two holders at once")
	assert.Zero(t, w.unlockedTrims.Load(), "every trim ran under the lock")
	assert.EqualValues(t, 20, w.acquired.Load()+w.skipped.Load())
	assert.Positive(t, w.skipped.Load(), "the processors competed for the lock")
	assertArchivedOnce(t, cfg.Archive.Directory, old)
}

// lockWatch follows the lock across processors through their hooks.
type lockWatch struct {
	holders, maxHolders, acquired, skipped, unlockedTrims atomic.Int32
	// tried carries a failed attempt to the holder; finished closes when a processor is done.
	tried    chan struct{}
	finished chan struct{}
	once     sync.Once
}

func (w *lockWatch) attach(p *retentionProcessor) {
	p.hooks.lockHeld = w.held
	p.hooks.releasing = func() { w.holders.Add(-1) }
	p.hooks.trimmed = func(string, string, int64) {
		if w.holders.Load() != 1 {
			w.unlockedTrims.Add(1)
		}
	}
}

// held counts a holder and keeps the lock until another processor failed to take it.
func (w *lockWatch) held() {
	n := w.holders.Add(1)
	w.acquired.Add(1)
	for m := w.maxHolders.Load(); n > m && !w.maxHolders.CompareAndSwap(m, n); {
		m = w.maxHolders.Load()
	}
	select { // wait for a fresh failed attempt, not one from before this holding
	case <-w.tried:
	default:
	}
	select {
	case <-w.tried:
	case <-w.finished:
	case <-time.After(2 * time.Second):
	}
}

func (w *lockWatch) runs(t *testing.T, p *retentionProcessor, n int) {
	t.Helper()
	defer w.once.Do(func() { close(w.finished) })
	for range n {
		stats, err := p.runOnce(context.Background())
		if err != nil {
			t.Errorf("run: %v", err)
			return
		}
		if stats.skipped {
			w.skipped.Add(1)
			select {
			case w.tried <- struct{}{}:
			default:
			}
		}
	}
}

// TestLockTakenOverAfterHolderDied leaves a lock with a foreign token and a short TTL, as a
// replica that died mid-run would: runs skip while it lives and take over once it expired.
func TestLockTakenOverAfterHolderDied(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	seedOld(t, rdb, cfg, 300)
	require.NoError(t, rdb.Set(t.Context(), cfg.Lock.Key, "dead-replica", 300*time.Millisecond).Err())
	p, _ := newTestProcessor(t, cfg)

	stats, err := p.runOnce(t.Context())
	require.NoError(t, err)
	require.True(t, stats.skipped)
	assert.Equal(t, "dead-replica", rdb.Get(t.Context(), cfg.Lock.Key).Val(),
		"a live lock is left alone")
	assert.EqualValues(t, 300, rdb.XLen(t.Context(), cfg.Streams.Main.Key).Val())

	require.Eventually(t, func() bool {
		stats, err = p.runOnce(t.Context())
		return err == nil && !stats.skipped
	}, 5*time.Second, 20*time.Millisecond)
	assert.EqualValues(t, 300, stats.trimmed[classMain])
	assert.Zero(t, rdb.Exists(t.Context(), cfg.Lock.Key).Val(), "released at the end of the run")
}

// TestLostLockStopsBeforeTrim lets another holder take the key during a run, after the first
// archive commit. The next renewal notices, and the run stops before trimming anything; the
// other holder's lock is not deleted.
func TestLostLockStopsBeforeTrim(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	cfg.Lock.TTL = time.Second
	seedOld(t, rdb, cfg, 300)
	before := snapshot(t, rdb)
	p, _ := newTestProcessor(t, cfg)
	p.hooks.afterCommit = func(ctx context.Context, _ string) error {
		require.NoError(t, rdb.Set(ctx, cfg.Lock.Key, "intruder", time.Minute).Err())
		select { // the renewal, every TTL/3, finds the foreign token and cancels the run
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Error("renewal did not notice the lost lock")
		}
		return nil
	}
	_, err := p.runOnce(t.Context())
	require.ErrorIs(t, err, errLockLost)
	assertSameEntries(t, before, snapshot(t, rdb), "nothing trimmed after the lock was lost")
	assert.Equal(t, "intruder", rdb.Get(t.Context(), cfg.Lock.Key).Val())
}

// TestLockScriptsCheckToken checks renew and release against a key that holds another token.
func TestLockScriptsCheckToken(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	lockCfg := LockConfig{Key: "audit:retention:lock", TTL: 2 * time.Second}
	lk, err := acquireLock(t.Context(), rdb, lockCfg)
	require.NoError(t, err)
	require.NotNil(t, lk)
	require.NoError(t, rdb.PExpire(t.Context(), lockCfg.Key, 500*time.Millisecond).Err())
	require.NoError(t, lk.renew(t.Context()))
	assert.Greater(t, rdb.PTTL(t.Context(), lockCfg.Key).Val(), time.Second, "renew restores the TTL")
	again, err := acquireLock(t.Context(), rdb, lockCfg)
	require.NoError(t, err)
	assert.Nil(t, again, "a held lock cannot be taken")

	require.NoError(t, rdb.Set(t.Context(), lockCfg.Key, "other", redis.KeepTTL).Err())
	require.ErrorIs(t, lk.renew(t.Context()), errLockLost)
	require.ErrorIs(t, lk.check(), errLockLost)
	require.NoError(t, lk.release(t.Context()))
	assert.Equal(t, "other", rdb.Get(t.Context(), lockCfg.Key).Val(), "release keeps another's lock")

	require.NoError(t, rdb.Del(t.Context(), lockCfg.Key).Err())
	lk, err = acquireLock(t.Context(), rdb, lockCfg)
	require.NoError(t, err)
	require.NoError(t, lk.check())
	require.NoError(t, lk.release(t.Context()))
	assert.Zero(t, rdb.Exists(t.Context(), lockCfg.Key).Val())
}

// TestTrimRefusedWithoutLock checks the gate in front of every XTRIM on its own: a lock that
// was lost, whose TTL ran out, or that has less than TTL/3 left because renewals are late,
// stops the trim before Redis sees it.
func TestTrimRefusedWithoutLock(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	cfg := testConfig(t, srv)
	seedOld(t, rdb, cfg, 10)
	p, _ := newTestProcessor(t, cfg)
	stats := runStats{trimmed: map[string]int64{}}
	cr := classRun{class: p.classes()[0], stats: &stats}
	mark := trimMark{key: cfg.Streams.Main.Key, minID: "+"}
	expired := &runLock{validUntil: time.Now().Add(-time.Millisecond)}
	late := &runLock{ttl: time.Minute, validUntil: time.Now().Add(19 * time.Second)}
	lost := &runLock{validUntil: time.Now().Add(time.Hour), lost: true}
	for _, cr.lk = range []*runLock{expired, late, lost} {
		require.ErrorIs(t, p.trim(t.Context(), cr, mark), errLockLost)
	}
	assert.EqualValues(t, 10, rdb.XLen(t.Context(), cfg.Streams.Main.Key).Val())
	cr.lk = &runLock{validUntil: time.Now().Add(time.Hour)}
	require.NoError(t, p.trim(t.Context(), cr, trimMark{key: mark.key, minID: "99999999999999"}))
	assert.EqualValues(t, 10, stats.trimmed[classMain], "the same trim runs under a held lock")
}
