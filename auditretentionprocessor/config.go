package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/redisaudit/redisauditexporter/internal/configpath"
	"github.com/redisaudit/redisauditexporter/internal/redisconn"
	"github.com/redisaudit/redisauditexporter/internal/streams"
)

const (
	defaultInterval     = time.Hour
	defaultInitialDelay = 10 * time.Second
	defaultMaxAge       = 90 * 24 * time.Hour
	defaultPageSize     = 1000
	maxPageSize         = 10_000
	defaultLockKey      = "audit:retention:lock"
	defaultLockTTL      = time.Minute

	minInterval = time.Second
	minLockTTL  = time.Second
)

// Config is the auditretention processor's configuration.
type Config struct {
	// Connection holds endpoint, username, password, db, tls, timeouts and pool settings, with
	// the exporter's keys and defaults, so the exporter's block can be copied or anchored.
	Connection redisconn.Config `mapstructure:",squash"`
	// Streams is the exporter's stream layout; it says which keys are audit streams. The
	// max_len and enabled values are the exporter's: every stream under a prefix is visited,
	// so streams written before a family was turned off still expire.
	Streams streams.Config `mapstructure:"streams"`
	// Interval is the time between two runs. Default: 1h; at least 1s.
	Interval time.Duration `mapstructure:"interval"`
	// InitialDelay is the time from start to the first run. Default: 10s.
	InitialDelay time.Duration `mapstructure:"initial_delay"`
	// MaxAge is how long entries are kept, per stream class.
	MaxAge MaxAgeConfig `mapstructure:"max_age"`
	// Archive says whether and where entries are archived before they are removed.
	Archive ArchiveConfig `mapstructure:"archive"`
	// PageSize is how many entries one XRANGE reads and one XTRIM removes at most.
	// Default: 1000; from 1 to 10000.
	PageSize int `mapstructure:"page_size"`
	// Lock makes one replica at a time run the job.
	Lock LockConfig `mapstructure:"lock"`

	_ struct{}
}

// MaxAgeConfig is the age, per stream class, past which entries are archived and removed.
// An entry's age comes from the time in its ID. 0 keeps the class forever.
type MaxAgeConfig struct {
	// Main applies to streams::main::key. Default: 2160h (90 days).
	Main time.Duration `mapstructure:"main"`
	// PerUser applies to every stream under streams::per_user::prefix. Default: 2160h.
	PerUser time.Duration `mapstructure:"per_user"`
	// PerAction applies to every stream under streams::per_action::prefix. Default: 2160h.
	PerAction time.Duration `mapstructure:"per_action"`
	// DeadLetter applies to streams::dead_letter::key. Default: 2160h.
	DeadLetter time.Duration `mapstructure:"dead_letter"`

	_ struct{}
}

// ArchiveConfig is where entries go before they leave Redis.
type ArchiveConfig struct {
	// Enabled writes entries to the archive before removing them. When false, old entries
	// are deleted and not kept anywhere. Default: true.
	Enabled bool `mapstructure:"enabled"`
	// Directory holds the archive files. Required when Enabled; no default, because this is
	// the only copy of what leaves Redis and its place must be chosen on purpose.
	Directory string `mapstructure:"directory"`

	_ struct{}
}

// LockConfig is the Redis lock that keeps replicas from running the job at the same time.
type LockConfig struct {
	// Key is the lock's key. Default: audit:retention:lock.
	Key string `mapstructure:"key"`
	// TTL is how long a lock outlives a holder that stopped renewing it; it is renewed every
	// TTL/3 while a run lasts. Default: 60s; at least 1s.
	TTL time.Duration `mapstructure:"ttl"`

	_ struct{}
}

var _ component.Config = (*Config)(nil)

func createDefaultConfig() component.Config {
	return &Config{
		Connection:   redisconn.NewDefaultConfig(),
		Streams:      streams.NewDefaultConfig(),
		Interval:     defaultInterval,
		InitialDelay: defaultInitialDelay,
		MaxAge: MaxAgeConfig{
			Main: defaultMaxAge, PerUser: defaultMaxAge,
			PerAction: defaultMaxAge, DeadLetter: defaultMaxAge,
		},
		Archive:  ArchiveConfig{Enabled: true},
		PageSize: defaultPageSize,
		Lock:     LockConfig{Key: defaultLockKey, TTL: defaultLockTTL},
	}
}

// Validate reports every problem at once, each prefixed with its YAML path.
func (cfg *Config) Validate() error {
	var errs []error
	if err := cfg.Connection.Check(); err != nil {
		errs = append(errs, err)
	}
	if err := cfg.Streams.Check(); err != nil {
		errs = append(errs, configpath.Prefix("streams::", err))
	}
	if cfg.Interval < minInterval {
		errs = append(errs, fmt.Errorf("interval: must be at least %s", minInterval))
	}
	if cfg.InitialDelay < 0 {
		errs = append(errs, errors.New("initial_delay: must not be negative"))
	}
	for name, age := range cfg.MaxAge.byName() {
		if age < 0 {
			errs = append(errs, fmt.Errorf("max_age::%s: must be 0 (keep forever) or more", name))
		}
	}
	if cfg.Archive.Enabled && cfg.Archive.Directory == "" {
		errs = append(errs,
			errors.New("archive::directory: must be set when archive::enabled is true"))
	}
	if cfg.PageSize < 1 || cfg.PageSize > maxPageSize {
		errs = append(errs, fmt.Errorf("page_size: must be from 1 to %d", maxPageSize))
	}
	if err := cfg.Streams.CheckSideKey(cfg.Lock.Key); err != nil {
		errs = append(errs, configpath.Prefix("lock::key: ", err))
	}
	if cfg.Lock.TTL < minLockTTL {
		errs = append(errs, fmt.Errorf("lock::ttl: must be at least %s", minLockTTL))
	}
	return errors.Join(errs...)
}

func (m *MaxAgeConfig) byName() map[string]time.Duration {
	return map[string]time.Duration{
		"main": m.Main, "per_user": m.PerUser,
		"per_action": m.PerAction, "dead_letter": m.DeadLetter,
	}
}
