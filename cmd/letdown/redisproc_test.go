package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// redisProc is a redis-server of the test's own, which the test may kill
// and start again on the same port and data directory.
type redisProc struct {
	t    *testing.T
	port int
	dir  string
	aof  bool
	cmd  *exec.Cmd
	// prefix is the test's own key prefix. The server is the test's
	// alone, but every test that talks to Redis keeps to its own prefix,
	// as it must on a shared one.
	prefix string
}

// startRedis starts a private redis-server, stopped when the test ends.
func startRedis(t *testing.T, aof bool) *redisProc {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("LETDOWN_REQUIRE_REDIS") == "1" {
			t.Fatal("LETDOWN_REQUIRE_REDIS=1 but redis-server is not on PATH")
		}
		t.Skip("redis-server is not on PATH")
	}
	r := &redisProc{t: t, port: freePort(t), dir: t.TempDir(), aof: aof,
		prefix: "ldtest-" + regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-") + ":"}
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *redisProc) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redisProc) start() {
	r.t.Helper()
	args := []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir, "--save", ""}
	if r.aof {
		// Every write reaches the disk before Redis answers it.
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	r.cmd = exec.Command("redis-server", args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port)); err == nil {
			c.Close()
			return
		}
	}
	r.t.Fatal("redis-server did not start")
}

// kill stops the server at once, as a crash would.
func (r *redisProc) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
