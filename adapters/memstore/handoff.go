package memstore

import (
	"context"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Handoffs = (*Store)(nil)

// PutHandoff implements bot.Handoffs.
func (s *Store) PutHandoff(ctx context.Context, id string, conv bot.Conv, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.handoffs.set(s.now(), id, ttl, func(bot.Conv) bot.Conv { return conv })
	return nil
}

// Handoff implements bot.Handoffs.
func (s *Store) Handoff(ctx context.Context, id string) (bot.Conv, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	conv, _ := s.handoffs.get(s.now(), id)
	return conv, nil
}

// DeleteHandoff implements bot.Handoffs.
func (s *Store) DeleteHandoff(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.handoffs.take(s.now(), id)
	return nil
}
