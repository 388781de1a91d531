// Package memstore keeps conversations in process memory: the embedded
// default for `letdown chat` and for tests. Nothing survives the process.
// It keeps the bot.Store contract to the letter, times to live included,
// so a deployment may start on it and move to Redis without surprises.
package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var (
	_ bot.Store     = (*Store)(nil)
	_ bot.Outbox    = (*Store)(nil)
	_ bot.Reminders = (*Store)(nil)
	_ bot.Lister    = (*Store)(nil)
)

// Store is an in-memory bot.Store, safe for concurrent use.
type Store struct {
	now func() time.Time

	mu     sync.Mutex
	convs  map[bot.Conv]*record
	writes int                    // commits since the last sweep for expired records
	ready  map[bot.Conv]time.Time // conversations with replies queued, since when
	leases map[bot.Conv]lease
	due    map[bot.Conv]reminder // the reminder index; see reminders.go
	claims int64                 // the last claim's id

	handoffs expiring[bot.Conv] // requests for a person: id → her conversation
	marks    expiring[[]string] // where marked messages went, by mark
}

// lease is a dispatcher's claim on sending one conversation's replies.
type lease struct {
	owner string
	until time.Time
}

// record is one conversation. Version, watermark, sequence counter, state
// and outbox live and expire together; dedupe keys each expire on their own
// and outlive the rest when they have to.
type record struct {
	version, watermark, seq int64
	seen                    []int64 // update ids above the watermark
	state                   []byte  // nil when there is none
	outbox                  []bot.Outgoing
	expires                 time.Time            // when all but the dedupe keys go; zero: never
	log                     []byte               // the session log; nil when there is none
	logExpires              time.Time            // when the log goes; zero: never
	dedupe                  map[string]time.Time // dedupe key → when it is forgotten
	blocked                 bool                 // the platform refused this conversation for good
}

// Option configures a Store.
type Option func(*Store)

// WithNow sets the clock that times to live are measured with.
func WithNow(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		now:    time.Now,
		convs:  make(map[bot.Conv]*record),
		ready:  make(map[bot.Conv]time.Time),
		leases: make(map[bot.Conv]lease),
		due:    make(map[bot.Conv]reminder),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Load returns the conversation, or the zero Snapshot if there is none.
func (s *Store) Load(ctx context.Context, conv bot.Conv) (bot.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return bot.Snapshot{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.live(conv, s.now())
	if r == nil || r.version == 0 {
		return bot.Snapshot{}, nil
	}
	return r.snapshot(), nil
}

// snapshot copies what Load returns of r.
func (r *record) snapshot() bot.Snapshot {
	return bot.Snapshot{Version: r.version, Watermark: r.watermark, Seen: slices.Clone(r.seen), State: slices.Clone(r.state), Log: slices.Clone(r.log), Blocked: r.blocked}
}

// Commit applies c atomically; see bot.Commit for what each field does.
// An empty State is stored as none: Load then returns a nil State.
func (s *Store) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	out, _, err := s.CommitClaim(ctx, c, "", 0)
	return out, err
}

var _ bot.ClaimingStore = (*Store)(nil)

// CommitClaim is Commit, and takes the send lease on c.Conv for owner (when
// not empty) if the replies it queues are all that is pending and no other
// owner holds the lease.
func (s *Store) CommitClaim(ctx context.Context, c bot.Commit, owner string, ttl time.Duration) (out []bot.Outgoing, held bool, err error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	r := s.live(c.Conv, now)
	if r != nil && c.DedupeKey != "" {
		if _, ok := r.dedupe[c.DedupeKey]; ok {
			return nil, false, bot.ErrDuplicate
		}
	}
	var version int64
	if r != nil {
		version = r.version
	}
	if c.Version != version {
		cur := bot.Snapshot{}
		if r != nil && r.version != 0 {
			cur = r.snapshot()
		}
		return nil, false, &bot.ConflictError{Current: cur}
	}
	if r == nil {
		r = &record{}
		s.convs[c.Conv] = r
	}

	if c.Erase {
		r.state, r.outbox, r.dedupe, r.log, r.logExpires = nil, nil, nil, nil, time.Time{}
		delete(s.due, c.Conv)
	}
	if c.Remind != nil {
		s.remind(c.Conv, *c.Remind)
	}
	r.version++
	r.blocked = r.blocked && c.Housekeeping
	r.watermark, r.seen = max(r.watermark, c.Watermark), slices.Clone(c.Seen)
	if c.Log != nil {
		r.log, r.logExpires = nil, time.Time{}
		if len(c.Log) > 0 {
			r.log, r.logExpires = slices.Clone(c.Log), expiry(now, c.LogTTL, true)
		}
	}
	r.state = nil
	if len(c.State) > 0 {
		r.state = slices.Clone(c.State)
	}
	if c.DedupeKey != "" {
		if r.dedupe == nil {
			r.dedupe = make(map[string]time.Time)
		}
		r.dedupe[c.DedupeKey] = now.Add(bot.DedupeTTL)
	}
	before := len(r.outbox)
	for _, reply := range c.Replies {
		r.seq++
		o := bot.Outgoing{Conv: c.Conv, Seq: r.seq, Reply: cloneReply(reply)}
		r.outbox = append(r.outbox, o)
		o.Reply = cloneReply(reply)
		out = append(out, o)
	}
	r.expires = expiry(now, c.TTL, r.state != nil)
	if _, ok := s.ready[c.Conv]; !ok && len(out) > 0 {
		s.ready[c.Conv] = now
	}
	if l, taken := s.leases[c.Conv]; owner != "" && len(out) > 0 && before == 0 && (!taken || l.owner == owner || !now.Before(l.until)) {
		s.leases[c.Conv] = lease{owner: owner, until: now.Add(ttl)}
		held = true
	}

	s.writes++
	if 2*s.writes >= max(len(s.convs), 64) {
		s.sweep(now)
	}
	return out, held, nil
}

// Pending returns up to limit replies of conv's outbox, oldest first.
func (s *Store) Pending(ctx context.Context, conv bot.Conv, limit int) ([]bot.Outgoing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.live(conv, s.now())
	if r == nil || limit <= 0 || len(r.outbox) == 0 {
		return nil, nil
	}
	out := make([]bot.Outgoing, min(limit, len(r.outbox)))
	for i := range out {
		out[i] = r.outbox[i]
		out[i].Reply = cloneReply(r.outbox[i].Reply)
	}
	return out, nil
}

// Ack removes conv's outbox replies with Seq ≤ seq.
func (s *Store) Ack(ctx context.Context, conv bot.Conv, seq int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ack(conv, seq)
	return nil
}

// ack is Ack under s.mu.
func (s *Store) ack(conv bot.Conv, seq int64) {
	r := s.live(conv, s.now())
	if r == nil {
		return
	}
	n := sort.Search(len(r.outbox), func(i int) bool { return r.outbox[i].Seq > seq })
	r.outbox = slices.Delete(r.outbox, 0, n)
	if len(r.outbox) == 0 {
		r.outbox = nil
	}
}

// Ready lists conversations queued in the ready index at or before
// 'before', oldest first.
func (s *Store) Ready(ctx context.Context, before time.Time, limit int) ([]bot.Conv, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Conv
	for c, since := range s.ready {
		if !since.After(before) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b bot.Conv) int { return s.ready[a].Compare(s.ready[b]) })
	return out[:min(len(out), max(limit, 0))], nil
}

// Settle takes conv out of the ready index unless replies are pending.
func (s *Store) Settle(ctx context.Context, conv bot.Conv) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.live(conv, s.now()); r == nil || len(r.outbox) == 0 {
		delete(s.ready, conv)
	}
	return nil
}

// Claim takes or extends the send lease on conv and reports the oldest
// reply pending; with none, it settles conv and releases the lease.
func (s *Store) Claim(ctx context.Context, conv bot.Conv, owner string, ttl time.Duration) (bot.Lease, error) {
	if err := ctx.Err(); err != nil {
		return bot.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claim(conv, owner, ttl), nil
}

// Advance acknowledges conv's replies with Seq ≤ seq, then claims as Claim.
func (s *Store) Advance(ctx context.Context, conv bot.Conv, seq int64, owner string, ttl time.Duration) (bot.Lease, error) {
	if err := ctx.Err(); err != nil {
		return bot.Lease{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ack(conv, seq)
	return s.claim(conv, owner, ttl), nil
}

// claim is Claim under s.mu.
func (s *Store) claim(conv bot.Conv, owner string, ttl time.Duration) bot.Lease {
	now := s.now()
	if l, ok := s.leases[conv]; ok && l.owner != owner && now.Before(l.until) {
		return bot.Lease{}
	}
	r := s.live(conv, now)
	if r == nil || len(r.outbox) == 0 {
		delete(s.ready, conv)
		delete(s.leases, conv)
		return bot.Lease{Held: true}
	}
	s.leases[conv] = lease{owner: owner, until: now.Add(ttl)}
	queue := make([]bot.Outgoing, min(len(r.outbox), bot.QueueLimit))
	for i := range queue {
		queue[i] = r.outbox[i]
		queue[i].Reply = cloneReply(queue[i].Reply)
	}
	return bot.LeaseOf(queue)
}

// Release gives up owner's lease on conv.
func (s *Store) Release(ctx context.Context, conv bot.Conv, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leases[conv].owner == owner {
		delete(s.leases, conv)
	}
	return ctx.Err()
}

// Block drops conv's queued replies and marks it refused until its next
// commit; its reminder stays for the Engine to decide.
func (s *Store) Block(ctx context.Context, conv bot.Conv) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.live(conv, s.now()); r != nil {
		r.outbox = nil
		if !r.blocked && r.version != 0 {
			// A change of her Snapshot: cached copies must go stale.
			r.blocked = true
			r.version++
		}
	}
	delete(s.ready, conv)
	return nil
}

// Conversations returns every conversation whose key begins with prefix
// and that has anything stored.
func (s *Store) Conversations(ctx context.Context, prefix bot.Conv) ([]bot.Conv, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []bot.Conv
	for conv := range s.convs {
		if strings.HasPrefix(string(conv), string(prefix)) && s.live(conv, now) != nil {
			out = append(out, conv)
		}
	}
	return out, nil
}

// expiry returns when a conversation committed at now with ttl expires
// (zero: never). A conversation without state keeps only what recognises a
// retried update, and that for no longer than bot.DedupeTTL.
func expiry(now time.Time, ttl time.Duration, hasState bool) time.Time {
	if !hasState && (ttl <= 0 || ttl > bot.DedupeTTL) {
		ttl = bot.DedupeTTL
	}
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}

// live returns conv's record with everything expired at now dropped, or nil
// when nothing is left.
func (s *Store) live(conv bot.Conv, now time.Time) *record {
	r := s.convs[conv]
	if r == nil {
		return nil
	}
	if r.expire(now) {
		delete(s.convs, conv)
		return nil
	}
	return r
}

// sweep drops every expired record, so conversations nobody comes back to
// do not pile up. Commit runs it once the commits since the last sweep
// reach half the records: amortized, each commit pays for two records, and
// expired records never outnumber the commits that could have swept them.
func (s *Store) sweep(now time.Time) {
	for conv, r := range s.convs {
		if r.expire(now) {
			delete(s.convs, conv)
		}
	}
	s.writes = 0
}

// expire drops what has expired at now and reports whether nothing is left.
func (r *record) expire(now time.Time) bool {
	if !r.expires.IsZero() && !now.Before(r.expires) {
		*r = record{dedupe: r.dedupe}
	}
	if !r.logExpires.IsZero() && !now.Before(r.logExpires) {
		r.log, r.logExpires = nil, time.Time{}
	}
	for k, until := range r.dedupe {
		if !now.Before(until) {
			delete(r.dedupe, k)
		}
	}
	if len(r.dedupe) == 0 {
		r.dedupe = nil
	}
	return r.version == 0 && r.dedupe == nil
}

func cloneReply(r bot.Reply) bot.Reply {
	r.Buttons = slices.Clone(r.Buttons)
	if r.Week != nil {
		w := *r.Week
		r.Week = &w
	}
	if r.Export != nil {
		e := *r.Export
		e.Log = slices.Clone(e.Log)
		r.Export = &e
	}
	return r
}
