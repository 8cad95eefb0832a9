package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// TestTelemetrygenOverGRPC sends with telemetrygen, a client this project did not write. It
// sets no event name, so the action comes from the event.name attribute.
func TestTelemetrygenOverGRPC(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	col := startCollector(t, srv.Addr)

	from := time.Now()
	runProgram(t, telemetrygenBin, "logs", "--otlp-insecure", "--otlp-endpoint", col.grpcAddr,
		"--logs", "5",
		// The default rate of one log a second would spend four seconds waiting.
		"--rate", "0",
		"--telemetry-attributes", `user.id="2002"`,
		"--telemetry-attributes", `event.name="admin.role_grant"`,
		"--telemetry-attributes", `status="success"`)
	to := time.Now()

	waitForLen(t, rdb, mainKey, 5)
	main := readStream(t, rdb, mainKey)
	for i, e := range main {
		want := expected{
			timestamp: stampedWithin(t, e, from, to),
			userID:    "2002", action: "admin.role_grant", status: "success",
			service: "telemetrygen", message: "the message", // its default --service and --body
		}
		// telemetrygen v0.161.0 adds app="server" to every record besides the attributes given
		// on the command line; its severity (9, "Info") is not an entry field. The three given
		// attributes became audit fields, so they do not repeat as attr.*.
		assert.Equal(t, want.fields("attr.app", "server"), e.Fields, "audit:all entry %d", i)
	}
	assert.Equal(t, main, readStream(t, rdb, "audit:user:2002"))
	assert.Equal(t, main, readStream(t, rdb, "audit:action:admin"))
	require.Equal(t, []string{"audit:action:admin", "audit:all", "audit:user:2002"},
		allKeys(t, rdb), "nothing else written, no dead letters")
}
