package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

// refundLogs is OTLP/JSON as any language can write it by hand. The first record is a failed
// refund by user 3003 at 2026-03-14T09:26:53.589793238Z, with an int attribute and a nested
// map; the second names no user, so it belongs in the dead-letter stream.
const refundLogs = `{"resourceLogs": [{
  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "billing-api"}}]},
  "scopeLogs": [{"scope": {"name": "billing"}, "logRecords": [
    {
      "timeUnixNano": "1773480413589793238",
      "eventName": "billing.refund",
      "severityNumber": 17, "severityText": "ERROR",
      "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
      "body": {"stringValue": "refund of pay-1 failed"},
      "attributes": [
        {"key": "user.id", "value": {"stringValue": "3003"}},
        {"key": "status", "value": {"stringValue": "error"}},
        {"key": "resource_type", "value": {"stringValue": "payment"}},
        {"key": "resource_id", "value": {"stringValue": "pay-1"}},
        {"key": "reason", "value": {"stringValue": "upstream_timeout"}},
        {"key": "amount_cents", "value": {"intValue": "1250"}},
        {"key": "http", "value": {"kvlistValue": {"values": [
          {"key": "route", "value": {"stringValue": "/refunds"}},
          {"key": "request", "value": {"kvlistValue": {"values": [
            {"key": "method", "value": {"stringValue": "POST"}}
          ]}}}
        ]}}}
      ]
    },
    {
      "timeUnixNano": "1773480430000000001",
      "eventName": "billing.refund",
      "body": {"stringValue": "refund by an unknown caller"},
      "attributes": [{"key": "status", "value": {"stringValue": "error"}}]
    }
  ]}]
}]}`

// TestPlainOTLPHTTPJSON posts OTLP/JSON with a plain HTTP client, as a service without an
// OpenTelemetry SDK would.
func TestPlainOTLPHTTPJSON(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	col := startCollector(t, srv.Addr)

	postJSON(t, "http://"+col.httpAddr+"/v1/logs", refundLogs)

	waitForLen(t, rdb, mainKey, 1)
	waitForLen(t, rdb, deadLetterKey, 1)
	main := readStream(t, rdb, mainKey)
	want := expected{
		timestamp: "2026-03-14T09:26:53.589793238Z", userID: "3003", action: "billing.refund",
		status: "error", resourceType: "payment", resourceID: "pay-1", reason: "upstream_timeout",
		service: "billing-api", traceID: "5b8efff798038103d269b633813fc60c",
		spanID: "eee19b7ec3c1b174", message: "refund of pay-1 failed",
	}
	// The int is written as text and the nested map is flattened with dots, all sorted by name.
	assert.Equal(t, want.fields(
		"attr.amount_cents", "1250",
		"attr.http.request.method", "POST",
		"attr.http.route", "/refunds",
	), main[0].Fields)
	assert.Equal(t, main, readStream(t, rdb, "audit:user:3003"))
	assert.Equal(t, main, readStream(t, rdb, "audit:action:billing"))

	// The dead-letter entry leads with what was missing, then carries the record as mapped.
	dead := readStream(t, rdb, deadLetterKey)
	orphan := expected{
		timestamp: "2026-03-14T09:27:10.000000001Z", action: "billing.refund", status: "error",
		service: "billing-api", message: "refund by an unknown caller",
	}
	assert.Equal(t, append([]string{"error", "missing user_id"}, orphan.fields()...),
		dead[0].Fields)
	require.Equal(t, []string{
		"audit:action:billing", "audit:all", "audit:invalid", "audit:user:3003",
	}, allKeys(t, rdb))
}

// postJSON posts body as application/json and requires a 200 answer.
func postJSON(t *testing.T, url, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url,
		strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "POST %s answered %s", url, answer)
}
