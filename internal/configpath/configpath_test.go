package configpath

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errInner = errors.New("must not be empty")

func TestPrefix(t *testing.T) {
	err := Prefix("streams::", errors.Join(
		errors.New("main::key: must not be empty"),
		Prefix("per_user::", errors.New("prefix: too long")),
	))
	require.Error(t, err)
	assert.Equal(t, "streams::main::key: must not be empty\nstreams::per_user::prefix: too long", err.Error())

	single := Prefix("lock::key: ", errInner)
	assert.Equal(t, "lock::key: must not be empty", single.Error())
	assert.ErrorIs(t, single, errInner, "the cause stays reachable")
}
