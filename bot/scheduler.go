package bot

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Scheduler turns due reminders into turns. Any number of replicas may run
// one against a shared store: each polls the reminder index, claims what is
// due with a lease, and hands each claim to the Engine as a turn of its
// own. The turn's dedupe key names the slot ("rem:" and the slot's Unix
// seconds), so a slot commits once however often it is claimed (I5): a
// replica that dies mid-claim leaves its claims to come due again when the
// lease ends, and a replica whose lease ran out mid-turn finds the turn
// already committed (a Duplicate) when it or another one tries again.
//
// The reminder index only wakes the dialog up; the dialog state holds the
// plan. A turn for a slot the plan no longer holds pings nobody, so a stale
// index entry costs one wasted turn, never a wrong ping.
type Scheduler struct {
	engine    *Engine
	reminders Reminders
	now       func() time.Time
	poll      time.Duration
	lease     time.Duration
	batch     int
	workers   int
	owner     string
	log       *slog.Logger
	notify    func(Conv)

	stats schedStats
}

// SchedulerOption configures a Scheduler.
type SchedulerOption func(*Scheduler)

// WithSchedulerClock sets the clock due times and leases are read with.
func WithSchedulerClock(now func() time.Time) SchedulerOption {
	return func(s *Scheduler) { s.now = now }
}

// WithPoll sets how long the Scheduler waits between polls when nothing
// more is due (default 500 ms). A backlog is claimed without waiting.
func WithPoll(d time.Duration) SchedulerOption {
	return func(s *Scheduler) {
		if d > 0 {
			s.poll = d
		}
	}
}

// WithLease sets how long a claimed reminder stays hidden from other
// claims (default 30 s): longer than a turn takes, short enough that a
// crashed replica's claims are not late by much.
func WithLease(d time.Duration) SchedulerOption {
	return func(s *Scheduler) {
		if d > 0 {
			s.lease = d
		}
	}
}

// WithBatch sets how many reminders one poll claims at most (default 100).
func WithBatch(n int) SchedulerOption { return func(s *Scheduler) { s.batch = max(1, n) } }

// WithSchedulerWorkers sets how many reminder turns run at once (default 8).
func WithSchedulerWorkers(n int) SchedulerOption {
	return func(s *Scheduler) { s.workers = max(1, n) }
}

// WithSchedulerOwner names this process in claims (default: random).
func WithSchedulerOwner(owner string) SchedulerOption {
	return func(s *Scheduler) { s.owner = owner }
}

// WithSchedulerLogger sets the logger; it never receives message text.
func WithSchedulerLogger(l *slog.Logger) SchedulerOption { return func(s *Scheduler) { s.log = l } }

// WithNotify sets what is told about a reminder turn that queued replies:
// in serve, the Dispatcher's queue for reminders, behind replies to people
// who just wrote (I6).
func WithNotify(notify func(Conv)) SchedulerOption { return func(s *Scheduler) { s.notify = notify } }

// NewScheduler returns a Scheduler running engine's turns for the
// reminders due in reminders.
func NewScheduler(engine *Engine, reminders Reminders, opts ...SchedulerOption) *Scheduler {
	s := &Scheduler{
		engine:    engine,
		reminders: reminders,
		now:       time.Now,
		poll:      500 * time.Millisecond,
		lease:     30 * time.Second,
		batch:     100,
		workers:   8,
		owner:     fmt.Sprintf("s%016x", rand.Uint64()),
		log:       slog.Default(),
		notify:    func(Conv) {},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// ReminderKey is the dedupe key of the reminder turn for the slot at:
// every claim of one slot commits under the same key, so at most once.
func ReminderKey(at time.Time) string { return "rem:" + strconv.FormatInt(at.Unix(), 10) }

// Run polls until ctx is done. A batch claimed before that is finished
// (within its lease) before Run returns, so a graceful shutdown leaves no
// claim to wait out its lease.
func (s *Scheduler) Run(ctx context.Context) error {
	for {
		n, err := s.Tick(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.log.Warn("scheduler: claiming due reminders failed", "owner", s.owner, "err", err)
		}
		if n == s.batch && err == nil {
			continue // a backlog: claim the next batch at once
		}
		if sleep(ctx, s.poll) != nil {
			return nil
		}
	}
}

// Tick claims one batch of due reminders, runs their turns and marks them
// done, and returns how many it claimed.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	due, err := s.reminders.ClaimDue(ctx, s.now(), s.owner, s.lease, s.batch)
	if err != nil {
		s.stats.errors.Add(1)
		return 0, err
	}
	s.stats.claimed.Add(int64(len(due)))
	if len(due) == 0 {
		return 0, nil
	}
	// Finish what was claimed even if ctx ends meanwhile, but not beyond
	// the lease: by then another replica may have claimed it again.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.lease)
	defer cancel()
	next := make(chan Due)
	var wg sync.WaitGroup
	for range min(s.workers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				s.fire(work, d)
			}
		}()
	}
	for _, d := range due {
		next <- d
	}
	close(next)
	wg.Wait()
	return len(due), nil
}

// fire runs the turn of one claimed reminder and marks it done. A failed
// turn is left claimed: it comes due again when the lease ends.
func (s *Scheduler) fire(ctx context.Context, d Due) {
	res, err := s.engine.Handle(ctx, Incoming{Conv: d.Conv, Reminder: d.At, DedupeKey: ReminderKey(d.At)})
	if err != nil {
		s.stats.errors.Add(1)
		s.log.Warn("scheduler: reminder turn failed; retried after the lease", "conv", d.Conv, "due", d.At, "err", err)
		return
	}
	if res.Duplicate {
		s.stats.duplicates.Add(1)
	} else {
		s.stats.handled.Add(1)
		s.stats.lag(s.now().Sub(d.At))
		if len(res.Replies) > 0 {
			s.notify(d.Conv)
		}
	}
	// Her state is the truth and the index only wakes it. When the state
	// is due later than this slot, the entry moves there: the commit that
	// moved her plan on may have died before writing the index (I5), and
	// dropping the entry would lose her schedule for good.
	if res.Wake.After(d.At) {
		err = s.reminders.Requeue(ctx, d, res.Wake)
	} else {
		err = s.reminders.Done(ctx, d)
	}
	if err != nil {
		// The turn committed; the claim comes due again after the lease
		// and its turn is then a Duplicate.
		s.stats.errors.Add(1)
		s.log.Warn("scheduler: marking a reminder done failed", "conv", d.Conv, "err", err)
	}
}

// SchedulerStats are counts since the Scheduler started.
type SchedulerStats struct {
	Claimed    int64 // reminders claimed
	Handled    int64 // reminder turns run (committed, or with nothing to say)
	Duplicates int64 // claims whose slot had already been handled
	Errors     int64 // failed claims, turns and Dones
	// Lag is from when a reminder was due to when its turn was handled:
	// the sum and count of handled turns, and the largest.
	LagSum   time.Duration
	LagCount int64
	LagMax   time.Duration
	// LagBuckets counts handled turns by lag: LagBuckets[i] those with a
	// lag of at most LagBounds[i] and more than the bound before it; the
	// last counts the rest.
	LagBuckets [len(LagBounds) + 1]int64
}

// LagBounds are the upper bounds of the lag buckets.
var LagBounds = [...]time.Duration{
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
	30 * time.Second, time.Minute,
}

type schedStats struct {
	claimed, handled, duplicates, errors atomic.Int64
	lagSum, lagCount, lagMax             atomic.Int64
	lagBuckets                           [len(LagBounds) + 1]atomic.Int64
}

func (s *schedStats) lag(d time.Duration) {
	d = max(d, 0)
	s.lagSum.Add(int64(d))
	s.lagCount.Add(1)
	i := 0
	for i < len(LagBounds) && d > LagBounds[i] {
		i++
	}
	s.lagBuckets[i].Add(1)
	for {
		cur := s.lagMax.Load()
		if int64(d) <= cur || s.lagMax.CompareAndSwap(cur, int64(d)) {
			return
		}
	}
}

// Stats returns the Scheduler's counts so far.
func (s *Scheduler) Stats() SchedulerStats {
	st := SchedulerStats{
		Claimed:    s.stats.claimed.Load(),
		Handled:    s.stats.handled.Load(),
		Duplicates: s.stats.duplicates.Load(),
		Errors:     s.stats.errors.Load(),
		LagSum:     time.Duration(s.stats.lagSum.Load()),
		LagCount:   s.stats.lagCount.Load(),
		LagMax:     time.Duration(s.stats.lagMax.Load()),
	}
	for i := range st.LagBuckets {
		st.LagBuckets[i] = s.stats.lagBuckets[i].Load()
	}
	return st
}
