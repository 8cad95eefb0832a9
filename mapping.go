package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

const (
	// timestampLayout has a fixed 9-digit fraction so that timestamps sort as text.
	timestampLayout = "2006-01-02T15:04:05.000000000Z"
	// maxExtraFields bounds the fields of one entry: the Redis script passes them through
	// Lua's unpack, which fails past a few thousand values.
	maxExtraFields = 512

	attrPrefix     = "attr."
	bodyPrefix     = "body."
	overflowField  = "overflow"
	cutFieldsField = "cut_fields"

	// numFixed counts timestamp, the audit fields, service, trace_id, span_id and message.
	numFixed = 1 + numAudit + 4
)

// Audit fields in output order; they index mapper.audit and auditNames.
const (
	auditUserID = iota
	auditAction
	auditStatus
	auditResourceType
	auditResourceID
	auditIP
	auditUserAgent
	auditReason
	numAudit
)

var auditNames = [numAudit]string{
	"user_id", "action", "status", "resource_type", "resource_id", "ip", "user_agent", "reason",
}

// field is one stream field.
type field struct{ name, value string }

// mappedRecord is one log record mapped to stream fields.
type mappedRecord struct {
	fields  []field  // fixed fields, sorted extras, overflow, then cut_fields
	userID  string   // raw (unescaped and uncut) user id, "" when missing
	action  string   // raw (uncut) action, "" when missing
	missing []string // required audit fields that are absent: "user_id", "action"
}

// mapper turns log records into stream fields. It holds only what newMapper derived from the
// config, so one mapper may serve concurrent calls.
type mapper struct {
	// sources numbers every distinct source name, so one pass over a record's attributes
	// finds all candidates instead of one linear Map.Get per source name.
	sources map[string]int
	nslots  int
	// audit lists, per audit field, the slots of its sources in config order.
	audit               [numAudit][]int
	actionFromEventName bool
	defaultStatus       string
	service             string
	include             patternSet
	exclude             patternSet
	maxValueBytes       int
}

// slotValue is what one record holds for one source name.
type slotValue struct {
	v       pcommon.Value
	present bool
	// won marks the value an audit field took, so it is not written again as an extra.
	won bool
}

// recordMaps are the two places a record's sources and extras come from.
type recordMaps struct {
	attrs   pcommon.Map
	body    pcommon.Map
	hasBody bool
}

func newMapper(cfg MappingConfig) *mapper {
	m := &mapper{
		sources:             make(map[string]int),
		actionFromEventName: cfg.ActionFromEventName,
		defaultStatus:       cfg.DefaultStatus,
		service:             cfg.Service,
		include:             newPatternSet(cfg.Attributes.Include),
		exclude:             newPatternSet(cfg.Attributes.Exclude),
		maxValueBytes:       cfg.MaxValueBytes,
	}
	lists := [numAudit][]string{
		cfg.UserID, cfg.Action, cfg.Status, cfg.ResourceType,
		cfg.ResourceID, cfg.IP, cfg.UserAgent, cfg.Reason,
	}
	for f, names := range lists {
		for _, name := range names {
			slot, ok := m.sources[name]
			if !ok {
				slot = len(m.sources)
				m.sources[name] = slot
			}
			m.audit[f] = append(m.audit[f], slot)
		}
	}
	m.nslots = len(m.sources)
	return m
}

// mapRecord maps lr. now is used for the timestamp only when the record has neither a
// timestamp nor an observed timestamp. It never fails: a record without a user id or an
// action is still mapped, and the caller decides from missing what to do with it.
func (m *mapper) mapRecord(res pcommon.Resource, lr plog.LogRecord, now time.Time) mappedRecord {
	src := recordMaps{attrs: lr.Attributes()}
	if body := lr.Body(); body.Type() == pcommon.ValueTypeMap {
		src.body, src.hasBody = body.Map(), true
	}
	found := m.findSources(src)
	audit := m.auditValues(lr, found)
	extras := m.extras(src, found)

	// Two spare slots for overflow and cut_fields, so neither append reallocates.
	fields := make([]field, 0, numFixed+min(len(extras), maxExtraFields)+2)
	fields = append(fields, field{"timestamp", recordTime(lr, now)})
	for f, value := range audit {
		fields = append(fields, field{auditNames[f], value})
	}
	fields = append(fields,
		field{"service", m.serviceName(res)},
		field{"trace_id", traceHex(lr.TraceID())},
		field{"span_id", spanHex(lr.SpanID())},
		field{"message", messageText(lr.Body())},
	)
	fields = appendExtras(fields, extras)
	fields = m.capValues(fields)

	return mappedRecord{
		fields:  fields,
		userID:  audit[auditUserID],
		action:  audit[auditAction],
		missing: missingFields(audit),
	}
}

// findSources collects the record's source values: attribute slots first, then body slots.
func (m *mapper) findSources(src recordMaps) []slotValue {
	found := make([]slotValue, 2*m.nslots)
	m.markPresent(src.attrs, found[:m.nslots])
	if src.hasBody {
		m.markPresent(src.body, found[m.nslots:])
	}
	return found
}

func (m *mapper) markPresent(kv pcommon.Map, found []slotValue) {
	for k, v := range kv.All() {
		// The first of duplicate keys counts, as with Map.Get.
		if slot, ok := m.sources[k]; ok && !found[slot].present {
			found[slot] = slotValue{v: v, present: true}
		}
	}
}

func (m *mapper) auditValues(lr plog.LogRecord, found []slotValue) [numAudit]string {
	var out [numAudit]string
	for f := range out {
		// The event name is not an attribute, so taking it marks no source as won and the
		// action attributes stay as extras.
		if f == auditAction && m.actionFromEventName && lr.EventName() != "" {
			out[f] = lr.EventName()
			continue
		}
		out[f] = m.resolve(m.audit[f], found)
	}
	if out[auditStatus] == "" {
		out[auditStatus] = m.defaultStatus
	}
	return out
}

// resolve returns the first non-empty source value. For each source name the attribute is
// tried before the body key of the same name, and only then the next name: for sources
// [a, b] the order is attribute a, body a, attribute b, body b. A name the user listed first
// is the one they trust most, wherever the record put it.
func (m *mapper) resolve(slots []int, found []slotValue) string {
	for _, slot := range slots {
		for _, i := range [2]int{slot, m.nslots + slot} {
			if !found[i].present {
				continue
			}
			if text := valueText(found[i].v); text != "" {
				found[i].won = true
				return text
			}
		}
	}
	return ""
}

// extras returns every attribute and body key that no audit field took, flattened, filtered
// and sorted by name.
func (m *mapper) extras(src recordMaps, found []slotValue) []field {
	n := src.attrs.Len()
	if src.hasBody {
		n += src.body.Len()
	}
	out := make([]field, 0, n)
	out = m.appendUnused(out, attrPrefix, src.attrs, found[:m.nslots])
	if src.hasBody {
		out = m.appendUnused(out, bodyPrefix, src.body, found[m.nslots:])
	}
	// Stable, so the rare duplicate name (a key "a.b" next to a map "a" holding "b") keeps the
	// record's order and the output stays deterministic.
	slices.SortStableFunc(out, func(a, b field) int { return strings.Compare(a.name, b.name) })
	return out
}

func (m *mapper) appendUnused(
	out []field, prefix string, kv pcommon.Map, found []slotValue,
) []field {
	for k, v := range kv.All() {
		if slot, ok := m.sources[k]; ok && found[slot].won {
			// Skip only the occurrence that won. Data from the wire may repeat a key, and a
			// repeat is kept as an extra rather than silently lost.
			found[slot].won = false
			continue
		}
		out = m.appendFlat(out, prefix+k, len(prefix), v)
	}
	return out
}

// appendFlat writes v under name, spreading a non-empty map over dotted names. An empty map
// has no leaves, so it is kept as "{}" rather than vanish. The filter sees the name without
// its prefix, as the user wrote it in the config.
func (m *mapper) appendFlat(out []field, name string, prefixLen int, v pcommon.Value) []field {
	if v.Type() == pcommon.ValueTypeMap && v.Map().Len() > 0 {
		for k, nested := range v.Map().All() {
			out = m.appendFlat(out, name+"."+k, prefixLen, nested)
		}
		return out
	}
	if !m.keep(name[prefixLen:]) {
		return out
	}
	return append(out, field{name, valueText(v)})
}

func (m *mapper) keep(name string) bool {
	if !m.include.empty() && !m.include.match(name) {
		return false
	}
	return !m.exclude.match(name)
}

func (m *mapper) serviceName(res pcommon.Resource) string {
	if m.service == "" {
		return ""
	}
	if v, ok := res.Attributes().Get(m.service); ok {
		return valueText(v)
	}
	return ""
}

// capValues cuts every value longer than maxValueBytes and lists the cut fields, with their
// original lengths, in a final cut_fields field so a reader knows the value is partial.
func (m *mapper) capValues(fields []field) []field {
	if m.maxValueBytes <= 0 {
		return fields
	}
	var cut []byte
	for i := range fields {
		f := &fields[i]
		if len(f.value) <= m.maxValueBytes {
			continue
		}
		if len(cut) > 0 {
			cut = append(cut, ',')
		}
		cut = append(cut, f.name...)
		cut = append(cut, ':')
		cut = strconv.AppendInt(cut, int64(len(f.value)), 10)
		f.value = cutUTF8(f.value, m.maxValueBytes)
	}
	if len(cut) == 0 {
		return fields
	}
	return append(fields, field{cutFieldsField, string(cut)})
}

// appendExtras keeps the first maxExtraFields extras as fields and folds the rest into one
// overflow field, so that nothing is lost.
func appendExtras(fields, extras []field) []field {
	if len(extras) <= maxExtraFields {
		return append(fields, extras...)
	}
	fields = append(fields, extras[:maxExtraFields]...)
	return append(fields, field{overflowField, overflowJSON(extras[maxExtraFields:])})
}

// messageText is the body as text. A map body is spread over body.* fields instead.
func messageText(body pcommon.Value) string {
	if body.Type() == pcommon.ValueTypeMap {
		return ""
	}
	return valueText(body)
}

func recordTime(lr plog.LogRecord, now time.Time) string {
	t := now
	if ts := lr.Timestamp(); ts != 0 {
		t = ts.AsTime()
	} else if ts := lr.ObservedTimestamp(); ts != 0 {
		t = ts.AsTime()
	}
	return t.UTC().Format(timestampLayout)
}

func traceHex(id pcommon.TraceID) string {
	if id.IsEmpty() {
		return ""
	}
	return hex.EncodeToString(id[:])
}

func spanHex(id pcommon.SpanID) string {
	if id.IsEmpty() {
		return ""
	}
	return hex.EncodeToString(id[:])
}

func missingFields(audit [numAudit]string) []string {
	var missing []string
	if audit[auditUserID] == "" {
		missing = append(missing, auditNames[auditUserID])
	}
	if audit[auditAction] == "" {
		missing = append(missing, auditNames[auditAction])
	}
	return missing
}
