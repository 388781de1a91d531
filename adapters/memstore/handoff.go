package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Handoffs = (*Store)(nil)

// handoffs is the index of requests for a person; it has a lock of its own,
// as it is never read or written with a conversation.
type handoffs struct {
	mu      sync.Mutex
	entries map[string]handoff
}

type handoff struct {
	conv    bot.Conv
	expires time.Time
}

// PutHandoff implements bot.Handoffs.
func (s *Store) PutHandoff(ctx context.Context, id string, conv bot.Conv, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	h := &s.handoffs
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.entries == nil {
		h.entries = make(map[string]handoff)
	}
	for k, e := range h.entries {
		// Few requests are open at once: sweeping them all is cheap.
		if !now.Before(e.expires) {
			delete(h.entries, k)
		}
	}
	h.entries[id] = handoff{conv: conv, expires: now.Add(ttl)}
	return nil
}

// Handoff implements bot.Handoffs.
func (s *Store) Handoff(ctx context.Context, id string) (bot.Conv, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := s.now()
	h := &s.handoffs
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.entries[id]
	if !ok || !now.Before(e.expires) {
		return "", nil
	}
	return e.conv, nil
}

// DeleteHandoff implements bot.Handoffs.
func (s *Store) DeleteHandoff(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := &s.handoffs
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.entries, id)
	return nil
}
