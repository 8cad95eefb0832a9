// Package redistest starts real redis-server processes for tests: each on a free loopback
// port, in its own directory, in the foreground as a child of the test, stopped and reaped
// when the test ends.
package redistest // import "github.com/redisaudit/redisauditexporter/internal/redistest"

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const readyTimeout = 10 * time.Second

// Server is one running redis-server.
type Server struct {
	Addr string
	Port int
	Dir  string

	t    testing.TB
	args []string
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs redis-server with extra args (for example "--requirepass", "x") and stops it when
// the test ends. A machine without redis-server fails the test with what to install.
func Start(tb testing.TB, args ...string) *Server {
	tb.Helper()
	s := &Server{t: tb, Port: FreePort(tb), Dir: tb.TempDir(), args: args}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
	s.start()
	tb.Cleanup(s.Stop)
	return s
}

// FreePort returns a loopback TCP port that nothing listened on a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *Server) start() {
	s.t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		s.t.Fatalf("redis-server not found: install it (apt-get install -y redis-server redis-tools)")
	}
	args := append([]string{
		"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", s.Dir, "--logfile", filepath.Join(s.Dir, "redis.log"),
	}, s.args...)
	if s.hasTLSPort() {
		args[1] = "0"
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(s.cmd, s.done)
	if err := s.waitReady(); err != nil {
		s.Stop()
		log, _ := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
		s.t.Fatalf("redis-server on %s not ready: %v\n%s", s.Addr, err, log)
	}
}

func (s *Server) hasTLSPort() bool {
	for _, a := range s.args {
		if a == "--tls-port" {
			return true
		}
	}
	return false
}

// waitReady waits until the port accepts connections (TLS servers included, which is why it
// does not PING), or the process exits.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return fmt.Errorf("redis-server exited")
		default:
		}
		conn, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("timed out after %s", readyTimeout)
}

// Stop ends the server and waits until it has exited. Calling it twice is fine.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	s.cmd = nil
}

// Restart starts the server again on the same port and directory after Stop.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

// Client returns a plain client for the server, closed when the test ends.
func (s *Server) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	tb.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("ping %s: %v", s.Addr, err)
	}
	return c
}
