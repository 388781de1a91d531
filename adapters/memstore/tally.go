package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Tally = (*Tally)(nil)

// Tally is an in-memory bot.Tally, safe for concurrent use. A day's
// counts go once they are bot.TallyTTL old.
type Tally struct {
	now func() time.Time

	mu   sync.Mutex
	days map[tallyKey]bot.Counts
}

type tallyKey struct {
	scope string
	day   time.Time
}

// NewTally returns an empty Tally. It reads WithNow.
func NewTally(opts ...Option) *Tally {
	s := New(opts...)
	return &Tally{now: s.now, days: make(map[tallyKey]bot.Counts)}
}

// Add adds counts to scope's day.
func (t *Tally) Add(ctx context.Context, scope string, day time.Time, counts bot.Counts) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire()
	k := tallyKey{scope, bot.DayOf(day)}
	c := t.days[k]
	if c == nil {
		c = bot.Counts{}
		t.days[k] = c
	}
	for name, n := range counts {
		c[name] += n
	}
	return nil
}

// Read sums scope's counts over days.
func (t *Tally) Read(ctx context.Context, scope string, days []time.Time) (bot.Counts, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire()
	out := bot.Counts{}
	for _, d := range days {
		for name, n := range t.days[tallyKey{scope, bot.DayOf(d)}] {
			out[name] += n
		}
	}
	return out, nil
}

// expire drops the days past bot.TallyTTL, as Redis's expiry would.
func (t *Tally) expire() {
	cut := t.now().Add(-bot.TallyTTL)
	for k := range t.days {
		if k.day.Before(cut) {
			delete(t.days, k)
		}
	}
}
