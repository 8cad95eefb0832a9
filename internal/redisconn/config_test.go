package redisconn

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultConfigIsValid(t *testing.T) {
	cfg := NewDefaultConfig()
	require.NoError(t, cfg.Check())
	assert.Equal(t, "127.0.0.1:6379", cfg.Endpoint)
	assert.True(t, cfg.TLS.Insecure, "plain TCP unless TLS is asked for")
}

func TestCheckNamesEachField(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no endpoint", func(c *Config) { c.Endpoint = "" }, "endpoint: must be set as host:port"},
		{"no port", func(c *Config) { c.Endpoint = "redis" }, "endpoint: must be host:port"},
		{"no host", func(c *Config) { c.Endpoint = ":6379" }, "endpoint: host must not be empty"},
		{"bad port", func(c *Config) { c.Endpoint = "redis:0" }, `endpoint: port "0" must be a number`},
		{"ipv6", func(c *Config) { c.Endpoint = "[::1]:6379" }, ""},
		{"negative db", func(c *Config) { c.DB = -1 }, "db: must be 0 or more"},
		{"user without password", func(c *Config) { c.Username = "u" }, "password: must be set"},
		{"negative timeout", func(c *Config) { c.ReadTimeout = -time.Second }, "read_timeout: must not be negative"},
		{"empty pool", func(c *Config) { c.PoolSize = 0 }, "pool_size: must be 1 or more"},
		{"idle above pool", func(c *Config) { c.MinIdleConns = 11 }, "min_idle_conns: must be between 0 and pool_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := NewDefaultConfig()
			tt.change(&cfg)
			err := cfg.Check()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestNewClientReportsTLSProblems(t *testing.T) {
	cfg := NewDefaultConfig()
	cfg.TLS.Insecure = false
	cfg.TLS.CAFile = "/nonexistent/ca.pem"
	_, err := cfg.NewClient(t.Context())
	require.ErrorContains(t, err, "tls:")

	plain := NewDefaultConfig()
	client, err := plain.NewClient(t.Context())
	require.NoError(t, err, "building a client does not connect")
	assert.Nil(t, client.Options().TLSConfig)
	assert.True(t, client.Options().ContextTimeoutEnabled, "the caller's deadline bounds commands")
	require.NoError(t, client.Close())
}
