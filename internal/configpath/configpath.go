// Package configpath names the field of each configuration error, so that a user who made
// several mistakes sees every one of them, each with its YAML path.
package configpath // import "github.com/redisaudit/redisauditexporter/internal/configpath"

import (
	"errors"
	"fmt"
)

// Prefix puts prefix (a path such as "streams::") in front of every error joined in err.
func Prefix(prefix string, err error) error {
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return fmt.Errorf("%s%w", prefix, err)
	}
	errs := make([]error, 0, len(joined.Unwrap()))
	for _, e := range joined.Unwrap() {
		errs = append(errs, Prefix(prefix, e))
	}
	return errors.Join(errs...)
}
