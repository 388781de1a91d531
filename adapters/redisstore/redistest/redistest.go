// Package redistest gives tests a Redis: the one at $REDIS_URL if set, else
// a redis-server from PATH started once per test binary on a free loopback
// port, else an in-process miniredis. With LETDOWN_REQUIRE_REDIS=1 (as in
// CI) falling back to miniredis fails the test instead.
//
// Each test gets a key prefix of its own and its keys are deleted when it
// ends; nothing global is ever flushed, so $REDIS_URL may be a shared dev
// server. A package whose tests may start a redis-server stops it from
// TestMain:
//
//	func TestMain(m *testing.M) { redistest.Main(m) }
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/letdownbot/letdown/adapters/redisstore/internal/redisurl"
	"github.com/redis/go-redis/v9"
)

// Backend is the Redis one test talks to.
type Backend struct {
	// Client is connected for the test and closed when it ends.
	Client redis.UniversalClient
	// URL reaches the same server, for code under test that dials itself.
	URL string
	// Prefix is unique to the test: every key it writes must start with
	// it. It contains no braces and no glob characters.
	Prefix string
	// Mini is the server when it is a miniredis, whose clock a test may
	// move (FastForward); nil on a real Redis.
	Mini *miniredis.Miniredis
}

// New returns a Backend for t: $REDIS_URL, else a redis-server from PATH,
// else miniredis (a failure when LETDOWN_REQUIRE_REDIS=1).
func New(t testing.TB) *Backend {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return dial(t, u)
	}
	if u, err := local.url(); err != nil {
		t.Fatalf("redistest: %v (set REDIS_URL to use another Redis)", err)
	} else if u != "" {
		return dial(t, u)
	}
	if os.Getenv("LETDOWN_REQUIRE_REDIS") == "1" {
		t.Fatal("redistest: LETDOWN_REQUIRE_REDIS=1 but there is no Redis: set REDIS_URL or put redis-server on PATH")
	}
	return Miniredis(t)
}

// Client returns a client for t; see New.
func Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	return New(t).Client
}

// Miniredis returns a Backend on a fresh in-process miniredis, chosen on
// purpose (say, to move its clock), so LETDOWN_REQUIRE_REDIS does not apply.
func Miniredis(t testing.TB) *Backend {
	t.Helper()
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { c.Close() })
	return &Backend{Client: c, URL: "redis://" + mr.Addr(), Prefix: prefix(), Mini: mr}
}

// Cluster returns a Backend on a Redis Cluster: $REDIS_CLUSTER_URL if set,
// else a one-node cluster from a redis-server on PATH, started once. A
// one-node cluster still refuses a command whose keys span slots, which is
// what tests need to see. Without either the test is skipped, unless
// LETDOWN_REQUIRE_REDIS=1.
func Cluster(t testing.TB) *Backend {
	t.Helper()
	u := os.Getenv("REDIS_CLUSTER_URL")
	if u == "" {
		var err error
		if u, err = cluster.url(); err != nil {
			t.Fatalf("redistest: %v (set REDIS_CLUSTER_URL to use another cluster)", err)
		}
	}
	if u == "" {
		if os.Getenv("LETDOWN_REQUIRE_REDIS") == "1" {
			t.Fatal("redistest: LETDOWN_REQUIRE_REDIS=1 but there is no Redis Cluster: set REDIS_CLUSTER_URL or put redis-server on PATH")
		}
		t.Skip("no Redis Cluster: set REDIS_CLUSTER_URL or put redis-server on PATH")
	}
	return dial(t, u)
}

// Main runs m's tests, stops any redis-server this package started, and
// exits with the tests' status.
func Main(m *testing.M) {
	code := m.Run()
	local.stop()
	cluster.stop()
	os.Exit(code)
}

func dial(t testing.TB, u string) *Backend {
	t.Helper()
	c, addr, err := redisurl.NewClient(u)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		t.Fatalf("redistest: redis at %s: %v", addr, err)
	}
	b := &Backend{Client: c, URL: u, Prefix: prefix()}
	t.Cleanup(func() { c.Close() })
	t.Cleanup(func() { b.deleteKeys(t) }) // runs first: cleanups run last-in, first-out
	return b
}

// deleteKeys removes every key under the test's prefix, on every node.
func (b *Backend) deleteKeys(t testing.TB) {
	ctx := context.Background()
	del := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, b.Prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
			if len(keys) == 1000 {
				if err := unlink(ctx, c, keys); err != nil {
					return err
				}
				keys = keys[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		return unlink(ctx, c, keys)
	}
	var err error
	switch c := b.Client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, del)
	case *redis.Client:
		err = del(ctx, c)
	}
	if err != nil {
		t.Errorf("redistest: deleting the test's keys: %v", err)
	}
}

// unlink deletes keys one command each, pipelined: keys of several slots
// cannot share one command on a cluster.
func unlink(ctx context.Context, c *redis.Client, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	p := c.Pipeline()
	for _, k := range keys {
		p.Unlink(ctx, k)
	}
	_, err := p.Exec(ctx)
	return err
}

func prefix() string {
	var b [5]byte
	rand.Read(b[:])
	return "t" + hex.EncodeToString(b[:]) + ":"
}

// server is a redis-server this package starts at most once per process.
type server struct {
	args []string // beyond port, bind and persistence
	init func(ctx context.Context, c *redis.Client) error

	once   sync.Once
	u      string
	err    error
	cmd    *exec.Cmd
	exited chan struct{} // closed once cmd has exited
	dir    string
}

var (
	local   = &server{}
	cluster = &server{
		args: []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"},
		init: initCluster,
	}
)

// url starts the server if need be and returns its URL, or "" when there
// is no redis-server on PATH.
func (s *server) url() (string, error) {
	s.once.Do(func() {
		bin, err := exec.LookPath("redis-server")
		if err != nil {
			return
		}
		// A free port can be taken between asking and binding: try again.
		for range 3 {
			if s.u, s.err = s.start(bin); s.err == nil {
				return
			}
		}
	})
	if s.err != nil {
		return "", s.err
	}
	if s.u != "" && s.cluster() {
		return s.u + "," + strings.TrimPrefix(s.u, "redis://"), nil
	}
	return s.u, nil
}

func (s *server) cluster() bool { return s.init != nil }

func (s *server) start(bin string) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		return "", err
	}
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--loglevel", "warning",
		"--logfile", filepath.Join(dir, "redis.log"),
	}, s.args...)
	cmd := exec.Command(bin, args...)
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("starting redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = waitFor(ctx, exited, func() error { return c.Ping(ctx).Err() })
	if err == nil && s.init != nil {
		err = s.init(ctx, c)
	}
	if err != nil {
		cmd.Process.Kill()
		<-exited
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		os.RemoveAll(dir)
		return "", fmt.Errorf("redis-server on port %d: %v; its log: %s", port, err, strings.TrimSpace(string(log)))
	}
	s.cmd, s.exited, s.dir = cmd, exited, dir
	return "redis://" + addr, nil
}

// waitFor retries ready until it succeeds, the server exits or ctx ends.
func waitFor(ctx context.Context, exited <-chan struct{}, ready func() error) error {
	for {
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("exited: %w", err)
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// initCluster makes a fresh cluster-enabled server a one-node cluster that
// serves every slot.
func initCluster(ctx context.Context, c *redis.Client) error {
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		return err
	}
	return waitFor(ctx, nil, func() error {
		info, err := c.ClusterInfo(ctx).Result()
		if err != nil {
			return err
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return fmt.Errorf("cluster not ready")
		}
		return nil
	})
}

func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	os.RemoveAll(s.dir)
}
