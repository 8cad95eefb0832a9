package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"google.golang.org/grpc"
)

const (
	scopeName = "github.com/redisaudit/redisauditexporter/cmd/auditsend"

	// sdkQueueSize is the batch processor's default queue; we only ever make it larger.
	sdkQueueSize = 2048
)

// tally counts one run for the summary line.
type tally struct {
	planned  int
	accepted int // records the receiver acknowledged
}

func (t tally) summary(endpoint string, elapsed time.Duration) string {
	return fmt.Sprintf("auditsend: sent %d of %d events to %s in %s",
		t.accepted, t.planned, endpoint, elapsed.Round(time.Millisecond))
}

// send emits the planned events and waits until the receiver has them. emitCtx may end
// early (an interrupt) without cutting the flush short, which runs under ctx.
func send(ctx, emitCtx context.Context, cfg config, stderr io.Writer) (tally, error) {
	examples, generated := plan(cfg)
	t := tally{planned: len(examples) + len(generated)}
	w := newWatch(stderr)
	otel.SetErrorHandler(w.sdkErrors)

	provider, err := newProvider(ctx, cfg, t.planned, w)
	if err != nil {
		return t, err
	}
	logger := provider.Logger(scopeName)
	err = emitAll(emitCtx, logger, examples, generated, cfg.interval())
	err = errors.Join(err, finish(ctx, provider))
	t.accepted = w.exported.total()
	return t, w.verdict(err, t.planned, t.accepted)
}

func plan(cfg config) (examples, generated []event) {
	if cfg.examples {
		examples = exampleEvents()
	}
	return examples, generate(cfg.count, cfg.users, cfg.seed)
}

// newProvider wires the SDK the way an instrumented service would: OTLP/gRPC exporter
// behind a batch processor, with the service named in the resource.
func newProvider(ctx context.Context, cfg config, events int, w *watch) (*sdklog.LoggerProvider, error) {
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(cfg.service)),
	)
	if err != nil {
		return nil, fmt.Errorf("build resource: %w", err)
	}
	exp, err := otlploggrpc.New(ctx,
		otlploggrpc.WithEndpoint(cfg.endpoint),
		otlploggrpc.WithInsecure(),
		otlploggrpc.WithTimeout(cfg.timeout),
		otlploggrpc.WithRetry(retryPolicy(cfg.timeout)),
		otlploggrpc.WithDialOption(grpc.WithChainUnaryInterceptor(w.lastRPC.intercept)),
	)
	if err != nil {
		return nil, fmt.Errorf("create OTLP exporter: %w", err)
	}
	w.exported.Exporter = exp
	batch := sdklog.NewBatchProcessor(&w.exported,
		// OnEmit never blocks: a full queue overwrites the oldest records, so size it to
		// hold the whole run rather than lose audit events.
		sdklog.WithMaxQueueSize(max(events, sdkQueueSize)),
		sdklog.WithExportTimeout(cfg.timeout),
	)
	provider := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(batch))
	return provider, nil
}

// retryPolicy keeps retrying an unreachable receiver for the whole run, starting sooner
// than the SDK's default first wait of 5s, which alone would outlast a short -timeout.
func retryPolicy(timeout time.Duration) otlploggrpc.RetryConfig {
	return otlploggrpc.RetryConfig{
		Enabled:         true,
		InitialInterval: 250 * time.Millisecond,
		MaxInterval:     2 * time.Second,
		MaxElapsedTime:  timeout,
	}
}

// emitAll sends the examples at once, then the generated events paced by interval.
func emitAll(ctx context.Context, logger log.Logger, examples, generated []event,
	interval time.Duration,
) error {
	n, err := emit(ctx, logger, examples, 0)
	if err == nil {
		var m int
		m, err = emit(ctx, logger, generated, interval)
		n += m
	}
	if err != nil {
		return fmt.Errorf("stopped after emitting %d of %d events: %w",
			n, len(examples)+len(generated), err)
	}
	return nil
}

// emit hands events to the logger, waiting one tick between them when interval > 0.
func emit(ctx context.Context, logger log.Logger, events []event, interval time.Duration) (int, error) {
	var tick <-chan time.Time
	if interval > 0 {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		tick = ticker.C
	}
	for i, e := range events {
		if tick != nil && i > 0 {
			select {
			case <-ctx.Done():
				return i, context.Cause(ctx)
			case <-tick:
			}
		}
		if err := ctx.Err(); err != nil {
			return i, context.Cause(ctx)
		}
		logger.Emit(ctx, toRecord(e, time.Now()))
	}
	return len(events), nil
}

// finish exports what is still queued and closes the connection. A failed export
// shows up in ForceFlush; Shutdown is still called so the connection is released.
func finish(ctx context.Context, provider *sdklog.LoggerProvider) error {
	flushErr := provider.ForceFlush(ctx)
	shutdownErr := provider.Shutdown(ctx)
	switch {
	case flushErr != nil:
		// A failed flush leaves ctx expired or the receiver unreachable, so the
		// shutdown error would only repeat it.
		return fmt.Errorf("flush: %w", flushErr)
	case shutdownErr != nil:
		return fmt.Errorf("shut down: %w", shutdownErr)
	}
	return nil
}
