package e2e

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests finds or builds the programs the tests drive, then runs the tests. A missing
// program fails the run instead of skipping it: skipped end-to-end tests look green while
// proving nothing.
func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "redisaudit-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if err := preparePrograms(dir); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	return m.Run()
}
