package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

const (
	defaultEndpoint = "127.0.0.1:4317"
	defaultTimeout  = 30 * time.Second
	defaultUsers    = 5
	defaultSeed     = 1
	defaultService  = "auditsend"

	// maxUsers keeps the per-user profile table small; ids run 1001..1000+users.
	maxUsers = 100000
)

// errFlagsReported stands for a parse error that the flag package has already printed,
// together with the usage text.
var errFlagsReported = errors.New("invalid command line")

// config holds the parsed command line.
type config struct {
	endpoint string        // host:port of the OTLP/gRPC receiver, plaintext
	timeout  time.Duration // limit for the whole run: emit, flush and shut down
	examples bool          // send the three example events first
	count    int           // number of generated events after the examples
	users    int           // distinct user ids in the generated events
	seed     uint64        // seed of the generator, so runs are reproducible
	rate     float64       // generated events per second; 0 means unpaced
	service  string        // resource attribute service.name
}

const usageHeader = `Usage: auditsend [flags]

auditsend emits audit events as OpenTelemetry log records over OTLP/gRPC, the way an
instrumented application would: first the three example events, then -count generated
ones. Every event is one record whose event name is the action (user.login, ...).

Exit status: 0 when the receiver accepted every event, 1 when any export failed or
events were lost, 2 on bad flags.

Flags:
`

// parseFlags reads args (without the program name). It returns flag.ErrHelp for -h,
// errFlagsReported when the flag package printed the problem, or the validation errors.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("auditsend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.endpoint, "endpoint", defaultEndpoint,
		"host:port of the OTLP/gRPC logs receiver; the connection is plaintext (no TLS)")
	fs.DurationVar(&c.timeout, "timeout", defaultTimeout,
		"limit for the whole run: emitting, flushing and shutting down the exporter")
	fs.BoolVar(&c.examples, "examples", true,
		"send the three example events first; -examples=false skips them")
	fs.IntVar(&c.count, "count", 0, "number of generated events to send after the examples")
	fs.IntVar(&c.users, "users", defaultUsers, fmt.Sprintf(
		"distinct user ids in generated events, 1001..1000+users (1..%d)", maxUsers))
	fs.Uint64Var(&c.seed, "seed", defaultSeed,
		"seed of the event generator; the same seed gives the same events")
	fs.Float64Var(&c.rate, "rate", 0,
		"generated events per second; 0 sends them as fast as possible")
	fs.StringVar(&c.service, "service", defaultService, "resource attribute service.name")
	fs.Usage = func() { printUsage(fs) }

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, errFlagsReported
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, c.validate()
}

// printUsage lists every flag with its default, including zero defaults, which
// flag.PrintDefaults leaves out.
func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, usageHeader)
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  -%s\n    \t%s (default %s)\n", f.Name, f.Usage, f.DefValue)
	})
}

// validate reports every problem at once so a user can fix them in one pass.
func (c config) validate() error {
	var errs []error
	switch {
	case c.endpoint == "":
		errs = append(errs, errors.New("-endpoint: must not be empty"))
	case strings.Contains(c.endpoint, "://"):
		// The exporter takes host:port; a URL here would be dialed as a host name.
		errs = append(errs, errors.New("-endpoint: give host:port, without a scheme"))
	}
	if c.timeout <= 0 {
		errs = append(errs, errors.New("-timeout: must be > 0"))
	}
	if c.count < 0 {
		errs = append(errs, errors.New("-count: must be >= 0"))
	}
	if c.users < 1 || c.users > maxUsers {
		errs = append(errs, fmt.Errorf("-users: must be between 1 and %d", maxUsers))
	}
	if c.rate < 0 || math.IsNaN(c.rate) || math.IsInf(c.rate, 0) {
		errs = append(errs, errors.New("-rate: must be a finite number >= 0"))
	}
	if c.service == "" {
		errs = append(errs, errors.New("-service: must not be empty"))
	}
	if !c.examples && c.count == 0 {
		errs = append(errs, errors.New("nothing to send: -examples=false and -count 0"))
	}
	return errors.Join(errs...)
}

// interval turns -rate into the pause between generated events; 0 means no pause.
func (c config) interval() time.Duration {
	if c.rate <= 0 {
		return 0
	}
	// A rate beyond one event per nanosecond rounds to 0, which also means unpaced.
	return time.Duration(float64(time.Second) / c.rate)
}
