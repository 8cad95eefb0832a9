package streams

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapeKeyPart(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	tests := []struct{ in, want string }{
		{"1001", "1001"},
		{"alice_smith-2.admin", "alice_smith-2.admin"},
		{"1001:x", "1001%3Ax"},
		{"*", "%2A"},
		{"{x}", "%7Bx%7D"},
		{"a b", "a%20b"},
		{"a\nb", "a%0Ab"},
		{"%41", "%2541"},
		{"A", "A"},
		{"~", "%7E"},
		{"", "~"},
		{"é", "%C3%A9"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, EscapeKeyPart(tt.in), "escape %q", tt.in)
	}
	got := EscapeKeyPart(long)
	assert.Len(t, got, maxPartBytes)
	assert.True(t, strings.HasPrefix(got, strings.Repeat("x", keepBytes)+"~"), got)
}

func TestEscapedKeysAreDistinctAndBounded(t *testing.T) {
	long := strings.Repeat("x", 10_000)
	values := []string{
		"1001", "1001:x", "*", "{x}", "a b", "a\nb", "%41", "A", long, long + "y",
		long[:160], long[:161], strings.Repeat("%", 200), strings.Repeat("%", 201), "", "~",
	}
	cfg := NewDefaultConfig()
	seen := map[string]string{}
	for _, v := range values {
		key := cfg.UserKey(v)
		assert.Less(t, len(key), 256, "key of %d-byte value", len(v))
		assert.True(t, strings.HasPrefix(key, DefaultUserPrefix))
		rest := key[len(DefaultUserPrefix):]
		assert.NotContains(t, rest, ":", "a part never adds a level below its prefix")
		if prev, dup := seen[key]; dup {
			t.Errorf("values %q and %q share key %q", short(prev), short(v), key)
		}
		seen[key] = v
	}
}

func TestActionType(t *testing.T) {
	assert.Equal(t, "document", ActionType("document.delete"))
	assert.Equal(t, "user", ActionType("user.password.reset"))
	assert.Equal(t, "login", ActionType("login"))
	assert.Empty(t, ActionType(".hidden"))
	cfg := NewDefaultConfig()
	assert.Equal(t, "audit:action:document", cfg.ActionKey("document.delete"))
	assert.Equal(t, "audit:action:~", cfg.ActionKey(".hidden"))
}

// FuzzEscapeKeyPart checks the promises for any input: bounded, only safe bytes, and a short
// part can be decoded back to its value, which proves two values never share one.
func FuzzEscapeKeyPart(f *testing.F) {
	for _, s := range []string{"1001", "1001:x", "*", "{x}", "a b", "a\nb", "%41", "", "~"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := EscapeKeyPart(v)
		require.LessOrEqual(t, len(got), maxPartBytes)
		for i := 0; i < len(got); i++ {
			c := got[i]
			require.True(t, isPlain(c) || c == '%' || c == '~', "byte %q in %q", c, got)
		}
		if v == "" || strings.Contains(got, "~") {
			return
		}
		require.Equal(t, v, unescape(t, got))
	})
}

func unescape(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		require.NoError(t, err)
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String()
}

func short(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
