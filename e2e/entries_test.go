package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// entry is one stream entry with its fields in stored order: name, value, name, value...
type entry = redistest.Entry

// expected holds the fixed fields of an entry a test expects; unset ones are expected empty.
// Struct fields rather than a map, so a misspelled name fails to compile rather than pass as
// an empty field.
type expected struct {
	timestamp, userID, action, status, resourceType, resourceID, ip, userAgent, reason string
	service, traceID, spanID, message                                                  string
}

// fields lays the entry out as the README documents it: the fixed fields in their fixed order,
// then extra, the attr.* and body.* pairs, which the caller lists already sorted.
func (x expected) fields(extra ...string) []string {
	fixed := []string{
		"timestamp", x.timestamp, "user_id", x.userID, "action", x.action, "status", x.status,
		"resource_type", x.resourceType, "resource_id", x.resourceID, "ip", x.ip,
		"user_agent", x.userAgent, "reason", x.reason, "service", x.service,
		"trace_id", x.traceID, "span_id", x.spanID, "message", x.message,
	}
	return append(fixed, extra...)
}

// timestampPattern is the exporter's timestamp layout: UTC with exactly nine fraction digits.
var timestampPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$`)

// stampedWithin checks that e's timestamp has the exporter's layout and lies within [from, to],
// the span in which the client stamped its records, and returns it for the exact comparison.
func stampedWithin(t *testing.T, e entry, from, to time.Time) string {
	t.Helper()
	ts := fieldValue(t, e, "timestamp")
	require.Regexp(t, timestampPattern, ts)
	at, err := time.Parse(time.RFC3339Nano, ts)
	require.NoError(t, err)
	assert.WithinRange(t, at, from, to, "timestamp of entry %s", e.ID)
	return ts
}

// fieldValue returns the value of the field name in e, failing the test when it is absent.
func fieldValue(t *testing.T, e entry, name string) string {
	t.Helper()
	for i := 0; i+1 < len(e.Fields); i += 2 {
		if e.Fields[i] == name {
			return e.Fields[i+1]
		}
	}
	t.Fatalf("entry %s has no field %q: %q", e.ID, name, e.Fields)
	return ""
}

// actionType is the part of an action before its first dot, which names its per-action stream.
func actionType(action string) string {
	typ, _, _ := strings.Cut(action, ".")
	return typ
}
