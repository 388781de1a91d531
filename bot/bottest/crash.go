package bottest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// discardLogger keeps the victim's expected warnings out of the test log.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// errDied is what a replica "killed" between its commit and its index
// write returns: the commit applied, nothing after it ran.
var errDied = errors.New("replica died after its commit")

// diesAfterCommit is a store whose process dies right after the commit
// script of any commit that moves a reminder: the state and replies are
// committed, the reminder index is not written (the write that follows the
// script in every store), and the caller hears nothing but an error, so
// its Scheduler never marks the claim done either.
type diesAfterCommit struct {
	StoreWithReminders
}

func (s diesAfterCommit) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	if c.Remind == nil {
		return s.StoreWithReminders.Commit(ctx, c)
	}
	c.Remind = nil // the index write that never happened
	if _, err := s.StoreWithReminders.Commit(ctx, c); err != nil {
		return nil, err
	}
	return nil, errDied
}

// TestReminderCrash is issue 12's lost schedules (I5): a replica claims
// the due reminders of people mothers and dies after each reminder turn's
// commit, before its index write, so each plan has moved to the next slot
// while the index still holds the old one, claimed. When the lease runs
// out a survivor claims the old entries and finds each slot already
// handled. Every mother must then be pinged at her next slot, exactly once:
// the survivor puts each entry back where her state says, instead of
// dropping it.
func TestReminderCrash(t *testing.T, newStore func() StoreWithReminders, people int) {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := dialog.New(cat)
	ctx := context.Background()
	clock := NewClock(DayStart)
	const lease = 30 * time.Second
	conv := func(i int) bot.Conv { return bot.Conv(fmt.Sprintf("tg:%d:%d", 700+i, 700+i)) }
	slot := DayStart.Add(time.Minute)

	setup := newStore()
	for i := range people {
		if _, err := setup.Commit(ctx, bot.Commit{Conv: conv(i), State: PlanState(t, dayPerDay, slot), Remind: &slot, TTL: bot.DefaultTTL}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu    sync.Mutex
		pings = map[bot.Conv][]time.Time{}
	)
	notify := func(c bot.Conv) {
		mu.Lock()
		defer mu.Unlock()
		pings[c] = append(pings[c], clock.Now())
	}
	replica := func(s StoreWithReminders, name string) *bot.Scheduler {
		e := bot.NewEngine(d, s, bot.WithClock(clock.Now))
		return bot.NewScheduler(e, s, bot.WithSchedulerClock(clock.Now), bot.WithLease(lease),
			bot.WithBatch(people), bot.WithSchedulerOwner(name), bot.WithNotify(notify),
			bot.WithSchedulerLogger(discardLogger))
	}
	victim := replica(diesAfterCommit{newStore()}, "victim")
	survivor := replica(newStore(), "survivor")
	tick := func(s *bot.Scheduler, what string) int {
		t.Helper()
		n, err := s.Tick(ctx)
		if err != nil {
			t.Fatalf("%s: Tick = %v", what, err)
		}
		return n
	}

	clock.Advance(slot.Sub(clock.Now()))
	if n := tick(victim, "the victim"); n != people {
		t.Fatalf("the victim claimed %d, want all %d", n, people)
	}
	for i := range people {
		snap, err := setup.Load(ctx, conv(i))
		if err != nil || snap.Version != 2 {
			t.Fatalf("%s after the victim: version %d (%v), want 2: its turn committed", conv(i), snap.Version, err)
		}
	}
	clock.Advance(lease + time.Second)
	tick(survivor, "the survivor, after the lease")

	next := slot.Add(dayEvery)
	for i := range people {
		at, err := setup.NextReminder(ctx, conv(i))
		if err != nil {
			t.Fatal(err)
		}
		if !at.Equal(next) {
			t.Errorf("%s: index wakes her at %v, want her plan's next slot %v", conv(i), at, next)
		}
	}
	clock.Advance(next.Sub(clock.Now()))
	tick(survivor, "the survivor, at the next slot")
	mu.Lock()
	defer mu.Unlock()
	for i := range people {
		// The victim's pings were committed but not heard (it died): only
		// the next slot's is.
		if got := pings[conv(i)]; len(got) != 1 || !got[0].Equal(next) {
			t.Errorf("%s: pinged at %v, want once, at %v", conv(i), got, next)
		}
	}
}
