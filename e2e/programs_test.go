package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	// telemetrygenModule is pinned to the only release that installs with this toolchain.
	telemetrygenModule = "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@v0.161.0"

	// programTimeout bounds one run of a client, so a hung client fails its test instead of
	// stalling the whole package until go test's own timeout.
	programTimeout = 30 * time.Second
)

// Paths of the programs the tests run, set once by TestMain.
var (
	collectorBin    string
	auditsendBin    string
	telemetrygenBin string
)

// preparePrograms finds the collector and telemetrygen and builds auditsend into dir.
func preparePrograms(dir string) error {
	var err error
	if collectorBin, err = findCollector(); err != nil {
		return err
	}
	if auditsendBin, err = buildAuditsend(dir); err != nil {
		return err
	}
	telemetrygenBin, err = findTelemetrygen(dir)
	return err
}

// findCollector returns $OTELCOL_AUDIT_BIN, else the binary `make build` writes.
func findCollector() (string, error) {
	path := os.Getenv("OTELCOL_AUDIT_BIN")
	if path == "" {
		path = filepath.Join("..", "build", "otelcol-audit")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("resolve collector path: %w", err)
	}
	if info, err := os.Stat(abs); err != nil || info.IsDir() {
		return "", fmt.Errorf("collector binary %s not found: run `make build` first "+
			"(or point OTELCOL_AUDIT_BIN at a built otelcol-audit)", abs)
	}
	return abs, nil
}

// buildAuditsend builds the client from this checkout, so the tests exercise its current code.
func buildAuditsend(dir string) (string, error) {
	bin := filepath.Join(dir, "auditsend")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/auditsend").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build cmd/auditsend: %w\n%s", err, out)
	}
	return bin, nil
}

// findTelemetrygen looks on PATH and where `go install` writes, and installs telemetrygen
// there when it is in neither place.
func findTelemetrygen(dir string) (string, error) {
	if path, err := exec.LookPath("telemetrygen"); err == nil {
		return path, nil
	}
	binDir, err := goBinDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(binDir, "telemetrygen")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	fmt.Fprintf(os.Stderr, "e2e: installing %s (takes a minute or two)\n", telemetrygenModule)
	cmd := exec.Command("go", "install", telemetrygenModule)
	cmd.Dir = dir // outside this module, so its go.mod has no say in the install
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("telemetrygen is not installed and `go install %s` failed: %w\n%s",
			telemetrygenModule, err, out)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("go install %s succeeded but %s is missing", telemetrygenModule, path)
	}
	return path, nil
}

// goBinDir is where `go install` writes: GOBIN when set, else bin in the first GOPATH entry.
func goBinDir() (string, error) {
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	// One line per variable; GOBIN's is empty when it is unset, so no trimming before the split.
	lines := strings.Split(string(out), "\n")
	if len(lines) < 2 {
		return "", fmt.Errorf("go env: unexpected output %q", out)
	}
	if gobin := strings.TrimSpace(lines[0]); gobin != "" {
		return gobin, nil
	}
	gopath := filepath.SplitList(strings.TrimSpace(lines[1]))
	if len(gopath) == 0 || gopath[0] == "" {
		return "", errors.New("go env: GOPATH is empty")
	}
	return filepath.Join(gopath[0], "bin"), nil
}

// runProgram runs bin to completion and returns its combined output. A non-zero exit fails the
// test and shows the output.
func runProgram(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), programTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	require.NoError(t, err, "%s %s\n%s", filepath.Base(bin), strings.Join(args, " "), out)
	return string(out)
}
