package streams // import "github.com/redisaudit/redisauditexporter/internal/streams"

import (
	"errors"
	"strings"
)

// EscapeGlob quotes the characters that Redis glob patterns (SCAN MATCH, KEYS) treat as special,
// so that a configured prefix matches only itself: `audit:u[s]er:` becomes `audit:u\[s\]er:`.
func EscapeGlob(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FamilyPattern is the SCAN MATCH pattern of every key of a family: the escaped prefix and '*'.
func FamilyPattern(f Family) string {
	return EscapeGlob(f.Prefix) + "*"
}

// CheckSideKey reports why key cannot hold something a component keeps beside the audit
// streams (a lock, say): it must be a valid name, must not be one of the fixed streams, and
// must not start with a family prefix, where a user or an action could claim it.
func (c *Config) CheckSideKey(key string) error {
	if err := checkName(key); err != nil {
		return err
	}
	var errs []error
	if c.isFamilyKey(key) {
		errs = append(errs, errors.New("must not start with streams::per_user::prefix or streams::per_action::prefix"))
	}
	if key == c.Main.Key {
		errs = append(errs, errors.New("must differ from streams::main::key"))
	}
	if key == c.DeadLetter.Key {
		errs = append(errs, errors.New("must differ from streams::dead_letter::key"))
	}
	return errors.Join(errs...)
}
