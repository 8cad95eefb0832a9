package e2e

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

const firefox = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"

// TestAuditsendOverGRPC sends with the OpenTelemetry Go SDK, as an instrumented Go service
// would: first auditsend's three example events, then a generated burst.
func TestAuditsendOverGRPC(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	col := startCollector(t, srv.Addr)

	from := time.Now()
	out := runProgram(t, auditsendBin, "-endpoint", col.grpcAddr, "-count", "0")
	to := time.Now()
	assert.Contains(t, out, "sent 3 of 3 events")
	checkExamples(t, rdb, from, to)

	out = runProgram(t, auditsendBin, "-endpoint", col.grpcAddr,
		"-count", "50", "-users", "4", "-seed", "7", "-examples=false")
	assert.Contains(t, out, "sent 50 of 50 events")
	waitForLen(t, rdb, mainKey, 53)
	main := readStream(t, rdb, mainKey)
	checkFanOut(t, rdb, main)
	// -users 4 draws ids from 1001..1004 only.
	assert.Subset(t, []string{
		"audit:user:1001", "audit:user:1002", "audit:user:1003", "audit:user:1004",
	}, keysWithPrefix(t, rdb, userPrefix))
	assert.Empty(t, readStream(t, rdb, deadLetterKey))
}

// checkExamples checks the entries of auditsend's examples: user 1001 logs in, views document
// doc-123 and is denied deleting it. The messages are the bodies auditsend writes.
func checkExamples(t *testing.T, rdb *redis.Client, from, to time.Time) {
	t.Helper()
	waitForLen(t, rdb, mainKey, 3)
	main := readStream(t, rdb, mainKey)
	want := []expected{{
		userID: "1001", action: "user.login", status: "success", ip: "192.168.1.100",
		userAgent: firefox, service: "auditsend", message: "user 1001 logged in: success",
	}, {
		userID: "1001", action: "document.view", status: "success", resourceType: "document",
		resourceID: "doc-123", service: "auditsend",
		message: "user 1001 viewed document doc-123: success",
	}, {
		userID: "1001", action: "document.delete", status: "denied", resourceType: "document",
		resourceID: "doc-123", reason: "insufficient_permissions", service: "auditsend",
		message: "user 1001 deleted document doc-123: denied",
	}}
	// auditsend sets no other attributes and records outside a span, so there are no attr.*
	// fields and no trace or span id.
	for i, e := range main {
		want[i].timestamp = stampedWithin(t, e, from, to)
		assert.Equal(t, want[i].fields(), e.Fields, "audit:all entry %d", i)
	}
	assert.Equal(t, main, readStream(t, rdb, "audit:user:1001"))
	assert.Equal(t, main[:1], readStream(t, rdb, "audit:action:user"))
	assert.Equal(t, main[1:], readStream(t, rdb, "audit:action:document"))
	require.Equal(t, []string{
		"audit:action:document", "audit:action:user", "audit:all", "audit:user:1001",
	}, allKeys(t, rdb), "nothing else written, no dead letters")
}
