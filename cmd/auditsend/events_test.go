package main

import (
	"io"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
)

func TestExampleEvents(t *testing.T) {
	want := []event{
		{
			userID: "1001", action: "user.login", status: "success",
			clientAddress: "192.168.1.100",
			userAgent:     "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
		},
		{
			userID: "1001", action: "document.view", status: "success",
			resourceType: "document", resourceID: "doc-123",
		},
		{
			userID: "1001", action: "document.delete", status: "denied",
			resourceType: "document", resourceID: "doc-123", reason: "insufficient_permissions",
		},
	}
	assert.Equal(t, want, exampleEvents())
}

func TestGenerateIsDeterministic(t *testing.T) {
	first := generate(500, 5, 7)
	require.Len(t, first, 500)
	assert.Equal(t, first, generate(500, 5, 7))
	assert.NotEqual(t, first, generate(500, 5, 8))
	assert.Empty(t, generate(0, 5, 1))
}

func TestGenerateUsersStayInRange(t *testing.T) {
	for _, users := range []int{1, 5, 12} {
		seen := map[string]bool{}
		for _, e := range generate(2000, users, 1) {
			id, err := strconv.Atoi(e.userID)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, id, 1001)
			assert.LessOrEqual(t, id, 1000+users)
			seen[e.userID] = true
		}
		assert.Len(t, seen, users, "every user should act in a burst this long")
	}
}

func TestGeneratedEventsAreComplete(t *testing.T) {
	docs := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"),
	}
	for i, e := range generate(2000, 5, 3) {
		assert.NotEmpty(t, e.userID, "event %d", i)
		assert.Contains(t, []string{"success", "denied", "error"}, e.status, "event %d", i)
		_, known := verbFor(e.action)
		assert.True(t, known, "event %d has uncataloged action %q", i, e.action)
		assert.Equal(t, e.resourceType == "", e.resourceID == "", "event %d", i)
		assert.Equal(t, e.status == "success", e.reason == "", "event %d: %+v", i, e)
		assert.NotEmpty(t, e.userAgent, "event %d", i)
		addr := netip.MustParseAddr(e.clientAddress)
		assert.True(t, docs[0].Contains(addr) || docs[1].Contains(addr) || docs[2].Contains(addr),
			"event %d address %s is outside the documentation ranges", i, addr)
	}
}

func TestGenerateOutcomeMix(t *testing.T) {
	counts := map[string]int{}
	for _, e := range generate(1000, 5, 1) {
		counts[e.status]++
	}
	assert.Positive(t, counts["denied"])
	assert.Positive(t, counts["error"])
	assert.Greater(t, counts["success"], 700, "most actions should succeed: %v", counts)
}

func TestCatalogIsConsistent(t *testing.T) {
	names := map[string]bool{}
	for _, spec := range catalog {
		assert.False(t, names[spec.name], "duplicate action %q", spec.name)
		names[spec.name] = true
		assert.NotEmpty(t, spec.verb, spec.name)
		assert.Positive(t, spec.weight, spec.name)
		assert.Equal(t, spec.resourceType == "", spec.resourceID == nil, spec.name)
		if spec.denyPct > 0 {
			assert.NotEmpty(t, spec.denyReasons, "%s can be denied but has no reason", spec.name)
		}
	}
	assert.GreaterOrEqual(t, len(names), 10)
}

func TestToRecord(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r := toRecord(exampleEvents()[2], now)

	assert.Equal(t, "document.delete", r.EventName())
	assert.Equal(t, now, r.Timestamp())
	assert.Equal(t, log.SeverityWarn, r.Severity())
	assert.Equal(t, "WARN", r.SeverityText())
	assert.Equal(t, "user 1001 deleted document doc-123: denied", r.Body().AsString())
	assert.Equal(t, []attribute.KeyValue{
		attribute.String("user.id", "1001"),
		attribute.String("status", "denied"),
		attribute.String("resource_type", "document"),
		attribute.String("resource_id", "doc-123"),
		attribute.String("reason", "insufficient_permissions"),
	}, recordAttributes(r))
}

func recordAttributes(r log.Record) []attribute.KeyValue {
	var attrs []attribute.KeyValue
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		attrs = append(attrs, kv)
		return true
	})
	return attrs
}

func TestSeverity(t *testing.T) {
	assert.Equal(t, log.SeverityInfo, severity("success"))
	assert.Equal(t, log.SeverityWarn, severity("denied"))
	assert.Equal(t, log.SeverityError, severity("error"))
}

func TestMessage(t *testing.T) {
	tests := []struct {
		e    event
		want string
	}{
		{exampleEvents()[0], "user 1001 logged in: success"},
		{exampleEvents()[1], "user 1001 viewed document doc-123: success"},
		{
			event{
				userID: "1004", action: "billing.refund", status: "error", resourceType: "payment",
				resourceID: "pay-70012", reason: "upstream_timeout",
			},
			"user 1004 refunded payment pay-70012: error",
		},
		{
			event{userID: "7", action: "vault.open", status: "success"},
			"user 7 performed vault.open: success",
		},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, message(tt.e))
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, config{
		endpoint: "127.0.0.1:4317", timeout: 30 * time.Second, examples: true,
		users: 5, seed: 1, service: "auditsend",
	}, cfg)
	assert.Zero(t, cfg.interval())
}

func TestParseFlagsRejects(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-endpoint", "http://localhost:4317"}, "-endpoint: give host:port"},
		{[]string{"-timeout", "0s"}, "-timeout: must be > 0"},
		{[]string{"-count", "-1"}, "-count: must be >= 0"},
		{[]string{"-users", "0"}, "-users: must be between"},
		{[]string{"-rate", "-2"}, "-rate: must be a finite number"},
		{[]string{"-service", ""}, "-service: must not be empty"},
		{[]string{"-examples=false"}, "nothing to send"},
		{[]string{"extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, io.Discard)
		require.ErrorContains(t, err, tt.want, "args %q", tt.args)
	}
	_, err := parseFlags([]string{"-bogus"}, io.Discard)
	assert.ErrorIs(t, err, errFlagsReported)
}

func TestInterval(t *testing.T) {
	assert.Equal(t, 100*time.Millisecond, config{rate: 10}.interval())
	assert.Equal(t, 4*time.Second, config{rate: 0.25}.interval())
	assert.Zero(t, config{rate: 0}.interval())
}
