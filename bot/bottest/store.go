package bottest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
)

// Harness is one fresh, empty backend under test, seen through a bot.Store,
// with the few hooks the contract suite needs to look behind the interface.
type Harness struct {
	// Store is the store under test, on a backend no other test touches.
	Store bot.Store
	// Reopen returns another Store on the same backend, as another replica
	// or a restarted process would have. Nil when the backend cannot outlive
	// its Store (process memory): the subtests that need it then skip.
	Reopen func() bot.Store
	// Advance moves the backend's time forward by d: every time to live it
	// holds runs down by d, as if d had passed. Nil when the backend's clock
	// cannot be moved (a real Redis server): subtests then check the times
	// to live Keys reports instead of waiting for them to run out.
	Advance func(d time.Duration)
	// Keys lists what the backend holds for conv, one Key per raw key (or
	// per record the backend keeps apart), in any order.
	Keys func(conv bot.Conv) []Key
	// Clock, when set, is the clock the Store stamps the ready index (and
	// dedupe keys) with, which the suite may read and move without moving
	// the backend's times to live. Nil: the suite moves time with Advance
	// and skips the checks that need to read it.
	Clock *Clock
}

// KeyKind says what a raw key holds.
type KeyKind string

// The kinds of keys a conversation may leave in a backend.
const (
	KindMeta   KeyKind = "meta"   // version, watermark, sequence counter
	KindState  KeyKind = "state"  // the dialog state
	KindOutbox KeyKind = "outbox" // committed replies not yet acknowledged
	KindDedupe KeyKind = "dedupe" // remembered dedupe keys
	KindLease  KeyKind = "lease"  // a dispatcher's send lease: its owner id, nothing about her
	KindLog    KeyKind = "log"    // her session log
)

// Key is one raw key a backend holds for a conversation.
type Key struct {
	Name string        // the backend's own name for it, for failure messages
	Kind KeyKind       // what it holds
	TTL  time.Duration // time left to live; 0 when it never expires
}

func (k Key) String() string { return fmt.Sprintf("%s(%s ttl=%v)", k.Name, k.Kind, k.TTL) }

// TestStore runs the contract every bot.Store must keep. newHarness is
// called once per subtest and must return a Harness on an empty backend of
// its own.
func TestStore(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("Empty", func(t *testing.T) { testEmpty(t, newHarness(t)) })
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newHarness(t)) })
	t.Run("NoAliasing", func(t *testing.T) { testNoAliasing(t, newHarness(t)) })
	t.Run("Conflict", func(t *testing.T) { testConflict(t, newHarness(t)) })
	t.Run("Watermark", func(t *testing.T) { testWatermark(t, newHarness(t)) })
	t.Run("Seen", func(t *testing.T) { testSeen(t, newHarness(t)) })
	t.Run("Log", func(t *testing.T) { testLog(t, newHarness(t)) })
	t.Run("Conversations", func(t *testing.T) { testConversations(t, newHarness(t)) })
	t.Run("Dedupe", func(t *testing.T) { testDedupe(t, newHarness(t)) })
	t.Run("DedupeExpires", func(t *testing.T) { testDedupeExpires(t, newHarness(t)) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, newHarness(t)) })
	t.Run("Reconnect", func(t *testing.T) { testReconnect(t, newHarness(t)) })
	t.Run("TTLSet", func(t *testing.T) { testTTLSet(t, newHarness(t)) })
	t.Run("IdleExpiry", func(t *testing.T) { testIdleExpiry(t, newHarness(t)) })
	t.Run("Erase", func(t *testing.T) { testErase(t, newHarness(t)) })
	t.Run("EraseExpires", func(t *testing.T) { testEraseExpires(t, newHarness(t)) })
	t.Run("EraseRetried", func(t *testing.T) { testEraseRetried(t, newHarness(t)) })
	t.Run("EraseWithState", func(t *testing.T) { testEraseWithState(t, newHarness(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, newHarness(t)) })
	testOutboxContract(t, newHarness)
	testRemindersContract(t, newHarness)
}

// TestStoreExpiry runs only the subtests of TestStore that move the
// backend's clock, for a second backend that can (miniredis beside a real
// Redis, which cannot). newHarness must set Harness.Advance.
func TestStoreExpiry(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("DedupeExpires", func(t *testing.T) { testDedupeExpires(t, newHarness(t)) })
	t.Run("IdleExpiry", func(t *testing.T) { testIdleExpiry(t, newHarness(t)) })
	t.Run("EraseExpires", func(t *testing.T) { testEraseExpires(t, newHarness(t)) })
	t.Run("LogExpires", func(t *testing.T) { testLogExpires(t, newHarness(t)) })
	t.Run("ClaimExpires", func(t *testing.T) { testClaimExpires(t, newHarness(t)) })
}

// convs are conversation keys the suite uses: real shapes, and one full of
// the characters key layouts and glob patterns treat specially.
var convs = []bot.Conv{"tg:123:123", "slack:T1:U2", "odd:{x}}%7D*?[a]\\ é"}

func reply(text string, buttons ...string) bot.Reply {
	r := bot.Reply{Text: text}
	for _, b := range buttons {
		r.Buttons = append(r.Buttons, dialog.Button{Label: b, Data: "d:" + b})
	}
	return r
}

func testEmpty(t *testing.T, h Harness) {
	ctx := context.Background()
	for _, conv := range convs {
		if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, bot.Snapshot{}) {
			t.Errorf("Load(%q) = %s, want the zero Snapshot", conv, fmtSnap(got))
		}
		if got := mustPending(t, h.Store, conv, 10); len(got) != 0 {
			t.Errorf("Pending(%q, 10) = %v, want none", conv, got)
		}
		if err := h.Store.Ack(ctx, conv, 5); err != nil {
			t.Errorf("Ack(%q, 5) on a new conversation = %v, want nil", conv, err)
		}
		if keys := h.Keys(conv); len(keys) != 0 {
			t.Errorf("keys of %q after Load, Pending and Ack = %v, want none: reading must not create keys", conv, keys)
		}
	}
	ob := outboxOf(t, h.Store)
	for _, conv := range convs {
		if err := ob.Settle(ctx, conv); err != nil {
			t.Errorf("Settle(%q) on a new conversation = %v, want nil", conv, err)
		}
		if err := ob.Release(ctx, conv, "d1"); err != nil {
			t.Errorf("Release(%q) on a new conversation = %v, want nil", conv, err)
		}
		if err := ob.Block(ctx, conv); err != nil {
			t.Errorf("Block(%q) on a new conversation = %v, want nil", conv, err)
		}
		if keys := h.Keys(conv); len(keys) != 0 {
			t.Errorf("keys of %q after Settle, Release and Block = %v, want none: nothing would ever expire them", conv, keys)
		}
		if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, bot.Snapshot{}) {
			t.Errorf("Load(%q) after Block of a new conversation = %s, want the zero Snapshot", conv, fmtSnap(got))
		}
	}
	if got := mustReady(t, ob, farFuture, 100); len(got) != 0 {
		t.Errorf("Ready(…, 100) = %v on an empty store, want none", got)
	}
}

func testRoundTrip(t *testing.T, h Harness) {
	steps := []struct {
		commit   bot.Commit // Conv is filled in
		wantSeqs []int64
		want     bot.Snapshot
	}{
		{
			commit:   bot.Commit{Version: 0, Watermark: 7, State: []byte(`{"s":1}`), Replies: []bot.Reply{reply("hello", "Yes", "No"), reply("second")}},
			wantSeqs: []int64{1, 2},
			want:     bot.Snapshot{Version: 1, Watermark: 7, State: []byte(`{"s":1}`)},
		},
		{
			commit: bot.Commit{Version: 1, Watermark: 8, State: []byte(`{"s":2}`)},
			want:   bot.Snapshot{Version: 2, Watermark: 8, State: []byte(`{"s":2}`)},
		},
		{
			commit:   bot.Commit{Version: 2, Watermark: 9, State: []byte("\x00\xff\n \"é"), Replies: []bot.Reply{reply("a \"quoted\"\nline — é ✓", "Done ✓")}},
			wantSeqs: []int64{3},
			want:     bot.Snapshot{Version: 3, Watermark: 9, State: []byte("\x00\xff\n \"é")},
		},
		{
			// State is the whole new state: none is none, not "unchanged".
			commit: bot.Commit{Version: 3, Watermark: 9},
			want:   bot.Snapshot{Version: 4, Watermark: 9},
		},
		{
			commit: bot.Commit{Version: 4, Watermark: 10, State: []byte{}},
			want:   bot.Snapshot{Version: 5, Watermark: 10},
		},
		{
			commit: bot.Commit{Version: 5, Watermark: 10, State: []byte("back")},
			want:   bot.Snapshot{Version: 6, Watermark: 10, State: []byte("back")},
		},
	}
	for _, conv := range convs {
		var all []bot.Outgoing
		for i, st := range steps {
			c := st.commit
			c.Conv = conv
			got := mustCommit(t, h.Store, c)
			want := outgoing(conv, st.wantSeqs, c.Replies)
			if !sameOutgoing(got, want) {
				t.Errorf("step %d: Commit(%q) = %v, want %v", i, conv, got, want)
			}
			all = append(all, want...)
			if snap := mustLoad(t, h.Store, conv); !sameSnapshot(snap, st.want) {
				t.Errorf("step %d: Load(%q) = %s, want %s", i, conv, fmtSnap(snap), fmtSnap(st.want))
			}
		}
		if got := mustPending(t, h.Store, conv, 100); !sameOutgoing(got, all) {
			t.Errorf("Pending(%q, 100) = %v, want %v", conv, got, all)
		}
	}
}

func testNoAliasing(t *testing.T, h Harness) {
	const conv = bot.Conv("tg:1:1")
	state := []byte("state-1")
	replies := []bot.Reply{reply("hi", "A", "B")}
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, State: state, Replies: replies})
	state[0] = 'X'
	replies[0].Buttons[0].Label = "changed"
	if len(out) == 1 && len(out[0].Reply.Buttons) > 0 {
		out[0].Reply.Buttons[1].Data = "changed"
	}
	snap := mustLoad(t, h.Store, conv)
	if string(snap.State) != "state-1" {
		t.Fatalf("Load(%q).State = %q after the caller changed its slice, want %q", conv, snap.State, "state-1")
	}
	snap.State[0] = 'Y'
	if again := mustLoad(t, h.Store, conv); string(again.State) != "state-1" {
		t.Errorf("Load(%q).State = %q after the caller changed a loaded slice, want %q", conv, again.State, "state-1")
	}
	want := outgoing(conv, []int64{1}, []bot.Reply{reply("hi", "A", "B")})
	pending := mustPending(t, h.Store, conv, 10)
	if !sameOutgoing(pending, want) {
		t.Fatalf("Pending(%q) = %v after the caller changed its replies, want %v", conv, pending, want)
	}
	pending[0].Reply.Buttons[0].Label = "changed again"
	if again := mustPending(t, h.Store, conv, 10); !sameOutgoing(again, want) {
		t.Errorf("Pending(%q) = %v after the caller changed a pending reply, want %v", conv, again, want)
	}
}

func testConflict(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv = bot.Conv("tg:5:5")
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Watermark: 3, DedupeKey: "ev-0", State: []byte("a"), Replies: []bot.Reply{reply("one")}, TTL: time.Hour})
	before := mustLoad(t, h.Store, conv)
	beforePending := mustPending(t, h.Store, conv, 10)
	beforeKeys := kinds(h.Keys(conv))

	stale := []struct {
		name string
		c    bot.Commit
	}{
		{"version already used", bot.Commit{Version: 0}},
		{"version from the future", bot.Commit{Version: 2}},
		{"negative version", bot.Commit{Version: -1}},
		{"stale erase", bot.Commit{Version: 0, Erase: true}},
		{"stale erase keeping state", bot.Commit{Version: 0, Erase: true, State: []byte("fresh")}},
	}
	for i, tc := range stale {
		c := tc.c
		c.Conv = conv
		c.Watermark = 99
		c.DedupeKey = fmt.Sprintf("stale-%d", i)
		if c.State == nil && !c.Erase {
			c.State = []byte("b")
		}
		c.Replies = []bot.Reply{reply("must not be queued")}
		out, err := h.Store.Commit(ctx, c)
		if !errors.Is(err, bot.ErrConflict) {
			t.Errorf("%s: Commit(%q, version %d) = %v, want ErrConflict", tc.name, conv, c.Version, err)
		}
		// A store that tells the conversation as it stands tells it right:
		// the Engine runs the turn again on it without a Load.
		var ce *bot.ConflictError
		if errors.As(err, &ce) && (!sameSnapshot(ce.Current, before) || !slices.Equal(ce.Current.Seen, before.Seen) || !bytes.Equal(ce.Current.Log, before.Log)) {
			t.Errorf("%s: the conflict's current snapshot = %s, want %s", tc.name, fmtSnap(ce.Current), fmtSnap(before))
		}
		if len(out) != 0 {
			t.Errorf("%s: Commit(%q, version %d) queued %v, want nothing", tc.name, conv, c.Version, out)
		}
		if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, before) {
			t.Errorf("%s: Load(%q) = %s after a conflict, want %s", tc.name, conv, fmtSnap(got), fmtSnap(before))
		}
		if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, beforePending) {
			t.Errorf("%s: Pending(%q) = %v after a conflict, want %v", tc.name, conv, got, beforePending)
		}
		if got := kinds(h.Keys(conv)); !slices.Equal(got, beforeKeys) {
			t.Errorf("%s: keys of %q = %v after a conflict, want %v", tc.name, conv, got, beforeKeys)
		}
	}
	// A refused commit's dedupe key was not remembered.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, DedupeKey: "stale-0", State: []byte("c")})

	const other = bot.Conv("tg:6:6")
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: other, Version: 1, DedupeKey: "x", State: []byte("a"), Replies: []bot.Reply{reply("no")}}); !errors.Is(err, bot.ErrConflict) {
		t.Errorf("Commit(%q, version 1) on a new conversation = %v, want ErrConflict", other, err)
	}
	if keys := h.Keys(other); len(keys) != 0 {
		t.Errorf("keys of %q after a refused first commit = %v, want none", other, keys)
	}
}

func testWatermark(t *testing.T, h Harness) {
	const conv = bot.Conv("tg:7:7")
	steps := []struct{ watermark, want int64 }{
		{10, 10},
		{5, 10},
		{0, 10},
		{11, 11},
		{-3, 11},
		{1 << 60, 1 << 60},
		{1<<60 - 1, 1 << 60},
		{1<<60 + 1, 1<<60 + 1},
	}
	for i, st := range steps {
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: int64(i), Watermark: st.watermark, State: []byte("s")})
		if got := mustLoad(t, h.Store, conv); got.Watermark != st.want {
			t.Errorf("after a commit with watermark %d: Load(%q).Watermark = %d, want %d", st.watermark, conv, got.Watermark, st.want)
		}
	}
}

func testSeen(t *testing.T, h Harness) {
	const conv = bot.Conv("tg:8:8")
	steps := [][]int64{{12}, {11, 12}, nil, {1 << 60, 1<<60 + 2}}
	for i, seen := range steps {
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: int64(i), Watermark: 10, Seen: seen, State: []byte("s")})
		if got := mustLoad(t, h.Store, conv); !slices.Equal(got.Seen, seen) || got.Watermark != 10 {
			t.Errorf("after a commit with Seen %v: Load(%q) = watermark %d, seen %v; want 10 and %v", seen, conv, got.Watermark, got.Seen, seen)
		}
	}
	// An erase keeps them, so that a retry of the update that erased is
	// still recognised.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: int64(len(steps)), Watermark: 10, Seen: []int64{13}, Erase: true})
	if got := mustLoad(t, h.Store, conv); !slices.Equal(got.Seen, []int64{13}) {
		t.Errorf("after an erase: Load(%q).Seen = %v, want [13]", conv, got.Seen)
	}
}

// testLog checks the session log's own record: written, left alone by a
// commit without one, replaced, deleted, and erased; with the time to live
// each write gives it.
func testLog(t *testing.T, h Harness) {
	const conv, other = bot.Conv("tg:9:9"), bot.Conv("tg:10:10")
	const ttl, logTTL = 48 * time.Hour, 6 * time.Hour
	logKey := func() (Key, bool) {
		for _, k := range h.Keys(conv) {
			if k.Kind == KindLog {
				return k, true
			}
		}
		return Key{}, false
	}
	check := func(when string, want []byte) {
		t.Helper()
		got := mustLoad(t, h.Store, conv)
		if !bytes.Equal(got.Log, want) || (got.Log == nil) != (want == nil) {
			t.Errorf("%s: Load(%q).Log = %q, want %q", when, conv, got.Log, want)
		}
		k, ok := logKey()
		if ok != (want != nil) {
			t.Errorf("%s: a log key %v, want one: %v", when, ok, want != nil)
		}
		if ok && (k.TTL <= 0 || k.TTL > logTTL) {
			t.Errorf("%s: log key %v, want a time to live in (0, %v]", when, k, logTTL)
		}
	}
	mustCommit(t, h.Store, bot.Commit{Conv: other, State: []byte("o"), Log: []byte("[[9]]"), LogTTL: logTTL, TTL: ttl})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), TTL: ttl})
	check("before any log", nil)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Log: []byte("[[1,20,3,0,0]]"), LogTTL: logTTL, TTL: ttl})
	check("after a commit with a log", []byte("[[1,20,3,0,0]]"))
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("t"), TTL: ttl})
	check("after a commit that leaves it", []byte("[[1,20,3,0,0]]"))
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, State: []byte("t"), Log: []byte("[[2,5,1,0,0]]"), LogTTL: logTTL, TTL: ttl})
	check("after a commit that replaces it", []byte("[[2,5,1,0,0]]"))
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 4, State: []byte("t"), Log: []byte{}, TTL: ttl})
	check("after a commit with an empty log", nil)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 5, State: []byte("t"), Log: []byte("[[3]]"), LogTTL: logTTL, TTL: ttl})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 6, Erase: true})
	check("after an erase", nil)
	if got := mustLoad(t, h.Store, other); string(got.Log) != "[[9]]" {
		t.Errorf("Load(%q).Log = %q after another conversation's changes, want it untouched", other, got.Log)
	}
}

// testLogExpires checks that a log is gone when its time to live runs out,
// though the rest of the conversation lives on.
func testLogExpires(t *testing.T, h Harness) {
	if h.Advance == nil {
		t.Skip("the backend's clock cannot be moved")
	}
	const conv = bot.Conv("tg:11:11")
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Log: []byte("[[1]]"), LogTTL: time.Hour, TTL: 48 * time.Hour})
	h.Advance(time.Hour - time.Second)
	if got := mustLoad(t, h.Store, conv); string(got.Log) != "[[1]]" {
		t.Errorf("Load(%q).Log = %q a second before it expires, want it", conv, got.Log)
	}
	h.Advance(2 * time.Second)
	if got := mustLoad(t, h.Store, conv); got.Log != nil || string(got.State) != "s" {
		t.Errorf("Load(%q) = log %q, state %q after the log's time to live, want no log and the state", conv, got.Log, got.State)
	}
}

// testConversations checks the listing by prefix that erasing a Slack
// workspace uses.
func testConversations(t *testing.T, h Harness) {
	ctx := context.Background()
	l, ok := h.Store.(bot.Lister)
	if !ok {
		t.Skip("the store is no bot.Lister")
	}
	mine := []bot.Conv{"slack:T1:U1", "slack:T1:U2", "slack:T1:odd}%*?[x]"}
	for _, conv := range append(slices.Clone(mine), "slack:T12:U1", "tg:1:1", "xslack:T1:U1") {
		mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("hi")}})
	}
	got, err := l.Conversations(ctx, "slack:T1:")
	if err != nil {
		t.Fatalf("Conversations(slack:T1:) = %v", err)
	}
	slices.Sort(got)
	slices.Sort(mine)
	if !slices.Equal(got, mine) {
		t.Errorf("Conversations(slack:T1:) = %q, want %q", got, mine)
	}
	if got, err := l.Conversations(ctx, "slack:T9:"); err != nil || len(got) != 0 {
		t.Errorf("Conversations(slack:T9:) = %q, %v; want none", got, err)
	}
}

func testDedupe(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv, other = bot.Conv("slack:T1:U1"), bot.Conv("slack:T1:U2")
	mustCommit(t, h.Store, bot.Commit{Conv: conv, DedupeKey: "Ev1", State: []byte("a"), Replies: []bot.Reply{reply("one")}})
	before := mustLoad(t, h.Store, conv)
	beforePending := mustPending(t, h.Store, conv, 10)

	retries := []struct {
		name    string
		version int64
		also    error // another error the contract allows
	}{
		{"at the current version", 1, nil},
		// The contract allows either answer when both apply.
		{"at a stale version", 0, bot.ErrConflict},
	}
	for _, r := range retries {
		out, err := h.Store.Commit(ctx, bot.Commit{Conv: conv, Version: r.version, Watermark: 50, DedupeKey: "Ev1", State: []byte("b"), Replies: []bot.Reply{reply("again")}, Erase: true})
		if !errors.Is(err, bot.ErrDuplicate) && (r.also == nil || !errors.Is(err, r.also)) {
			t.Errorf("%s: Commit(%q) with a used DedupeKey = %v, want ErrDuplicate", r.name, conv, err)
		}
		if len(out) != 0 {
			t.Errorf("%s: Commit(%q) with a used DedupeKey queued %v, want nothing", r.name, conv, out)
		}
		if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, before) {
			t.Errorf("%s: Load(%q) = %s after a duplicate, want %s", r.name, conv, fmtSnap(got), fmtSnap(before))
		}
		if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, beforePending) {
			t.Errorf("%s: Pending(%q) = %v after a duplicate, want %v", r.name, conv, got, beforePending)
		}
	}
	// Keys are case-sensitive, per conversation, and a commit without one
	// is never a duplicate.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, DedupeKey: "ev1", State: []byte("c")})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("d")})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, State: []byte("e")})
	mustCommit(t, h.Store, bot.Commit{Conv: other, DedupeKey: "Ev1", State: []byte("a")})

	var found bool
	for _, k := range h.Keys(conv) {
		if k.Kind != KindDedupe {
			continue
		}
		found = true
		if k.TTL <= 0 || k.TTL > bot.DedupeTTL {
			t.Errorf("dedupe key %v of %q: time to live %v, want in (0, %v]", k.Name, conv, k.TTL, bot.DedupeTTL)
		}
	}
	if !found {
		t.Errorf("keys of %q = %v, want a dedupe key", conv, h.Keys(conv))
	}
}

func testDedupeExpires(t *testing.T, h Harness) {
	ctx := context.Background()
	if h.Advance == nil {
		t.Skip("the backend's clock cannot be moved; Dedupe checks the key's time to live instead")
	}
	const conv = bot.Conv("slack:T1:U3")
	mustCommit(t, h.Store, bot.Commit{Conv: conv, DedupeKey: "Ev1", State: []byte("a")})
	h.Advance(bot.DedupeTTL - time.Second)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, DedupeKey: "Ev2", State: []byte("b")})
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: conv, Version: 2, DedupeKey: "Ev1", State: []byte("c")}); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("Commit(%q) with a DedupeKey used DedupeTTL-1s ago = %v, want ErrDuplicate", conv, err)
	}
	h.Advance(time.Second)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, DedupeKey: "Ev1", State: []byte("c")})
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: conv, Version: 3, DedupeKey: "Ev2", State: []byte("d")}); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("Commit(%q) with a DedupeKey used 1s ago = %v, want ErrDuplicate", conv, err)
	}
	h.Advance(bot.DedupeTTL)
	for _, k := range h.Keys(conv) {
		if k.Kind == KindDedupe {
			t.Errorf("keys of %q include %v DedupeTTL after the last dedupe key was used, want it gone", conv, k)
		}
	}
}

func testOutbox(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv = bot.Conv("tg:8:8")
	var all []bot.Outgoing
	for i, n := range []int{2, 0, 3} {
		var rs []bot.Reply
		for j := range n {
			rs = append(rs, reply(fmt.Sprintf("c%d r%d", i, j), "ok"))
		}
		out := mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: int64(i), State: []byte("s"), Replies: rs})
		var seqs []int64
		for range n {
			seqs = append(seqs, int64(len(all)+len(seqs)+1))
		}
		want := outgoing(conv, seqs, rs)
		if !sameOutgoing(out, want) {
			t.Fatalf("commit %d: Commit(%q) = %v, want %v", i, conv, out, want)
		}
		all = append(all, want...)
	}

	for _, tc := range []struct {
		limit int
		want  []bot.Outgoing
	}{
		{-1, nil},
		{0, nil},
		{1, all[:1]},
		{3, all[:3]},
		{5, all},
		{100, all},
	} {
		if got := mustPending(t, h.Store, conv, tc.limit); !sameOutgoing(got, tc.want) {
			t.Errorf("Pending(%q, %d) = %v, want %v", conv, tc.limit, got, tc.want)
		}
	}

	version := int64(3)
	steps := []struct {
		name    string
		ack     int64 // acknowledge up to this seq first, unless 0
		commits int   // then commit this many replies
		want    []int64
	}{
		{"ack 2", 2, 0, []int64{3, 4, 5}},
		{"ack an older seq", 1, 0, []int64{3, 4, 5}},
		{"ack nothing", 0, 0, []int64{3, 4, 5}},
		{"ack 4", 4, 0, []int64{5}},
		{"commit after ack", 0, 1, []int64{5, 6}},
		{"ack past the end", 100, 0, nil},
		{"seqs are never reused", 0, 2, []int64{7, 8}},
		{"ack exactly the last", 8, 0, nil},
	}
	for _, st := range steps {
		if st.ack != 0 {
			if err := h.Store.Ack(ctx, conv, st.ack); err != nil {
				t.Fatalf("%s: Ack(%q, %d) = %v", st.name, conv, st.ack, err)
			}
		}
		if st.commits > 0 {
			var rs []bot.Reply
			for j := range st.commits {
				rs = append(rs, reply(fmt.Sprintf("late %d", j)))
			}
			mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: version, State: []byte("s"), Replies: rs})
			version++
		}
		var got []int64
		for _, o := range mustPending(t, h.Store, conv, 100) {
			got = append(got, o.Seq)
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: Pending(%q) seqs = %v, want %v", st.name, conv, got, st.want)
		}
	}
	for _, k := range h.Keys(conv) {
		if k.Kind == KindOutbox {
			t.Errorf("keys of %q include %v after every reply was acknowledged, want no outbox key", conv, k)
		}
	}
}

func testReconnect(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("the backend does not outlive its Store")
	}
	const conv = bot.Conv("tg:9:9")
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, Watermark: 4, State: []byte("a"), Replies: []bot.Reply{reply("one"), reply("two", "B")}, TTL: time.Hour})
	s2 := h.Reopen()
	if got, want := mustLoad(t, s2, conv), (bot.Snapshot{Version: 1, Watermark: 4, State: []byte("a")}); !sameSnapshot(got, want) {
		t.Errorf("reopened Load(%q) = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if got := mustPending(t, s2, conv, 10); !sameOutgoing(got, out) {
		t.Errorf("reopened Pending(%q) = %v, want %v", conv, got, out)
	}
	mustCommit(t, s2, bot.Commit{Conv: conv, Version: 1, Watermark: 5, State: []byte("b"), Replies: []bot.Reply{reply("three")}})
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 2, Watermark: 5, State: []byte("b")}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after a commit through another Store = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if err := s2.Ack(context.Background(), conv, 2); err != nil {
		t.Fatalf("reopened Ack(%q, 2) = %v", conv, err)
	}
	if got := mustPending(t, h.Store, conv, 10); len(got) != 1 || got[0].Seq != 3 {
		t.Errorf("Pending(%q) after an Ack through another Store = %v, want only seq 3", conv, got)
	}
}

func testTTLSet(t *testing.T, h Harness) {
	const ttl = time.Hour
	steps := []struct {
		name    string
		ttl     time.Duration
		wantMax time.Duration // 0: no key may expire
	}{
		{"with TTL", ttl, ttl},
		{"forever", 0, 0},
		{"TTL again", ttl, ttl},
		{"shorter TTL", time.Minute, time.Minute},
	}
	const conv = bot.Conv("tg:10:10")
	for i, st := range steps {
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: int64(i), State: []byte("s"), Replies: []bot.Reply{reply("r")}, TTL: st.ttl})
		keys := h.Keys(conv)
		if got := kinds(keys); !slices.Equal(got, []KeyKind{KindMeta, KindOutbox, KindState}) {
			t.Errorf("%s: keys of %q = %v, want meta, outbox and state", st.name, conv, keys)
		}
		for _, k := range keys {
			if st.wantMax == 0 && k.TTL != 0 {
				t.Errorf("%s: key %v of %q expires, want it kept forever", st.name, k, conv)
			}
			if st.wantMax != 0 && (k.TTL <= 0 || k.TTL > st.wantMax) {
				t.Errorf("%s: key %v of %q: time to live %v, want in (0, %v]", st.name, k.Name, conv, k.TTL, st.wantMax)
			}
		}
	}
}

func testIdleExpiry(t *testing.T, h Harness) {
	if h.Advance == nil {
		t.Skip("the backend's clock cannot be moved; TTLSet checks the keys' times to live instead")
	}
	const ttl = time.Hour
	const conv, kept = bot.Conv("tg:11:11"), bot.Conv("tg:12:12")
	mustCommit(t, h.Store, bot.Commit{Conv: kept, State: []byte("forever"), Replies: []bot.Reply{reply("r")}})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Watermark: 1, State: []byte("a"), Replies: []bot.Reply{reply("one")}, TTL: ttl})
	h.Advance(ttl - time.Minute)
	if got := mustLoad(t, h.Store, conv); got.Version != 1 {
		t.Fatalf("Load(%q) = %s a minute before its TTL ran out, want version 1", conv, fmtSnap(got))
	}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, Watermark: 2, State: []byte("b"), Replies: []bot.Reply{reply("two")}, TTL: ttl})
	h.Advance(ttl - time.Minute)
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 2, Watermark: 2, State: []byte("b")}); !sameSnapshot(got, want) {
		t.Fatalf("Load(%q) = %s, want %s: a commit must extend the TTL", conv, fmtSnap(got), fmtSnap(want))
	}
	if got := mustPending(t, h.Store, conv, 10); len(got) != 2 {
		t.Errorf("Pending(%q) = %v, want both replies while the conversation lives", conv, got)
	}
	h.Advance(time.Minute)
	if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, bot.Snapshot{}) {
		t.Errorf("Load(%q) = %s after TTL of idleness, want the zero Snapshot", conv, fmtSnap(got))
	}
	if got := mustPending(t, h.Store, conv, 10); len(got) != 0 {
		t.Errorf("Pending(%q) = %v after TTL of idleness, want none", conv, got)
	}
	if keys := h.Keys(conv); len(keys) != 0 {
		t.Errorf("keys of %q after TTL of idleness = %v, want none", conv, keys)
	}
	if got := mustLoad(t, h.Store, kept); got.Version != 1 {
		t.Errorf("Load(%q) = %s, want the conversation without TTL kept", kept, fmtSnap(got))
	}
	// An expired conversation starts again from the zero Snapshot.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 0, State: []byte("c"), TTL: ttl})
}

// eraseSetup fills conv and a bystander and erases conv: what the Engine
// does on a confirmed /forget.
func eraseSetup(t *testing.T, h Harness, conv, bystander bot.Conv, erase bot.Commit) (bystanderSnap bot.Snapshot, bystanderPending []bot.Outgoing, out []bot.Outgoing) {
	t.Helper()
	const ttl = 180 * 24 * time.Hour
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Watermark: 10, DedupeKey: "ev-a", State: []byte("triage"), Replies: []bot.Reply{reply("r1"), reply("r2")}, TTL: ttl})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, Watermark: 11, DedupeKey: "ev-b", State: []byte("walk"), Replies: []bot.Reply{reply("r3")}, TTL: ttl})
	mustCommit(t, h.Store, bot.Commit{Conv: bystander, Watermark: 10, DedupeKey: "ev-a", State: []byte("other"), Replies: []bot.Reply{reply("hers")}, TTL: ttl})
	bystanderSnap = mustLoad(t, h.Store, bystander)
	bystanderPending = mustPending(t, h.Store, bystander, 10)
	erase.Conv = conv
	erase.Version = 2
	erase.Erase = true
	out = mustCommit(t, h.Store, erase)
	return bystanderSnap, bystanderPending, out
}

func testErase(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv, bystander = bot.Conv("tg:20:20"), bot.Conv("tg:21:21")
	bye := []bot.Reply{reply("Done. Everything about you is erased.")}
	bSnap, bPending, out := eraseSetup(t, h, conv, bystander, bot.Commit{Watermark: 12, Replies: bye, TTL: 180 * 24 * time.Hour})
	wantOut := outgoing(conv, []int64{4}, bye)
	if !sameOutgoing(out, wantOut) {
		t.Errorf("erasing Commit(%q) = %v, want %v: seqs carry on", conv, out, wantOut)
	}
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 3, Watermark: 12}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after Erase = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, wantOut) {
		t.Errorf("Pending(%q) after Erase = %v, want only the erasing commit's replies %v", conv, got, wantOut)
	}
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: conv, Version: 2, State: []byte("stale turn")}); !errors.Is(err, bot.ErrConflict) {
		t.Errorf("Commit(%q) at the version before Erase = %v, want ErrConflict", conv, err)
	}
	// The dispatcher holds the send lease while it sends the goodbye.
	ob := outboxOf(t, h.Store)
	const lease = time.Minute
	if l, err := ob.Claim(ctx, conv, "d1", lease); err != nil || !l.Held || l.Next == nil || l.Next.Seq != 4 {
		t.Fatalf("Claim(%q, d1) = %+v, %v; want held, with the goodbye (4) next", conv, l, err)
	}
	if got := kinds(withoutLeases(t, conv, h.Keys(conv), lease)); !slices.Equal(got, []KeyKind{KindMeta, KindOutbox}) {
		t.Errorf("keys of %q after Erase = %v, want only meta and outbox (and a lease)", conv, h.Keys(conv))
	}
	if !slices.Contains(mustReady(t, ob, farFuture, 100), conv) {
		t.Errorf("Ready(…) after Erase does not list %q, want it: the erasing commit queued a reply", conv)
	}
	// Sent: the dispatcher advances past it, which settles and releases.
	if l, err := ob.Advance(ctx, conv, 4, "d1", lease); err != nil || !l.Held || l.Next != nil {
		t.Fatalf("Advance(%q, 4, d1) = %+v, %v; want held and nothing next", conv, l, err)
	}
	if got := mustReady(t, ob, farFuture, 100); slices.Contains(got, conv) || !slices.Contains(got, bystander) {
		t.Errorf("Ready(…) after Erase and Advance = %v, want %q and not %q", got, bystander, conv)
	}
	keys := h.Keys(conv)
	if got := kinds(keys); !slices.Equal(got, []KeyKind{KindMeta}) {
		t.Errorf("keys of %q after Erase and Advance = %v, want only meta", conv, keys)
	}
	for _, k := range keys {
		if k.TTL <= 0 || k.TTL > bot.DedupeTTL {
			t.Errorf("key %v of %q after Erase: time to live %v, want in (0, %v]", k.Name, conv, k.TTL, bot.DedupeTTL)
		}
	}

	if got := mustLoad(t, h.Store, bystander); !sameSnapshot(got, bSnap) {
		t.Errorf("Load(%q) = %s after another conversation was erased, want %s", bystander, fmtSnap(got), fmtSnap(bSnap))
	}
	if got := mustPending(t, h.Store, bystander, 10); !sameOutgoing(got, bPending) {
		t.Errorf("Pending(%q) = %v after another conversation was erased, want %v", bystander, got, bPending)
	}
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: bystander, Version: 1, DedupeKey: "ev-a", State: []byte("x")}); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("Commit(%q) with its used DedupeKey = %v after another conversation was erased, want ErrDuplicate", bystander, err)
	}
	// Her dedupe keys went with the rest; she may start again.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, Watermark: 13, DedupeKey: "ev-a", State: []byte("new start")})
}

func testEraseExpires(t *testing.T, h Harness) {
	if h.Advance == nil {
		t.Skip("the backend's clock cannot be moved; Erase checks the keys' times to live instead")
	}
	const conv, bystander = bot.Conv("tg:22:22"), bot.Conv("tg:23:23")
	for _, ttl := range []time.Duration{0, 180 * 24 * time.Hour} {
		bSnap, _, out := eraseSetup(t, h, conv, bystander, bot.Commit{Watermark: 12, Replies: []bot.Reply{reply("bye")}, TTL: ttl})
		if err := h.Store.Ack(context.Background(), conv, out[0].Seq); err != nil {
			t.Fatalf("Ack(%q) = %v", conv, err)
		}
		h.Advance(bot.DedupeTTL - time.Second)
		if got := mustLoad(t, h.Store, conv); got.Version != 3 || got.Watermark != 12 {
			t.Errorf("TTL %v: Load(%q) = %s just before DedupeTTL after Erase, want version 3 and watermark 12 kept", ttl, conv, fmtSnap(got))
		}
		h.Advance(time.Second)
		if keys := h.Keys(conv); len(keys) != 0 {
			t.Errorf("TTL %v: keys of %q DedupeTTL after Erase = %v, want none", ttl, conv, keys)
		}
		if got := mustLoad(t, h.Store, conv); !sameSnapshot(got, bot.Snapshot{}) {
			t.Errorf("TTL %v: Load(%q) DedupeTTL after Erase = %s, want the zero Snapshot", ttl, conv, fmtSnap(got))
		}
		if got := mustLoad(t, h.Store, bystander); !sameSnapshot(got, bSnap) {
			t.Errorf("TTL %v: Load(%q) = %s, want the bystander kept", ttl, bystander, fmtSnap(got))
		}
		// The next round starts both conversations afresh.
		eraseAll(t, h, conv, bystander)
	}
}

// eraseAll erases convs and lets them expire, so they load as new.
func eraseAll(t *testing.T, h Harness, convs ...bot.Conv) {
	t.Helper()
	for _, c := range convs {
		snap := mustLoad(t, h.Store, c)
		if snap.Version == 0 {
			continue
		}
		mustCommit(t, h.Store, bot.Commit{Conv: c, Version: snap.Version, Erase: true})
		if err := h.Store.Ack(context.Background(), c, 1<<62); err != nil {
			t.Fatalf("Ack(%q) = %v", c, err)
		}
	}
	h.Advance(bot.DedupeTTL)
	for _, c := range convs {
		if keys := h.Keys(c); len(keys) != 0 {
			t.Fatalf("keys of %q DedupeTTL after Erase = %v, want none", c, keys)
		}
	}
}

func testEraseRetried(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv, bystander = bot.Conv("slack:T9:U1"), bot.Conv("slack:T9:U2")
	erase := bot.Commit{DedupeKey: "Ev-forget", Replies: []bot.Reply{reply("bye")}}
	_, _, out := eraseSetup(t, h, conv, bystander, erase)
	retry := erase
	retry.Conv, retry.Version, retry.Erase = conv, 3, true
	if _, err := h.Store.Commit(ctx, retry); !errors.Is(err, bot.ErrDuplicate) {
		t.Errorf("retried erasing Commit(%q) = %v, want ErrDuplicate: the erasing commit's own DedupeKey must survive it", conv, err)
	}
	if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, out) {
		t.Errorf("Pending(%q) after a retried Erase = %v, want %v", conv, got, out)
	}
	if err := h.Store.Ack(ctx, conv, out[0].Seq); err != nil {
		t.Fatalf("Ack(%q) = %v", conv, err)
	}
	keys := h.Keys(conv)
	if got := kinds(keys); !slices.Equal(got, []KeyKind{KindDedupe, KindMeta}) {
		t.Errorf("keys of %q after Erase and Ack = %v, want only meta and dedupe", conv, keys)
	}
	for _, k := range keys {
		if k.TTL <= 0 || k.TTL > bot.DedupeTTL {
			t.Errorf("key %v of %q after Erase with TTL 0: time to live %v, want in (0, %v]", k.Name, conv, k.TTL, bot.DedupeTTL)
		}
	}
}

func testEraseWithState(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv, bystander = bot.Conv("tg:24:24"), bot.Conv("tg:25:25")
	erase := bot.Commit{Watermark: 12, State: []byte("fresh"), Replies: []bot.Reply{reply("welcome back")}}
	_, _, out := eraseSetup(t, h, conv, bystander, erase)
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 3, Watermark: 12, State: []byte("fresh")}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after Erase with State = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, out) || len(out) != 1 {
		t.Errorf("Pending(%q) after Erase with State = %v, want only %v", conv, got, out)
	}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, DedupeKey: "ev-a", State: []byte("next")})
	if err := h.Store.Ack(ctx, conv, out[0].Seq); err != nil {
		t.Fatalf("Ack(%q) = %v", conv, err)
	}
	for _, k := range h.Keys(conv) {
		if k.Kind != KindDedupe && k.TTL != 0 {
			t.Errorf("key %v of %q with state and TTL 0 expires, want it kept", k, conv)
		}
	}
}

func testConcurrent(t *testing.T, h Harness) {
	const (
		goroutines = 32
		turns      = 50
		total      = goroutines * turns
	)
	ctx := context.Background()
	const conv = bot.Conv("tg:30:30")
	stores := []bot.Store{h.Store}
	if h.Reopen != nil {
		stores = append(stores, h.Reopen())
	}
	var (
		mu   sync.Mutex
		seqs = map[int64]string{}
		wg   sync.WaitGroup
	)
	for g := range goroutines {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for range turns {
				for {
					snap, err := s.Load(ctx, conv)
					if err != nil {
						t.Errorf("Load(%q) = %v", conv, err)
						return
					}
					n := 0
					if snap.State != nil {
						if n, err = strconv.Atoi(string(snap.State)); err != nil {
							t.Errorf("Load(%q).State = %q, want a number", conv, snap.State)
							return
						}
					}
					next := strconv.Itoa(n + 1)
					out, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: snap.Version, Watermark: int64(n + 1), State: []byte(next), Replies: []bot.Reply{reply(next)}, TTL: time.Hour})
					if errors.Is(err, bot.ErrConflict) {
						continue
					}
					if err != nil || len(out) != 1 {
						t.Errorf("Commit(%q) = %v, %v; want one reply", conv, out, err)
						return
					}
					mu.Lock()
					if prev, ok := seqs[out[0].Seq]; ok {
						t.Errorf("seq %d given to both %q and %q", out[0].Seq, prev, next)
					}
					seqs[out[0].Seq] = next
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: total, Watermark: total, State: []byte(strconv.Itoa(total))}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after %d concurrent turns = %s, want %s", conv, total, fmtSnap(got), fmtSnap(want))
	}
	pending := mustPending(t, h.Store, conv, 2*total)
	if len(pending) != total {
		t.Fatalf("Pending(%q) has %d replies, want %d", conv, len(pending), total)
	}
	for i, o := range pending {
		want := strconv.Itoa(i + 1)
		if o.Seq != int64(i+1) || o.Reply.Text != want || seqs[o.Seq] != want {
			t.Fatalf("Pending(%q)[%d] = seq %d %q (committed as %q), want seq %d %q", conv, i, o.Seq, o.Reply.Text, seqs[o.Seq], i+1, want)
		}
	}
}

func mustLoad(t *testing.T, s bot.Store, conv bot.Conv) bot.Snapshot {
	t.Helper()
	snap, err := s.Load(context.Background(), conv)
	if err != nil {
		t.Fatalf("Load(%q) = %v", conv, err)
	}
	return snap
}

func mustCommit(t *testing.T, s bot.Store, c bot.Commit) []bot.Outgoing {
	t.Helper()
	out, err := s.Commit(context.Background(), c)
	if err != nil {
		t.Fatalf("Commit(%q, version %d) = %v", c.Conv, c.Version, err)
	}
	return out
}

func mustPending(t *testing.T, s bot.Store, conv bot.Conv, limit int) []bot.Outgoing {
	t.Helper()
	out, err := s.Pending(context.Background(), conv, limit)
	if err != nil {
		t.Fatalf("Pending(%q, %d) = %v", conv, limit, err)
	}
	return out
}

func outgoing(conv bot.Conv, seqs []int64, replies []bot.Reply) []bot.Outgoing {
	var out []bot.Outgoing
	for i, seq := range seqs {
		r := replies[i]
		r.Buttons = slices.Clone(r.Buttons)
		out = append(out, bot.Outgoing{Conv: conv, Seq: seq, Reply: r})
	}
	return out
}

// sameOutgoing compares outboxes, treating nil and empty alike.
func sameOutgoing(a, b []bot.Outgoing) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameSnapshot compares snapshots, telling a nil State from an empty one.
func sameSnapshot(a, b bot.Snapshot) bool {
	return a.Version == b.Version && a.Watermark == b.Watermark && slices.Equal(a.Seen, b.Seen) &&
		(a.State == nil) == (b.State == nil) && bytes.Equal(a.State, b.State) &&
		(a.Log == nil) == (b.Log == nil) && bytes.Equal(a.Log, b.Log) &&
		a.Blocked == b.Blocked
}

func fmtSnap(s bot.Snapshot) string {
	state := "nil"
	if s.State != nil {
		state = strconv.Quote(string(s.State))
	}
	blocked := ""
	if s.Blocked {
		blocked = " Blocked"
	}
	return fmt.Sprintf("{Version:%d Watermark:%d Seen:%v State:%s Log:%q%s}", s.Version, s.Watermark, s.Seen, state, s.Log, blocked)
}

// kinds returns the sorted kinds of keys, one entry per key.
func kinds(keys []Key) []KeyKind {
	var ks []KeyKind
	for _, k := range keys {
		ks = append(ks, k.Kind)
	}
	slices.SortFunc(ks, func(a, b KeyKind) int { return strings.Compare(string(a), string(b)) })
	return ks
}
