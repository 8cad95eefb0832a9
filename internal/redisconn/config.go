// Package redisconn holds the Redis connection settings and client setup that every component
// and tool of this module shares, so that a connection block can be copied between them as is.
package redisconn // import "github.com/redisaudit/redisauditexporter/internal/redisconn"

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configtls"
)

const (
	defaultEndpoint        = "127.0.0.1:6379"
	defaultDialTimeout     = 5 * time.Second
	defaultReadTimeout     = 3 * time.Second
	defaultWriteTimeout    = 3 * time.Second
	defaultPoolSize        = 10
	defaultConnMaxIdleTime = 30 * time.Minute
)

// Config is the connection block. In a component's YAML it sits at the top level of the
// component (squashed), so `endpoint`, `password` and `tls` read the same everywhere.
type Config struct {
	// Endpoint is host:port of the Redis server. Default: 127.0.0.1:6379.
	Endpoint string `mapstructure:"endpoint"`
	// Username is the ACL user; empty means the default user.
	Username string `mapstructure:"username"`
	// Password authenticates Username (or the default user). Never logged.
	Password configopaque.String `mapstructure:"password"`
	// DB is the logical database number. Default: 0.
	DB int `mapstructure:"db"`
	// TLS configures transport security. Plain TCP unless `insecure: false` or a CA is set.
	TLS configtls.ClientConfig `mapstructure:"tls"`
	// DialTimeout bounds establishing a connection. Default: 5s.
	DialTimeout time.Duration `mapstructure:"dial_timeout"`
	// ReadTimeout bounds waiting for a reply. Default: 3s.
	ReadTimeout time.Duration `mapstructure:"read_timeout"`
	// WriteTimeout bounds sending a command. Default: 3s.
	WriteTimeout time.Duration `mapstructure:"write_timeout"`
	// PoolSize is the maximum number of connections. Default: 10.
	PoolSize int `mapstructure:"pool_size"`
	// MinIdleConns keeps this many idle connections open. Default: 0.
	MinIdleConns int `mapstructure:"min_idle_conns"`
	// ConnMaxIdleTime closes connections idle for longer. Default: 30m; 0 keeps them.
	ConnMaxIdleTime time.Duration `mapstructure:"conn_max_idle_time"`

	_ struct{}
}

// NewDefaultConfig returns the connection defaults: a local Redis without TLS.
func NewDefaultConfig() Config {
	tls := configtls.NewDefaultClientConfig()
	tls.Insecure = true
	return Config{
		Endpoint:        defaultEndpoint,
		TLS:             tls,
		DialTimeout:     defaultDialTimeout,
		ReadTimeout:     defaultReadTimeout,
		WriteTimeout:    defaultWriteTimeout,
		PoolSize:        defaultPoolSize,
		ConnMaxIdleTime: defaultConnMaxIdleTime,
	}
}

// Check reports every problem of the block, each naming its YAML field. It is not called
// Validate on purpose: the owning component validates it, so it is reported once, by its name.
func (c *Config) Check() error {
	var errs []error
	if err := checkEndpoint(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %w", err))
	}
	if c.DB < 0 {
		errs = append(errs, errors.New("db: must be 0 or more"))
	}
	if c.Username != "" && c.Password == "" {
		errs = append(errs, errors.New("password: must be set when username is set"))
	}
	for name, d := range map[string]time.Duration{
		"dial_timeout": c.DialTimeout, "read_timeout": c.ReadTimeout,
		"write_timeout": c.WriteTimeout, "conn_max_idle_time": c.ConnMaxIdleTime,
	} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s: must not be negative", name))
		}
	}
	if c.PoolSize < 1 {
		errs = append(errs, errors.New("pool_size: must be 1 or more"))
	}
	if c.MinIdleConns < 0 || c.MinIdleConns > c.PoolSize {
		errs = append(errs, errors.New("min_idle_conns: must be between 0 and pool_size"))
	}
	return errors.Join(errs...)
}

func checkEndpoint(endpoint string) error {
	if endpoint == "" {
		return errors.New("must be set as host:port")
	}
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return fmt.Errorf("must be host:port: %w", err)
	}
	if host == "" {
		return errors.New("host must not be empty")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 1 to 65535", port)
	}
	return nil
}
