package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestStore runs the contract on the test Redis: a real server in CI.
func TestStore(t *testing.T) {
	bottest.TestStore(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.New(t)) })
}

// TestStoreExpiry runs the clock-moving part of the contract on miniredis
// even when a real server is at hand: only there can a test move the
// server's clock and watch keys expire.
func TestStoreExpiry(t *testing.T) {
	bottest.TestStoreExpiry(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.Miniredis(t)) })
}

// TestStoreCluster runs the contract on a Redis Cluster, which refuses any
// script whose keys span slots.
func TestStoreCluster(t *testing.T) {
	bottest.TestStore(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.Cluster(t)) })
}

func harness(t *testing.T, b *redistest.Backend) bottest.Harness {
	t.Helper()
	clock := bottest.NewClock(time.Now())
	opts := []Option{WithPrefix(b.Prefix), WithNow(clock.Now)}
	s := New(b.Client, opts...)
	h := bottest.Harness{
		Store: s,
		Reopen: func() bot.Store {
			s2, err := Open(context.Background(), b.URL, opts...)
			if err != nil {
				t.Fatalf("Open(%q) = %v", b.URL, err)
			}
			t.Cleanup(func() { s2.Close() })
			return s2
		},
		Keys:  func(conv bot.Conv) []bottest.Key { return keysOf(t, s, conv) },
		Clock: clock,
	}
	if b.Mini != nil {
		h.Advance = func(d time.Duration) {
			clock.Advance(d)
			b.Mini.FastForward(d)
		}
	}
	return h
}

var kindOf = map[string]bottest.KeyKind{
	convKey:   bottest.KindMeta, // and KindState, when it holds a state
	metaKey:   bottest.KindMeta,
	stateKey:  bottest.KindState,
	outboxKey: bottest.KindOutbox,
	dedupeKey: bottest.KindDedupe,
	leaseKey:  bottest.KindLease,
	logKey:    bottest.KindLog,
}

// keysOf lists conv's keys with their times to live, on every node.
func keysOf(t *testing.T, s *Store, conv bot.Conv) []bottest.Key {
	t.Helper()
	ctx := context.Background()
	base, err := s.base(conv)
	if err != nil {
		t.Fatal(err)
	}
	var keys []bottest.Key
	var mu sync.Mutex // ForEachMaster scans the masters at once
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, globEscaper.Replace(base)+"*", 100).Iterator()
		for iter.Next(ctx) {
			name := iter.Val()
			kind, ok := kindOf[strings.TrimPrefix(name, base)]
			if !ok {
				t.Errorf("unexpected key %q of %q", name, conv)
			}
			ms, err := c.Do(ctx, "PTTL", name).Int64()
			if err != nil {
				return err
			}
			if ms == -2 { // gone since SCAN saw it
				continue
			}
			ttl := time.Duration(max(ms, 0)) * time.Millisecond
			mu.Lock()
			keys = append(keys, bottest.Key{Name: name, Kind: kind, TTL: ttl})
			mu.Unlock()
			if kind == bottest.KindMeta && strings.HasSuffix(name, ":"+convKey) {
				// One key holds version and state: it counts as both.
				v, err := c.Get(ctx, name).Result()
				if err != nil && !errors.Is(err, redis.Nil) {
					return err
				}
				if _, state, _ := strings.Cut(v, "\n"); state != "" {
					mu.Lock()
					keys = append(keys, bottest.Key{Name: name, Kind: bottest.KindState, TTL: ttl})
					mu.Unlock()
				}
			}
		}
		return iter.Err()
	}
	switch c := s.client.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	default:
		t.Fatalf("cannot scan a %T", c)
	}
	if err != nil {
		t.Fatalf("listing keys of %q: %v", conv, err)
	}
	return keys
}

// TestHashTag checks that every key of a conversation carries exactly that
// conversation as its hash tag, as Redis Cluster reads it, so every key of
// one conversation is in one slot and no two conversations share a tag.
func TestHashTag(t *testing.T) {
	b := redistest.New(t)
	s := New(b.Client, WithPrefix(b.Prefix))
	ctx := context.Background()
	convs := []bot.Conv{"tg:123:123", "slack:T1:U2", "a}b", "}", "a%7Db", "%7D", "{x}", "{", "x{y}z", "é ✓", "*?[]\\"}
	for _, conv := range convs {
		if _, err := s.Commit(ctx, bot.Commit{Conv: conv, DedupeKey: "e1", State: []byte("s"), Replies: []bot.Reply{{Text: "r"}}}); err != nil {
			t.Fatalf("Commit(%q) = %v", conv, err)
		}
	}
	seen := map[string]bot.Conv{}
	for _, conv := range convs {
		keys := keysOf(t, s, conv)
		if len(keys) != 4 {
			t.Errorf("keys of %q = %v, want 4", conv, keys)
		}
		for _, k := range keys {
			if !slices.Contains(ConvKeys(b.Prefix, conv), k.Name) {
				t.Errorf("key %q of %q is not in ConvKeys %v", k.Name, conv, ConvKeys(b.Prefix, conv))
			}
		}
		for _, k := range keys {
			tag := hashTag(k.Name)
			if got := tagUnescaper.Replace(tag); got != string(conv) {
				t.Errorf("hash tag of key %q = %q, reads as %q, want conversation %q", k.Name, tag, got, conv)
			}
			if other, ok := seen[tag]; ok && other != conv {
				t.Errorf("hash tag %q shared by %q and %q", tag, other, conv)
			}
			seen[tag] = conv
		}
	}
	if _, err := s.Load(ctx, ""); err == nil {
		t.Errorf("Load(\"\") = nil error, want one: an empty tag would scatter the keys")
	}
}

// hashTag returns what Redis Cluster hashes of key (cluster spec, "hash tags").
func hashTag(key string) string {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return key
	}
	end := strings.IndexByte(key[open+1:], '}')
	if end <= 0 {
		return key
	}
	return key[open+1 : open+1+end]
}

func TestNewRejectsBracePrefix(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("New(WithPrefix(%q)) did not panic", "a{b:")
		}
	}()
	New(redis.NewClient(&redis.Options{}), WithPrefix("a{b:"))
}

// TestDedupePruned checks that dedupe keys are forgotten by the Store's
// clock on any server, and that forgotten keys leave the hash.
func TestDedupePruned(t *testing.T) {
	b := redistest.New(t)
	clock := bottest.NewClock(time.Now())
	s := New(b.Client, WithPrefix(b.Prefix), WithNow(clock.Now))
	ctx := context.Background()
	const conv = bot.Conv("slack:T1:U1")
	for i, key := range []string{"Ev1", "Ev2", "Ev3"} {
		if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: int64(i), DedupeKey: key, State: []byte("s")}); err != nil {
			t.Fatalf("Commit(%q, %s) = %v", conv, key, err)
		}
	}
	clock.Advance(bot.DedupeTTL)
	if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 3, DedupeKey: "Ev1", State: []byte("s")}); err != nil {
		t.Fatalf("Commit(%q) with a DedupeKey used DedupeTTL ago = %v, want nil", conv, err)
	}
	base, _ := s.base(conv)
	fields, err := b.Client.HKeys(ctx, base+dedupeKey).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 1 || fields[0] != "Ev1" {
		t.Errorf("dedupe hash of %q holds %v, want only [Ev1]: expired keys must be pruned", conv, fields)
	}
}

// TestOldLayout checks that a conversation stored as before convKey, a
// meta hash and a state string, still loads, blocks, lists and commits, and
// that its first commit moves it to convKey and deletes the old keys.
func TestOldLayout(t *testing.T) {
	b := redistest.New(t)
	s := New(b.Client, WithPrefix(b.Prefix))
	ctx := context.Background()
	const conv = bot.Conv("tg:77:77")
	base, _ := s.base(conv)
	old := func(fields ...any) {
		t.Helper()
		if err := b.Client.HSet(ctx, base+metaKey, fields...).Err(); err != nil {
			t.Fatal(err)
		}
		b.Client.Expire(ctx, base+metaKey, time.Hour)
		b.Client.Set(ctx, base+stateKey, "old state", time.Hour)
		b.Client.RPush(ctx, base+outboxKey, `3 {"Text":"queued before"}`)
	}
	old("v", "7", "w", "41", "u", "43,2", "n", "3")
	want := bot.Snapshot{Version: 7, Watermark: 41, Seen: []int64{43, 45}, State: []byte("old state")}
	if got, err := s.Load(ctx, conv); err != nil || !snapEqual(got, want) {
		t.Fatalf("Load(%q) of the old layout = %+v, %v; want %+v", conv, got, err, want)
	}
	if got, err := s.Conversations(ctx, "tg:77"); err != nil || len(got) != 1 || got[0] != conv {
		t.Errorf("Conversations(tg:77) of the old layout = %v, %v; want [%s]", got, err, conv)
	}
	if err := s.Block(ctx, conv); err != nil {
		t.Fatal(err)
	}
	want.Version, want.Blocked = 8, true
	if got, err := s.Load(ctx, conv); err != nil || !snapEqual(got, want) {
		t.Fatalf("Load(%q) of the old layout after Block = %+v, %v; want %+v", conv, got, err, want)
	}
	_, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 7, State: []byte("stale")})
	var conflict *bot.ConflictError
	if !errors.As(err, &conflict) || !snapEqual(conflict.Current, want) {
		t.Fatalf("Commit(%q) at a stale version of the old layout = %v, want a conflict with %+v", conv, err, want)
	}
	b.Client.RPush(ctx, base+outboxKey, `4 {"Text":"queued before, too"}`)
	b.Client.HSet(ctx, base+metaKey, "n", "4")
	out, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 8, Watermark: 40, Seen: []int64{45, 50}, State: []byte("new state"), Replies: []bot.Reply{{Text: "new"}}, TTL: time.Hour})
	if err != nil || len(out) != 1 || out[0].Seq != 5 {
		t.Fatalf("Commit(%q) on the old layout = %v, %v; want one reply, seq 5: the seq counter carries on", conv, out, err)
	}
	want = bot.Snapshot{Version: 9, Watermark: 41, Seen: []int64{45, 50}, State: []byte("new state")}
	if got, err := s.Load(ctx, conv); err != nil || !snapEqual(got, want) {
		t.Fatalf("Load(%q) after a commit on the old layout = %+v, %v; want %+v", conv, got, err, want)
	}
	if n, err := b.Client.Exists(ctx, base+metaKey, base+stateKey).Result(); err != nil || n != 0 {
		t.Errorf("the old layout's keys of %q after a commit: %d left, %v; want none", conv, n, err)
	}
	if ttl, err := b.Client.PTTL(ctx, base+convKey).Result(); err != nil || ttl <= 0 || ttl > time.Hour {
		t.Errorf("PTTL of %q's conversation key = %v, %v; want in (0, 1h]", conv, ttl, err)
	}
	if got, err := s.Pending(ctx, conv, 10); err != nil || len(got) != 2 || got[0].Seq != 4 || got[1].Seq != 5 {
		t.Errorf("Pending(%q) = %v, %v; want seqs 4 and 5 (Block dropped 3)", conv, got, err)
	}
}

// TestLastSeq checks that replies are numbered from the store's own seq
// counter whatever bot.Commit.LastSeq says, and that Load tells it.
func TestLastSeq(t *testing.T) {
	b := redistest.New(t)
	s := New(b.Client, WithPrefix(b.Prefix))
	ctx := context.Background()
	const conv = bot.Conv("tg:78:78")
	two := []bot.Reply{{Text: "a"}, {Text: "b"}}
	for i, tc := range []struct {
		lastSeq int64 // what the commit says
		first   int64 // what it must get
	}{{0, 1}, {2, 3}, {9, 5}, {0, 7}, {8, 9}} {
		out, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: int64(i), LastSeq: tc.lastSeq, State: []byte("s"), Replies: two})
		if err != nil || len(out) != 2 || out[0].Seq != tc.first || out[1].Seq != tc.first+1 {
			t.Fatalf("Commit %d with LastSeq %d = %v, %v; want seqs %d and %d", i, tc.lastSeq, out, err, tc.first, tc.first+1)
		}
		if got, err := s.Pending(ctx, conv, 100); err != nil || got[len(got)-1].Seq != tc.first+1 {
			t.Fatalf("Pending after commit %d = %v, %v; want it to end at %d", i, got, err, tc.first+1)
		}
		if snap, err := s.Load(ctx, conv); err != nil || snap.LastSeq != tc.first+1 {
			t.Fatalf("Load after commit %d = %+v, %v; want LastSeq %d", i, snap, err, tc.first+1)
		}
	}
}

func snapEqual(a, b bot.Snapshot) bool {
	return a.Version == b.Version && a.Watermark == b.Watermark && slices.Equal(a.Seen, b.Seen) &&
		string(a.State) == string(b.State) && string(a.Log) == string(b.Log) && a.Blocked == b.Blocked
}

// TestRoundTrips checks what each operation costs in round trips once the
// scripts are cached: one each, but for Settle and Block, which run once
// per drained outbox and per refusal, and on a cluster a Commit that
// queues replies, whose ready index entry must follow the script (see
// Commit), and the Advance that settles, which Settle and Release follow.
// On one server a turn therefore costs two round trips: a CommitClaim that
// takes the send lease, and the Advance past its replies once sent.
func TestRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		name          string
		b             func(t *testing.T) *redistest.Backend
		commitReplies int64
		settle        int64
	}{
		{"server", func(t *testing.T) *redistest.Backend { return redistest.New(t) }, 1, 1},
		{"cluster", func(t *testing.T) *redistest.Backend { return redistest.Cluster(t) }, 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			var calls atomic.Int64
			b.Client.AddHook(countHook{&calls})
			s := New(b.Client, WithPrefix(b.Prefix))
			ctx := context.Background()
			const conv = bot.Conv("tg:1:1")
			ops := []struct {
				name string
				want int64
				do   func(v int64) error
			}{
				{"Load", 1, func(int64) error { _, err := s.Load(ctx, conv); return err }},
				{"Commit with replies", tc.commitReplies, func(v int64) error {
					_, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 3 * v, Watermark: v + 1, DedupeKey: strconv.FormatInt(v, 10), State: []byte("s"), Replies: []bot.Reply{{Text: "a"}, {Text: "b"}}, TTL: time.Hour})
					return err
				}},
				{"CommitClaim", tc.commitReplies, func(v int64) error {
					c := bot.Commit{Conv: bot.Conv(fmt.Sprintf("tg:9:%d", v)), State: []byte("s"), Replies: []bot.Reply{{Text: "a"}}, TTL: time.Hour}
					_, held, err := s.CommitClaim(ctx, c, "d9", time.Minute)
					if err == nil && !held {
						err = fmt.Errorf("lease not taken on an empty outbox")
					}
					return err
				}},
				{"Commit", 1, func(v int64) error {
					_, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: 3*v + 1, State: []byte("s"), TTL: time.Hour})
					return err
				}},
				{"Pending", 1, func(int64) error { _, err := s.Pending(ctx, conv, 10); return err }},
				{"Ready", 1, func(int64) error { _, err := s.Ready(ctx, time.Now(), 100); return err }},
				{"Claim", 1, func(v int64) error { return want(s.Claim(ctx, conv, "d1", time.Minute))(2*v + 1) }},
				{"Advance", 1, func(v int64) error { return want(s.Advance(ctx, conv, 2*v+1, "d1", time.Minute))(2*v + 2) }},
				{"Advance that settles", tc.settle, func(v int64) error { return want(s.Advance(ctx, conv, 2*v+2, "d1", time.Minute))(0) }},
				{"Ack", 1, func(v int64) error { return s.Ack(ctx, conv, 2*v+2) }},
				{"Settle", 2, func(int64) error { return s.Settle(ctx, conv) }},
				{"Release", 1, func(int64) error { return s.Release(ctx, conv, "d1") }},
				{"Block", 2, func(int64) error { return s.Block(ctx, conv) }}, // a version of its own
			}
			for v := range int64(3) {
				for _, op := range ops {
					calls.Store(0)
					if err := op.do(v); err != nil {
						t.Fatalf("%s = %v", op.name, err)
					}
					if n := calls.Load(); v > 0 && n != op.want {
						t.Errorf("%s took %d round trips, want %d", op.name, n, op.want)
					}
				}
			}
		})
	}
}

// want returns a check that l holds the lease with reply seq next (0:
// with nothing next).
func want(l bot.Lease, err error) func(seq int64) error {
	return func(seq int64) error {
		switch {
		case err != nil:
			return err
		case !l.Held:
			return fmt.Errorf("lease not held")
		case seq == 0 && l.Next != nil:
			return fmt.Errorf("reply %d next, want none", l.Next.Seq)
		case seq != 0 && (l.Next == nil || l.Next.Seq != seq):
			return fmt.Errorf("%+v next, want reply %d", l.Next, seq)
		}
		return nil
	}
}

type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    func(t *testing.T) *redistest.Backend
		want string // the client's type
	}{
		{"server", func(t *testing.T) *redistest.Backend { return redistest.New(t) }, "*redis.Client"},
		{"cluster", func(t *testing.T) *redistest.Backend { return redistest.Cluster(t) }, "*redis.ClusterClient"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			ctx := context.Background()
			s, err := Open(ctx, b.URL, WithPrefix(b.Prefix))
			if err != nil {
				t.Fatalf("Open(%q) = %v", b.URL, err)
			}
			if got := typeName(s.Client()); got != tc.want {
				t.Errorf("Open(%q) made a %s, want a %s", b.URL, got, tc.want)
			}
			if _, err := s.Commit(ctx, bot.Commit{Conv: "tg:1:1", State: []byte("s")}); err != nil {
				t.Errorf("Commit after Open(%q) = %v", b.URL, err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
			if _, err := s.Load(ctx, "tg:1:1"); !errors.Is(err, redis.ErrClosed) {
				t.Errorf("Load after Close = %v, want %v: Close must close what Open opened", err, redis.ErrClosed)
			}
		})
	}
}

func typeName(c redis.UniversalClient) string {
	switch c.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	}
	return "other"
}

func TestOpenErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		url    string
		want   string // the whole message
		prefix string // or how it starts
		is     error
	}{
		{url: "redis://" + closed, want: "redis at " + closed + ": connection refused", is: syscall.ECONNREFUSED},
		{url: "redis://:secret@" + closed + "/0", want: "redis at " + closed + ": connection refused"},
		{url: "redis://" + closed + "," + closed, want: "redis at " + closed + "," + closed + ": connection refused"},
		{url: "http://" + closed, prefix: "redisstore: invalid Redis URL: "},
		{url: "redis://u:secret@" + closed + "/x", prefix: "redisstore: invalid Redis URL: "},
		{url: "redis://u:secret@[::1", prefix: "redisstore: invalid Redis URL: "},
		{url: "redis://u:secret@h:1,", prefix: "redisstore: invalid Redis URL: "},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := Open(ctx, tc.url)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) = nil error, want one", tc.url)
			continue
		}
		msg := err.Error()
		switch {
		case tc.want != "" && msg != tc.want:
			t.Errorf("Open(%q) = %q, want %q", tc.url, msg, tc.want)
		case tc.prefix != "" && !strings.HasPrefix(msg, tc.prefix):
			t.Errorf("Open(%q) = %q, want it to start with %q", tc.url, msg, tc.prefix)
		case strings.Contains(msg, "secret"):
			t.Errorf("Open(%q) = %q, which reveals the password", tc.url, msg)
		case strings.Contains(msg, "\n"):
			t.Errorf("Open(%q) = %q, want one line", tc.url, msg)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("Open(%q) = %v, want errors.Is %v", tc.url, err, tc.is)
		}
	}
}

func TestMarks(t *testing.T) {
	bottest.TestMarks(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.New(t)) })
	t.Run("miniredis", func(t *testing.T) {
		bottest.TestMarks(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.Miniredis(t)) })
	})
}

func TestHandoffs(t *testing.T) {
	bottest.TestHandoffs(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.New(t)) })
	t.Run("miniredis", func(t *testing.T) {
		bottest.TestHandoffs(t, func(t *testing.T) bottest.Harness { return harness(t, redistest.Miniredis(t)) })
	})
}
