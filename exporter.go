package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/redisaudit/redisauditexporter/internal/metadata"
)

// warmUpTimeout bounds loading the script at start. A Redis that does not answer in time is
// not an error: the first batch loads the script instead.
const warmUpTimeout = 2 * time.Second

// errNoReply marks a script call that came back with neither IDs nor an error.
var errNoReply = errors.New("no reply from redis")

// deadLetterField names what a dead-lettered record lacked. It comes first in the entry.
const deadLetterField = "error"

// The stream_class attribute of the entries-written counter.
var (
	classMain       = attribute.NewSet(attribute.String("stream_class", "main"))
	classUser       = attribute.NewSet(attribute.String("stream_class", "user"))
	classAction     = attribute.NewSet(attribute.String("stream_class", "action"))
	classDeadLetter = attribute.NewSet(attribute.String("stream_class", "dead_letter"))
)

type auditExporter struct {
	cfg       *Config
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	mapper    *mapper
	chunker   chunker
	client    *redis.Client
}

func newAuditExporter(cfg *Config, set exporter.Settings) (*auditExporter, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("create telemetry: %w", err)
	}
	return &auditExporter{
		cfg:       cfg,
		logger:    set.Logger,
		telemetry: tb,
		mapper:    newMapper(cfg.Mapping),
		chunker:   chunker{layout: cfg.Streams, perScript: cfg.EventsPerScript},
	}, nil
}

// start builds the client. It fails only on a local problem (TLS files); an unreachable
// Redis is logged and left to the retries of the first batches.
func (e *auditExporter) start(ctx context.Context, _ component.Host) error {
	client, err := e.cfg.Connection.NewClient(ctx)
	if err != nil {
		return err
	}
	e.client = client
	e.logger.Info("redisaudit exporter started",
		zap.String("endpoint", e.cfg.Connection.Endpoint),
		zap.String("main_stream", e.cfg.Streams.Main.Key))
	loadCtx, cancel := context.WithTimeout(ctx, warmUpTimeout)
	defer cancel()
	if err := fanoutScript.Load(loadCtx, client).Err(); err != nil {
		e.logger.Warn("redis not ready at start; batches will be retried until it answers",
			zap.String("endpoint", e.cfg.Connection.Endpoint), zap.Error(err))
	}
	return nil
}

func (e *auditExporter) shutdown(context.Context) error {
	e.telemetry.Shutdown()
	if e.client == nil {
		return nil
	}
	return e.client.Close()
}

func (e *auditExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	events := e.toEvents(ctx, ld)
	if len(events) == 0 {
		return nil
	}
	chunks := e.chunker.split(events)
	errs := e.write(ctx, chunks)
	return e.outcome(ctx, ld, chunks, errs)
}

// toEvents maps every record. Records without a user id or an action become dead-letter
// events, or are counted and logged when on_invalid is drop.
func (e *auditExporter) toEvents(ctx context.Context, ld plog.Logs) []event {
	now := time.Now()
	events := make([]event, 0, ld.LogRecordCount())
	for i, rl := range ld.ResourceLogs().All() {
		for j, sl := range rl.ScopeLogs().All() {
			for k, lr := range sl.LogRecords().All() {
				m := e.mapper.mapRecord(rl.Resource(), lr, now)
				ev, ok := e.toEvent(ctx, m)
				if ok {
					ev.origin = recordRef{resource: i, scope: j, record: k}
					events = append(events, ev)
				}
			}
		}
	}
	return events
}

func (e *auditExporter) toEvent(ctx context.Context, m mappedRecord) (event, bool) {
	if len(m.missing) == 0 {
		ev := event{fields: m.fields}
		if e.cfg.Streams.PerUser.Enabled {
			ev.userKey = e.cfg.Streams.UserKey(m.userID)
		}
		if e.cfg.Streams.PerAction.Enabled {
			ev.actionKey = e.cfg.Streams.ActionKey(m.action)
		}
		return ev, true
	}
	reason := "missing " + strings.Join(m.missing, " and ")
	if e.cfg.Mapping.OnInvalid == OnInvalidDrop {
		e.telemetry.RedisauditRecordsDropped.Add(ctx, 1)
		// The record's values may hold personal data, so only its shape is logged.
		e.logger.Warn("dropped audit record that cannot be placed",
			zap.String("reason", reason), zap.String("timestamp", m.fields[0].value))
		return event{}, false
	}
	fields := make([]field, 0, len(m.fields)+1)
	fields = append(fields, field{name: deadLetterField, value: reason})
	return event{deadLetter: true, fields: append(fields, m.fields...)}, true
}

// write sends every chunk in one pipeline, so a batch costs one round trip. Chunks that find
// the script missing from Redis' cache (after a restart or SCRIPT FLUSH) are sent once more
// with the script's source, which also caches it again.
func (e *auditExporter) write(ctx context.Context, chunks []chunk) []error {
	errs := e.pipeline(ctx, chunks, nil, (*redis.Script).EvalSha)
	e.pipeline(ctx, chunks, errs, (*redis.Script).Eval)
	return errs
}

type scriptCall func(*redis.Script, context.Context, redis.Scripter, []string, ...any) *redis.Cmd

// pipeline runs call for every chunk (or, when retry is set, for the chunks whose error is
// NOSCRIPT) and stores each chunk's result in the returned slice.
func (e *auditExporter) pipeline(ctx context.Context, chunks []chunk, retry []error, call scriptCall) []error {
	errs := retry
	if errs == nil {
		errs = make([]error, len(chunks))
	}
	cmds := make(map[int]*redis.Cmd, len(chunks))
	start := time.Now()
	_, pipeErr := e.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range chunks {
			if retry == nil || redis.HasErrorPrefix(retry[i], "NOSCRIPT") {
				cmds[i] = call(fanoutScript, ctx, p, c.keys, c.args...)
			}
		}
		return nil
	})
	if len(cmds) == 0 {
		return errs
	}
	e.telemetry.RedisauditRoundTripDuration.Record(ctx, time.Since(start).Seconds())
	for i, cmd := range cmds {
		errs[i] = cmd.Err()
		// A pipeline that fails before sending (a refused AUTH, say) may leave its commands
		// without an error of their own. A script that ran always returns its IDs.
		if errs[i] == nil && cmd.Val() == nil {
			errs[i] = cmp.Or(pipeErr, errNoReply)
		}
	}
	return errs
}

// outcome counts what was written and turns the failed chunks into the error exporterhelper
// acts on: only the records of retryable chunks are handed back for retry.
func (e *auditExporter) outcome(ctx context.Context, ld plog.Logs, chunks []chunk, errs []error) error {
	var retry []recordRef
	var retryErrs, permErrs []error
	permRecords := 0
	for i, c := range chunks {
		switch {
		case errs[i] == nil:
			e.count(ctx, c.events)
		case isRetryable(errs[i]):
			retryErrs = append(retryErrs, errs[i])
			for _, ev := range c.events {
				retry = append(retry, ev.origin)
			}
		default:
			permErrs = append(permErrs, errs[i])
			permRecords += len(c.events)
		}
	}
	if len(permErrs) > 0 && len(retryErrs) == 0 {
		return consumererror.NewPermanent(fmt.Errorf("write audit events: %w", errors.Join(permErrs...)))
	}
	if len(permErrs) > 0 {
		// exporterhelper can only retry or drop the whole error, so the records that no retry
		// can write are reported here, once.
		e.logger.Error("audit records rejected by redis and not retried",
			zap.Int("records", permRecords), zap.Error(errors.Join(permErrs...)))
	}
	if len(retryErrs) > 0 {
		return consumererror.NewLogs(fmt.Errorf("write audit events: %w", errors.Join(retryErrs...)),
			subsetLogs(ld, retry))
	}
	e.logger.Debug("wrote audit batch", zap.Int("records", ld.LogRecordCount()),
		zap.Int("chunks", len(chunks)))
	return nil
}

func (e *auditExporter) count(ctx context.Context, events []event) {
	var main, user, action, dead int64
	for _, ev := range events {
		switch {
		case ev.deadLetter:
			dead++
			continue
		case ev.userKey != "":
			user++
		}
		if ev.actionKey != "" {
			action++
		}
		main++
	}
	written := e.telemetry.RedisauditEntriesWritten
	for class, n := range map[attribute.Set]int64{
		classMain: main, classUser: user, classAction: action, classDeadLetter: dead,
	} {
		if n > 0 {
			written.Add(ctx, n, metric.WithAttributeSet(class))
		}
	}
	if dead > 0 {
		e.telemetry.RedisauditRecordsDeadLettered.Add(ctx, dead)
	}
}
