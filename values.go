package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// cutUTF8 returns at most n bytes of s, backing off to a rune start so that no character is
// split. It backs off at most utf8.UTFMax-1 bytes: text that is not UTF-8 has no rune to
// protect, and must not be cut down to nothing.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := n
	for back := 0; back < utf8.UTFMax-1 && end > 0 && !utf8.RuneStart(s[end]); back++ {
		end--
	}
	if !utf8.RuneStart(s[end]) {
		end = n
	}
	return s[:end]
}

// overflowJSON writes the fields as a JSON object in their (sorted) order. A Go map would
// reorder them and merge the rare duplicate name.
func overflowJSON(fields []field) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(&buf, enc, f.name)
		buf.WriteByte(':')
		writeJSONString(&buf, enc, f.value)
	}
	buf.WriteByte('}')
	return buf.String()
}

func writeJSONString(buf *bytes.Buffer, enc *json.Encoder, s string) {
	// Encoding a string cannot fail; Encode ends with a newline that compact JSON omits.
	_ = enc.Encode(s)
	buf.Truncate(buf.Len() - 1)
}

// valueText is the text form of v in a stream field.
func valueText(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeInt:
		return strconv.FormatInt(v.Int(), 10)
	case pcommon.ValueTypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case pcommon.ValueTypeBool:
		return strconv.FormatBool(v.Bool())
	case pcommon.ValueTypeBytes:
		return base64.StdEncoding.EncodeToString(v.Bytes().AsRaw())
	case pcommon.ValueTypeSlice, pcommon.ValueTypeMap:
		return jsonText(v.AsRaw())
	default:
		return ""
	}
}

// jsonText encodes raw compactly. JSON has no NaN or infinity, so when encoding fails on
// one, those numbers are written as the strings valueText would give them: the mapper
// must not fail, and the value stays readable.
func jsonText(raw any) string {
	text, err := encodeJSON(raw)
	if err != nil {
		text, _ = encodeJSON(finiteRaw(raw))
	}
	return text
}

func encodeJSON(raw any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(raw); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// finiteRaw replaces non-finite floats in raw, which AsRaw built fresh, so it may be changed.
func finiteRaw(raw any) any {
	switch x := raw.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
	case []any:
		for i := range x {
			x[i] = finiteRaw(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = finiteRaw(x[k])
		}
	}
	return raw
}
