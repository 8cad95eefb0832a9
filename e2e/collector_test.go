package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisaudit/redisauditexporter/internal/redistest"
)

const (
	// readyTimeout bounds the collector's start; it usually listens within a second.
	readyTimeout = 30 * time.Second
	// stopTimeout bounds a graceful shutdown before the collector is killed.
	stopTimeout = 15 * time.Second
)

// collectorConfig is the config shipped for running the collector, so the tests run it as is.
var collectorConfig = filepath.Join("..", "testdata", "collector.yaml")

// collector is one otelcol-audit child process running testdata/collector.yaml.
type collector struct {
	grpcAddr string // OTLP/gRPC receiver, host:port
	httpAddr string // OTLP/HTTP receiver, host:port
	logPath  string // the collector's stdout and stderr

	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited and been reaped
	err  error         // Wait's result; read it only after done is closed
}

// startCollector runs the collector against the Redis at redisAddr, with extraArgs after
// --config, and waits until both OTLP ports accept connections. It is stopped when the test
// ends, and its log is printed if the test failed.
func startCollector(t *testing.T, redisAddr string, extraArgs ...string) *collector {
	t.Helper()
	c := &collector{
		grpcAddr: loopback(redistest.FreePort(t)),
		logPath:  filepath.Join(t.TempDir(), "collector.log"),
	}
	// Neither port is held until the collector binds it, so two picks can return the same one.
	for c.httpAddr == "" || c.httpAddr == c.grpcAddr {
		c.httpAddr = loopback(redistest.FreePort(t))
	}
	logFile, err := os.Create(c.logPath)
	require.NoError(t, err)
	// The child writes through its own copy of the descriptor, so ours can go at once.
	defer func() { _ = logFile.Close() }()

	args := append([]string{"--config", collectorConfig}, extraArgs...)
	c.cmd = exec.Command(collectorBin, args...)
	c.cmd.Env = append(os.Environ(), "REDIS_ENDPOINT="+redisAddr,
		"OTLP_GRPC_ENDPOINT="+c.grpcAddr, "OTLP_HTTP_ENDPOINT="+c.httpAddr)
	c.cmd.Stdout, c.cmd.Stderr = logFile, logFile
	require.NoError(t, c.cmd.Start())
	c.done = make(chan struct{})
	go func() { c.err = c.cmd.Wait(); close(c.done) }()

	// Cleanups run last-in first-out: the collector is stopped first, so the printed log
	// includes its shutdown.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("collector log (%s):\n%s", c.logPath, c.log())
		}
	})
	t.Cleanup(func() { assert.NoError(t, c.stop(), "collector exit after SIGTERM") })
	c.waitReady(t)
	return c
}

// waitReady returns once both receivers accept connections. The receivers start after the
// exporter, so by then the whole pipeline is up.
func (c *collector) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for _, addr := range []string{c.grpcAddr, c.httpAddr} {
		for !accepts(addr) {
			select {
			case <-c.done:
				t.Fatalf("collector exited before listening on %s: %v (log below)", addr, c.err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("collector not listening on %s after %s (log below)", addr, readyTimeout)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// stop sends SIGTERM and waits for the collector to exit, killing it after stopTimeout. It
// returns nil only for a graceful exit with status 0. Calling it again returns the same result.
func (c *collector) stop() error {
	select {
	case <-c.done:
		return c.err
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		if errors.Is(err, os.ErrProcessDone) { // it exited on its own just now
			<-c.done
			return c.err
		}
		return fmt.Errorf("send SIGTERM: %w", err)
	}
	select {
	case <-c.done:
		return c.err
	case <-time.After(stopTimeout):
		_ = c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("no exit within %s of SIGTERM, killed", stopTimeout)
	}
}

func (c *collector) log() string {
	data, err := os.ReadFile(c.logPath)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

func loopback(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

func accepts(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
