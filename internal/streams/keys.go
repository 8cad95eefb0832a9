package streams // import "github.com/redisaudit/redisauditexporter/internal/streams"

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

const (
	// maxPartBytes bounds an escaped key part. With a prefix of at most maxNameBytes a key
	// stays under 256 bytes.
	maxPartBytes = 160
	// keepBytes is how much of a long escaped part stays readable before its digest.
	keepBytes = maxPartBytes - 1 - sha256.Size*2
	// emptyPart stands for an empty value. '~' never appears in a short escaped part.
	emptyPart = "~"
	hexDigits = "0123456789ABCDEF"
)

// EscapeKeyPart turns a value from a record into a key part that cannot leave its prefix and
// never equals the part of another value:
//   - letters, digits, '-', '_' and '.' stay as they are, so `1001` stays `1001`;
//   - every other byte becomes %XX (upper-case hex), '%' itself included, so `%41` and `A` differ
//     and ':', '{', '}', '*', spaces and control bytes never reach the key;
//   - the empty value becomes `~`;
//   - a part that would exceed 160 bytes keeps its first 95 escaped bytes, then `~` and the
//     SHA-256 of the original value in hex, so long values stay distinct and bounded.
//
// Short parts never contain '~', so the three forms cannot collide with each other.
func EscapeKeyPart(v string) string {
	if v == "" {
		return emptyPart
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isPlain(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	escaped := b.String()
	if len(escaped) <= maxPartBytes {
		return escaped
	}
	sum := sha256.Sum256([]byte(v))
	head := escaped[:keepBytes]
	// Do not leave half of a %XX behind: it would read as a different byte.
	if i := strings.LastIndexByte(head, '%'); i >= len(head)-2 {
		head = head[:i]
	}
	return head + "~" + hex.EncodeToString(sum[:])
}

func isPlain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.'
}

// ActionType is the part of an action before its first '.', or the whole action when it has
// none: `document.delete` belongs to `document`.
func ActionType(action string) string {
	if i := strings.IndexByte(action, '.'); i >= 0 {
		return action[:i]
	}
	return action
}

// UserKey is the per-user stream of userID.
func (c *Config) UserKey(userID string) string {
	return c.PerUser.Prefix + EscapeKeyPart(userID)
}

// ActionKey is the per-action stream of the action's type.
func (c *Config) ActionKey(action string) string {
	return c.PerAction.Prefix + EscapeKeyPart(ActionType(action))
}
