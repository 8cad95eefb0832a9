package redisauditexporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// TestSubsetLogsKeepsResourceAndScope checks that a retry carries exactly the failed records,
// each still under its own resource and scope, since both feed the mapping.
func TestSubsetLogsKeepsResourceAndScope(t *testing.T) {
	ld := plog.NewLogs()
	for _, svc := range []string{"a", "b"} {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", svc)
		for _, scope := range []string{"s1", "s2"} {
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().SetName(scope)
			for _, body := range []string{"r1", "r2"} {
				sl.LogRecords().AppendEmpty().Body().SetStr(svc + "/" + scope + "/" + body)
			}
		}
	}
	out := subsetLogs(ld, []recordRef{
		{resource: 0, scope: 1, record: 1},
		{resource: 1, scope: 0, record: 0},
		{resource: 1, scope: 0, record: 1},
		{resource: 1, scope: 1, record: 1},
	})

	var got []string
	for _, rl := range out.ResourceLogs().All() {
		svc, ok := rl.Resource().Attributes().Get("service.name")
		require.True(t, ok)
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				got = append(got, svc.Str()+" "+sl.Scope().Name()+" "+lr.Body().Str())
			}
		}
	}
	assert.Equal(t, []string{
		"a s2 a/s2/r2", "b s1 b/s1/r1", "b s1 b/s1/r2", "b s2 b/s2/r2",
	}, got)
	assert.Equal(t, 2, out.ResourceLogs().Len(), "one resource each, not one per record")
	assert.Equal(t, 2, out.ResourceLogs().At(1).ScopeLogs().Len())
}
