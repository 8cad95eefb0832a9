package redisauditexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/redisaudit/redisauditexporter/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.MustNewIDWithName(metadata.Type.String(), name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		return nil, err
	}
	return cfg, confmap.Validate(cfg)
}

func TestDefaultConfig(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, componenttest.CheckConfigStruct(cfg))
	require.NoError(t, confmap.Validate(cfg))
	assert.Equal(t, "127.0.0.1:6379", cfg.Connection.Endpoint)
	assert.True(t, cfg.Connection.TLS.Insecure, "plain TCP unless TLS is asked for")
	assert.Equal(t, "audit:all", cfg.Streams.Main.Key)
	assert.EqualValues(t, 1_000_000, cfg.Streams.Main.MaxLen)
	assert.Equal(t, "audit:user:", cfg.Streams.PerUser.Prefix)
	assert.EqualValues(t, 10_000, cfg.Streams.PerUser.MaxLen)
	assert.Equal(t, "audit:action:", cfg.Streams.PerAction.Prefix)
	assert.EqualValues(t, 100_000, cfg.Streams.PerAction.MaxLen)
	assert.Equal(t, "audit:invalid", cfg.Streams.DeadLetter.Key)
	assert.Equal(t, []string{"user.id", "enduser.id", "user_id"}, cfg.Mapping.UserID)
	assert.Equal(t, 8192, cfg.Mapping.MaxValueBytes)
	assert.Equal(t, OnInvalidDeadLetter, cfg.Mapping.OnInvalid)
	assert.Equal(t, 100, cfg.EventsPerScript)
	assert.True(t, cfg.QueueConfig.HasValue())
	assert.True(t, cfg.BackOff.Enabled)
}

func TestLoadConfig(t *testing.T) {
	empty, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, createDefaultConfig(), empty, "an empty block is the defaults")

	only, err := loadConfig(t, "only_endpoint")
	require.NoError(t, err)
	want := createDefaultConfig().(*Config)
	want.Connection.Endpoint = "redis.internal:6380"
	assert.Equal(t, want, only)

	full, err := loadConfig(t, "full")
	require.NoError(t, err)
	assert.Equal(t, "collector", full.Connection.Username)
	assert.Equal(t, "not-a-real-secret", string(full.Connection.Password))
	assert.Equal(t, 2, full.Connection.DB)
	assert.False(t, full.Connection.TLS.Insecure)
	assert.Equal(t, "/etc/ssl/redis-ca.pem", full.Connection.TLS.CAFile)
	assert.Equal(t, 2*time.Second, full.Connection.DialTimeout)
	assert.Equal(t, 20, full.Connection.PoolSize)
	assert.Equal(t, 10*time.Minute, full.Connection.ConnMaxIdleTime)
	assert.Equal(t, 50, full.EventsPerScript)
	assert.Equal(t, "compliance:all", full.Streams.Main.Key)
	assert.False(t, full.Streams.PerUser.Enabled)
	assert.True(t, full.Streams.PerAction.Enabled, "unset keys keep their defaults")
	assert.Zero(t, full.Streams.PerAction.MaxLen)
	assert.Equal(t, []string{"enduser.id"}, full.Mapping.UserID, "a list replaces the default")
	assert.False(t, full.Mapping.ActionFromEventName)
	assert.Equal(t, []string{"http.*", "tenant"}, full.Mapping.Attributes.Include)
	assert.Equal(t, OnInvalidDrop, full.Mapping.OnInvalid)
	assert.Equal(t, 10*time.Second, full.TimeoutConfig.Timeout)
	assert.Zero(t, full.BackOff.MaxElapsedTime)
	assert.Equal(t, 2, full.QueueConfig.Get().NumConsumers)
}

func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		errs []string
	}{
		{name: "invalid_many", errs: []string{
			"endpoint: must be host:port",
			"db: must be 0 or more",
			"password: must be set when username is set",
			"pool_size: must be 1 or more",
			"streams::main::key: must not be empty",
			"streams::main::max_len: must be 0 (no cap) or more",
			"streams::per_action::prefix: must not overlap per_user::prefix",
			"streams::dead_letter::key: must not start with the per_user or per_action prefix",
			"mapping::user_id: must list at least one attribute",
			`mapping::on_invalid: must be "dead_letter" or "drop", not "discard"`,
			"mapping::max_value_bytes: must be 64 or more",
			`mapping::attributes: "*": must be a name, or a prefix ending in one '*'`,
			`mapping::attributes: "a*b": must be a name, or a prefix ending in one '*'`,
			"events_per_script: must be from 1 to 1000",
		}},
		{name: "invalid_port", errs: []string{`endpoint: port "70000" must be a number from 1 to 65535`}},
		{name: "invalid_timeout", errs: []string{"dial_timeout: must not be negative"}},
		{name: "typo", errs: []string{"has invalid keys: endpiont"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(t, tt.name)
			require.Error(t, err)
			for _, want := range tt.errs {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}
