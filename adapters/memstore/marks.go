package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Marks = (*Store)(nil)

// marks are where the bot's marked messages went; like the handoff index
// they have a lock of their own, as no conversation is read with them.
type marks struct {
	mu      sync.Mutex
	entries map[string]mark
}

type mark struct {
	refs    []string
	expires time.Time
}

// AddMark implements bot.Marks.
func (s *Store) AddMark(ctx context.Context, name, ref string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	m := &s.marks
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = make(map[string]mark)
	}
	for k, e := range m.entries {
		// Few requests are recent at once: sweeping them all is cheap.
		if !now.Before(e.expires) {
			delete(m.entries, k)
		}
	}
	e := m.entries[name]
	m.entries[name] = mark{refs: append(e.refs, ref), expires: now.Add(ttl)}
	return nil
}

// TakeMarks implements bot.Marks.
func (s *Store) TakeMarks(ctx context.Context, name string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	m := &s.marks
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[name]
	delete(m.entries, name)
	if !ok || !now.Before(e.expires) {
		return nil, nil
	}
	return e.refs, nil
}
