package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// streamID is a parsed stream entry ID, `<ms>-<seq>`.
type streamID struct {
	ms, seq uint64
}

func parseID(s string) (streamID, error) {
	msText, seqText, ok := strings.Cut(s, "-")
	if !ok {
		return streamID{}, fmt.Errorf("entry id %q: want <ms>-<seq>", s)
	}
	ms, err := strconv.ParseUint(msText, 10, 64)
	if err != nil {
		return streamID{}, fmt.Errorf("entry id %q: %w", s, err)
	}
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if err != nil {
		return streamID{}, fmt.Errorf("entry id %q: %w", s, err)
	}
	return streamID{ms: ms, seq: seq}, nil
}

func (id streamID) String() string {
	return strconv.FormatUint(id.ms, 10) + "-" + strconv.FormatUint(id.seq, 10)
}

// next is the smallest ID above id. `XTRIM MINID next` removes id and everything before it,
// and nothing after it.
func (id streamID) next() streamID {
	if id.seq == math.MaxUint64 {
		return streamID{ms: id.ms + 1}
	}
	return streamID{ms: id.ms, seq: id.seq + 1}
}

// day is the UTC date of the ID's time, which names the archive file the entry goes to.
func (id streamID) day() string {
	ms := min(id.ms, math.MaxInt64)
	return time.UnixMilli(int64(ms)).UTC().Format(time.DateOnly)
}
