package bottest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// DayStart is when TestSchedulerDay's simulated day begins.
var DayStart = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// Reminder plans in TestSchedulerDay: 8 a day, overnight too, so each
// person has a reminder every 3 hours.
const (
	dayPerDay = 8
	dayEvery  = 24 * time.Hour / dayPerDay
	dayStep   = 5 * time.Minute
	dayLease  = 30 * time.Second
)

// PlanState returns a dialog state, encoded, of someone idle with a plan of
// perDay reminders a day in UTC, overnight too, the next one at next.
func PlanState(t testing.TB, perDay int, next time.Time) []byte {
	t.Helper()
	st := dialog.State{Version: dialog.SchemaVersion, Name: "idle", Data: dialog.Data{
		Remind: &dialog.Plan{PerDay: perDay, Zone: "UTC", Overnight: true, Next: next.Unix()},
	}}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSchedulerDay proves I5 end to end: replicas Schedulers, each with
// its own Engine and its own Store from newStore (one shared backend),
// take people (each with a plan of a reminder every 3 hours, the first
// ones spread over the first 3 hours) through one simulated day on a fake
// clock, moved 5 minutes at a time. Replica 0 is killed mid-claim: right
// after its third claim that got something, before it ran a turn or marked
// anything done. Its claims must come due again after the lease and be
// handled by the others.
//
// Every person must be pinged exactly 8 times, once per slot: the notify
// func (the Dispatcher's queue in serve) hears each slot once, her
// conversation's version counts exactly 8 committed turns after the set-up,
// and her next reminder is the 9th slot.
func TestSchedulerDay(t *testing.T, newStore func() bot.Store, replicas, people int) {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := dialog.New(cat)
	clock := NewClock(DayStart)
	ctx := context.Background()
	conv := func(i int) bot.Conv { return bot.Conv(fmt.Sprintf("tg:%d:%d", i, i)) }
	first := func(i int) time.Time { return DayStart.Add(time.Duration(i%36) * dayStep) }

	setup := newStore()
	parallel(t, people, func(i int) error {
		at := first(i)
		_, err := setup.Commit(ctx, bot.Commit{Conv: conv(i), State: PlanState(t, dayPerDay, at), Remind: &at, TTL: bot.DefaultTTL})
		return err
	})

	var (
		delivered atomic.Int64
		mu        sync.Mutex
		pings     = make(map[bot.Conv]int, people)
	)
	notify := func(c bot.Conv) {
		mu.Lock()
		pings[c]++
		mu.Unlock()
		delivered.Add(1)
	}
	victimCtx, kill := context.WithCancel(ctx)
	defer kill()
	victim := &killAfterClaims{kill: kill, after: 3, clock: clock}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	scheds := make([]*bot.Scheduler, replicas)
	for r := range replicas {
		s := newStore()
		var rem bot.Reminders = remindersOf(t, s)
		rctx := runCtx
		if r == 0 {
			victim.Reminders = rem
			rem, rctx = victim, victimCtx
		}
		e := bot.NewEngine(d, s, bot.WithClock(clock.Now))
		scheds[r] = bot.NewScheduler(e, rem,
			bot.WithSchedulerClock(clock.Now), bot.WithPoll(2*time.Millisecond), bot.WithLease(dayLease),
			bot.WithSchedulerOwner(fmt.Sprintf("r%d", r)), bot.WithNotify(notify))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := scheds[r].Run(rctx); err != nil {
				t.Errorf("replica %d: Run = %v", r, err)
			}
		}()
	}

	// expected counts the slots due by now over everyone.
	expected := func(now time.Time) int64 {
		var n int64
		for i := range min(people, 36) {
			if f := first(i); !f.After(now) {
				slots := min(int64(now.Sub(f)/dayEvery)+1, dayPerDay)
				n += slots * int64((people-i+35)/36) // people j ≡ i (mod 36)
			}
		}
		return n
	}
	begin := time.Now()
	for now := DayStart; now.Before(DayStart.Add(24 * time.Hour)); now = now.Add(dayStep) {
		if now.After(DayStart) {
			clock.Advance(dayStep)
		}
		want := expected(now)
		deadline := time.Now().Add(30 * time.Second)
		for {
			// Claims the victim took with it at this step come back at the
			// next one, once their lease has run out.
			got := delivered.Load() + victim.strandedAt(now)
			if got == want {
				break
			}
			if got > want {
				t.Fatalf("at %v: %d pings, want %d: some slot was pinged twice", now.Format("15:04"), got, want)
			}
			if time.Now().After(deadline) {
				t.Fatalf("at %v: %d pings after 30s, want %d (stranded by the killed replica: %d)", now.Format("15:04"), got, want, victim.strandedAt(now))
			}
			time.Sleep(time.Millisecond)
		}
	}
	stop()
	wg.Wait()
	elapsed := time.Since(begin)
	if victim.stranded.Load() == 0 {
		t.Errorf("replica 0 was never killed mid-claim: the test proved less than it says")
	}

	// Every person: 8 pings heard, 8 turns committed, the 9th slot next.
	check := newStore()
	rem := remindersOf(t, check)
	parallel(t, people, func(i int) error {
		c := conv(i)
		mu.Lock()
		n := pings[c]
		mu.Unlock()
		if n != dayPerDay {
			return fmt.Errorf("%q pinged %d times in the day, want %d", c, n, dayPerDay)
		}
		snap, err := check.Load(ctx, c)
		if err != nil {
			return err
		}
		if want := int64(1 + dayPerDay); snap.Version != want {
			return fmt.Errorf("%q at version %d after the day, want %d: 1 set-up and %d reminder turns", c, snap.Version, want, dayPerDay)
		}
		next, err := rem.NextReminder(ctx, c)
		if err != nil {
			return err
		}
		if want := first(i).Add(dayPerDay * dayEvery); !next.Equal(want) {
			return fmt.Errorf("NextReminder(%q) after the day = %v, want %v", c, next, want)
		}
		return nil
	})
	var total bot.SchedulerStats
	for r, s := range scheds {
		st := s.Stats()
		t.Logf("replica %d: %+v", r, st)
		total.Claimed += st.Claimed
		total.Handled += st.Handled
		total.Duplicates += st.Duplicates
		total.Errors += st.Errors
	}
	t.Logf("%d replicas × %d people × %d slots in %v: %d pings, %d claims, %d turns, %d duplicates, %d errors; replica 0 killed holding %d claims",
		replicas, people, dayPerDay, elapsed.Round(time.Millisecond), delivered.Load(), total.Claimed, total.Handled, total.Duplicates, total.Errors, victim.stranded.Load())
}

// killAfterClaims is a replica's reminder index that dies mid-claim: its
// after-th claim that gets anything claims in the store, then the process
// "dies" before it learns what it claimed.
type killAfterClaims struct {
	bot.Reminders
	kill  func()
	after int
	clock *Clock

	mu       sync.Mutex
	claims   int
	killedAt time.Time
	stranded atomic.Int64
}

func (k *killAfterClaims) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]bot.Due, error) {
	got, err := k.Reminders.ClaimDue(ctx, now, owner, lease, limit)
	if err != nil || len(got) == 0 {
		return got, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.claims++; k.claims < k.after {
		return got, nil
	}
	k.killedAt = now
	k.stranded.Store(int64(len(got)))
	k.kill()
	return nil, context.Canceled
}

// strandedAt returns how many claims the kill left hidden at now.
func (k *killAfterClaims) strandedAt(now time.Time) int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.killedAt.IsZero() || !now.Before(k.killedAt.Add(dayLease)) {
		return 0
	}
	return k.stranded.Load()
}

// parallel runs f(0…n-1) on a few goroutines and fails t on the first error.
func parallel(t testing.TB, n int, f func(i int) error) {
	t.Helper()
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		errMu sync.Mutex
		first error
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					errMu.Lock()
					if first == nil {
						first = err
					}
					errMu.Unlock()
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}
}
