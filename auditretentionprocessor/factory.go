package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/redisaudit/redisauditexporter/auditretentionprocessor/internal/metadata"
)

// NewFactory returns the factory of the auditretention processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createLogs(
	ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs,
) (processor.Logs, error) {
	p, err := newRetentionProcessor(cfg.(*Config), set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, passThrough,
		processorhelper.WithStart(p.start),
		processorhelper.WithShutdown(p.shutdown),
		processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
	)
}

// passThrough hands every batch on as it came: the processor's work is its background job,
// and it sits in the pipeline only to share the collector's lifecycle and config.
func passThrough(_ context.Context, ld plog.Logs) (plog.Logs, error) {
	return ld, nil
}
