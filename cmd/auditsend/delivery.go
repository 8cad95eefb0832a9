package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	"google.golang.org/grpc"
)

// watch collects the three signs of whether delivery worked. The SDK spreads them out:
// background exports report only to otel.Handle, a flush cut short by the deadline
// returns only the deadline error, and a full queue drops records without any error.
type watch struct {
	exported  countingExporter
	sdkErrors *errorRecorder
	lastRPC   rpcRecorder
}

func newWatch(stderr io.Writer) *watch {
	return &watch{sdkErrors: &errorRecorder{w: stderr}}
}

// verdict turns the run's own error and what was watched into the final error, or nil
// when the receiver acknowledged every planned event.
func (w *watch) verdict(err error, planned, accepted int) error {
	err = errors.Join(err, w.sdkErrors.err())
	if err == nil && accepted < planned {
		return fmt.Errorf("receiver acknowledged %d of %d events", accepted, planned)
	}
	if err != nil {
		if rpcErr := w.lastRPC.get(); rpcErr != nil {
			err = fmt.Errorf("%w; last export attempt: %w", err, rpcErr)
		}
	}
	return err
}

// countingExporter counts the records the receiver acknowledged, so the summary reports
// what arrived rather than what was emitted.
type countingExporter struct {
	sdklog.Exporter
	accepted atomic.Int64
}

func (c *countingExporter) Export(ctx context.Context, records []sdklog.Record) error {
	err := c.Exporter.Export(ctx, records)
	if err == nil {
		c.accepted.Add(int64(len(records)))
	}
	return err
}

func (c *countingExporter) total() int { return int(c.accepted.Load()) }

// errorRecorder is the otel error handler for the run.
type errorRecorder struct {
	w     io.Writer
	mu    sync.Mutex
	count int
}

func (r *errorRecorder) Handle(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count++
	// Printed at once, so a long paced run shows a dead receiver before it ends.
	fmt.Fprintf(r.w, "auditsend: otel: %v\n", err)
}

func (r *errorRecorder) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.count == 0 {
		return nil
	}
	return fmt.Errorf("the SDK reported %d error(s), printed above", r.count)
}

// rpcRecorder keeps the outcome of the latest Export RPC, which names the real cause
// (refused, unavailable, unauthenticated) when the deadline hides it.
type rpcRecorder struct {
	mu  sync.Mutex
	err error
}

func (r *rpcRecorder) intercept(ctx context.Context, method string, req, reply any,
	cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption,
) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err // a later success clears an earlier failure
	return err
}

func (r *rpcRecorder) get() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}
