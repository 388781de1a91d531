package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

// DefaultTTL is how long an idle conversation is kept before it expires.
const DefaultTTL = 180 * 24 * time.Hour

// maxAttempts bounds the retries of one turn when other turns of the same
// conversation keep committing first.
const maxAttempts = 64

// ErrBusy means a turn lost the compare-and-set race maxAttempts times in a
// row. Nothing was committed; the platform should deliver the update again.
var ErrBusy = errors.New("conversation too busy, try again")

// Engine runs turns: load, drop duplicates, step the dialog, commit.
type Engine struct {
	dialog *dialog.Dialog
	store  Store
	now    func() time.Time
	ttl    time.Duration
	cache  *snapCache
	claims Claims
	stats  stats

	tally    Tally             // WithTally; nil counts nothing
	scope    func(Conv) string // the tally's scope of a conversation
	tallyLog *slog.Logger
	// support and together say where her supporters are (WithSupport,
	// WithTogether); see handoff.go.
	support  func(Conv) Conv
	together func(Conv, string) Conv
}

// Option configures an Engine.
type Option func(*Engine)

// WithClock sets the clock used when an Incoming carries no time.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithTTL sets how long an idle conversation is kept; zero keeps it forever.
func WithTTL(ttl time.Duration) Option { return func(e *Engine) { e.ttl = ttl } }

// WithCache sets how many conversations the Engine keeps in memory so that
// a turn commits without loading (default DefaultCacheSize; 0 loads every
// time). A stale copy costs nothing more: see snapCache.
func WithCache(n int) Option { return func(e *Engine) { e.cache = newSnapCache(n) } }

// WithClaims has each turn's commit take the send lease on the replies it
// queues for c (the Dispatcher), when the store can (a ClaimingStore), so
// that they are sent without a Claim: a turn then costs two round trips,
// its commit and the Dispatcher's Advance once they are sent.
func WithClaims(c Claims) Option { return func(e *Engine) { e.claims = c } }

// NewEngine returns an Engine running d over s.
func NewEngine(d *dialog.Dialog, s Store, opts ...Option) *Engine {
	e := &Engine{dialog: d, store: s, now: time.Now, ttl: DefaultTTL, cache: newSnapCache(DefaultCacheSize)}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Dialog returns the dialog the engine runs.
func (e *Engine) Dialog() *dialog.Dialog { return e.dialog }

// Store returns the store the engine commits to.
func (e *Engine) Store() Store { return e.store }

// Result is what one handled update did.
type Result struct {
	// Replies are the replies this turn committed to the outbox, in order.
	Replies []Outgoing
	// Conv is the conversation the turn ran on and queued replies for:
	// the Incoming's, or for a supporter's event, hers (see Handoffs).
	Conv Conv
	// Duplicate is set when the update had been handled before: nothing
	// changed and nothing new was queued.
	Duplicate bool
	Outcome   dialog.Outcome
	// Wake is when the conversation next needs a turn without her (a
	// reminder, a check-in, a session passing the retention), as her
	// stored state says after this update; the zero time when never. It is
	// set for reminder turns, duplicates included, so that the Scheduler
	// can put the index right when a crash left it behind the state.
	Wake time.Time
}

// Handle runs one turn for in and commits it: new state, session log,
// recent update ids and replies in one atomic store operation guarded by
// the conversation's version. When another turn of the same conversation
// commits first, it reloads and runs again. Only after Handle returns
// without error may the adapter acknowledge the update to the platform.
//
// A reminder turn of someone who blocked the bot pings nobody: it only
// lets go of sessions past the retention, keeping the blocked mark.
func (e *Engine) Handle(ctx context.Context, in Incoming) (res Result, err error) {
	// A supporter's event runs on her conversation: Conv says which.
	defer func() { res.Conv = in.Conv }()
	at := in.At
	if at.IsZero() {
		at = e.now()
	}
	reminder := !in.Reminder.IsZero()
	if in.Handoff != "" {
		routed, ok, err := e.routeHandoff(ctx, in)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return e.closed(ctx, in)
		}
		in = routed
	}
	var id string
	if e.support != nil {
		id = nonce()
	}
	var (
		snap  Snapshot
		fresh bool // snap is what the store just said, no need to load
	)
	for attempt := 0; ; attempt++ {
		if !fresh {
			var err error
			// A reminder turn decides from her state alone whether to
			// ping, and commits nothing when it does not: it reads the
			// store, never a copy another replica may have made stale.
			if snap, err = e.load(ctx, in.Conv, !reminder); err != nil {
				return Result{}, err
			}
		}
		fresh = false
		if in.UpdateID != 0 && snap.Handled(in.UpdateID) {
			e.stats.duplicates.Add(1)
			return Result{Duplicate: true}, nil
		}
		st := decodeState(snap.State)
		moved := dialog.AttachLog(&st, snap.Log)
		was := e.dialog.Wake(st)
		pruned := e.dialog.Prune(&st, at)

		var (
			next    dialog.State
			replies []Reply
			outcome dialog.Outcome
			wake    time.Time
		)
		housekeeping := reminder && snap.Blocked
		if housekeeping {
			next, wake = st, e.dialog.LogWake(st)
		} else {
			next, replies, outcome = e.dialog.Step(st, e.inputOf(in, id), at)
			wake = e.dialog.Wake(next)
		}
		logChanged := moved || pruned || !slices.Equal(next.Data.Log, st.Data.Log)
		if len(replies) == 0 && !outcome.Forget && !logChanged {
			// A reminder whose plan changed since, or one for someone who
			// blocked the bot: nothing to commit.
			return Result{Outcome: outcome, Wake: wake}, nil
		}
		c := Commit{
			Conv:         in.Conv,
			Version:      snap.Version,
			LastSeq:      snap.LastSeq,
			DedupeKey:    in.DedupeKey,
			Replies:      replies,
			Erase:        outcome.Forget,
			TTL:          e.ttl,
			Housekeeping: housekeeping,
		}
		if ttl := e.dialog.IdleTTL(next); ttl > 0 && (c.TTL == 0 || ttl < c.TTL) {
			c.TTL = ttl // a group's window goes with it
		}
		c.Watermark, c.Seen = snap.Remember(in.UpdateID)
		if !outcome.Forget {
			var err error
			if c.State, err = json.Marshal(next); err != nil {
				return Result{}, fmt.Errorf("encode state: %w", err)
			}
			if logChanged {
				c.Log, c.LogTTL = dialog.EncodeLog(next.Data.Log), e.dialog.LogTTL(next, at)
			}
			// The index wakes her at the earliest of what her state holds.
			// A blocked conversation's index was left behind: write it.
			if snap.Blocked || !was.Equal(wake) {
				c.Remind = &wake // the zero time cancels
			}
		}
		if err := e.indexHandoff(ctx, in.Conv, st, next); err != nil {
			return Result{}, err
		}
		out, err := e.commit(ctx, c)
		var conflict *ConflictError
		switch {
		case err == nil:
			after := afterCommit(snap, c)
			if len(out) > 0 {
				after.LastSeq = out[len(out)-1].Seq
			}
			e.cache.put(in.Conv, after)
			e.unindexHandoff(ctx, st, next, outcome.Forget)
			if !housekeeping {
				e.stats.count(outcome)
				e.count(ctx, in.Conv, outcome)
			}
			if outcome.Forget {
				wake = time.Time{}
			}
			return Result{Replies: out, Outcome: outcome, Wake: wake}, nil
		case errors.Is(err, ErrDuplicate):
			e.cache.drop(in.Conv)
			e.stats.duplicates.Add(1)
			return e.duplicate(ctx, in)
		case errors.As(err, &conflict):
			// The store told the conversation as it stands: run again on it.
			snap, fresh = conflict.Current, true
			e.cache.put(in.Conv, snap)
		case errors.Is(err, ErrConflict):
			e.cache.drop(in.Conv)
		default:
			e.cache.drop(in.Conv)
			return Result{}, fmt.Errorf("commit %s: %w", in.Conv, err)
		}
		e.stats.conflicts.Add(1)
		if attempt == maxAttempts {
			return Result{}, ErrBusy
		}
		if err := backoff(ctx, attempt); err != nil {
			return Result{}, err
		}
	}
}

// commit applies c, taking the send lease on its replies for e.claims when
// the store can, and handing the lease over when it was taken.
func (e *Engine) commit(ctx context.Context, c Commit) ([]Outgoing, error) {
	cs, ok := e.store.(ClaimingStore)
	if e.claims == nil || !ok || len(c.Replies) == 0 {
		return e.store.Commit(ctx, c)
	}
	out, held, err := cs.CommitClaim(ctx, c, e.claims.Owner(), e.claims.LeaseTTL())
	if err == nil && held {
		e.claims.Claimed(c.Conv, LeaseOf(slices.Clone(out)))
	}
	return out, err
}

// load returns conv's Snapshot: the Engine's copy when cached is allowed
// and it has one, else the store's, which it then keeps.
func (e *Engine) load(ctx context.Context, conv Conv, cached bool) (Snapshot, error) {
	if cached {
		if snap, ok := e.cache.get(conv); ok {
			return snap, nil
		}
	}
	snap, err := e.store.Load(ctx, conv)
	if err != nil {
		return Snapshot{}, fmt.Errorf("load %s: %w", conv, err)
	}
	e.cache.put(conv, snap)
	return snap, nil
}

// afterCommit is the Snapshot the store holds once c, computed from snap,
// has applied, but for the LastSeq of a commit with replies: the seq of
// the last one the store queued.
func afterCommit(snap Snapshot, c Commit) Snapshot {
	next := Snapshot{
		Version:   c.Version + 1,
		Watermark: max(snap.Watermark, c.Watermark),
		Seen:      c.Seen,
		State:     c.State,
		Log:       snap.Log,
		Blocked:   c.Housekeeping && snap.Blocked,
		LastSeq:   snap.LastSeq,
	}
	if c.Erase {
		next.Log = nil
	}
	if c.Log != nil {
		next.Log = c.Log
	}
	if len(next.State) == 0 {
		next.State = nil
	}
	if len(next.Log) == 0 {
		next.Log = nil
	}
	return next
}

// duplicate is the Result of an update whose dedupe key was committed
// before. For a reminder it reads the state that turn left, so that the
// Scheduler learns when she is due next even if the replica that ran the
// turn died before writing the index.
func (e *Engine) duplicate(ctx context.Context, in Incoming) (Result, error) {
	res := Result{Duplicate: true}
	if in.Reminder.IsZero() {
		return res, nil
	}
	snap, err := e.store.Load(ctx, in.Conv)
	if err != nil {
		return Result{}, fmt.Errorf("load %s: %w", in.Conv, err)
	}
	st := decodeState(snap.State)
	dialog.AttachLog(&st, snap.Log)
	if snap.Blocked {
		res.Wake = e.dialog.LogWake(st)
	} else {
		res.Wake = e.dialog.Wake(st)
	}
	return res, nil
}

// Prompt returns what conv's conversation is asking right now, without
// taking a turn or changing anything: for a person coming back.
func (e *Engine) Prompt(ctx context.Context, conv Conv) ([]Reply, error) {
	snap, err := e.store.Load(ctx, conv)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", conv, err)
	}
	return e.dialog.Prompt(decodeState(snap.State)), nil
}

// backoff spreads retries of contended conversations apart: the first few
// go again at once, later ones wait a growing, jittered while.
func backoff(ctx context.Context, attempt int) error {
	if attempt < 3 {
		return ctx.Err()
	}
	return sleep(ctx, time.Duration(rand.Int64N(int64(min(attempt, 20))*int64(100*time.Microsecond))))
}

// decodeState reads a stored state. Unreadable bytes give a state no build
// knows, which the dialog's migration moves somewhere sensible: a corrupt
// record must not become an error loop.
func decodeState(b []byte) dialog.State {
	if b == nil {
		return dialog.State{}
	}
	var st dialog.State
	if err := json.Unmarshal(b, &st); err != nil {
		return dialog.State{Version: -1, Name: "unreadable"}
	}
	return st
}

// Stats are counts since the engine started.
type Stats struct {
	Turns      int64 // committed turns
	Duplicates int64 // updates dropped as already handled
	Conflicts  int64 // commits that lost a race and were retried
	Fallbacks  int64 // messages the dialog did not understand
	RedFlags   int64 // red-flag referrals
	// FallbacksIn counts the fallbacks by the dialog state they came in:
	// the question hardest to answer by typing shows. State names are a
	// small fixed set, so the metric's labels stay bounded.
	FallbacksIn map[string]int64
	// Steps counts, by guidance step id, how often a step was shown in a
	// walk, marked as helping, marked as bringing the milk, and skipped:
	// which tips help, for whoever maintains the guidance. Step ids come
	// from the content, a bounded set; nothing says who.
	Steps map[string]StepCounts
}

// StepCounts are one guidance step's counts.
type StepCounts struct {
	Shown, Helped, Flowing, Skipped int64
}

type stats struct {
	turns, duplicates, conflicts, fallbacks, redFlags atomic.Int64
	fallbacksIn                                       sync.Map // state name -> *atomic.Int64
	steps                                             sync.Map // step id -> *stepCounts
}

type stepCounts struct{ shown, helped, flowing, skipped atomic.Int64 }

func (s *stats) count(o dialog.Outcome) {
	s.turns.Add(1)
	if o.Fallback {
		s.fallbacks.Add(1)
		n, _ := s.fallbacksIn.LoadOrStore(o.FallbackIn, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}
	if o.RedFlag != "" {
		s.redFlags.Add(1)
	}
	step := func(id string, n func(*stepCounts) *atomic.Int64) {
		if id != "" {
			c, _ := s.steps.LoadOrStore(id, new(stepCounts))
			n(c.(*stepCounts)).Add(1)
		}
	}
	step(o.Shown, func(c *stepCounts) *atomic.Int64 { return &c.shown })
	step(o.Helped, func(c *stepCounts) *atomic.Int64 { return &c.helped })
	step(o.Flowing, func(c *stepCounts) *atomic.Int64 { return &c.flowing })
	step(o.Skipped, func(c *stepCounts) *atomic.Int64 { return &c.skipped })
}

// Stats returns the engine's counts so far.
func (e *Engine) Stats() Stats {
	return Stats{
		Turns:      e.stats.turns.Load(),
		Duplicates: e.stats.duplicates.Load(),
		Conflicts:  e.stats.conflicts.Load(),
		Fallbacks:  e.stats.fallbacks.Load(),
		RedFlags:   e.stats.redFlags.Load(),
		FallbacksIn: func() map[string]int64 {
			m := map[string]int64{}
			e.stats.fallbacksIn.Range(func(k, v any) bool {
				m[k.(string)] = v.(*atomic.Int64).Load()
				return true
			})
			return m
		}(),
		Steps: func() map[string]StepCounts {
			m := map[string]StepCounts{}
			e.stats.steps.Range(func(k, v any) bool {
				c := v.(*stepCounts)
				m[k.(string)] = StepCounts{Shown: c.shown.Load(), Helped: c.helped.Load(), Flowing: c.flowing.Load(), Skipped: c.skipped.Load()}
				return true
			})
			return m
		}(),
	}
}
