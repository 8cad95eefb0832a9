package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import "go.opentelemetry.io/collector/pdata/plog"

// subsetLogs copies the records at refs (in input order) into new Logs, keeping each record's
// resource and scope, so that a retry sends exactly the records that failed.
func subsetLogs(ld plog.Logs, refs []recordRef) plog.Logs {
	out := plog.NewLogs()
	var outRL plog.ResourceLogs
	var outSL plog.ScopeLogs
	lastRes, lastScope := -1, -1
	for _, ref := range refs {
		rl := ld.ResourceLogs().At(ref.resource)
		sl := rl.ScopeLogs().At(ref.scope)
		if ref.resource != lastRes {
			outRL = out.ResourceLogs().AppendEmpty()
			rl.Resource().CopyTo(outRL.Resource())
			outRL.SetSchemaUrl(rl.SchemaUrl())
			lastRes, lastScope = ref.resource, -1
		}
		if ref.scope != lastScope {
			outSL = outRL.ScopeLogs().AppendEmpty()
			sl.Scope().CopyTo(outSL.Scope())
			outSL.SetSchemaUrl(sl.SchemaUrl())
			lastScope = ref.scope
		}
		sl.LogRecords().At(ref.record).CopyTo(outSL.LogRecords().AppendEmpty())
	}
	return out
}
