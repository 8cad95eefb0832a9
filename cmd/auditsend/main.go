// Command auditsend emits audit events as OpenTelemetry log records over OTLP/gRPC, to
// feed a collector that runs the Redis Streams audit exporter.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run returns the exit status: 0 when every event was acknowledged, 1 when not, 2 on bad
// flags.
func run(args []string, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFlagsReported):
		return 2
	case err != nil:
		printError(stderr, "", err)
		fmt.Fprintln(stderr, "auditsend: run auditsend -h for the flags")
		return 2
	}

	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	// An interrupt stops emitting; what was emitted is still flushed within the timeout.
	emitCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Once emitting has stopped, a second interrupt ends the process at once.
	context.AfterFunc(emitCtx, stop)

	start := time.Now()
	t, err := send(ctx, emitCtx, cfg, stderr)
	if err != nil {
		printError(stderr, "export to "+cfg.endpoint+" failed: ", err)
	}
	fmt.Fprintln(stderr, t.summary(cfg.endpoint, time.Since(start)))
	if err != nil {
		return 1
	}
	return 0
}

// printError prefixes every line with the program name, since joined errors span lines.
func printError(w io.Writer, lead string, err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", "\nauditsend: ")
	fmt.Fprintf(w, "auditsend: %s%s\n", lead, msg)
}
