package bottest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// testOutboxContract runs the part of the contract the Dispatcher relies
// on: the ready index, Settle, the send lease and Block.
func testOutboxContract(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("ReadyOnCommit", func(t *testing.T) { testReadyOnCommit(t, newHarness(t)) })
	t.Run("ReadyOrder", func(t *testing.T) { testReadyOrder(t, newHarness(t)) })
	t.Run("Settle", func(t *testing.T) { testSettle(t, newHarness(t)) })
	t.Run("SettleConcurrent", func(t *testing.T) { testSettleConcurrent(t, newHarness(t)) })
	t.Run("Claim", func(t *testing.T) { testClaim(t, newHarness(t)) })
	t.Run("ClaimExpires", func(t *testing.T) { testClaimExpires(t, newHarness(t)) })
	t.Run("ClaimNothing", func(t *testing.T) { testClaimNothing(t, newHarness(t)) })
	t.Run("Advance", func(t *testing.T) { testAdvance(t, newHarness(t)) })
	t.Run("ClaimQueue", func(t *testing.T) { testClaimQueue(t, newHarness(t)) })
	t.Run("CommitClaim", func(t *testing.T) { testCommitClaim(t, newHarness(t)) })
	t.Run("Block", func(t *testing.T) { testBlock(t, newHarness(t)) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, newHarness(t)) })
}

// testAttachments checks that a reply's week and export come out of the
// outbox as they went in, and that the store keeps no alias to them.
func testAttachments(t *testing.T, h Harness) {
	ctx := context.Background()
	const conv = bot.Conv("tg:69:69")
	w := &bot.Week{Target: 9, Words: bot.ChartWords{Title: "Your last 7 days", Night: "night"}}
	w.Days[6] = bot.Day{Label: "Sun 22", Sessions: 3, Night: 1, Minutes: 60, MlLeft: 40, MlRight: 35}
	r := bot.Reply{Text: "here", Week: w, Export: &bot.Export{Zone: "Europe/Madrid", Log: []byte{1, 2, 3}}}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{r}, TTL: time.Hour})
	w.Days[6].Sessions = 99
	r.Export.Log[0] = 9
	out, err := h.Store.Pending(ctx, conv, 10)
	if err != nil || len(out) != 1 {
		t.Fatalf("Pending = %v, %v; want one reply", out, err)
	}
	got := out[0].Reply
	if got.Week == nil || got.Week.Days[6] != (bot.Day{Label: "Sun 22", Sessions: 3, Night: 1, Minutes: 60, MlLeft: 40, MlRight: 35}) ||
		got.Week.Target != 9 || got.Week.Words.Night != "night" {
		t.Errorf("Pending week = %+v, want what was committed", got.Week)
	}
	if got.Export == nil || got.Export.Zone != "Europe/Madrid" || !slices.Equal(got.Export.Log, []byte{1, 2, 3}) {
		t.Errorf("Pending export = %+v, want what was committed", got.Export)
	}
}

// testClaimQueue checks that a lease hands out the pending replies in
// order, up to bot.QueueLimit at once, so that a turn's replies are sent
// on one Claim and acknowledged by one Advance.
func testClaimQueue(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const conv = bot.Conv("tg:66:66")
	var replies []bot.Reply
	for i := range bot.QueueLimit + 2 {
		replies = append(replies, reply(fmt.Sprintf("r%d", i+1)))
	}
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: replies, TTL: time.Hour})
	l, err := ob.Claim(ctx, conv, "d1", time.Minute)
	if err != nil || !l.Held {
		t.Fatalf("Claim = %+v, %v; want it held", l, err)
	}
	if !sameOutgoing(l.Queue, out[:bot.QueueLimit]) || l.Next == nil || l.Next.Seq != out[0].Seq {
		t.Fatalf("Claim's queue = %v (next %v), want the first %d of %v", l.Queue, l.Next, bot.QueueLimit, out)
	}
	if l, err = ob.Advance(ctx, conv, out[bot.QueueLimit-1].Seq, "d1", time.Minute); err != nil || !sameOutgoing(l.Queue, out[bot.QueueLimit:]) {
		t.Fatalf("Advance past the queue = %+v, %v; want the last two", l, err)
	}
	if l, err = ob.Advance(ctx, conv, out[len(out)-1].Seq, "d1", time.Minute); err != nil || !l.Held || l.Next != nil || len(l.Queue) != 0 {
		t.Fatalf("Advance past everything = %+v, %v; want it settled", l, err)
	}
}

// testCommitClaim checks the commit that takes the send lease: only when
// its replies are all that is pending and nobody else holds the lease.
func testCommitClaim(t *testing.T, h Harness) {
	ctx := context.Background()
	cs, ok := h.Store.(bot.ClaimingStore)
	if !ok {
		t.Skip("the store is no bot.ClaimingStore")
	}
	ob := outboxOf(t, h.Store)
	lease := leaseOf(t)
	const conv, other = bot.Conv("tg:67:67"), bot.Conv("tg:68:68")
	commit := func(c bot.Commit, owner string) ([]bot.Outgoing, bool) {
		t.Helper()
		out, held, err := cs.CommitClaim(ctx, c, owner, time.Minute)
		if err != nil {
			t.Fatalf("CommitClaim(%+v, %s) = %v", c, owner, err)
		}
		return out, held
	}
	out, held := commit(bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("a"), reply("b")}, TTL: time.Hour}, "d1")
	if !held {
		t.Fatalf("CommitClaim on an empty outbox: held = false, want the lease")
	}
	if l := lease(ob.Claim(ctx, conv, "d2", time.Minute)); l.Held {
		t.Errorf("Claim by another owner after CommitClaim = %+v, want the lease d1's", l)
	}
	// Pending replies before it: the caller must Claim, from the oldest.
	if _, held := commit(bot.Commit{Conv: conv, Version: 1, State: []byte("t"), Replies: []bot.Reply{reply("c")}, TTL: time.Hour}, "d1"); held {
		t.Errorf("CommitClaim behind pending replies: held = true, want false")
	}
	if l := lease(ob.Claim(ctx, conv, "d1", time.Minute)); !l.Held || !sameOutgoing(l.Queue[:2], out) {
		t.Errorf("Claim after = %+v, want the first commit's replies first", l)
	}
	// Another owner's lease stands.
	mustCommit(t, h.Store, bot.Commit{Conv: other, State: []byte("s"), Replies: []bot.Reply{reply("x")}, TTL: time.Hour})
	l := lease(ob.Claim(ctx, other, "d2", time.Minute))
	lease(ob.Advance(ctx, other, l.Next.Seq, "d2", time.Minute)) // sent, settled, released
	lease(ob.Claim(ctx, other, "d2", time.Minute))               // nothing pending: no lease
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: other, Version: 1, State: []byte("t"), TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if got, held := commit(bot.Commit{Conv: other, Version: 2, State: []byte("u"), Replies: []bot.Reply{reply("y")}, TTL: time.Hour}, ""); held || len(got) != 1 {
		t.Errorf("CommitClaim with no owner: held = %v, want false", held)
	}
}

// farFuture is a 'before' every entry of the ready index comes before.
var farFuture = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)

// storeAs returns s as the interface T a contract tests, failing the test
// if the store does not implement it.
func storeAs[T any](t *testing.T, s bot.Store) T {
	t.Helper()
	v, ok := s.(T)
	if !ok {
		t.Fatalf("%T does not implement %v", s, reflect.TypeFor[T]())
	}
	return v
}

// outboxOf returns s as a bot.Outbox: every store must feed the Dispatcher.
func outboxOf(t *testing.T, s bot.Store) bot.Outbox {
	t.Helper()
	return storeAs[bot.Outbox](t, s)
}

func mustReady(t *testing.T, ob bot.Outbox, before time.Time, limit int) []bot.Conv {
	t.Helper()
	got, err := ob.Ready(context.Background(), before, limit)
	if err != nil {
		t.Fatalf("Ready(%v, %d) = %v", before, limit, err)
	}
	return got
}

// mustClaim claims conv and reports whether owner got the lease.
func mustClaim(t *testing.T, ob bot.Outbox, conv bot.Conv, owner string, ttl time.Duration) bool {
	t.Helper()
	l, err := ob.Claim(context.Background(), conv, owner, ttl)
	if err != nil {
		t.Fatalf("Claim(%q, %s, %v) = %v", conv, owner, ttl, err)
	}
	return l.Held
}

// nextSeq is the Seq of l.Next, or 0 when l has none.
func nextSeq(l bot.Lease) int64 {
	if l.Next == nil {
		return 0
	}
	return l.Next.Seq
}

// withoutLeases checks the lease keys among keys (each must expire within
// ttl) and returns the others.
func withoutLeases(t *testing.T, conv bot.Conv, keys []Key, ttl time.Duration) []Key {
	t.Helper()
	var rest []Key
	for _, k := range keys {
		if k.Kind != KindLease {
			rest = append(rest, k)
			continue
		}
		if k.TTL <= 0 || k.TTL > ttl {
			t.Errorf("lease key %v of %q: time to live %v, want in (0, %v]: a lease must expire", k.Name, conv, k.TTL, ttl)
		}
	}
	return rest
}

// mover returns how the suite moves the Store's clock, or nil if it cannot.
func mover(h Harness) func(time.Duration) {
	if h.Clock != nil {
		return h.Clock.Advance
	}
	return h.Advance
}

func testReadyOnCommit(t *testing.T, h Harness) {
	ob := outboxOf(t, h.Store)
	const conv, quiet = bot.Conv("tg:31:31"), bot.Conv("tg:32:32")
	mustCommit(t, h.Store, bot.Commit{Conv: quiet, State: []byte("s")})
	if got := mustReady(t, ob, farFuture, 100); len(got) != 0 {
		t.Errorf("Ready(…) = %v after a commit without replies, want none", got)
	}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("one")}})
	if got, want := mustReady(t, ob, farFuture, 100), []bot.Conv{conv}; !slices.Equal(got, want) {
		t.Errorf("Ready(…) = %v after a commit with a reply, want %v", got, want)
	}
	// A commit without replies leaves the waiting ones waiting.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s")})
	mustCommit(t, h.Store, bot.Commit{Conv: quiet, Version: 1, State: []byte("s")})
	if got, want := mustReady(t, ob, farFuture, 100), []bot.Conv{conv}; !slices.Equal(got, want) {
		t.Errorf("Ready(…) = %v after commits without replies, want %v", got, want)
	}
	for _, limit := range []int{0, -1} {
		if got := mustReady(t, ob, farFuture, limit); len(got) != 0 {
			t.Errorf("Ready(…, %d) = %v, want none", limit, got)
		}
	}
	// A restarted process finds what was committed before.
	if h.Reopen != nil {
		if got, want := mustReady(t, outboxOf(t, h.Reopen()), farFuture, 100), []bot.Conv{conv}; !slices.Equal(got, want) {
			t.Errorf("reopened Ready(…) = %v, want %v", got, want)
		}
	}
}

func testReadyOrder(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	move := mover(h)
	if move == nil {
		t.Skip("the Store's clock cannot be moved: every entry would enter at once")
	}
	// Enough conversations to fill several shards of a sharded index, in
	// an order unlike their names' order, one a second.
	var order []bot.Conv
	for i := range 24 {
		order = append(order, bot.Conv(fmt.Sprintf("tg:%d:%d", (i*7)%24, 1000-i)))
	}
	var start time.Time
	if h.Clock != nil {
		start = h.Clock.Now()
	}
	for i, conv := range order {
		if i > 0 {
			move(time.Second)
		}
		mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("r")}})
	}
	// Later replies for a conversation already waiting do not move it back,
	// and neither does Settle while its replies wait.
	move(time.Second)
	mustCommit(t, h.Store, bot.Commit{Conv: order[0], Version: 1, State: []byte("s"), Replies: []bot.Reply{reply("again")}})
	if err := ob.Settle(ctx, order[1]); err != nil {
		t.Fatalf("Settle(%q) = %v", order[1], err)
	}
	if got := mustReady(t, ob, farFuture, 100); !slices.Equal(got, order) {
		t.Errorf("Ready(…, 100) = %v, want oldest first %v", got, order)
	}
	if got := mustReady(t, ob, farFuture, 5); !slices.Equal(got, order[:5]) {
		t.Errorf("Ready(…, 5) = %v, want the oldest five %v", got, order[:5])
	}
	if h.Clock == nil {
		return // the cut-off needs the Store's time
	}
	for _, tc := range []struct {
		before time.Time
		limit  int
		want   []bot.Conv
	}{
		{start.Add(4 * time.Second), 100, order[:5]}, // at or before
		{start.Add(4*time.Second - time.Millisecond), 100, order[:4]},
		{start.Add(4 * time.Second), 2, order[:2]},
		{start.Add(-time.Millisecond), 100, nil},
	} {
		if got := mustReady(t, ob, tc.before, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("Ready(start%+v, %d) = %v, want %v", tc.before.Sub(start), tc.limit, got, tc.want)
		}
	}
}

func testSettle(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const conv = bot.Conv("tg:33:33")
	ready := func() bool { return slices.Contains(mustReady(t, ob, farFuture, 100), conv) }
	settle := func() {
		t.Helper()
		if err := ob.Settle(ctx, conv); err != nil {
			t.Fatalf("Settle(%q) = %v", conv, err)
		}
	}
	ack := func(seq int64) {
		t.Helper()
		if err := h.Store.Ack(ctx, conv, seq); err != nil {
			t.Fatalf("Ack(%q, %d) = %v", conv, seq, err)
		}
	}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("r1"), reply("r2")}})
	settle()
	if !ready() {
		t.Errorf("Settle(%q) with two replies pending took it out of the ready index, want it kept", conv)
	}
	ack(1)
	settle()
	if !ready() {
		t.Errorf("Settle(%q) with one reply pending took it out of the ready index, want it kept", conv)
	}
	ack(2)
	settle()
	if ready() {
		t.Errorf("Ready(…) lists %q after every reply was acknowledged and it settled, want it gone", conv)
	}
	settle()
	if ready() {
		t.Errorf("Ready(…) lists %q after a second Settle, want it gone", conv)
	}

	// The dispatcher acknowledges the last reply, finds nothing pending and
	// settles; a commit lands between its look and its Settle.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Replies: []bot.Reply{reply("r3")}})
	ack(3)
	if got := mustPending(t, h.Store, conv, 10); len(got) != 0 {
		t.Fatalf("Pending(%q) = %v after Ack, want none", conv, got)
	}
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("s"), Replies: []bot.Reply{reply("r4")}})
	settle()
	if !ready() {
		t.Errorf("Ready(…) does not list %q after a commit raced with Settle, want it: reply %v would never be sent", conv, out)
	}
}

// testSettleConcurrent runs commits against a dispatcher's acknowledge-
// and-settle loop, many times over, and checks after each round that
// whatever is pending is in the ready index: with Ack and Settle, and with
// the Dispatcher's own Claim and Advance.
func testSettleConcurrent(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	loops := []struct {
		name string
		conv bot.Conv
		once func(conv bot.Conv) error
	}{
		{"Ack and Settle", "tg:37:37", func(conv bot.Conv) error {
			pending, err := h.Store.Pending(ctx, conv, 100)
			if err != nil {
				return err
			}
			if len(pending) > 0 {
				if err := h.Store.Ack(ctx, conv, pending[len(pending)-1].Seq); err != nil {
					return err
				}
			}
			return ob.Settle(ctx, conv)
		}},
		{"Claim and Advance", "tg:43:43", func(conv bot.Conv) error {
			l, err := ob.Claim(ctx, conv, "d", time.Minute)
			for err == nil && l.Next != nil {
				l, err = ob.Advance(ctx, conv, l.Next.Seq, "d", time.Minute)
			}
			return err
		}},
	}
	for _, loop := range loops {
		var version int64
		for round := range 60 {
			start := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				<-start
				for range 2 {
					if _, err := h.Store.Commit(ctx, bot.Commit{Conv: loop.conv, Version: version, State: []byte("s"), Replies: []bot.Reply{reply("r")}}); err != nil {
						t.Errorf("Commit(%q) = %v", loop.conv, err)
						return
					}
					version++
				}
			})
			wg.Go(func() {
				<-start
				for range 2 {
					if err := loop.once(loop.conv); err != nil {
						t.Errorf("%s(%q) = %v", loop.name, loop.conv, err)
						return
					}
				}
			})
			close(start)
			wg.Wait()
			if t.Failed() {
				return
			}
			if pending := mustPending(t, h.Store, loop.conv, 100); len(pending) > 0 && !slices.Contains(mustReady(t, ob, farFuture, 100), loop.conv) {
				t.Fatalf("%s, round %d: %d replies of %q pending but it is not in the ready index", loop.name, round, len(pending), loop.conv)
			}
		}
	}
}

func testClaim(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const conv, other = bot.Conv("tg:34:34"), bot.Conv("tg:35:35")
	const ttl = time.Minute
	// A lease is taken only to send something.
	for _, c := range []bot.Conv{conv, other} {
		mustCommit(t, h.Store, bot.Commit{Conv: c, State: []byte("s"), Replies: []bot.Reply{reply("r")}})
	}
	steps := []struct {
		name    string
		release string // Release for this owner first, unless ""
		conv    bot.Conv
		owner   string
		want    bool
	}{
		{"free", "", conv, "A", true},
		{"held by another", "", conv, "B", false},
		{"held by the same owner: extends", "", conv, "A", true},
		{"per conversation", "", other, "B", true},
		{"released by someone else", "B", conv, "B", false},
		{"released by its owner", "A", conv, "B", true},
		{"taken over", "", conv, "A", false},
	}
	for _, st := range steps {
		if st.release != "" {
			if err := ob.Release(ctx, st.conv, st.release); err != nil {
				t.Fatalf("%s: Release(%q, %s) = %v", st.name, st.conv, st.release, err)
			}
		}
		if got := mustClaim(t, ob, st.conv, st.owner, ttl); got != st.want {
			t.Errorf("%s: Claim(%q, %s) = %v, want %v", st.name, st.conv, st.owner, got, st.want)
		}
	}
	if h.Reopen != nil {
		if mustClaim(t, outboxOf(t, h.Reopen()), conv, "C", ttl) {
			t.Errorf("Claim(%q, C) through another Store = true while B holds it, want false", conv)
		}
	}
	// A lease holds no more than its owner, and expires.
	if rest := withoutLeases(t, conv, h.Keys(conv), ttl); !slices.Equal(kinds(rest), []KeyKind{KindMeta, KindOutbox, KindState}) {
		t.Errorf("keys of %q after Claim = %v, want meta, state and outbox (and a lease)", conv, rest)
	}
}

// testClaimNothing claims conversations with nothing to send: no lease is
// taken, the one owner held is released, and each leaves the ready index.
func testClaimNothing(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const fresh, sent = bot.Conv("tg:40:40"), bot.Conv("tg:41:41")
	lease := leaseOf(t)
	if l := lease(ob.Claim(ctx, fresh, "A", time.Minute)); !l.Held || l.Next != nil {
		t.Errorf("Claim(%q) of a conversation that never was = %+v, want held and nothing next", fresh, l)
	}
	if keys := h.Keys(fresh); len(keys) != 0 {
		t.Errorf("keys of %q after Claim = %v, want none: nothing would ever expire them", fresh, keys)
	}
	if got := mustLoad(t, h.Store, fresh); !sameSnapshot(got, bot.Snapshot{}) {
		t.Errorf("Load(%q) = %s after Claim, want the zero Snapshot", fresh, fmtSnap(got))
	}

	out := mustCommit(t, h.Store, bot.Commit{Conv: sent, State: []byte("s"), Replies: []bot.Reply{reply("r")}})
	if l := lease(ob.Claim(ctx, sent, "A", time.Minute)); !l.Held || nextSeq(l) != out[0].Seq {
		t.Fatalf("Claim(%q) = %+v, want held and reply %d next", sent, l, out[0].Seq)
	}
	if err := h.Store.Ack(ctx, sent, out[0].Seq); err != nil {
		t.Fatalf("Ack(%q) = %v", sent, err)
	}
	if l := lease(ob.Claim(ctx, sent, "A", time.Minute)); !l.Held || l.Next != nil {
		t.Errorf("Claim(%q) after its reply was acknowledged = %+v, want held and nothing next", sent, l)
	}
	if got := kinds(h.Keys(sent)); !slices.Equal(got, []KeyKind{KindMeta, KindState}) {
		t.Errorf("keys of %q after a Claim found nothing to send = %v, want meta and state: the lease released", sent, h.Keys(sent))
	}
	if got := mustReady(t, ob, farFuture, 100); len(got) != 0 {
		t.Errorf("Ready(…) = %v after Claims found nothing to send, want none", got)
	}
}

// testAdvance walks a dispatcher's loop: Claim, then Advance past each
// reply sent, until nothing is left.
func testAdvance(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const conv = bot.Conv("tg:42:42")
	const ttl = time.Minute
	lease := leaseOf(t)
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Replies: []bot.Reply{reply("r1"), reply("r2"), reply("r3")}})
	l := lease(ob.Claim(ctx, conv, "A", ttl))
	if !l.Held || l.Next == nil || !sameOutgoing([]bot.Outgoing{*l.Next}, out[:1]) {
		t.Fatalf("Claim(%q) = %+v, want held and %v next", conv, l, out[0])
	}
	// Another owner acknowledges (it delivered before its lease ran out)
	// but gets no lease and nothing to send.
	if l := lease(ob.Advance(ctx, conv, out[0].Seq, "B", ttl)); l.Held || l.Next != nil {
		t.Errorf("Advance(%q, B) while A holds the lease = %+v, want not held", conv, l)
	}
	if l := lease(ob.Advance(ctx, conv, out[0].Seq, "A", ttl)); !l.Held || nextSeq(l) != out[1].Seq {
		t.Fatalf("Advance(%q, %d, A) = %+v, want held and reply %d next", conv, out[0].Seq, l, out[1].Seq)
	}
	// A reply committed meanwhile is sent in the same loop.
	more := mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Replies: []bot.Reply{reply("r4")}})
	if l := lease(ob.Advance(ctx, conv, out[2].Seq, "A", ttl)); !l.Held || l.Next == nil || !sameOutgoing([]bot.Outgoing{*l.Next}, more) {
		t.Fatalf("Advance(%q, %d, A) = %+v, want held and %v next", conv, out[2].Seq, l, more[0])
	}
	if !mustClaim(t, ob, conv, "A", ttl) || mustClaim(t, ob, conv, "B", ttl) {
		t.Errorf("Claim(%q) by A and then B while A sends = not A's, want A's alone", conv)
	}
	if l := lease(ob.Advance(ctx, conv, more[0].Seq, "A", ttl)); !l.Held || l.Next != nil {
		t.Fatalf("Advance(%q, %d, A) past the last reply = %+v, want held and nothing next", conv, more[0].Seq, l)
	}
	if got := mustPending(t, h.Store, conv, 10); len(got) != 0 {
		t.Errorf("Pending(%q) = %v after Advance past every reply, want none", conv, got)
	}
	if got := mustReady(t, ob, farFuture, 100); slices.Contains(got, conv) {
		t.Errorf("Ready(…) = %v after Advance past every reply, want %q settled", got, conv)
	}
	if got := kinds(h.Keys(conv)); !slices.Equal(got, []KeyKind{KindMeta, KindState}) {
		t.Errorf("keys of %q after Advance past every reply = %v, want meta and state: the lease released", conv, h.Keys(conv))
	}
	if !mustClaim(t, ob, conv, "B", ttl) {
		t.Errorf("Claim(%q, B) after A settled = not held, want B free to claim", conv)
	}
}

// leaseOf returns a function that passes on what Claim or Advance
// returned, failing t on an error.
func leaseOf(t *testing.T) func(bot.Lease, error) bot.Lease {
	return func(l bot.Lease, err error) bot.Lease {
		t.Helper()
		if err != nil {
			t.Fatalf("claiming: %v", err)
		}
		return l
	}
}

func testClaimExpires(t *testing.T, h Harness) {
	ob := outboxOf(t, h.Store)
	const conv, other = bot.Conv("tg:38:38"), bot.Conv("tg:39:39")
	for _, c := range []bot.Conv{conv, other} {
		mustCommit(t, h.Store, bot.Commit{Conv: c, State: []byte("s"), Replies: []bot.Reply{reply("r")}})
	}
	if h.Advance != nil {
		const ttl = time.Minute
		if !mustClaim(t, ob, conv, "A", ttl) {
			t.Fatalf("Claim(%q, A) = false on a free lease", conv)
		}
		h.Advance(ttl - 10*time.Second)
		if mustClaim(t, ob, conv, "B", ttl) {
			t.Fatalf("Claim(%q, B) = true 10s before A's lease ends, want false", conv)
		}
		if !mustClaim(t, ob, conv, "A", ttl) {
			t.Fatalf("Claim(%q, A) = false while A holds it, want true", conv)
		}
		h.Advance(ttl - 10*time.Second)
		if mustClaim(t, ob, conv, "B", ttl) {
			t.Errorf("Claim(%q, B) = true after A extended its lease, want false", conv)
		}
		h.Advance(20 * time.Second)
		if !mustClaim(t, ob, conv, "B", ttl) {
			t.Errorf("Claim(%q, B) = false after A's lease ran out, want true", conv)
		}
		return
	}
	// A real server's clock: a short lease, and a few seconds to see it go.
	if !mustClaim(t, ob, conv, "A", 50*time.Millisecond) {
		t.Fatalf("Claim(%q, A) = false on a free lease", conv)
	}
	for deadline := time.Now().Add(5 * time.Second); !mustClaim(t, ob, conv, "B", time.Hour); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Claim(%q, B) = false 5s after A's 50ms lease, want true once it ran out", conv)
		}
	}
	// Extending moves the end of the lease, as the key's time to live shows.
	mustClaim(t, ob, other, "A", time.Second)
	mustClaim(t, ob, other, "A", time.Hour)
	var leases []Key
	for _, k := range h.Keys(other) {
		if k.Kind == KindLease {
			leases = append(leases, k)
		}
	}
	if len(leases) != 1 || leases[0].TTL <= time.Second || leases[0].TTL > time.Hour {
		t.Errorf("lease keys of %q after claiming for 1s and extending to 1h = %v, want one with a time to live in (1s, 1h]", other, leases)
	}
}

func testBlock(t *testing.T, h Harness) {
	ctx := context.Background()
	ob := outboxOf(t, h.Store)
	const conv, bystander = bot.Conv("tg:36:36"), bot.Conv("tg:40:40")
	const ttl = time.Hour
	block := func() {
		t.Helper()
		if err := ob.Block(ctx, conv); err != nil {
			t.Fatalf("Block(%q) = %v", conv, err)
		}
	}
	mustCommit(t, h.Store, bot.Commit{Conv: bystander, State: []byte("s"), Replies: []bot.Reply{reply("hers")}})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Watermark: 3, State: []byte("s"), Replies: []bot.Reply{reply("r1"), reply("r2")}, TTL: ttl})
	block()
	if got := mustPending(t, h.Store, conv, 10); len(got) != 0 {
		t.Errorf("Pending(%q) after Block = %v, want none", conv, got)
	}
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 2, Watermark: 3, State: []byte("s"), Blocked: true}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after Block = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if got, want := mustReady(t, ob, farFuture, 100), []bot.Conv{bystander}; !slices.Equal(got, want) {
		t.Errorf("Ready(…) after Block(%q) = %v, want %v", conv, got, want)
	}
	keys := h.Keys(conv)
	if got := kinds(keys); !slices.Equal(got, []KeyKind{KindMeta, KindState}) {
		t.Errorf("keys of %q after Block = %v, want meta and state", conv, keys)
	}
	for _, k := range keys {
		if k.TTL <= 0 || k.TTL > ttl {
			t.Errorf("key %v of %q after Block: time to live %v, want in (0, %v]: Block keeps it", k.Name, conv, k.TTL, ttl)
		}
	}
	block() // again: nothing changes
	if got := mustLoad(t, h.Store, conv); !got.Blocked || got.Version != 2 {
		t.Errorf("Load(%q) after a second Block = %s, want it blocked at version 2", conv, fmtSnap(got))
	}

	// A refused commit is no turn of hers.
	if _, err := h.Store.Commit(ctx, bot.Commit{Conv: conv, Version: 0, State: []byte("stale"), Replies: []bot.Reply{reply("no")}}); !errors.Is(err, bot.ErrConflict) {
		t.Fatalf("Commit(%q) at a stale version = %v, want ErrConflict", conv, err)
	}
	if got := mustLoad(t, h.Store, conv); !got.Blocked {
		t.Errorf("Load(%q) after a refused commit = %s, want it still blocked", conv, fmtSnap(got))
	}

	// She unblocked the bot and wrote: her turn clears the mark and queues
	// as usual, its seqs carrying on.
	out := mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, Watermark: 4, State: []byte("t"), Replies: []bot.Reply{reply("r3")}, TTL: ttl})
	if want := outgoing(conv, []int64{3}, []bot.Reply{reply("r3")}); !sameOutgoing(out, want) {
		t.Errorf("Commit(%q) after Block = %v, want %v", conv, out, want)
	}
	if got, want := mustLoad(t, h.Store, conv), (bot.Snapshot{Version: 3, Watermark: 4, State: []byte("t")}); !sameSnapshot(got, want) {
		t.Errorf("Load(%q) after her next turn = %s, want %s", conv, fmtSnap(got), fmtSnap(want))
	}
	if got := mustPending(t, h.Store, conv, 10); !sameOutgoing(got, out) {
		t.Errorf("Pending(%q) after her next turn = %v, want %v", conv, got, out)
	}
	if got := mustReady(t, ob, farFuture, 100); !slices.Contains(got, conv) {
		t.Errorf("Ready(…) = %v after her next turn, want %q in it", got, conv)
	}

	// A turn without replies clears it too.
	block()
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 4, State: []byte("u"), TTL: ttl})
	if got := mustLoad(t, h.Store, conv); got.Blocked {
		t.Errorf("Load(%q) after a turn without replies = %s, want it no longer blocked", conv, fmtSnap(got))
	}
	if got := mustPending(t, h.Store, bystander, 10); len(got) != 1 {
		t.Errorf("Pending(%q) = %v after another conversation was blocked, want its reply", bystander, got)
	}
}
