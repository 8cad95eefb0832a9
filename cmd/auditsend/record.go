package main

import (
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Attribute keys that have no semantic-convention name; the exporter reads them as is.
const (
	attrStatus       = "status"
	attrResourceType = "resource_type"
	attrResourceID   = "resource_id"
	attrReason       = "reason"
)

// toRecord turns an event into the log record an instrumented service would emit.
func toRecord(e event, now time.Time) log.Record {
	var r log.Record
	r.SetEventName(e.action)
	r.SetTimestamp(now)
	sev := severity(e.status)
	r.SetSeverity(sev)
	r.SetSeverityText(sev.String())
	r.SetBody(attribute.StringValue(message(e)))
	r.AddAttributes(attributes(e)...)
	return r
}

// severity lets a reader filter refusals and failures without parsing attributes.
func severity(status string) log.Severity {
	switch status {
	case statusDenied:
		return log.SeverityWarn
	case statusError:
		return log.SeverityError
	default:
		return log.SeverityInfo
	}
}

// attributes lists the fields in a fixed order; optional ones are left out when empty.
func attributes(e event) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.UserID(e.userID), attribute.String(attrStatus, e.status)}
	optional := []attribute.KeyValue{
		attribute.String(attrResourceType, e.resourceType),
		attribute.String(attrResourceID, e.resourceID),
		semconv.ClientAddress(e.clientAddress),
		semconv.UserAgentOriginal(e.userAgent),
		attribute.String(attrReason, e.reason),
	}
	for _, kv := range optional {
		if kv.Value.AsString() != "" {
			attrs = append(attrs, kv)
		}
	}
	return attrs
}

// message is the human-readable body, e.g. "user 1001 deleted document doc-123: denied".
func message(e event) string {
	verb, ok := verbFor(e.action)
	if !ok {
		verb = "performed " + e.action
	}
	target := ""
	if e.resourceType != "" || e.resourceID != "" {
		target = " " + joinNonEmpty(e.resourceType, e.resourceID)
	}
	return fmt.Sprintf("user %s %s%s: %s", e.userID, verb, target, e.status)
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	default:
		return a + " " + b
	}
}
