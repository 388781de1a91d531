package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// schedFixture is one person with a plan of 8 reminders a day, the next
// due at 'due', in a memstore, and a Scheduler on a fake clock.
type schedFixture struct {
	store    *memstore.Store
	clock    *bottest.Clock
	engine   *bot.Engine
	sched    *bot.Scheduler
	due      time.Time
	mu       sync.Mutex
	notified []bot.Conv
}

func newSchedFixture(t *testing.T, opts ...bot.SchedulerOption) *schedFixture {
	t.Helper()
	f := &schedFixture{due: bottest.DayStart.Add(9 * time.Hour)}
	f.clock = bottest.NewClock(f.due.Add(-time.Minute))
	f.store = memstore.New(memstore.WithNow(f.clock.Now))
	f.engine = newEngine(t, f.store)
	opts = append([]bot.SchedulerOption{
		bot.WithSchedulerClock(f.clock.Now),
		bot.WithNotify(func(c bot.Conv) {
			f.mu.Lock()
			f.notified = append(f.notified, c)
			f.mu.Unlock()
		}),
	}, opts...)
	f.sched = bot.NewScheduler(f.engine, f.store, opts...)
	if _, err := f.store.Commit(context.Background(), bot.Commit{Conv: conv, State: bottest.PlanState(t, 8, f.due), Remind: &f.due}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *schedFixture) tick(t *testing.T) int {
	t.Helper()
	n, err := f.sched.Tick(context.Background())
	if err != nil {
		t.Fatalf("Tick = %v", err)
	}
	return n
}

func (f *schedFixture) next(t *testing.T) time.Time {
	t.Helper()
	at, err := f.store.NextReminder(context.Background(), conv)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestSchedulerRunsDueReminderAsATurn(t *testing.T) {
	f := newSchedFixture(t)
	if n := f.tick(t); n != 0 {
		t.Fatalf("Tick a minute early claimed %d, want 0", n)
	}
	f.clock.Advance(time.Minute)
	if n := f.tick(t); n != 1 {
		t.Fatalf("Tick when due claimed %d, want 1", n)
	}
	snap, _ := f.store.Load(context.Background(), conv)
	if snap.Version != 2 {
		t.Errorf("version after the reminder = %d, want 2: one turn committed", snap.Version)
	}
	pending, _ := f.store.Pending(context.Background(), conv, 10)
	if len(pending) == 0 {
		t.Errorf("outbox after the reminder is empty, want the ping")
	}
	if len(f.notified) != 1 || f.notified[0] != conv {
		t.Errorf("notified %v, want [%s]", f.notified, conv)
	}
	// The dialog planned the next one, and the commit indexed it.
	if got, want := f.next(t), f.due.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("NextReminder after the ping = %v, want %v", got, want)
	}
	// The same slot once more commits nothing.
	res, err := f.engine.Handle(context.Background(), bot.Incoming{Conv: conv, Reminder: f.due, DedupeKey: bot.ReminderKey(f.due)})
	if err != nil || len(res.Replies) != 0 {
		t.Errorf("Handle(same slot again) = %+v, %v; want nothing queued", res, err)
	}
	st := f.sched.Stats()
	if st.Claimed != 1 || st.Handled != 1 || st.Errors != 0 || st.LagCount != 1 || st.LagMax != 0 {
		t.Errorf("Stats() = %+v, want 1 claimed and handled on time", st)
	}
	if st.LagBuckets[0] != 1 {
		t.Errorf("LagBuckets = %v, want the on-time turn in the first bucket", st.LagBuckets)
	}
}

func TestSchedulerLagBuckets(t *testing.T) {
	f := newSchedFixture(t)
	f.clock.Advance(time.Minute + 3*time.Second) // handled 3 s late
	if n := f.tick(t); n != 1 {
		t.Fatalf("Tick claimed %d, want 1", n)
	}
	st := f.sched.Stats()
	want := 0
	for want < len(bot.LagBounds) && 3*time.Second > bot.LagBounds[want] {
		want++
	}
	for i, n := range st.LagBuckets {
		if (i == want) != (n == 1) {
			t.Errorf("LagBuckets = %v, want one turn in bucket %d (≤ %v)", st.LagBuckets, want, bot.LagBounds[want])
			break
		}
	}
}

// A replica that claimed and stalled past its lease: another claims the
// slot again and pings; the stalled one's turn then commits nothing, and
// its late Done does not remove the next reminder.
func TestSchedulerStalledClaim(t *testing.T) {
	f := newSchedFixture(t, bot.WithLease(30*time.Second))
	f.clock.Advance(time.Minute)
	ctx := context.Background()
	stalled, err := f.store.ClaimDue(ctx, f.clock.Now(), "stalled", 30*time.Second, 10)
	if err != nil || len(stalled) != 1 {
		t.Fatalf("ClaimDue = %v, %v; want one", stalled, err)
	}
	if n := f.tick(t); n != 0 {
		t.Fatalf("Tick during the other's lease claimed %d, want 0", n)
	}
	f.clock.Advance(30 * time.Second)
	if n := f.tick(t); n != 1 {
		t.Fatalf("Tick after the other's lease claimed %d, want 1", n)
	}
	res, err := f.engine.Handle(ctx, bot.Incoming{Conv: conv, Reminder: stalled[0].At, DedupeKey: bot.ReminderKey(stalled[0].At)})
	if err != nil || len(res.Replies) != 0 {
		t.Errorf("stalled replica's Handle = %+v, %v; want nothing queued", res, err)
	}
	if err := f.store.Done(ctx, stalled[0]); err != nil {
		t.Fatal(err)
	}
	if got, want := f.next(t), f.due.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("NextReminder after the stalled Done = %v, want %v", got, want)
	}
	if snap, _ := f.store.Load(ctx, conv); snap.Version != 2 {
		t.Errorf("version = %d, want 2: the slot committed once", snap.Version)
	}
}

// failingReminders fails Done and Requeue, as a store that went away would.
type failingReminders struct{ bot.Reminders }

func (failingReminders) Done(context.Context, bot.Due) error { return errors.New("store down") }
func (failingReminders) Requeue(context.Context, bot.Due, time.Time) error {
	return errors.New("store down")
}

// A turn whose Done failed comes due again after the lease, and then
// commits nothing new.
func TestSchedulerDoneFails(t *testing.T) {
	f := newSchedFixture(t)
	f.sched = bot.NewScheduler(f.engine, failingReminders{f.store}, bot.WithSchedulerClock(f.clock.Now), bot.WithLease(30*time.Second))
	f.clock.Advance(time.Minute)
	f.tick(t)
	if st := f.sched.Stats(); st.Handled != 1 || st.Errors != 1 {
		t.Errorf("Stats() = %+v, want 1 handled and 1 error", st)
	}
	// The turn rescheduled: the new time stands, whatever Done did.
	if got, want := f.next(t), f.due.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("NextReminder = %v, want %v", got, want)
	}
}

// A turn that fails is left for its lease to run out, then runs again.
func TestSchedulerTurnFails(t *testing.T) {
	f := newSchedFixture(t, bot.WithLease(30*time.Second))
	f.clock.Advance(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	broken := bot.NewScheduler(bot.NewEngine(f.engine.Dialog(), cancelledStore{f.store}), f.store,
		bot.WithSchedulerClock(f.clock.Now), bot.WithLease(30*time.Second))
	if n, err := broken.Tick(ctx); n != 1 || err != nil {
		t.Fatalf("Tick on a broken store = %d, %v; want 1 claimed", n, err)
	}
	cancel()
	if st := broken.Stats(); st.Errors != 1 || st.Handled != 0 {
		t.Errorf("Stats() after a failed turn = %+v, want 1 error", st)
	}
	if n := f.tick(t); n != 0 {
		t.Errorf("Tick within the failed claim's lease claimed %d, want 0", n)
	}
	f.clock.Advance(30 * time.Second)
	if n := f.tick(t); n != 1 {
		t.Fatalf("Tick after the failed claim's lease claimed %d, want 1", n)
	}
	if len(f.notified) != 1 {
		t.Errorf("notified %v, want one ping", f.notified)
	}
}

// cancelledStore fails every Load, as a store that is down would.
type cancelledStore struct{ *memstore.Store }

func (cancelledStore) Load(context.Context, bot.Conv) (bot.Snapshot, error) {
	return bot.Snapshot{}, errors.New("store down")
}

// Run polls, drains a backlog in batches, and stops with its context.
func TestSchedulerRunDrainsBacklog(t *testing.T) {
	clock := bottest.NewClock(bottest.DayStart)
	store := memstore.New(memstore.WithNow(clock.Now))
	ctx := context.Background()
	const n = 250
	for i := range n {
		c := bot.Conv("tg:b:" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
		at := bottest.DayStart.Add(-time.Duration(i) * time.Second)
		if _, err := store.Commit(ctx, bot.Commit{Conv: c, State: bottest.PlanState(t, 8, at), Remind: &at}); err != nil {
			t.Fatal(err)
		}
	}
	e := newEngine(t, store)
	s := bot.NewScheduler(e, store, bot.WithSchedulerClock(clock.Now), bot.WithBatch(100), bot.WithPoll(time.Hour))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- s.Run(runCtx) }()
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().Handled < n && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	// 250 = 100 + 100 + 50: all three batches without waiting the hour.
	if st := s.Stats(); st.Handled != n || st.Claimed != n {
		t.Errorf("Stats() = %+v, want %d claimed and handled", st, n)
	}
}

// TestSchedulerDay: two replicas on one memstore through a simulated day.
func TestSchedulerDay(t *testing.T) {
	store := memstore.New()
	people := 500
	if testing.Short() {
		people = 100
	}
	bottest.TestSchedulerDay(t, func() bot.Store { return store }, 2, people)
}

func TestReminderCrash(t *testing.T) {
	clock := bottest.NewClock(bottest.DayStart)
	s := memstore.New(memstore.WithNow(clock.Now))
	bottest.TestReminderCrash(t, func() bottest.StoreWithReminders { return s }, 60)
}
