// Package streams is the one definition of the audit stream key layout: the YAML block that
// names the streams, and the functions that turn a user id or an action into a key. The
// exporter, the retention processor and every reader use it, so they always agree on names.
package streams // import "github.com/redisaudit/redisauditexporter/internal/streams"

import (
	"errors"
	"fmt"
	"strings"
)

const (
	DefaultMainKey         = "audit:all"
	DefaultMainMaxLen      = 1_000_000
	DefaultUserPrefix      = "audit:user:"
	DefaultUserMaxLen      = 10_000
	DefaultActionPrefix    = "audit:action:"
	DefaultActionMaxLen    = 100_000
	DefaultDeadLetterKey   = "audit:invalid"
	DefaultDeadLetterLimit = 100_000

	// maxNameBytes bounds a configured key or prefix, so that a prefix plus an escaped part
	// (at most maxPartBytes) stays under 256 bytes.
	maxNameBytes = 64
)

// Stream is one fixed stream.
type Stream struct {
	// Key is the stream's key.
	Key string `mapstructure:"key"`
	// MaxLen caps the stream with approximate trimming (MAXLEN ~) on every write; 0 means no cap.
	MaxLen int64 `mapstructure:"max_len"`

	_ struct{}
}

// Family is a set of streams that share a key prefix, one per user or per action type.
type Family struct {
	// Enabled turns writing to this family on or off.
	Enabled bool `mapstructure:"enabled"`
	// Prefix is prepended to the escaped user id or action type.
	Prefix string `mapstructure:"prefix"`
	// MaxLen caps each stream with approximate trimming; 0 means no cap.
	MaxLen int64 `mapstructure:"max_len"`

	_ struct{}
}

// Config is the `streams` block.
type Config struct {
	// Main receives every valid event.
	Main Stream `mapstructure:"main"`
	// PerUser holds one stream per user id.
	PerUser Family `mapstructure:"per_user"`
	// PerAction holds one stream per action type (the action up to its first '.').
	PerAction Family `mapstructure:"per_action"`
	// DeadLetter receives records that cannot be placed, with the reason.
	DeadLetter Stream `mapstructure:"dead_letter"`

	_ struct{}
}

// NewDefaultConfig returns the default layout.
func NewDefaultConfig() Config {
	return Config{
		Main:       Stream{Key: DefaultMainKey, MaxLen: DefaultMainMaxLen},
		PerUser:    Family{Enabled: true, Prefix: DefaultUserPrefix, MaxLen: DefaultUserMaxLen},
		PerAction:  Family{Enabled: true, Prefix: DefaultActionPrefix, MaxLen: DefaultActionMaxLen},
		DeadLetter: Stream{Key: DefaultDeadLetterKey, MaxLen: DefaultDeadLetterLimit},
	}
}

// Check reports every problem of the block, each naming its field below `streams`.
func (c *Config) Check() error {
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
	}
	add("main::key", checkName(c.Main.Key))
	add("main::max_len", checkMaxLen(c.Main.MaxLen))
	add("per_user::prefix", checkName(c.PerUser.Prefix))
	add("per_user::max_len", checkMaxLen(c.PerUser.MaxLen))
	add("per_action::prefix", checkName(c.PerAction.Prefix))
	add("per_action::max_len", checkMaxLen(c.PerAction.MaxLen))
	add("dead_letter::key", checkName(c.DeadLetter.Key))
	add("dead_letter::max_len", checkMaxLen(c.DeadLetter.MaxLen))
	if c.Main.Key == c.DeadLetter.Key {
		add("dead_letter::key", errors.New("must differ from main::key"))
	}
	if strings.HasPrefix(c.PerUser.Prefix, c.PerAction.Prefix) ||
		strings.HasPrefix(c.PerAction.Prefix, c.PerUser.Prefix) {
		add("per_action::prefix", errors.New("must not overlap per_user::prefix"))
	}
	for field, key := range map[string]string{"main::key": c.Main.Key, "dead_letter::key": c.DeadLetter.Key} {
		if c.isFamilyKey(key) {
			add(field, errors.New("must not start with the per_user or per_action prefix"))
		}
	}
	return errors.Join(errs...)
}

// isFamilyKey tells whether key could be the name of a per-user or per-action stream.
func (c *Config) isFamilyKey(key string) bool {
	return strings.HasPrefix(key, c.PerUser.Prefix) || strings.HasPrefix(key, c.PerAction.Prefix)
}

func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case len(name) > maxNameBytes:
		return fmt.Errorf("must be at most %d bytes", maxNameBytes)
	}
	return nil
}

func checkMaxLen(n int64) error {
	if n < 0 {
		return errors.New("must be 0 (no cap) or more")
	}
	return nil
}
