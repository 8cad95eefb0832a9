package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/redisaudit/redisauditexporter/internal/streams"
)

// The stream classes: the values of the stream_class attribute and the archive's folders.
const (
	classMain       = "main"
	classUser       = "user"
	classAction     = "action"
	classDeadLetter = "dead_letter"
)

// streamClass is one kind of audit stream with its own max age: a fixed key, or a family of
// keys found by a SCAN pattern.
type streamClass struct {
	name     string
	maxAge   time.Duration
	fixedKey string
	pattern  string
	attrs    metric.MeasurementOption
}

// runStats is what one run did. skipped means another replica held the lock.
type runStats struct {
	skipped  bool
	visited  int
	archived map[string]int64
	trimmed  map[string]int64
	duration time.Duration
}

// classRun is the work of one run on one stream class: its streams, its cutoff (ms), and the
// run's lock and counts.
type classRun struct {
	class  streamClass
	keys   []string
	cutoff int64
	lk     *runLock
	stats  *runStats
}

// runHooks let tests act at fixed points of a run. All are nil outside tests.
type runHooks struct {
	lockHeld    func()
	releasing   func()
	afterPage   func(ctx context.Context, class, key string) error
	afterCommit func(ctx context.Context, class string) error
	trimmed     func(key, minID string, removed int64)
}

func (p *retentionProcessor) classes() []streamClass {
	s, age := p.cfg.Streams, p.cfg.MaxAge
	return []streamClass{
		newClass(classMain, age.Main, s.Main.Key, ""),
		newClass(classUser, age.PerUser, "", streams.FamilyPattern(s.PerUser)),
		newClass(classAction, age.PerAction, "", streams.FamilyPattern(s.PerAction)),
		newClass(classDeadLetter, age.DeadLetter, s.DeadLetter.Key, ""),
	}
}

func newClass(name string, maxAge time.Duration, key, pattern string) streamClass {
	set := attribute.NewSet(attribute.String("stream_class", name))
	return streamClass{
		name: name, maxAge: maxAge, fixedKey: key, pattern: pattern,
		attrs: metric.WithAttributeSet(set),
	}
}

// runOnce is one pass of the job: take the lock or skip, then archive and trim every class.
func (p *retentionProcessor) runOnce(ctx context.Context) (runStats, error) {
	stats := runStats{archived: map[string]int64{}, trimmed: map[string]int64{}}
	lk, err := acquireLock(ctx, p.client, p.cfg.Lock)
	if err != nil {
		return stats, fmt.Errorf("take lock %q: %w", p.cfg.Lock.Key, err)
	}
	if lk == nil {
		stats.skipped = true
		return stats, nil
	}
	call(p.hooks.lockHeld)
	started := time.Now()
	runCtx, stopRenewing := lk.keepAlive(ctx)
	err = p.visitClasses(runCtx, lk, &stats)
	// A renewal that failed cancels the run's context; say so instead of just "canceled".
	cause := context.Cause(runCtx)
	if err != nil && errors.Is(cause, errLockLost) && !errors.Is(err, errLockLost) {
		err = fmt.Errorf("%w: %w", cause, err)
	}
	stopRenewing()
	call(p.hooks.releasing)
	if relErr := lk.release(ctx); relErr != nil {
		// The lock expires on its own within its TTL; the next run waits at most that long.
		p.logger.Warn("release retention lock",
			zap.String("lock_key", p.cfg.Lock.Key), zap.Error(relErr))
	}
	stats.duration = time.Since(started)
	p.telemetry.AuditretentionRunDuration.Record(ctx, stats.duration.Seconds())
	if err != nil {
		return stats, err
	}
	p.telemetry.AuditretentionLastSuccessTime.Record(ctx, p.now().Unix())
	return stats, nil
}

func (p *retentionProcessor) visitClasses(ctx context.Context, lk *runLock, stats *runStats) error {
	if p.cfg.Archive.Enabled {
		if err := prepareArchive(p.cfg.Archive.Directory, allClasses); err != nil {
			return err
		}
	}
	now := p.now()
	for _, c := range p.classes() {
		cutoff := cutoffMillis(now, c.maxAge)
		if cutoff <= 0 {
			continue
		}
		keys, err := p.findStreams(ctx, c)
		if err != nil {
			return fmt.Errorf("find %s streams: %w", c.name, err)
		}
		stats.visited += len(keys)
		p.telemetry.AuditretentionStreamsVisited.Add(ctx, int64(len(keys)))
		cr := classRun{class: c, keys: keys, cutoff: cutoff, lk: lk, stats: stats}
		if p.cfg.Archive.Enabled {
			err = p.archiveClass(ctx, cr)
		} else {
			err = p.deleteClass(ctx, cr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var allClasses = []string{classMain, classUser, classAction, classDeadLetter}

// cutoffMillis is the first millisecond that is kept: entries whose ID time is earlier are
// older than maxAge. 0 or less means nothing is old (maxAge 0 keeps a class forever).
func cutoffMillis(now time.Time, maxAge time.Duration) int64 {
	if maxAge <= 0 {
		return 0
	}
	return now.UnixMilli() - maxAge.Milliseconds()
}

func call(hook func()) {
	if hook != nil {
		hook()
	}
}
