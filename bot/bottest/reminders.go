package bottest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// testRemindersContract runs the part of the contract the Scheduler relies
// on: the reminder index that commits write, and its claims. Claims are
// timed by the caller's clock, so these subtests pass instants of their
// own and need neither Clock nor Advance.
func testRemindersContract(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("RemindOnCommit", func(t *testing.T) { testRemindOnCommit(t, newHarness(t)) })
	t.Run("RemindRefused", func(t *testing.T) { testRemindRefused(t, newHarness(t)) })
	t.Run("RemindErase", func(t *testing.T) { testRemindErase(t, newHarness(t)) })
	t.Run("RemindBlock", func(t *testing.T) { testRemindBlock(t, newHarness(t)) })
	t.Run("ClaimDue", func(t *testing.T) { testClaimDue(t, newHarness(t)) })
	t.Run("ClaimLease", func(t *testing.T) { testClaimLease(t, newHarness(t)) })
	t.Run("DoneAfterReschedule", func(t *testing.T) { testDoneAfterReschedule(t, newHarness(t)) })
	t.Run("Requeue", func(t *testing.T) { testRequeue(t, newHarness(t)) })
	t.Run("ClaimConcurrent", func(t *testing.T) { testClaimConcurrent(t, newHarness(t)) })
}

// remindAt is when the suite's reminders fall: a millisecond instant, the
// precision stores keep.
var remindAt = time.Date(2025, 3, 1, 3, 0, 0, 123e6, time.UTC)

// remindersOf returns s as bot.Reminders: every store must feed the
// Scheduler.
func remindersOf(t *testing.T, s bot.Store) bot.Reminders {
	t.Helper()
	return storeAs[bot.Reminders](t, s)
}

func mustNext(t *testing.T, r bot.Reminders, conv bot.Conv) time.Time {
	t.Helper()
	at, err := r.NextReminder(context.Background(), conv)
	if err != nil {
		t.Fatalf("NextReminder(%q) = %v", conv, err)
	}
	return at
}

func mustClaimDue(t *testing.T, r bot.Reminders, now time.Time, owner string, lease time.Duration, limit int) []bot.Due {
	t.Helper()
	got, err := r.ClaimDue(context.Background(), now, owner, lease, limit)
	if err != nil {
		t.Fatalf("ClaimDue(%v, %s, %v, %d) = %v", now, owner, lease, limit, err)
	}
	return got
}

func mustDone(t *testing.T, r bot.Reminders, d bot.Due) {
	t.Helper()
	if err := r.Done(context.Background(), d); err != nil {
		t.Fatalf("Done(%+v) = %v", d, err)
	}
}

// wantNext checks conv's pending reminder (the zero time: none).
func wantNext(t *testing.T, r bot.Reminders, conv bot.Conv, want time.Time, when string) {
	t.Helper()
	if got := mustNext(t, r, conv); !got.Equal(want) {
		t.Errorf("NextReminder(%q) %s = %v, want %v", conv, when, got, want)
	}
}

func dueConvs(ds []bot.Due) []bot.Conv {
	out := make([]bot.Conv, len(ds))
	for i, d := range ds {
		out[i] = d.Conv
	}
	return out
}

func ptr(t time.Time) *time.Time { return &t }

func testRemindOnCommit(t *testing.T, h Harness) {
	ctx := context.Background()
	r := remindersOf(t, h.Store)
	for _, conv := range convs {
		wantNext(t, r, conv, time.Time{}, "on a new conversation")
		if err := r.Done(ctx, bot.Due{Conv: conv, At: remindAt, Claim: 1}); err != nil {
			t.Errorf("Done(%q) on a new conversation = %v, want nil", conv, err)
		}
		if keys := h.Keys(conv); len(keys) != 0 {
			t.Errorf("keys of %q after NextReminder and Done = %v, want none", conv, keys)
		}

		mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
		wantNext(t, r, conv, remindAt, "after a commit scheduled it")
		if got := mustNext(t, r, conv); got.Location() != time.UTC {
			t.Errorf("NextReminder(%q) = %v in %v, want UTC", conv, got, got.Location())
		}
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Replies: []bot.Reply{reply("hi")}})
		wantNext(t, r, conv, remindAt, "after a commit with Remind nil")
		later := remindAt.Add(3 * time.Hour)
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("s"), Remind: ptr(later)})
		wantNext(t, r, conv, later, "after a commit rescheduled it")
		// Another zone, same instant: times are instants.
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, State: []byte("s"), Remind: ptr(later.In(time.FixedZone("+05:30", 19800)))})
		wantNext(t, r, conv, later, "after a commit scheduled the same instant in another zone")
		mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 4, State: []byte("s"), Remind: ptr(time.Time{})})
		wantNext(t, r, conv, time.Time{}, "after a commit cancelled it")
	}
	if got := mustClaimDue(t, r, farFuture, "s1", time.Minute, 100); len(got) != 0 {
		t.Errorf("ClaimDue(far future) = %v after every reminder was cancelled, want none", got)
	}
	// A restarted process sees what was scheduled before.
	mustCommit(t, h.Store, bot.Commit{Conv: convs[0], Version: 5, State: []byte("s"), Remind: ptr(remindAt)})
	if h.Reopen != nil {
		wantNext(t, remindersOf(t, h.Reopen()), convs[0], remindAt, "on a reopened store")
	}
}

func testRemindRefused(t *testing.T, h Harness) {
	ctx := context.Background()
	r := remindersOf(t, h.Store)
	const conv = bot.Conv("tg:51:51")
	mustCommit(t, h.Store, bot.Commit{Conv: conv, DedupeKey: "rem:1", State: []byte("s"), Remind: ptr(remindAt)})
	for _, c := range []bot.Commit{
		{Conv: conv, Version: 0, State: []byte("stale"), Remind: ptr(remindAt.Add(time.Hour))},                     // conflict
		{Conv: conv, Version: 0, State: []byte("stale"), Remind: ptr(time.Time{})},                                 // conflict
		{Conv: conv, Version: 0, Erase: true},                                                                      // conflict
		{Conv: conv, Version: 1, DedupeKey: "rem:1", State: []byte("again"), Remind: ptr(remindAt.Add(time.Hour))}, // duplicate
	} {
		if _, err := h.Store.Commit(ctx, c); !errors.Is(err, bot.ErrConflict) && !errors.Is(err, bot.ErrDuplicate) {
			t.Fatalf("Commit(%+v) = %v, want it refused", c, err)
		}
		wantNext(t, r, conv, remindAt, fmt.Sprintf("after a refused commit (Remind %v, Erase %v)", c.Remind, c.Erase))
	}
}

func testRemindErase(t *testing.T, h Harness) {
	r := remindersOf(t, h.Store)
	const conv, bystander = bot.Conv("tg:52:52"), bot.Conv("tg:53:53")
	mustCommit(t, h.Store, bot.Commit{Conv: bystander, State: []byte("s"), Remind: ptr(remindAt)})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, Erase: true, Replies: []bot.Reply{reply("gone")}})
	wantNext(t, r, conv, time.Time{}, "after /forget")
	wantNext(t, r, bystander, remindAt, "after another person's /forget")
	got := mustClaimDue(t, r, farFuture, "s1", time.Minute, 10)
	if want := []bot.Conv{bystander}; !slices.Equal(dueConvs(got), want) {
		t.Errorf("ClaimDue(far future) after /forget = %v, want %v", dueConvs(got), want)
	}
	// An erase that starts afresh with a plan keeps the new one.
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("s"), Remind: ptr(remindAt)})
	later := remindAt.Add(time.Hour)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 3, Erase: true, State: []byte("t"), Remind: ptr(later)})
	wantNext(t, r, conv, later, "after an erase that scheduled anew")
}

func testRemindBlock(t *testing.T, h Harness) {
	ctx := context.Background()
	r := remindersOf(t, h.Store)
	ob := outboxOf(t, h.Store)
	const conv, bystander = bot.Conv("tg:54:54"), bot.Conv("tg:55:55")
	mustCommit(t, h.Store, bot.Commit{Conv: bystander, State: []byte("s"), Remind: ptr(remindAt)})
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
	// Claimed and in flight when the platform refuses her.
	claimed := mustClaimDue(t, r, remindAt, "s1", time.Minute, 10)
	if err := ob.Block(ctx, conv); err != nil {
		t.Fatalf("Block(%q) = %v", conv, err)
	}
	// The index only wakes the Engine, which pings nobody blocked: Block
	// leaves the reminder for the turn to decide on.
	wantNext(t, r, conv, remindAt, "after Block")
	wantNext(t, r, bystander, remindAt, "after another person's Block")
	for _, d := range claimed {
		mustDone(t, r, d)
	}
	if got := mustClaimDue(t, r, farFuture, "s1", time.Minute, 10); len(got) != 0 {
		t.Errorf("ClaimDue(far future) after Block and Done = %v, want none", dueConvs(got))
	}
}

// testRequeue checks that a claim can put its entry back at a later time,
// which then comes due like any other, and that it yields as Done does to
// a reschedule or a newer claim.
func testRequeue(t *testing.T, h Harness) {
	ctx := context.Background()
	r := remindersOf(t, h.Store)
	const conv, moved = bot.Conv("tg:56:56"), bot.Conv("tg:57:57")
	later := remindAt.Add(3 * time.Hour)
	requeue := func(d bot.Due, at time.Time) {
		t.Helper()
		if err := r.Requeue(ctx, d, at); err != nil {
			t.Fatalf("Requeue(%+v, %v) = %v", d, at, err)
		}
	}
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
	mustCommit(t, h.Store, bot.Commit{Conv: moved, State: []byte("s"), Remind: ptr(remindAt)})
	claimed := mustClaimDue(t, r, remindAt, "s1", time.Minute, 10)
	if len(claimed) != 2 {
		t.Fatalf("ClaimDue = %v, want both", dueConvs(claimed))
	}
	// One is rescheduled by a commit while claimed: that time stands.
	mustCommit(t, h.Store, bot.Commit{Conv: moved, Version: 1, State: []byte("t"), Remind: ptr(later.Add(time.Hour))})
	for _, d := range claimed {
		requeue(d, later)
	}
	wantNext(t, r, conv, later, "after Requeue")
	wantNext(t, r, moved, later.Add(time.Hour), "after a reschedule and then Requeue")
	if got := mustClaimDue(t, r, later.Add(-time.Millisecond), "s1", time.Minute, 10); len(got) != 0 {
		t.Errorf("ClaimDue just before the requeued time = %v, want none", dueConvs(got))
	}
	again := mustClaimDue(t, r, later, "s2", time.Minute, 10)
	if len(again) != 1 || again[0].Conv != conv || !again[0].At.Equal(later) {
		t.Fatalf("ClaimDue at the requeued time = %+v, want %s at %v", again, conv, later)
	}
	// The old claim is stale now: its Requeue changes nothing.
	requeue(claimed[0], remindAt.Add(24*time.Hour))
	wantNext(t, r, conv, later, "after a stale claim's Requeue")
	mustDone(t, r, again[0])
	wantNext(t, r, conv, time.Time{}, "after Done")
}

func testClaimDue(t *testing.T, h Harness) {
	r := remindersOf(t, h.Store)
	// Enough conversations to fill several shards of a sharded index, due
	// in an order unlike their names' order, a minute apart.
	var order []bot.Conv
	for i := range 24 {
		order = append(order, bot.Conv(fmt.Sprintf("tg:%d:%d", (i*7)%24, 1000-i)))
	}
	for i, conv := range order {
		mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt.Add(time.Duration(i) * time.Minute))})
	}
	for _, limit := range []int{0, -1} {
		if got := mustClaimDue(t, r, farFuture, "s1", time.Minute, limit); len(got) != 0 {
			t.Errorf("ClaimDue(…, %d) = %v, want none", limit, got)
		}
	}
	if got := mustClaimDue(t, r, remindAt.Add(-time.Millisecond), "s1", time.Minute, 100); len(got) != 0 {
		t.Errorf("ClaimDue(1ms before the first) = %v, want none", dueConvs(got))
	}
	// Due at or before now: the first 10 at +9m; the oldest 4 of them.
	now := remindAt.Add(9 * time.Minute)
	got := mustClaimDue(t, r, now, "s1", time.Hour, 4)
	if want := order[:4]; !slices.Equal(dueConvs(got), want) {
		t.Fatalf("ClaimDue(+9m, limit 4) = %v, want %v", dueConvs(got), want)
	}
	for i, d := range got {
		if want := remindAt.Add(time.Duration(i) * time.Minute); !d.At.Equal(want) {
			t.Errorf("ClaimDue(+9m)[%d].At = %v, want %v", i, d.At, want)
		}
	}
	rest := mustClaimDue(t, r, now, "s2", time.Hour, 100)
	if want := order[4:10]; !slices.Equal(dueConvs(rest), want) {
		t.Errorf("ClaimDue(+9m) again = %v, want %v: the rest of what is due, not what was claimed", dueConvs(rest), want)
	}
	for _, d := range append(got, rest...) {
		mustDone(t, r, d)
		wantNext(t, r, d.Conv, time.Time{}, "after Done")
	}
	got = mustClaimDue(t, r, farFuture, "s1", time.Hour, 100)
	if want := order[10:]; !slices.Equal(dueConvs(got), want) {
		t.Errorf("ClaimDue(far future) after Done = %v, want %v", dueConvs(got), want)
	}
}

func testClaimLease(t *testing.T, h Harness) {
	r := remindersOf(t, h.Store)
	const conv = bot.Conv("tg:56:56")
	const lease = 30 * time.Second
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
	now := remindAt.Add(time.Second)
	first := mustClaimDue(t, r, now, "A", lease, 10)
	if len(first) != 1 || first[0].Conv != conv || !first[0].At.Equal(remindAt) {
		t.Fatalf("ClaimDue = %+v, want %q at %v", first, conv, remindAt)
	}
	wantNext(t, r, conv, remindAt, "while claimed")
	if got := mustClaimDue(t, r, now.Add(lease-time.Millisecond), "B", lease, 10); len(got) != 0 {
		t.Errorf("ClaimDue 1ms before the lease ends = %+v, want none: it is claimed", got)
	}
	// A crashed claim comes due again, still for the same slot.
	second := mustClaimDue(t, r, now.Add(lease), "B", lease, 10)
	if len(second) != 1 || second[0].Conv != conv || !second[0].At.Equal(remindAt) {
		t.Fatalf("ClaimDue once the lease ended = %+v, want %q at %v", second, conv, remindAt)
	}
	if second[0].Claim == first[0].Claim {
		t.Errorf("two claims of %q have the same Claim %d", conv, first[0].Claim)
	}
	// The first claim's late Done leaves the second claim alone.
	mustDone(t, r, first[0])
	wantNext(t, r, conv, remindAt, "after the expired claim's Done")
	mustDone(t, r, second[0])
	wantNext(t, r, conv, time.Time{}, "after the live claim's Done")
	mustDone(t, r, second[0]) // again: nothing to do
	if got := mustClaimDue(t, r, farFuture, "C", lease, 10); len(got) != 0 {
		t.Errorf("ClaimDue(far future) after Done = %+v, want none", got)
	}
}

func testDoneAfterReschedule(t *testing.T, h Harness) {
	r := remindersOf(t, h.Store)
	const conv = bot.Conv("tg:57:57")
	const lease = 30 * time.Second
	mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt)})
	claimed := mustClaimDue(t, r, remindAt, "A", lease, 10)
	if len(claimed) != 1 {
		t.Fatalf("ClaimDue = %+v, want one", claimed)
	}
	// Her turn (the reminder's own, or a button) plans the next one.
	next := remindAt.Add(3 * time.Hour)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 1, State: []byte("s"), Remind: ptr(next)})
	mustDone(t, r, claimed[0])
	wantNext(t, r, conv, next, "after a reschedule and the claim's Done")
	// Rescheduled to a time already past, while claimed: it is due now,
	// for the new slot, without waiting for the lease.
	claimed = mustClaimDue(t, r, next, "A", lease, 10)
	past := next.Add(-time.Minute)
	mustCommit(t, h.Store, bot.Commit{Conv: conv, Version: 2, State: []byte("s"), Remind: ptr(past)})
	again := mustClaimDue(t, r, next, "B", lease, 10)
	if len(again) != 1 || !again[0].At.Equal(past) {
		t.Errorf("ClaimDue after a reschedule into the past = %+v, want %q at %v", again, conv, past)
	}
	mustDone(t, r, claimed[0])
	wantNext(t, r, conv, past, "after the old claim's Done")
	mustDone(t, r, again[0])
	wantNext(t, r, conv, time.Time{}, "after the new claim's Done")
}

func testClaimConcurrent(t *testing.T, h Harness) {
	r := remindersOf(t, h.Store)
	stores := []bot.Reminders{r}
	if h.Reopen != nil {
		stores = append(stores, remindersOf(t, h.Reopen()))
	}
	const n, workers = 200, 8
	for i := range n {
		conv := bot.Conv(fmt.Sprintf("tg:c%d:%d", i, i))
		mustCommit(t, h.Store, bot.Commit{Conv: conv, State: []byte("s"), Remind: ptr(remindAt.Add(time.Duration(i) * time.Millisecond))})
	}
	var mu sync.Mutex
	seen := map[bot.Conv]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := stores[w%len(stores)]
			for {
				got, err := rs.ClaimDue(context.Background(), farFuture, fmt.Sprintf("w%d", w), time.Hour, 7)
				if err != nil {
					t.Errorf("ClaimDue = %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, d := range got {
					seen[d.Conv]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d workers claimed %d distinct reminders, want %d", workers, len(seen), n)
	}
	for conv, k := range seen {
		if k != 1 {
			t.Errorf("%q claimed %d times within one lease, want once", conv, k)
		}
	}
}
