package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.uber.org/zap"

	"github.com/redisaudit/redisauditexporter/auditretentionprocessor/internal/metadata"
)

// retentionProcessor owns the background job. Only the job's goroutine runs runOnce, so the
// fields it changes need no lock.
type retentionProcessor struct {
	cfg       *Config
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	// now is the clock cutoffs and the last-success gauge come from; tests replace it.
	now    func() time.Time
	limits commitLimits
	hooks  runHooks

	client *redis.Client
	host   component.Host
	stop   context.CancelFunc
	done   chan struct{}
	// failing is set by a failed run, so that the next good run reports StatusOK again.
	failing bool
}

func newRetentionProcessor(
	cfg *Config, set component.TelemetrySettings,
) (*retentionProcessor, error) {
	tb, err := metadata.NewTelemetryBuilder(set)
	if err != nil {
		return nil, fmt.Errorf("create telemetry: %w", err)
	}
	return &retentionProcessor{
		cfg:       cfg,
		logger:    set.Logger,
		telemetry: tb,
		now:       time.Now,
		limits:    defaultCommitLimits,
	}, nil
}

// start builds the client and starts the job. It fails only on a local problem (TLS files);
// an unreachable Redis or an unwritable archive fails runs, which report it, not the start.
func (p *retentionProcessor) start(ctx context.Context, host component.Host) error {
	client, err := p.cfg.Connection.NewClient(ctx)
	if err != nil {
		return err
	}
	p.client, p.host = client, host
	// The job outlives Start's context, so it gets its own, which shutdown cancels.
	jobCtx, stop := context.WithCancel(context.Background())
	p.stop, p.done = stop, make(chan struct{})
	go p.loop(jobCtx)
	p.logger.Info("audit retention started",
		zap.String("endpoint", p.cfg.Connection.Endpoint),
		zap.Duration("interval", p.cfg.Interval),
		zap.Bool("archive_enabled", p.cfg.Archive.Enabled),
		zap.String("archive_directory", p.cfg.Archive.Directory),
		zap.String("lock_key", p.cfg.Lock.Key))
	return nil
}

// shutdown stops the job and waits for a run in progress to end, at most until ctx is done.
// A run stopped midway trims nothing it did not archive, so stopping is always safe.
func (p *retentionProcessor) shutdown(ctx context.Context) error {
	var err error
	if p.stop != nil {
		p.stop()
		select {
		case <-p.done:
		case <-ctx.Done():
			err = fmt.Errorf("wait for the retention run to stop: %w", ctx.Err())
		}
	}
	if p.client != nil {
		err = errors.Join(err, p.client.Close())
	}
	p.telemetry.Shutdown()
	return err
}

func (p *retentionProcessor) loop(ctx context.Context) {
	defer close(p.done)
	timer := time.NewTimer(p.cfg.InitialDelay)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		p.runAndReport(ctx)
		// The interval counts from the end of a run, so a long run is never overlapped.
		timer.Reset(p.cfg.Interval)
	}
}

// runAndReport runs once and tells the collector how it went: a failure is a recoverable
// error (the next run retries), and the first good run after one reports StatusOK.
func (p *retentionProcessor) runAndReport(ctx context.Context) {
	stats, err := p.runOnce(ctx)
	switch {
	case ctx.Err() != nil:
		p.logger.Debug("retention run stopped by shutdown", zap.Error(err))
	case err != nil:
		p.failing = true
		p.logger.Error("retention run failed; entries not archived were kept, the next run retries",
			zap.Error(err))
		componentstatus.ReportStatus(p.host, componentstatus.NewRecoverableErrorEvent(err))
	case stats.skipped:
		p.logger.Debug("retention run skipped: another replica holds the lock",
			zap.String("lock_key", p.cfg.Lock.Key))
	default:
		p.logRun(stats)
		if p.failing {
			p.failing = false
			componentstatus.ReportStatus(p.host, componentstatus.NewEvent(componentstatus.StatusOK))
		}
	}
}

func (p *retentionProcessor) logRun(stats runStats) {
	fields := []zap.Field{
		zap.Int("streams_visited", stats.visited),
		zap.Int64("entries_archived", sum(stats.archived)),
		zap.Int64("entries_trimmed", sum(stats.trimmed)),
		zap.Duration("duration", stats.duration),
	}
	// Removing audit data is worth a line at Info; a run that found nothing old is not.
	if sum(stats.trimmed) > 0 {
		p.logger.Info("retention run removed old audit entries", fields...)
		return
	}
	p.logger.Debug("retention run found nothing to remove", fields...)
}

func sum(byClass map[string]int64) int64 {
	var total int64
	for _, n := range byClass {
		total += n
	}
	return total
}
