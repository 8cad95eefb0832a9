package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// testNow is far from every record timestamp used here, so a wrong fallback shows.
var testNow = time.Date(2030, 12, 31, 23, 59, 58, 7, time.UTC)

type fillFunc func(res pcommon.Resource, lr plog.LogRecord)

// newTestRecord builds a plog.Logs holding one record and lets fill set it up.
func newTestRecord(fill fillFunc) (pcommon.Resource, plog.LogRecord) {
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	if fill != nil {
		fill(rl.Resource(), lr)
	}
	return rl.Resource(), lr
}

func utcTimestamp(year int, month time.Month, day, hour, minute, sec, nsec int) pcommon.Timestamp {
	t := time.Date(year, month, day, hour, minute, sec, nsec, time.UTC)
	return pcommon.NewTimestampFromTime(t)
}

func mapWith(cfg MappingConfig, fill fillFunc) mappedRecord {
	res, lr := newTestRecord(fill)
	return newMapper(cfg).mapRecord(res, lr, testNow)
}

func mapDefault(fill fillFunc) mappedRecord {
	return mapWith(newDefaultMappingConfig(), fill)
}

// fieldMap indexes fields by name and fails on a duplicate name, which would hide a value.
func fieldMap(t *testing.T, fields []field) map[string]string {
	t.Helper()
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		_, dup := out[f.name]
		require.Falsef(t, dup, "duplicate field %q", f.name)
		out[f.name] = f.value
	}
	return out
}

func fieldNames(fields []field) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

var fixedNames = []string{
	"timestamp", "user_id", "action", "status", "resource_type", "resource_id", "ip",
	"user_agent", "reason", "service", "trace_id", "span_id", "message",
}

// putAll puts string values; put order is kept, so it can differ from sorted order.
func putAll(m pcommon.Map, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		m.PutStr(kv[i], kv[i+1])
	}
}

func withAttrs(kv ...string) fillFunc {
	return func(_ pcommon.Resource, lr plog.LogRecord) { putAll(lr.Attributes(), kv...) }
}

func withBodyKeys(kv ...string) fillFunc {
	return func(_ pcommon.Resource, lr plog.LogRecord) { putAll(lr.Body().SetEmptyMap(), kv...) }
}

// TestMapperEverySource checks every default source of every audit field: alone, from the
// attributes and from a map body, after empty earlier sources, and against later sources.
func TestMapperEverySource(t *testing.T) {
	cfg := newDefaultMappingConfig()
	lists := []struct {
		field   string
		sources []string
	}{
		{"user_id", cfg.UserID},
		{"action", cfg.Action},
		{"status", cfg.Status},
		{"resource_type", cfg.ResourceType},
		{"resource_id", cfg.ResourceID},
		{"ip", cfg.IP},
		{"user_agent", cfg.UserAgent},
		{"reason", cfg.Reason},
	}
	for _, l := range lists {
		for i, src := range l.sources {
			want := l.field + "-" + strconv.Itoa(i)
			t.Run(l.field+"/"+src+"/attribute", func(t *testing.T) {
				got := fieldMap(t, mapDefault(withAttrs(src, want)).fields)
				assert.Equal(t, want, got[l.field])
				assert.NotContains(t, got, "attr."+src, "the winning source is not an extra")
			})
			t.Run(l.field+"/"+src+"/body", func(t *testing.T) {
				got := fieldMap(t, mapDefault(withBodyKeys(src, want)).fields)
				assert.Equal(t, want, got[l.field])
				assert.NotContains(t, got, "body."+src)
			})
			t.Run(l.field+"/"+src+"/after_empty", func(t *testing.T) {
				var kv []string
				for _, earlier := range l.sources[:i] {
					kv = append(kv, earlier, "")
				}
				got := fieldMap(t, mapDefault(withAttrs(append(kv, src, want)...)).fields)
				assert.Equal(t, want, got[l.field])
				for _, earlier := range l.sources[:i] {
					assert.Contains(t, got, "attr."+earlier, "an empty source stays an extra")
				}
			})
		}
		t.Run(l.field+"/first_wins", func(t *testing.T) {
			var kv []string
			// Put the sources in reverse, so the winner is not simply the first attribute.
			for i := len(l.sources) - 1; i >= 0; i-- {
				kv = append(kv, l.sources[i], "v"+strconv.Itoa(i))
			}
			got := fieldMap(t, mapDefault(withAttrs(kv...)).fields)
			assert.Equal(t, "v0", got[l.field])
			for i, later := range l.sources[1:] {
				assert.Equal(t, "v"+strconv.Itoa(i+1), got["attr."+later], "losers stay extras")
			}
		})
	}
}

func TestMapperSourcePrecedence(t *testing.T) {
	tests := []struct {
		name   string
		cfg    func(*MappingConfig)
		fill   fillFunc
		want   map[string]string
		absent []string
	}{
		{
			name: "attribute beats body key of the same name",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutStr("user.id", "from-attr")
				lr.Body().SetEmptyMap().PutStr("user.id", "from-body")
			},
			want:   map[string]string{"user_id": "from-attr", "body.user.id": "from-body"},
			absent: []string{"attr.user.id"},
		},
		{
			name: "body key of an earlier source beats attribute of a later one",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutStr("enduser.id", "from-attr")
				lr.Body().SetEmptyMap().PutStr("user.id", "from-body")
			},
			want:   map[string]string{"user_id": "from-body", "attr.enduser.id": "from-attr"},
			absent: []string{"body.user.id"},
		},
		{
			name: "empty attribute falls back to the body key of the same name",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutStr("user.id", "")
				lr.Body().SetEmptyMap().PutStr("user.id", "from-body")
			},
			want: map[string]string{"user_id": "from-body", "attr.user.id": ""},
		},
		{
			name: "non-string source is converted before the emptiness check",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutInt("user.id", 1001)
				lr.Attributes().PutBool("status", false)
			},
			want: map[string]string{"user_id": "1001", "status": "false"},
		},
		{
			name: "empty-typed source is skipped",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutEmpty("user.id")
				lr.Attributes().PutStr("enduser.id", "e")
			},
			want: map[string]string{"user_id": "e", "attr.user.id": ""},
		},
		{
			name: "event name beats the action attributes, which stay extras",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.SetEventName("document.delete")
				putAll(lr.Attributes(), "event.name", "ev-attr", "action", "act-attr")
			},
			want: map[string]string{
				"action":          "document.delete",
				"attr.event.name": "ev-attr",
				"attr.action":     "act-attr",
			},
		},
		{
			name: "no event name: event.name attribute",
			fill: withAttrs("action", "act-attr", "event.name", "ev-attr"),
			want: map[string]string{"action": "ev-attr", "attr.action": "act-attr"},
		},
		{
			name: "action_from_event_name=false ignores the event name",
			cfg:  func(c *MappingConfig) { c.ActionFromEventName = false },
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.SetEventName("document.delete")
				lr.Attributes().PutStr("action", "act-attr")
			},
			want:   map[string]string{"action": "act-attr"},
			absent: []string{"attr.action"},
		},
		{
			name: "custom source list replaces the defaults",
			cfg:  func(c *MappingConfig) { c.UserID = []string{"uid"} },
			fill: withAttrs("user.id", "default-name", "uid", "custom"),
			want: map[string]string{"user_id": "custom", "attr.user.id": "default-name"},
		},
		{
			name:   "one attribute can win two audit fields and is then no extra",
			cfg:    func(c *MappingConfig) { c.Reason = []string{"status"} },
			fill:   withAttrs("status", "denied"),
			want:   map[string]string{"status": "denied", "reason": "denied"},
			absent: []string{"attr.status"},
		},
		{
			name: "source names are top-level keys, not paths into maps",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutEmptyMap("user").PutStr("id", "u")
			},
			want: map[string]string{"user_id": "", "attr.user.id": "u"},
		},
		{
			name: "map value as a source becomes JSON",
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutEmptyMap("reason").PutStr("code", "E1")
			},
			want:   map[string]string{"reason": `{"code":"E1"}`},
			absent: []string{"attr.reason.code"},
		},
		{
			name: "default status when no status source is present",
			fill: withAttrs("other", "x"),
			want: map[string]string{"status": "unknown"},
		},
		{
			name: "default status when every status source is empty",
			cfg:  func(c *MappingConfig) { c.DefaultStatus = "n/a" },
			fill: withAttrs("status", "", "event.outcome", "", "audit.status", ""),
			want: map[string]string{"status": "n/a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newDefaultMappingConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			got := fieldMap(t, mapWith(cfg, tt.fill).fields)
			for name, value := range tt.want {
				if assert.Containsf(t, got, name, "fields: %v", got) {
					assert.Equalf(t, value, got[name], "field %q", name)
				}
			}
			for _, name := range tt.absent {
				assert.NotContains(t, got, name)
			}
		})
	}
}

// TestMapperDuplicateKeys uses OTLP JSON, because pcommon's Put cannot repeat a key.
func TestMapperDuplicateKeys(t *testing.T) {
	const otlp = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[
		{"key":"user.id","value":{"stringValue":""}},
		{"key":"user.id","value":{"stringValue":"ignored-as-source"}},
		{"key":"action","value":{"stringValue":"first"}},
		{"key":"action","value":{"stringValue":"second"}}]}]}]}]}`
	logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs([]byte(otlp))
	require.NoError(t, err)
	rl := logs.ResourceLogs().At(0)
	lr := rl.ScopeLogs().At(0).LogRecords().At(0)
	rec := newMapper(newDefaultMappingConfig()).mapRecord(rl.Resource(), lr, testNow)
	// Like Map.Get, only the first of repeated keys is a source; the repeats stay extras.
	assert.Equal(t, []string{"user_id"}, rec.missing)
	assert.Equal(t, "first", rec.action)
	want := []field{
		{"attr.action", "second"}, {"attr.user.id", ""}, {"attr.user.id", "ignored-as-source"},
	}
	assert.Equal(t, want, rec.fields[numFixed:])
}

func TestMapperTimestamp(t *testing.T) {
	recordTS := time.Date(2024, 2, 29, 13, 14, 15, 123, time.UTC)
	observedTS := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		record   time.Time
		observed time.Time
		now      time.Time
		want     string
	}{
		{"record timestamp wins", recordTS, observedTS, testNow, "2024-02-29T13:14:15.000000123Z"},
		{
			"observed timestamp next",
			time.Time{},
			observedTS, testNow,
			"2024-03-01T00:00:00.000000000Z",
		},
		{"now last", time.Time{}, time.Time{}, testNow, "2030-12-31T23:59:58.000000007Z"},
		{
			"now is written in UTC",
			time.Time{},
			time.Time{},
			time.Date(2024, 6, 1, 2, 0, 0, 500_000_000, time.FixedZone("CEST", 2*3600)),
			"2024-06-01T00:00:00.500000000Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, lr := newTestRecord(func(_ pcommon.Resource, lr plog.LogRecord) {
				if !tt.record.IsZero() {
					lr.SetTimestamp(pcommon.NewTimestampFromTime(tt.record))
				}
				if !tt.observed.IsZero() {
					lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(tt.observed))
				}
			})
			rec := newMapper(newDefaultMappingConfig()).mapRecord(res, lr, tt.now)
			require.Equal(t, "timestamp", rec.fields[0].name)
			assert.Equal(t, tt.want, rec.fields[0].value)
			assert.Len(t, rec.fields[0].value, len(timestampLayout), "fixed width sorts as text")
		})
	}
}

func TestMapperServiceAndIDs(t *testing.T) {
	traceID := pcommon.TraceID{
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0, 1, 2, 3, 4, 5, 6, 7,
	}
	spanID := pcommon.SpanID{0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10}
	tests := []struct {
		name string
		cfg  func(*MappingConfig)
		fill fillFunc
		want map[string]string
	}{
		{
			name: "service name and ids",
			fill: func(res pcommon.Resource, lr plog.LogRecord) {
				res.Attributes().PutStr("service.name", "billing")
				lr.Attributes().PutStr("service.name", "not-the-resource")
				lr.SetTraceID(traceID)
				lr.SetSpanID(spanID)
			},
			want: map[string]string{
				"service": "billing", "trace_id": "0123456789abcdef0001020304050607",
				"span_id": "fedcba9876543210", "attr.service.name": "not-the-resource",
			},
		},
		{
			name: "custom service attribute converted to text",
			cfg:  func(c *MappingConfig) { c.Service = "app.id" },
			fill: func(res pcommon.Resource, _ plog.LogRecord) {
				res.Attributes().PutStr("service.name", "billing")
				res.Attributes().PutInt("app.id", 7)
			},
			want: map[string]string{"service": "7", "trace_id": "", "span_id": ""},
		},
		{
			name: "absent service and ids are empty",
			fill: nil,
			want: map[string]string{"service": "", "trace_id": "", "span_id": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newDefaultMappingConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			got := fieldMap(t, mapWith(cfg, tt.fill).fields)
			for name, value := range tt.want {
				assert.Equalf(t, value, got[name], "field %q", name)
			}
		})
	}
}

func TestMapperMessage(t *testing.T) {
	tests := []struct {
		name string
		body func(pcommon.Value)
		want string
	}{
		{"string", func(v pcommon.Value) { v.SetStr("user logged in") }, "user logged in"},
		{"int", func(v pcommon.Value) { v.SetInt(-42) }, "-42"},
		{"double", func(v pcommon.Value) { v.SetDouble(0.25) }, "0.25"},
		{"bool", func(v pcommon.Value) { v.SetBool(true) }, "true"},
		{"bytes", func(v pcommon.Value) { v.SetEmptyBytes().FromRaw([]byte("hi!?")) }, "aGkhPw=="},
		{"slice", func(v pcommon.Value) { v.SetEmptySlice().AppendEmpty().SetStr("a") }, `["a"]`},
		{"map", func(v pcommon.Value) { v.SetEmptyMap().PutStr("k", "v") }, ""},
		{"empty map", func(v pcommon.Value) { v.SetEmptyMap() }, ""},
		{"empty", func(pcommon.Value) {}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mapDefault(func(_ pcommon.Resource, lr plog.LogRecord) { tt.body(lr.Body()) })
			got := fieldMap(t, rec.fields)
			assert.Equal(t, tt.want, got["message"])
		})
	}
	t.Run("map body keys become body fields", func(t *testing.T) {
		got := fieldMap(t, mapDefault(withBodyKeys("k", "v")).fields)
		assert.Equal(t, "v", got["body.k"])
	})
}

func TestMapperValueKinds(t *testing.T) {
	type extras = map[string]string
	tests := []struct {
		name string
		put  func(pcommon.Map)
		want extras
	}{
		{
			"int", func(m pcommon.Map) { m.PutInt("n", -9007199254740993) },
			extras{"attr.n": "-9007199254740993"},
		},
		{"double", func(m pcommon.Map) { m.PutDouble("d", 1.5) }, extras{"attr.d": "1.5"}},
		{"large double", func(m pcommon.Map) { m.PutDouble("d", 1e21) }, extras{"attr.d": "1e+21"}},
		{"small double", func(m pcommon.Map) { m.PutDouble("d", 0.1) }, extras{"attr.d": "0.1"}},
		{"bool", func(m pcommon.Map) { m.PutBool("b", false) }, extras{"attr.b": "false"}},
		{
			"bytes", func(m pcommon.Map) { m.PutEmptyBytes("raw").FromRaw([]byte{0, 1, 2, 0xff}) },
			extras{"attr.raw": "AAEC/w=="},
		},
		{"empty", func(m pcommon.Map) { m.PutEmpty("e") }, extras{"attr.e": ""}},
		{"slice as compact JSON with sorted map keys", func(m pcommon.Map) {
			s := m.PutEmptySlice("list")
			s.AppendEmpty().SetInt(1)
			s.AppendEmpty().SetStr("a<b&c>")
			s.AppendEmpty().SetBool(true)
			s.AppendEmpty().SetDouble(2.5)
			s.AppendEmpty().SetEmptyBytes().FromRaw([]byte{0xff})
			inner := s.AppendEmpty().SetEmptyMap()
			inner.PutInt("z", 1)
			inner.PutStr("a", "x")
		}, extras{"attr.list": `[1,"a<b&c>",true,2.5,"/w==",{"a":"x","z":1}]`}},
		{"empty slice", func(m pcommon.Map) { m.PutEmptySlice("list") }, extras{"attr.list": "[]"}},
		{"non-finite doubles in a slice become strings", func(m pcommon.Map) {
			s := m.PutEmptySlice("list")
			s.AppendEmpty().SetDouble(math.NaN())
			s.AppendEmpty().SetEmptyMap().PutDouble("inf", math.Inf(-1))
		}, extras{"attr.list": `["NaN",{"inf":"-Inf"}]`}},
		{
			"non-finite double alone", func(m pcommon.Map) { m.PutDouble("d", math.Inf(1)) },
			extras{"attr.d": "+Inf"},
		},
		{"nested maps are flattened", func(m pcommon.Map) {
			req := m.PutEmptyMap("http").PutEmptyMap("request")
			req.PutStr("method", "GET")
			req.PutInt("size", 12)
		}, extras{"attr.http.request.method": "GET", "attr.http.request.size": "12"}},
		{"empty map", func(m pcommon.Map) { m.PutEmptyMap("tags") }, extras{"attr.tags": "{}"}},
		{"empty nested map", func(m pcommon.Map) {
			m.PutEmptyMap("a").PutEmptyMap("b")
		}, extras{"attr.a.b": "{}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mapDefault(func(_ pcommon.Resource, lr plog.LogRecord) {
				tt.put(lr.Attributes())
			})
			// Only the wanted extras, nothing more: a flattened map leaves no parent behind.
			assert.Equal(t, tt.want, fieldMap(t, rec.fields[numFixed:]))
		})
	}
	t.Run("body keys use the same rules", func(t *testing.T) {
		rec := mapDefault(func(_ pcommon.Resource, lr plog.LogRecord) {
			body := lr.Body().SetEmptyMap()
			body.PutEmptyMap("http").PutStr("method", "PUT")
			body.PutDouble("ratio", 1e21)
		})
		want := map[string]string{"body.http.method": "PUT", "body.ratio": "1e+21"}
		assert.Equal(t, want, fieldMap(t, rec.fields[numFixed:]))
	})
}

func TestMapperFilter(t *testing.T) {
	fill := func(_ pcommon.Resource, lr plog.LogRecord) {
		a := lr.Attributes()
		a.PutStr("user.id", "u")
		http := a.PutEmptyMap("http")
		req := http.PutEmptyMap("request")
		req.PutStr("method", "GET")
		req.PutStr("path", "/x")
		http.PutInt("status", 200)
		a.PutStr("httpx", "1")
		a.PutStr("secret", "s")
		putAll(lr.Body().SetEmptyMap(), "http.flavor", "1.1", "token", "t")
	}
	all := []string{
		"attr.http.request.method", "attr.http.request.path", "attr.http.status", "attr.httpx",
		"attr.secret", "body.http.flavor", "body.token",
	}
	tests := []struct {
		name             string
		include, exclude []string
		want             []string
	}{
		{"no filter keeps all", nil, nil, all},
		{"include by prefix, on flattened names, bodies too", []string{"http.*"}, nil, []string{
			"attr.http.request.method", "attr.http.request.path", "attr.http.status",
			"body.http.flavor",
		}},
		{"include exact and prefix", []string{"http.request.*", "secret"}, nil, []string{
			"attr.http.request.method", "attr.http.request.path", "attr.secret",
		}},
		{"include of a map's own name matches no leaf", []string{"http"}, nil, []string{}},
		{"prefix without a dot matches across the dot", []string{"http*"}, nil, []string{
			"attr.http.request.method", "attr.http.request.path", "attr.http.status", "attr.httpx",
			"body.http.flavor",
		}},
		{"exclude by prefix and exact", nil, []string{"http.request.*", "token"}, []string{
			"attr.http.status", "attr.httpx", "attr.secret", "body.http.flavor",
		}},
		{
			"exclude applies after include",
			[]string{"http.*"},
			[]string{"http.request.path"},
			[]string{"attr.http.request.method", "attr.http.status", "body.http.flavor"},
		},
		{"the filter never touches audit fields", []string{"secret"}, []string{"user.id"}, []string{
			"attr.secret",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newDefaultMappingConfig()
			cfg.Attributes.Include = tt.include
			cfg.Attributes.Exclude = tt.exclude
			rec := mapWith(cfg, fill)
			assert.Equal(t, tt.want, fieldNames(rec.fields[numFixed:]))
			assert.Equal(t, "u", rec.userID)
		})
	}
}

func TestMapperWholeRecord(t *testing.T) {
	t.Run("audit record with attributes", func(t *testing.T) {
		rec := mapDefault(func(res pcommon.Resource, lr plog.LogRecord) {
			res.Attributes().PutStr("service.name", "billing")
			lr.SetTimestamp(utcTimestamp(2024, 1, 2, 3, 4, 5, 6))
			lr.SetObservedTimestamp(utcTimestamp(2025, 1, 1, 0, 0, 0, 0))
			lr.SetEventName("document.delete")
			lr.SetTraceID(pcommon.TraceID{15: 1})
			lr.SetSpanID(pcommon.SpanID{0: 0xab})
			a := lr.Attributes()
			a.PutBool("zeta", true)
			putAll(a, "user.id", "u-1", "enduser.id", "e-1", "event.outcome", "denied",
				"client.address", "10.0.0.1", "user_agent.original", "curl/8",
				"resource_type", "document", "audit.resource.id", "d-42", "reason", "policy")
			http := a.PutEmptyMap("http")
			http.PutStr("method", "DELETE")
			http.PutInt("status_code", 403)
			a.PutDouble("alpha", 1.5)
			lr.Body().SetStr("deleted document d-42")
		})
		want := []field{
			{"timestamp", "2024-01-02T03:04:05.000000006Z"},
			{"user_id", "u-1"},
			{"action", "document.delete"},
			{"status", "denied"},
			{"resource_type", "document"},
			{"resource_id", "d-42"},
			{"ip", "10.0.0.1"},
			{"user_agent", "curl/8"},
			{"reason", "policy"},
			{"service", "billing"},
			{"trace_id", "00000000000000000000000000000001"},
			{"span_id", "ab00000000000000"},
			{"message", "deleted document d-42"},
			{"attr.alpha", "1.5"},
			{"attr.enduser.id", "e-1"},
			{"attr.http.method", "DELETE"},
			{"attr.http.status_code", "403"},
			{"attr.zeta", "true"},
		}
		assert.Equal(t, want, rec.fields)
		assert.Equal(t, "u-1", rec.userID)
		assert.Equal(t, "document.delete", rec.action)
		assert.Empty(t, rec.missing)
	})

	t.Run("map body, missing user, one value cut", func(t *testing.T) {
		cfg := newDefaultMappingConfig()
		cfg.MaxValueBytes = 64
		rec := mapWith(cfg, func(_ pcommon.Resource, lr plog.LogRecord) {
			lr.SetObservedTimestamp(utcTimestamp(2024, 7, 8, 9, 10, 11, 0))
			putAll(lr.Attributes(), "b", "2")
			list := lr.Attributes().PutEmptySlice("a")
			list.AppendEmpty().SetInt(1)
			list.AppendEmpty().SetStr("x")
			body := lr.Body().SetEmptyMap()
			putAll(body, "user_id", "", "action", "login", "note", strings.Repeat("n", 100))
			body.PutEmptyMap("nested")
		})
		want := []field{
			{"timestamp", "2024-07-08T09:10:11.000000000Z"},
			{"user_id", ""},
			{"action", "login"},
			{"status", "unknown"},
			{"resource_type", ""},
			{"resource_id", ""},
			{"ip", ""},
			{"user_agent", ""},
			{"reason", ""},
			{"service", ""},
			{"trace_id", ""},
			{"span_id", ""},
			{"message", ""},
			{"attr.a", `[1,"x"]`},
			{"attr.b", "2"},
			{"body.nested", "{}"},
			{"body.note", strings.Repeat("n", 64)},
			{"body.user_id", ""},
			{"cut_fields", "body.note:100"},
		}
		assert.Equal(t, want, rec.fields)
		assert.Equal(t, []string{"user_id"}, rec.missing)
		assert.Equal(t, "login", rec.action)
	})

	t.Run("empty record keeps every fixed field", func(t *testing.T) {
		rec := mapDefault(nil)
		assert.Equal(t, fixedNames, fieldNames(rec.fields))
	})
}

func TestMapperCap(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		fill    fillFunc
		want    map[string]string
		wantCut string
	}{
		{
			name: "ascii message", max: 64,
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Body().SetStr(strings.Repeat("a", 100))
			},
			want:    map[string]string{"message": strings.Repeat("a", 64)},
			wantCut: "message:100",
		},
		{
			name: "two-byte runes back off one byte", max: 64,
			// "a" then 40 × "é": byte 64 is the second byte of a rune.
			fill:    withAttrs("text", "a"+strings.Repeat("é", 40)),
			want:    map[string]string{"attr.text": "a" + strings.Repeat("é", 31)},
			wantCut: "attr.text:81",
		},
		{
			name: "four-byte runes back off two bytes", max: 64,
			fill:    withAttrs("emoji", "ab"+strings.Repeat("😀", 20)),
			want:    map[string]string{"attr.emoji": "ab" + strings.Repeat("😀", 15)},
			wantCut: "attr.emoji:82",
		},
		{
			name: "cut exactly at a rune boundary keeps every byte", max: 64,
			fill:    withAttrs("text", strings.Repeat("é", 40)),
			want:    map[string]string{"attr.text": strings.Repeat("é", 32)},
			wantCut: "attr.text:80",
		},
		{
			name: "several fields listed in field order", max: defaultMaxValueBytes,
			fill: func(_ pcommon.Resource, lr plog.LogRecord) {
				lr.Attributes().PutStr("payload", strings.Repeat("p", 9000))
				lr.Body().SetStr(strings.Repeat("m", 20480))
			},
			want: map[string]string{
				"message": strings.Repeat("m", 8192), "attr.payload": strings.Repeat("p", 8192),
			},
			wantCut: "message:20480,attr.payload:9000",
		},
		{
			name: "a value of exactly the cap is not cut", max: 64,
			fill:    withAttrs("text", strings.Repeat("x", 64)),
			want:    map[string]string{"attr.text": strings.Repeat("x", 64)},
			wantCut: "",
		},
		{
			name: "invalid UTF-8 is cut at the cap", max: 64,
			fill:    withAttrs("bin", strings.Repeat("\x80", 100)),
			want:    map[string]string{"attr.bin": strings.Repeat("\x80", 64)},
			wantCut: "attr.bin:100",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newDefaultMappingConfig()
			cfg.MaxValueBytes = tt.max
			rec := mapWith(cfg, tt.fill)
			got := fieldMap(t, rec.fields)
			for name, value := range tt.want {
				assert.Equalf(t, value, got[name], "field %q", name)
			}
			last := rec.fields[len(rec.fields)-1]
			if tt.wantCut == "" {
				assert.NotContains(t, got, "cut_fields")
				return
			}
			assert.Equal(t, field{"cut_fields", tt.wantCut}, last, "cut_fields comes last")
		})
	}
	t.Run("user id and action stay whole for the stream keys", func(t *testing.T) {
		cfg := newDefaultMappingConfig()
		cfg.MaxValueBytes = 64
		long := strings.Repeat("u", 70)
		rec := mapWith(cfg, withAttrs("user.id", long, "action", long+"a"))
		assert.Equal(t, long, rec.userID)
		assert.Equal(t, long+"a", rec.action)
		got := fieldMap(t, rec.fields)
		assert.Equal(t, long[:64], got["user_id"])
		assert.Equal(t, "user_id:70,action:71", got["cut_fields"])
	})
	t.Run("cut_fields itself is not capped", func(t *testing.T) {
		cfg := newDefaultMappingConfig()
		cfg.MaxValueBytes = 64
		rec := mapWith(cfg, func(_ pcommon.Resource, lr plog.LogRecord) {
			for i := range 10 {
				lr.Attributes().PutStr("long_attribute_"+strconv.Itoa(i), strings.Repeat("v", 65))
			}
		})
		got := fieldMap(t, rec.fields)
		assert.Greater(t, len(got["cut_fields"]), 64)
		assert.Equal(t, 10, strings.Count(got["cut_fields"], ":65"))
	})
}

func TestCutUTF8(t *testing.T) {
	assert.Equal(t, "abc", cutUTF8("abc", 5), "short text is kept")
	assert.Equal(t, "ab", cutUTF8("ab€", 4), "the 3-byte rune is dropped whole")
	assert.Equal(t, "ab€", cutUTF8("ab€x", 5))
	// Five continuation bytes: there is no rune start to back off to within 3 bytes.
	assert.Equal(t, "\x80\x80\x80\x80", cutUTF8("\x80\x80\x80\x80\x80", 4))
}

// manyAttrs puts n attributes named k000, k001, ..., in reverse order.
func manyAttrs(n int) fillFunc {
	return func(_ pcommon.Resource, lr plog.LogRecord) {
		lr.Attributes().PutStr("user.id", "u")
		for i := n - 1; i >= 0; i-- {
			name := "k" + padInt(i)
			lr.Attributes().PutStr(name, "v"+padInt(i))
		}
	}
}

func padInt(i int) string {
	s := strconv.Itoa(i)
	return strings.Repeat("0", 3-len(s)) + s
}

func TestMapperOverflow(t *testing.T) {
	t.Run("extras past 512 go to one overflow field", func(t *testing.T) {
		cfg := newDefaultMappingConfig()
		cfg.MaxValueBytes = 1 << 20
		rec := mapWith(cfg, manyAttrs(600))

		require.Len(t, rec.fields, numFixed+maxExtraFields+1)
		assert.Equal(t, fixedNames, fieldNames(rec.fields[:numFixed]))
		extras := rec.fields[numFixed : numFixed+maxExtraFields]
		for i, f := range extras {
			require.Equal(t, field{"attr.k" + padInt(i), "v" + padInt(i)}, f)
		}
		overflow := rec.fields[len(rec.fields)-1]
		require.Equal(t, "overflow", overflow.name)
		var rest map[string]string
		require.NoError(t, json.Unmarshal([]byte(overflow.value), &rest))
		assert.Len(t, rest, 600-maxExtraFields)
		for i := maxExtraFields; i < 600; i++ {
			assert.Equal(t, "v"+padInt(i), rest["attr.k"+padInt(i)])
		}
		assert.True(t, strings.HasPrefix(overflow.value, `{"attr.k512":"v512","attr.k513":"v513",`),
			"compact and in sorted order: %.60s", overflow.value)
	})
	t.Run("exactly 512 extras need no overflow", func(t *testing.T) {
		rec := mapDefault(manyAttrs(maxExtraFields))
		require.Len(t, rec.fields, numFixed+maxExtraFields)
		assert.Equal(t, "attr.k511", rec.fields[len(rec.fields)-1].name)
	})
	t.Run("overflow is capped like any field", func(t *testing.T) {
		cfg := newDefaultMappingConfig()
		cfg.MaxValueBytes = 64
		rec := mapWith(cfg, manyAttrs(520))
		n := len(rec.fields)
		require.Equal(t, "overflow", rec.fields[n-2].name)
		assert.Len(t, rec.fields[n-2].value, 64)
		// 8 entries of `"attr.k512":"v512"` (18 bytes), 7 commas and 2 braces.
		assert.Equal(t, field{"cut_fields", "overflow:" + strconv.Itoa(8*18+7+2)}, rec.fields[n-1])
	})
}

func TestMapperMissing(t *testing.T) {
	tests := []struct {
		name string
		fill fillFunc
		want []string
	}{
		{"both present", withAttrs("user.id", "u", "action", "a"), nil},
		{"both absent", withAttrs("other", "x"), []string{"user_id", "action"}},
		{"empty is missing", withAttrs("user.id", "", "action", ""), []string{"user_id", "action"}},
		{"only user id", withAttrs("enduser.id", "", "event.name", "x"), []string{"user_id"}},
		{"only action missing", withBodyKeys("user_id", "u"), []string{"action"}},
		{"event name is an action", func(_ pcommon.Resource, lr plog.LogRecord) {
			lr.SetEventName("login")
			lr.Attributes().PutInt("user.id", 0)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := mapDefault(tt.fill)
			assert.Equal(t, tt.want, rec.missing)
			got := fieldMap(t, rec.fields)
			assert.Equal(t, rec.userID, got["user_id"])
			assert.Equal(t, rec.action, got["action"])
		})
	}
}

func BenchmarkMapRecord(b *testing.B) {
	res, lr := newTestRecord(func(res pcommon.Resource, lr plog.LogRecord) {
		res.Attributes().PutStr("service.name", "billing")
		lr.SetEventName("document.delete")
		putAll(lr.Attributes(), "user.id", "u-1", "client.address", "10.0.0.1",
			"user_agent.original", "curl/8", "resource_id", "d-42", "tenant", "t-9")
		lr.Attributes().PutEmptyMap("http").PutStr("method", "DELETE")
		lr.Body().SetStr("deleted document d-42")
	})
	m := newMapper(newDefaultMappingConfig())
	b.ReportAllocs()
	for b.Loop() {
		_ = m.mapRecord(res, lr, testNow)
	}
}
