package auditretentionprocessor

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/redisaudit/redisauditexporter"
	"github.com/redisaudit/redisauditexporter/auditretentionprocessor/internal/metadata"
	"github.com/redisaudit/redisauditexporter/internal/redisconn"
	"github.com/redisaudit/redisauditexporter/internal/streams"
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
	assert.Equal(t, redisconn.NewDefaultConfig(), cfg.Connection, "the exporter's connection defaults")
	assert.Equal(t, streams.NewDefaultConfig(), cfg.Streams, "the exporter's stream layout")
	assert.Equal(t, time.Hour, cfg.Interval)
	assert.Equal(t, 10*time.Second, cfg.InitialDelay)
	ninetyDays := 2160 * time.Hour
	assert.Equal(t, MaxAgeConfig{
		Main: ninetyDays, PerUser: ninetyDays, PerAction: ninetyDays, DeadLetter: ninetyDays,
	}, cfg.MaxAge)
	assert.Equal(t, ArchiveConfig{Enabled: true}, cfg.Archive)
	assert.Equal(t, 1000, cfg.PageSize)
	assert.Equal(t, LockConfig{Key: "audit:retention:lock", TTL: time.Minute}, cfg.Lock)
	assert.EqualError(t, confmap.Validate(cfg),
		"archive::directory: must be set when archive::enabled is true",
		"the archive directory has no default")
}

func TestLoadConfig(t *testing.T) {
	only, err := loadConfig(t, "")
	require.NoError(t, err)
	want := createDefaultConfig().(*Config)
	want.Archive.Directory = "/var/lib/otelcol/audit-archive"
	assert.Equal(t, want, only, "a directory is all a config needs")

	noArchive, err := loadConfig(t, "no_archive")
	require.NoError(t, err, "without an archive no directory is needed")
	assert.False(t, noArchive.Archive.Enabled)

	full, err := loadConfig(t, "full")
	require.NoError(t, err)
	assert.Equal(t, "redis.internal:6380", full.Connection.Endpoint)
	assert.Equal(t, "collector", full.Connection.Username)
	assert.Equal(t, "not-a-real-secret", string(full.Connection.Password))
	assert.Equal(t, 2, full.Connection.DB)
	assert.False(t, full.Connection.TLS.Insecure)
	assert.Equal(t, "/etc/ssl/redis-ca.pem", full.Connection.TLS.CAFile)
	assert.Equal(t, 2*time.Second, full.Connection.DialTimeout)
	assert.Equal(t, 4, full.Connection.PoolSize)
	assert.Equal(t, "compliance:all", full.Streams.Main.Key)
	assert.Equal(t, "compliance:user:", full.Streams.PerUser.Prefix)
	assert.True(t, full.Streams.PerAction.Enabled, "unset keys keep their defaults")
	assert.Equal(t, "compliance:invalid", full.Streams.DeadLetter.Key)
	assert.Equal(t, 15*time.Minute, full.Interval)
	assert.Equal(t, time.Minute, full.InitialDelay)
	assert.Equal(t, MaxAgeConfig{
		Main: 8760 * time.Hour, PerUser: 720 * time.Hour, PerAction: 0, DeadLetter: 168 * time.Hour,
	}, full.MaxAge)
	assert.Equal(t, ArchiveConfig{Enabled: true, Directory: "/var/lib/otelcol/audit-archive"},
		full.Archive)
	assert.Equal(t, 500, full.PageSize)
	assert.Equal(t, LockConfig{Key: "compliance:retention:lock", TTL: 2 * time.Minute}, full.Lock)
}

func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		errs []string
	}{
		{name: "missing_directory", errs: []string{
			"archive::directory: must be set when archive::enabled is true",
		}},
		{name: "invalid_many", errs: []string{
			"endpoint: must be host:port",
			"pool_size: must be 1 or more",
			"streams::main::key: must not be empty",
			"interval: must be at least 1s",
			"initial_delay: must not be negative",
			"max_age::per_user: must be 0 (keep forever) or more",
			"max_age::dead_letter: must be 0 (keep forever) or more",
			"archive::directory: must be set when archive::enabled is true",
			"page_size: must be from 1 to 10000",
			"lock::key: must not start with streams::per_user::prefix or streams::per_action::prefix",
			"lock::ttl: must be at least 1s",
		}},
		{name: "lock_is_stream", errs: []string{"lock::key: must differ from streams::main::key"}},
		{name: "lock_empty", errs: []string{"lock::key: must not be empty"}},
		{name: "page_size_zero", errs: []string{"page_size: must be from 1 to 10000"}},
		{name: "typo", errs: []string{"has invalid keys: mian"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(t, tt.name)
			require.Error(t, err)
			for _, want := range tt.errs {
				assert.Contains(t, err.Error(), want)
			}
			if tt.name == "invalid_many" {
				lines := strings.Split(err.Error(), "\n")
				assert.Len(t, lines, len(tt.errs), "one line per problem:\n%s", err)
			}
		})
	}
}

// TestReadmeExampleSharesConnection loads the README's full example: the processor gets the
// exporter's connection block and stream layout through the YAML anchor, field for field.
func TestReadmeExampleSharesConnection(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "collector.yaml"))
	require.NoError(t, err)
	expSub, err := cm.Sub("exporters::redisaudit")
	require.NoError(t, err)
	exp := redisauditexporter.NewFactory().CreateDefaultConfig().(*redisauditexporter.Config)
	require.NoError(t, expSub.Unmarshal(exp))
	procSub, err := cm.Sub("processors::auditretention")
	require.NoError(t, err)
	proc := createDefaultConfig().(*Config)
	require.NoError(t, procSub.Unmarshal(proc))
	require.NoError(t, confmap.Validate(proc))

	assert.Equal(t, exp.Connection, proc.Connection)
	assert.Equal(t, exp.Streams, proc.Streams)
	assert.Equal(t, "redis.internal:6380", proc.Connection.Endpoint)
	assert.Equal(t, "/etc/ssl/redis-ca.pem", proc.Connection.TLS.CAFile)
	assert.EqualValues(t, 5_000_000, proc.Streams.Main.MaxLen)
	assert.Equal(t, 720*time.Hour, proc.MaxAge.PerAction)
	assert.Equal(t, 8760*time.Hour, proc.MaxAge.DeadLetter)
}
