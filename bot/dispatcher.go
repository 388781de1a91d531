package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Dispatcher sends committed replies: in order per conversation, within the
// platform's limits, honouring retry-after, retrying transient errors and
// dropping what the platform refuses for good. Replies wait in the store
// until sent, so a crash loses nothing (I4): on start, and every sweep
// interval, the Dispatcher picks up conversations still in the ready index.
type Dispatcher struct {
	outbox  Outbox
	sender  Sender
	owner   string
	log     *slog.Logger
	now     func() time.Time
	global  *rate.Limiter
	pace    func(Conv) (every time.Duration, burst int)
	workers int
	sweep   time.Duration
	grace   time.Duration
	lease   time.Duration
	backoff time.Duration

	urgent chan Conv // someone just wrote: these go first (I6)
	later  chan Conv // recovered or retried conversations

	stats dispatchStats

	mu       sync.Mutex
	busy     map[Conv]bool // being sent by a worker of this process
	again    map[Conv]bool // notified while busy: look once more when done
	limits   map[Conv]*convLimit
	paused   time.Time // a platform asked everyone to wait until then
	failures map[Conv]int
	// claimed holds the send leases commits took for this Dispatcher
	// (Claimed), with when, until a worker sends their replies.
	claimed map[Conv]claimedLease
	// taken is, per conversation, the newest reply a lease of this
	// process has handed out, and when: a lease a commit handed over
	// after a worker had already taken its replies by a Claim of its own
	// is stale, and must not send them again.
	taken map[Conv]takenSeq
	// unacked remembers, per conversation, the last reply delivered whose
	// Ack failed (the store was down). It is acknowledged before anything
	// is sent again, so a store outage does not send it twice; only a
	// process dying in that window can.
	unacked map[Conv]int64
}

type claimedLease struct {
	lease Lease
	at    time.Time
}

type takenSeq struct {
	seq int64
	at  time.Time
}

type convLimit struct {
	lim  *rate.Limiter
	used time.Time
}

// DispatcherOption configures a Dispatcher.
type DispatcherOption func(*Dispatcher)

// WithGlobalRate limits all sends together (Telegram: about 30 a second).
func WithGlobalRate(perSecond float64, burst int) DispatcherOption {
	return func(d *Dispatcher) { d.global = rate.NewLimiter(rate.Limit(perSecond), burst) }
}

// WithPace sets the per-conversation pacing: at most burst messages at
// once, then one every 'every'.
func WithPace(pace func(Conv) (every time.Duration, burst int)) DispatcherOption {
	return func(d *Dispatcher) { d.pace = pace }
}

// WithWorkers sets how many conversations are sent to at once.
func WithWorkers(n int) DispatcherOption { return func(d *Dispatcher) { d.workers = max(1, n) } }

// WithSweep sets how often the ready index is checked for replies that no
// notification announced (after a crash, or from another replica), and how
// old an entry must be before this process takes it over.
func WithSweep(every, grace time.Duration) DispatcherOption {
	return func(d *Dispatcher) { d.sweep, d.grace = every, grace }
}

// WithOwner names this process in send leases (default: random).
func WithOwner(owner string) DispatcherOption { return func(d *Dispatcher) { d.owner = owner } }

// WithDispatchLogger sets the logger; it never receives message text.
func WithDispatchLogger(l *slog.Logger) DispatcherOption { return func(d *Dispatcher) { d.log = l } }

// WithRetryBackoff sets the first wait after a transient send error; it
// doubles with each failure in a row, up to a minute.
func WithRetryBackoff(first time.Duration) DispatcherOption {
	return func(d *Dispatcher) { d.backoff = first }
}

// NewDispatcher returns a Dispatcher sending outbox's replies through sender.
func NewDispatcher(outbox Outbox, sender Sender, opts ...DispatcherOption) *Dispatcher {
	d := &Dispatcher{
		outbox:   outbox,
		sender:   sender,
		owner:    fmt.Sprintf("d%016x", rand.Uint64()),
		log:      slog.Default(),
		now:      time.Now,
		global:   rate.NewLimiter(30, 30),
		pace:     func(Conv) (time.Duration, int) { return time.Second, 3 },
		workers:  8,
		sweep:    2 * time.Second,
		grace:    5 * time.Second,
		lease:    10 * time.Second,
		backoff:  500 * time.Millisecond,
		urgent:   make(chan Conv, 4096),
		later:    make(chan Conv, 4096),
		busy:     map[Conv]bool{},
		again:    map[Conv]bool{},
		limits:   map[Conv]*convLimit{},
		failures: map[Conv]int{},
		unacked:  map[Conv]int64{},
		claimed:  map[Conv]claimedLease{},

		taken: map[Conv]takenSeq{},
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Owner is the owner id this Dispatcher takes send leases for (Claims).
func (d *Dispatcher) Owner() string { return d.owner }

// LeaseTTL is how long its send leases last (Claims).
func (d *Dispatcher) LeaseTTL() time.Duration { return d.lease }

// Claimed hands over a send lease a commit took for this Dispatcher, with
// the replies it queued (Claims): the worker that next sends conv sends
// them without a Claim, while the lease is young. Notify still announces
// them.
func (d *Dispatcher) Claimed(conv Conv, l Lease) {
	d.mu.Lock()
	d.claimed[conv] = claimedLease{lease: l, at: d.now()}
	d.mu.Unlock()
}

// Notify tells the Dispatcher that conv has new replies to something she
// just wrote. It never blocks: if the queue is full, the sweep finds conv
// later.
func (d *Dispatcher) Notify(conv Conv) { d.enqueue(d.urgent, conv) }

// NotifyLater is Notify for replies nobody is waiting on, such as reminder
// pings: they queue behind the replies to people who just wrote (I6).
func (d *Dispatcher) NotifyLater(conv Conv) { d.enqueue(d.later, conv) }

func (d *Dispatcher) enqueue(ch chan Conv, conv Conv) {
	d.mu.Lock()
	if d.busy[conv] {
		d.again[conv] = true
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	select {
	case ch <- conv:
	default:
	}
}

// Run sends until ctx is done. Before returning it keeps sending what is
// already queued for at most drain, so a graceful shutdown flushes.
func (d *Dispatcher) Run(ctx context.Context, drain time.Duration) error {
	var wg sync.WaitGroup
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	// What an earlier process left unsent is queued before any worker
	// starts, so it takes its fair turn from the first moment.
	d.recover(ctx, time.Time{})
	for range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.worker(work)
		}()
	}
	tick := time.NewTicker(d.sweep)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			d.recover(ctx, d.now().Add(-d.grace))
			d.forgetIdleLimits()
			d.forgetOldClaims()
			continue
		case <-ctx.Done():
		}
		break
	}
	// Let the workers finish the queue, then stop them.
	deadline := time.After(drain)
	for d.queued() > 0 {
		select {
		case <-deadline:
			stopWork()
			wg.Wait()
			return nil
		case <-time.After(10 * time.Millisecond):
		}
	}
	stopWork()
	wg.Wait()
	return nil
}

// queued counts conversations waiting or being sent.
func (d *Dispatcher) queued() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.urgent) + len(d.later) + len(d.busy)
}

// recover queues the conversations of the ready index that entered it
// before 'before' (the zero time: all of them).
func (d *Dispatcher) recover(ctx context.Context, before time.Time) {
	if before.IsZero() {
		before = d.now()
	}
	convs, err := d.outbox.Ready(ctx, before, cap(d.later))
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("dispatcher: reading the ready index failed", "err", err)
		}
		return
	}
	for _, c := range convs {
		d.enqueue(d.later, c)
	}
}

// urgentStreak is how many urgent conversations a worker takes in a row
// before it lets one waiting in the later queue go, so that under
// sustained load recovered replies and reminders are slowed, not starved.
const urgentStreak = 8

func (d *Dispatcher) worker(ctx context.Context) {
	streak := 0
	for {
		conv, urgent := d.next(ctx, streak >= urgentStreak)
		if conv == "" {
			return
		}
		if urgent {
			streak++
		} else {
			streak = 0
		}
		if !d.take(conv) {
			continue
		}
		for {
			d.send(ctx, conv)
			if !d.done(conv) {
				break
			}
		}
	}
}

// next waits for a conversation to send: an urgent one first, unless
// laterFirst, when one from the later queue goes first if any waits. It
// returns "" when ctx is done.
func (d *Dispatcher) next(ctx context.Context, laterFirst bool) (conv Conv, urgent bool) {
	if laterFirst {
		select {
		case conv = <-d.later:
			return conv, false
		default:
		}
	}
	select {
	case conv = <-d.urgent:
		return conv, true
	default:
	}
	select {
	case conv = <-d.urgent:
		return conv, true
	case conv = <-d.later:
		return conv, false
	case <-ctx.Done():
		return "", false
	}
}

// take marks conv busy in this process; false if a worker already has it.
func (d *Dispatcher) take(conv Conv) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[conv] {
		d.again[conv] = true
		return false
	}
	d.busy[conv] = true
	return true
}

// done releases conv and reports whether it was notified meanwhile, in
// which case the worker looks at it once more.
func (d *Dispatcher) done(conv Conv) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.again[conv] {
		delete(d.again, conv)
		return true
	}
	delete(d.busy, conv)
	return false
}

// send delivers conv's pending replies in order, under the send lease:
// Claim, send the queue it hands out, Advance past the last one sent
// (which acknowledges them all and hands out what is pending next), and
// so on until the store reports nothing pending, which settles conv and
// releases the lease. A turn's replies cost two round trips, however many
// there are.
func (d *Dispatcher) send(ctx context.Context, conv Conv) {
	l, leased, err := d.claim(ctx, conv)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("dispatcher: claim failed", "conv", conv, "err", err)
			d.retryLater(conv)
		}
		return
	}
	// mine: this process may hold the lease, and gives it back when it
	// stops early. After a store error it cannot know, and tries.
	mine := l.Held && l.Next != nil
	// sent is the last reply delivered and not yet acknowledged (0: none):
	// every way out acknowledges it first, so nothing is sent twice.
	var sent int64
	defer func() {
		if sent > 0 {
			if _, err := d.advance(ctx, conv, sent); err == nil {
				// The acknowledgement may have settled conv and
				// released the lease already; releasing again is
				// harmless.
				sent = 0
			}
		}
		if mine {
			d.outbox.Release(context.WithoutCancel(ctx), conv, d.owner)
		}
	}()
	for l.Held && l.Next != nil {
		queue := l.Queue
		if len(queue) == 0 {
			queue = []Outgoing{*l.Next} // a store that hands out one at a time
		}
		for i := 0; i < len(queue); i++ {
			o := queue[i]
			later, err := d.wait(ctx, conv)
			if err != nil {
				return
			}
			if later > 0 {
				// Ahead of her pace: free the worker, come back when due.
				time.AfterFunc(later, func() { d.enqueue(d.urgent, conv) })
				return
			}
			// Renew a lease that pacing or a platform's pause has aged,
			// right before sending: a short lease is what lets another
			// process take over soon after this one dies, and it must not
			// run out in the middle of a send.
			if d.now().Sub(leased) > d.lease/3 {
				at := d.now()
				if l, err = d.renew(ctx, conv, sent); err != nil {
					return
				}
				sent, leased = 0, at
				if mine = l.Held && l.Next != nil; !mine || l.Next.Seq != o.Seq {
					break // lost, or the outbox moved on meanwhile: look again
				}
				queue, i = l.Queue, -1
				if len(queue) == 0 {
					queue = []Outgoing{*l.Next}
				}
				continue
			}
			switch d.deliver(ctx, o) {
			case stopSending:
				return
			case sendAgain:
				i--
				continue
			}
			sent = o.Seq
		}
		if sent == 0 {
			continue // renewed onto another queue: send it
		}
		at := d.now()
		if l, err = d.advance(ctx, conv, sent); err != nil {
			sent = 0 // remembered as unacknowledged: acknowledged before anything more is sent
			d.retryLater(conv)
			return
		}
		sent, leased, mine = 0, at, l.Held && l.Next != nil
	}
}

// advance acknowledges conv's replies up to seq, delivered, and renews
// the lease on what is pending next. When the acknowledgement fails (the
// store is down) it remembers seq, and claim acknowledges it before
// anything more is sent, so a store outage does not send it twice.
func (d *Dispatcher) advance(ctx context.Context, conv Conv, seq int64) (Lease, error) {
	l, err := d.outbox.Advance(context.WithoutCancel(ctx), conv, seq, d.owner, d.lease)
	d.took(conv, l)
	if err != nil {
		d.log.Error("dispatcher: ack failed after send", "conv", conv, "seq", seq, "err", err)
		d.mu.Lock()
		if seq > d.unacked[conv] {
			d.unacked[conv] = seq
		}
		d.mu.Unlock()
	}
	return l, err
}

// renew extends the lease, acknowledging what was delivered under it
// first when there is any.
func (d *Dispatcher) renew(ctx context.Context, conv Conv, sent int64) (Lease, error) {
	if sent > 0 {
		return d.advance(ctx, conv, sent)
	}
	l, _, err := d.claim(ctx, conv)
	return l, err
}

// claim takes conv's send lease and its oldest pending reply. A reply
// delivered earlier whose acknowledgement failed (the store was down) is
// acknowledged first, in the same call, so a store outage does not send it
// twice; only a process dying in that window can. leased is when the
// lease was asked for: it runs from no earlier than that.
func (d *Dispatcher) claim(ctx context.Context, conv Conv) (l Lease, leased time.Time, err error) {
	leased = d.now()
	d.mu.Lock()
	seq, unacked := d.unacked[conv]
	c, handed := d.claimed[conv]
	delete(d.claimed, conv)
	stale := handed && c.lease.Next != nil && c.lease.Next.Seq <= d.taken[conv].seq
	d.mu.Unlock()
	if handed && !unacked && !stale && leased.Sub(c.at) < d.lease/3 {
		// A commit took the lease for us: its replies are the queue.
		d.took(conv, c.lease)
		return c.lease, c.at, nil
	}
	if !unacked {
		l, err = d.outbox.Claim(ctx, conv, d.owner, d.lease)
		d.took(conv, l)
		return l, leased, err
	}
	if l, err = d.outbox.Advance(ctx, conv, seq, d.owner, d.lease); err != nil {
		return l, leased, err
	}
	d.took(conv, l)
	d.forgetUnacked(conv, seq)
	return l, leased, nil
}

// took notes the newest reply a lease handed out for conv: see taken.
func (d *Dispatcher) took(conv Conv, l Lease) {
	newest := int64(0)
	if l.Next != nil {
		newest = l.Next.Seq
	}
	if n := len(l.Queue); n > 0 {
		newest = l.Queue[n-1].Seq
	}
	if newest == 0 {
		return
	}
	d.mu.Lock()
	if newest > d.taken[conv].seq {
		d.taken[conv] = takenSeq{seq: newest, at: d.now()}
	}
	d.mu.Unlock()
}

// forgetUnacked drops the memory of an unacknowledged reply once seq, or
// a later one, is acknowledged.
func (d *Dispatcher) forgetUnacked(conv Conv, seq int64) {
	d.mu.Lock()
	if s, ok := d.unacked[conv]; ok && s <= seq {
		delete(d.unacked, conv)
	}
	d.mu.Unlock()
}

// sendResult is what became of one attempt to send a reply.
type sendResult int

const (
	stopSending sendResult = iota // stop sending to this conversation for now
	delivered                     // sent, or refused for good on its own: acknowledge it
	sendAgain                     // the platform asked to wait: send it again after waiting
)

// deliver makes one attempt to send o.
func (d *Dispatcher) deliver(ctx context.Context, o Outgoing) sendResult {
	to := o.Conv
	if o.Reply.To != "" {
		to = Conv(o.Reply.To)
	}
	err := d.sender.Send(ctx, to, o.Reply)
	if to != o.Conv && errors.Is(err, ErrRefused) {
		// Another conversation refused it (a supporters' channel the bot
		// was removed from): that does not block hers.
		err = fmt.Errorf("%w: %w", ErrUndeliverable, err)
	}
	var retry *RetryAfterError
	switch {
	case err == nil:
		d.stats.sent.Add(1)
		d.clearFailures(o.Conv)
		return delivered
	case errors.As(err, &retry):
		d.stats.retryAfter.Add(1)
		d.pause(retry.After)
		d.log.Info("dispatcher: platform asked to wait", "after", retry.After)
		return sendAgain
	case errors.Is(err, ErrUndeliverable):
		d.stats.undeliverable.Add(1)
		d.log.Error("dispatcher: platform rejected a reply; dropping it", "conv", o.Conv, "seq", o.Seq, "err", err)
		return delivered
	case errors.Is(err, ErrRefused):
		d.stats.refused.Add(1)
		d.log.Info("dispatcher: platform refused the conversation for good", "conv", o.Conv, "err", err)
		if err := d.outbox.Block(ctx, o.Conv); err != nil {
			d.log.Error("dispatcher: block failed", "conv", o.Conv, "err", err)
		}
		return stopSending
	case ctx.Err() != nil:
		return stopSending
	default:
		d.stats.transient.Add(1)
		d.log.Warn("dispatcher: send failed, will retry", "conv", o.Conv, "err", err)
		d.retryLater(o.Conv)
		return stopSending
	}
}

// holdLimit is the longest a worker waits for one conversation's pace.
// A longer wait sends the conversation back to the queue for when it is
// due, so a chat ahead of its pace (someone typing fast, a group) does
// not hold a worker the others need.
const holdLimit = 100 * time.Millisecond

// wait blocks until this conversation, the platform and any pause allow one
// more message. When her pace would make it wait longer than holdLimit,
// it waits for nothing and returns how long until her next message may go.
func (d *Dispatcher) wait(ctx context.Context, conv Conv) (later time.Duration, err error) {
	for {
		d.mu.Lock()
		until := d.paused
		d.mu.Unlock()
		wait := until.Sub(d.now())
		if wait <= 0 {
			break
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
	now := time.Now() // the limiters' own clock, as Wait uses
	r := d.limit(conv).ReserveN(now, 1)
	switch delay := r.DelayFrom(now); {
	case delay > holdLimit:
		r.CancelAt(now)
		return delay, nil
	case delay > 0:
		if err := sleep(ctx, delay); err != nil {
			r.Cancel()
			return 0, err
		}
	}
	return 0, d.global.Wait(ctx)
}

func (d *Dispatcher) limit(conv Conv) *rate.Limiter {
	d.mu.Lock()
	defer d.mu.Unlock()
	l, ok := d.limits[conv]
	if !ok {
		every, burst := d.pace(conv)
		l = &convLimit{lim: rate.NewLimiter(rate.Every(every), burst)}
		d.limits[conv] = l
	}
	l.used = d.now()
	return l.lim
}

// forgetIdleLimits drops the limiters of conversations quiet for a minute,
// by which time their buckets are full again anyway.
func (d *Dispatcher) forgetIdleLimits() {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.now().Add(-time.Minute)
	for c, l := range d.limits {
		if l.used.Before(old) && !d.busy[c] {
			delete(d.limits, c)
		}
	}
}

// forgetOldClaims drops leases handed over by commits that no worker
// used while they were young (their Notify was dropped): the sweep finds
// their replies in the ready index, and a Claim takes the lease anew.
func (d *Dispatcher) forgetOldClaims() {
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.now().Add(-d.lease / 3)
	for c, l := range d.claimed {
		if l.at.Before(old) {
			delete(d.claimed, c)
		}
	}
	// A handed-over lease is used only while young, so what was delivered
	// before it was taken matters for no longer.
	for c, s := range d.taken {
		if s.at.Before(old.Add(-d.lease / 3)) {
			delete(d.taken, c)
		}
	}
}

func (d *Dispatcher) pause(after time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if until := d.now().Add(after); until.After(d.paused) {
		d.paused = until
	}
}

// retryLater queues conv again after a backoff that grows with each
// failure in a row.
func (d *Dispatcher) retryLater(conv Conv) {
	d.mu.Lock()
	n := d.failures[conv]
	d.failures[conv] = n + 1
	d.mu.Unlock()
	wait := min(d.backoff<<min(n, 10), time.Minute)
	wait += time.Duration(rand.Int64N(int64(wait)/4 + 1))
	time.AfterFunc(wait, func() { d.enqueue(d.later, conv) })
}

func (d *Dispatcher) clearFailures(conv Conv) {
	d.mu.Lock()
	delete(d.failures, conv)
	d.mu.Unlock()
}

// DispatchStats are a Dispatcher's counts since it started.
type DispatchStats struct {
	Sent          int64 // replies delivered
	RetryAfter    int64 // sends the platform asked to repeat later (429)
	Refused       int64 // conversations the platform refused for good (blocked)
	Undeliverable int64 // single replies the platform rejected and that were dropped
	Transient     int64 // sends that failed and were retried
	Queued        int   // conversations waiting to be sent, or being sent, now
}

type dispatchStats struct {
	sent, retryAfter, refused, undeliverable, transient atomic.Int64
}

// Stats returns the Dispatcher's counts so far.
func (d *Dispatcher) Stats() DispatchStats {
	return DispatchStats{
		Sent:          d.stats.sent.Load(),
		RetryAfter:    d.stats.retryAfter.Load(),
		Refused:       d.stats.refused.Load(),
		Undeliverable: d.stats.undeliverable.Load(),
		Transient:     d.stats.transient.Load(),
		Queued:        d.queued(),
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
