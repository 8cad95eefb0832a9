package streams

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	def := NewDefaultConfig()
	require.NoError(t, def.Check())

	bad := NewDefaultConfig()
	bad.Main.Key = "audit:user:all"
	bad.PerAction.Prefix = "audit:user:"
	bad.PerUser.MaxLen = -1
	err := bad.Check()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "main::key: must not start with the per_user or per_action prefix")
	assert.Contains(t, err.Error(), "per_action::prefix: must not overlap per_user::prefix")
	assert.Contains(t, err.Error(), "per_user::max_len: must be 0 (no cap) or more")

	long := NewDefaultConfig()
	long.PerUser.Prefix = string(make([]byte, 65))
	assert.ErrorContains(t, long.Check(), "per_user::prefix: must be at most 64 bytes")
}
