package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/redisaudit/redisauditexporter/internal/metadata"
	"github.com/redisaudit/redisauditexporter/internal/redisconn"
	"github.com/redisaudit/redisauditexporter/internal/streams"
)

// NewFactory returns the factory of the redisaudit exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Connection:      redisconn.NewDefaultConfig(),
		Streams:         streams.NewDefaultConfig(),
		Mapping:         newDefaultMappingConfig(),
		EventsPerScript: defaultEventsPerScript,
		TimeoutConfig:   exporterhelper.NewDefaultTimeoutConfig(),
		BackOff:         configretry.NewDefaultBackOffConfig(),
		QueueConfig:     configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
	}
}

func createLogs(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	exp, err := newAuditExporter(c, set)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewLogs(ctx, set, cfg, exp.pushLogs,
		exporterhelper.WithStart(exp.start),
		exporterhelper.WithShutdown(exp.shutdown),
		exporterhelper.WithTimeout(c.TimeoutConfig),
		exporterhelper.WithRetry(c.BackOff),
		exporterhelper.WithQueue(c.QueueConfig),
		// The mapper only reads records, so exporterhelper need not copy them.
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	)
}
