package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/redisaudit/redisauditexporter/internal/configpath"
	"github.com/redisaudit/redisauditexporter/internal/redisconn"
	"github.com/redisaudit/redisauditexporter/internal/streams"
)

const (
	defaultMaxValueBytes   = 8 * 1024
	minMaxValueBytes       = 64
	defaultDefaultStatus   = "unknown"
	defaultServiceAttr     = "service.name"
	defaultEventsPerScript = 100
	maxEventsPerScript     = 1000

	// OnInvalidDeadLetter keeps a record that cannot be placed in the dead-letter stream.
	OnInvalidDeadLetter = "dead_letter"
	// OnInvalidDrop counts and logs such a record, then discards it.
	OnInvalidDrop = "drop"
)

// Config is the redisaudit exporter's configuration.
type Config struct {
	// Connection holds endpoint, username, password, db, tls, timeouts and pool settings.
	// It is squashed so those keys sit at the top level of the exporter's YAML.
	Connection redisconn.Config `mapstructure:",squash"`
	// Streams names the streams and sets their caps.
	Streams streams.Config `mapstructure:"streams"`
	// Mapping says where each audit field comes from.
	Mapping MappingConfig `mapstructure:"mapping"`
	// EventsPerScript is how many events one script call writes. Calls for a batch are
	// pipelined in one round trip; smaller calls keep Redis responsive to other clients.
	// Default: 100; at most 1000.
	EventsPerScript int `mapstructure:"events_per_script"`

	TimeoutConfig exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	BackOff       configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`
	QueueConfig   configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`

	_ struct{}
}

// MappingConfig lists, per audit field, the attribute names to read; the first one present
// with a non-empty value wins. Keys of a map body are read after the record's attributes.
type MappingConfig struct {
	// UserID sources. Default: user.id, enduser.id, user_id.
	UserID []string `mapstructure:"user_id"`
	// Action sources, read after the record's event name. Default: event.name, action.
	Action []string `mapstructure:"action"`
	// ActionFromEventName reads the record's event name before the action sources. Default: true.
	ActionFromEventName bool `mapstructure:"action_from_event_name"`
	// Status sources. Default: status, event.outcome, audit.status.
	Status []string `mapstructure:"status"`
	// DefaultStatus is written when no status source is present. Default: unknown.
	DefaultStatus string `mapstructure:"default_status"`
	// ResourceType sources. Default: resource_type, audit.resource.type.
	ResourceType []string `mapstructure:"resource_type"`
	// ResourceID sources. Default: resource_id, audit.resource.id.
	ResourceID []string `mapstructure:"resource_id"`
	// IP sources. Default: client.address, source.address, ip.
	IP []string `mapstructure:"ip"`
	// UserAgent sources. Default: user_agent.original, user_agent.
	UserAgent []string `mapstructure:"user_agent"`
	// Reason sources. Default: reason, audit.reason.
	Reason []string `mapstructure:"reason"`
	// Service is the resource attribute that names the service. Default: service.name.
	Service string `mapstructure:"service"`
	// Attributes selects which other attributes are kept as their own fields.
	Attributes AttributesConfig `mapstructure:"attributes"`
	// MaxValueBytes caps each field value; a longer value is cut and listed in `cut_fields`.
	// Default: 8192.
	MaxValueBytes int `mapstructure:"max_value_bytes"`
	// OnInvalid is what happens to a record without a user id or an action:
	// dead_letter (default) or drop.
	OnInvalid string `mapstructure:"on_invalid"`

	_ struct{}
}

// AttributesConfig filters the attributes (and map-body keys) that are not audit sources.
// A name ending in '*' matches every name with that prefix.
type AttributesConfig struct {
	// Include, when not empty, keeps only the names it matches.
	Include []string `mapstructure:"include"`
	// Exclude drops the names it matches, after Include.
	Exclude []string `mapstructure:"exclude"`

	_ struct{}
}

var _ component.Config = (*Config)(nil)

func newDefaultMappingConfig() MappingConfig {
	return MappingConfig{
		UserID:              []string{"user.id", "enduser.id", "user_id"},
		Action:              []string{"event.name", "action"},
		ActionFromEventName: true,
		Status:              []string{"status", "event.outcome", "audit.status"},
		DefaultStatus:       defaultDefaultStatus,
		ResourceType:        []string{"resource_type", "audit.resource.type"},
		ResourceID:          []string{"resource_id", "audit.resource.id"},
		IP:                  []string{"client.address", "source.address", "ip"},
		UserAgent:           []string{"user_agent.original", "user_agent"},
		Reason:              []string{"reason", "audit.reason"},
		Service:             defaultServiceAttr,
		MaxValueBytes:       defaultMaxValueBytes,
		OnInvalid:           OnInvalidDeadLetter,
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
	if err := cfg.Mapping.check(); err != nil {
		errs = append(errs, configpath.Prefix("mapping::", err))
	}
	if cfg.EventsPerScript < 1 || cfg.EventsPerScript > maxEventsPerScript {
		errs = append(errs, fmt.Errorf("events_per_script: must be from 1 to %d", maxEventsPerScript))
	}
	return errors.Join(errs...)
}

func (m *MappingConfig) check() error {
	var errs []error
	sources := []struct {
		field string
		names []string
	}{
		{"user_id", m.UserID},
		{"action", m.Action},
		{"status", m.Status},
		{"resource_type", m.ResourceType},
		{"resource_id", m.ResourceID},
		{"ip", m.IP},
		{"user_agent", m.UserAgent},
		{"reason", m.Reason},
	}
	for _, s := range sources {
		if len(s.names) == 0 && (s.field != "action" || !m.ActionFromEventName) {
			errs = append(errs, fmt.Errorf("%s: must list at least one attribute", s.field))
		}
		if slices.Contains(s.names, "") {
			errs = append(errs, fmt.Errorf("%s: attribute names must not be empty", s.field))
		}
	}
	if m.MaxValueBytes < minMaxValueBytes {
		errs = append(errs, fmt.Errorf("max_value_bytes: must be %d or more", minMaxValueBytes))
	}
	if m.OnInvalid != OnInvalidDeadLetter && m.OnInvalid != OnInvalidDrop {
		errs = append(errs, fmt.Errorf("on_invalid: must be %q or %q, not %q",
			OnInvalidDeadLetter, OnInvalidDrop, m.OnInvalid))
	}
	for _, pattern := range slices.Concat(m.Attributes.Include, m.Attributes.Exclude) {
		star := strings.IndexByte(pattern, '*')
		if pattern == "" || pattern == "*" || (star >= 0 && star != len(pattern)-1) {
			errs = append(errs, fmt.Errorf("attributes: %q: must be a name, or a prefix ending in one '*'", pattern))
		}
	}
	return errors.Join(errs...)
}
