package streams

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEscapeGlob(t *testing.T) {
	tests := []struct{ in, want string }{
		{"audit:user:", "audit:user:"},
		{"a*b", `a\*b`},
		{"a?b", `a\?b`},
		{"u[s]er", `u\[s\]er`},
		{`back\slash`, `back\\slash`},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, EscapeGlob(tt.in), "escape %q", tt.in)
	}
	assert.Equal(t, `audit:u\[s\]er:*`, FamilyPattern(Family{Prefix: "audit:u[s]er:"}))
}

func TestCheckSideKey(t *testing.T) {
	cfg := NewDefaultConfig()
	require.NoError(t, cfg.CheckSideKey("audit:retention:lock"))
	tests := []struct{ key, want string }{
		{"", "must not be empty"},
		{string(make([]byte, 65)), "must be at most 64 bytes"},
		{"audit:user:lock", "must not start with streams::per_user::prefix or streams::per_action::prefix"},
		{"audit:action:lock", "must not start with streams::per_user::prefix or streams::per_action::prefix"},
		{"audit:all", "must differ from streams::main::key"},
		{"audit:invalid", "must differ from streams::dead_letter::key"},
	}
	for _, tt := range tests {
		assert.EqualError(t, cfg.CheckSideKey(tt.key), tt.want, "key %q", tt.key)
	}
}
