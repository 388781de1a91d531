package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/redis/go-redis/v9"
)

// backends are the two kinds of Redis the ordering tests run on: one
// server runs a pipeline in order, a cluster does not.
var backends = []struct {
	name string
	b    func(t *testing.T) *redistest.Backend
}{
	{"server", func(t *testing.T) *redistest.Backend { return redistest.New(t) }},
	{"cluster", func(t *testing.T) *redistest.Backend { return redistest.Cluster(t) }},
}

// tripHook records the commands of each round trip through a client (one
// command, or one pipeline) and, once armed, runs inject right after the
// n-th round trip has been answered: another replica acting in between.
type tripHook struct {
	mu     sync.Mutex
	trips  [][]string
	n      int
	inject func()
}

func (h *tripHook) arm(n int, inject func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.trips, h.n, h.inject = nil, n, inject
}

func (h *tripHook) recorded() [][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.trips)
}

func (h *tripHook) done(cmds []redis.Cmder) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name())
	}
	h.mu.Lock()
	h.trips = append(h.trips, names)
	var inject func()
	if len(h.trips) == h.n {
		inject, h.inject = h.inject, nil
	}
	h.mu.Unlock()
	if inject != nil {
		inject()
	}
}

func (h *tripHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *tripHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.done([]redis.Cmder{cmd})
		return err
	}
}

func (h *tripHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.done(cmds)
		return err
	}
}

// replicas returns a Store on b whose round trips hook sees, and another
// Store on the same backend with a connection of its own. Every script is
// cached on the server first, so that no round trip is a NOSCRIPT.
func replicas(t *testing.T, b *redistest.Backend) (*Store, *Store, *tripHook) {
	t.Helper()
	ctx := context.Background()
	s := New(b.Client, WithPrefix(b.Prefix))
	const warm = bot.Conv("warm:up")
	if _, err := s.Commit(ctx, bot.Commit{Conv: warm, Replies: []bot.Reply{{Text: "r"}}}); err != nil {
		t.Fatalf("Commit(%q) = %v", warm, err)
	}
	for _, err := range []error{s.Ack(ctx, warm, 1), s.Settle(ctx, warm), s.Block(ctx, warm)} {
		if err != nil {
			t.Fatalf("warming up the scripts: %v", err)
		}
	}
	hook := &tripHook{}
	b.Client.AddHook(hook)
	other, err := Open(ctx, b.URL, WithPrefix(b.Prefix))
	if err != nil {
		t.Fatalf("Open(%q) = %v", b.URL, err)
	}
	t.Cleanup(func() { other.Close() })
	return s, other, hook
}

// waiting sets conv up as the dispatcher leaves it after sending: in the
// ready index with nothing pending, at version 1.
func waiting(t *testing.T, s *Store, conv bot.Conv) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{{Text: "r1"}}}); err != nil {
		t.Fatalf("Commit(%q) = %v", conv, err)
	}
	if err := s.Ack(ctx, conv, 1); err != nil {
		t.Fatalf("Ack(%q) = %v", conv, err)
	}
}

// checkIndexed fails the test if conv has replies pending and is not in
// the ready index: nothing would send them after a crash.
func checkIndexed(t *testing.T, s *Store, conv bot.Conv, what string) {
	t.Helper()
	ctx := context.Background()
	pending, err := s.Pending(ctx, conv, 10)
	if err != nil {
		t.Fatalf("Pending(%q) = %v", conv, err)
	}
	ready, err := s.Ready(ctx, farFuture, 100)
	if err != nil {
		t.Fatalf("Ready = %v", err)
	}
	if len(pending) > 0 && !slices.Contains(ready, conv) {
		t.Errorf("%s: %d replies of %q pending, but Ready = %v", what, len(pending), conv, ready)
	}
}

// farFuture is a 'before' every entry of the ready index comes before.
var farFuture = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)

// TestCommitIndexesAfterScript checks that a Commit's ready entry reaches
// Redis after its script has appended the replies (on one server, inside
// the script; on a cluster, in a round trip of its own after it): a Settle
// by another replica right after the commit's first round trip must still
// leave the new replies indexed.
func TestCommitIndexesAfterScript(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			s, other, hook := replicas(t, be.b(t))
			const conv = bot.Conv("tg:1:1")
			waiting(t, s, conv)
			hook.arm(1, func() {
				if err := other.Settle(ctx, conv); err != nil {
					t.Errorf("Settle(%q) = %v", conv, err)
				}
			})
			if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Replies: []bot.Reply{{Text: "r2"}}}); err != nil {
				t.Fatalf("Commit(%q) = %v", conv, err)
			}
			trips := fmt.Sprint(hook.recorded())
			checkIndexed(t, s, conv, "a Settle after the commit's first round trip")
			want := map[string]string{"server": "[[evalsha]]", "cluster": "[[evalsha] [zadd]]"}[be.name]
			if trips != want {
				t.Errorf("Commit's round trips = %s, want %s: the script, then the ready entry", trips, want)
			}
		})
	}
}

// TestSettleRace lets another replica commit between Settle's round trips.
func TestSettleRace(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			s, other, hook := replicas(t, be.b(t))
			for after := 1; after <= 2; after++ {
				conv := bot.Conv(fmt.Sprintf("tg:%d:%d", after, after))
				waiting(t, s, conv)
				hook.arm(after, func() {
					snap, err := other.Load(ctx, conv) // Block's second trip moves the version on
					if err != nil {
						t.Errorf("Load(%q) = %v", conv, err)
					}
					if _, err := other.Commit(ctx, bot.Commit{Conv: conv, Version: snap.Version, State: []byte("s"), Replies: []bot.Reply{{Text: "r2"}}}); err != nil {
						t.Errorf("Commit(%q) = %v", conv, err)
					}
				})
				if err := s.Settle(ctx, conv); err != nil {
					t.Fatalf("Settle(%q) = %v", conv, err)
				}
				checkIndexed(t, s, conv, fmt.Sprintf("a commit after Settle's round trip %d", after))
			}
		})
	}
}

// TestBlockRace lets another replica commit between Block's round trips.
func TestBlockRace(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			s, other, hook := replicas(t, be.b(t))
			for after := 1; after <= 2; after++ {
				conv := bot.Conv(fmt.Sprintf("tg:%d:%d", after, after))
				if _, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{{Text: "r1"}}}); err != nil {
					t.Fatalf("Commit(%q) = %v", conv, err)
				}
				hook.arm(after, func() {
					snap, err := other.Load(ctx, conv) // Block's second trip moves the version on
					if err != nil {
						t.Errorf("Load(%q) = %v", conv, err)
					}
					if _, err := other.Commit(ctx, bot.Commit{Conv: conv, Version: snap.Version, State: []byte("s"), Replies: []bot.Reply{{Text: "r2"}}}); err != nil {
						t.Errorf("Commit(%q) = %v", conv, err)
					}
				})
				if err := s.Block(ctx, conv); err != nil {
					t.Fatalf("Block(%q) = %v", conv, err)
				}
				checkIndexed(t, s, conv, fmt.Sprintf("a commit after Block's round trip %d", after))
			}
		})
	}
}

// TestCommitAfterScriptFlush checks the pipelined commit on a server that
// has forgotten its scripts: applied once, and indexed.
func TestCommitAfterScriptFlush(t *testing.T) {
	b := redistest.New(t)
	ctx := context.Background()
	s := New(b.Client, WithPrefix(b.Prefix))
	const conv = bot.Conv("tg:1:1")
	for v := range int64(2) {
		if err := b.Client.ScriptFlush(ctx).Err(); err != nil {
			t.Fatalf("SCRIPT FLUSH: %v", err)
		}
		out, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: v, State: []byte("s"), Replies: []bot.Reply{{Text: "r"}}})
		if err != nil || len(out) != 1 || out[0].Seq != v+1 {
			t.Fatalf("Commit(%q, version %d) after SCRIPT FLUSH = %v, %v; want seq %d", conv, v, out, err, v+1)
		}
	}
	if snap, err := s.Load(ctx, conv); err != nil || snap.Version != 2 {
		t.Errorf("Load(%q) = %+v, %v; want version 2", conv, snap, err)
	}
	if ready, err := s.Ready(ctx, farFuture, 10); err != nil || !slices.Equal(ready, []bot.Conv{conv}) {
		t.Errorf("Ready = %v, %v; want [%s]", ready, err, conv)
	}
}

// TestReadyShards checks that the ready index is spread over shard keys,
// each its own hash tag, and that each conversation is in its own shard
// only.
func TestReadyShards(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			b := be.b(t)
			ctx := context.Background()
			s := New(b.Client, WithPrefix(b.Prefix))
			var convs []bot.Conv
			for i := range 64 {
				conv := bot.Conv(fmt.Sprintf("tg:%d:%d", i, i))
				convs = append(convs, conv)
				if _, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{{Text: "r"}}}); err != nil {
					t.Fatalf("Commit(%q) = %v", conv, err)
				}
			}
			members := map[string][]string{} // shard key → conversations
			var mu sync.Mutex                // ForEachMaster scans the masters at once
			scan := func(ctx context.Context, c *redis.Client) error {
				iter := c.Scan(ctx, 0, b.Prefix+"ready:*", 100).Iterator()
				for iter.Next(ctx) {
					m, err := c.ZRange(ctx, iter.Val(), 0, -1).Result()
					if err != nil {
						return err
					}
					mu.Lock()
					members[iter.Val()] = m
					mu.Unlock()
				}
				return iter.Err()
			}
			var err error
			switch c := b.Client.(type) {
			case *redis.ClusterClient:
				err = c.ForEachMaster(ctx, scan)
			case *redis.Client:
				err = scan(ctx, c)
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(members) < readyShards/2 {
				t.Errorf("64 conversations went to %d shard keys, want them spread over most of %d", len(members), readyShards)
			}
			tags := map[string]string{}
			seen := map[string]int{}
			for key, ms := range members {
				tag := hashTag(key)
				if tag == key {
					t.Errorf("shard key %q has no hash tag", key)
				}
				if other, ok := tags[tag]; ok {
					t.Errorf("shard keys %q and %q share hash tag %q", key, other, tag)
				}
				tags[tag] = key
				for _, m := range ms {
					seen[m]++
					if want := s.readyKey(bot.Conv(m)); key != want {
						t.Errorf("%q is in shard %q, want %q", m, key, want)
					}
				}
			}
			for _, conv := range convs {
				if seen[string(conv)] != 1 {
					t.Errorf("%q is in %d shards, want 1", conv, seen[string(conv)])
				}
			}
			if !strings.HasPrefix(s.readyKey("x"), b.Prefix) {
				t.Errorf("readyKey = %q, want it under the prefix %q", s.readyKey("x"), b.Prefix)
			}
		})
	}
}
