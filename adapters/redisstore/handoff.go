package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Handoffs = (*Store)(nil)

// handoffKey is the key of request id in the index of requests for a
// person: one string key each, holding her conversation key, with its
// own expiry. It has no hash tag: no script touches it beside another key.
func (s *Store) handoffKey(id string) string { return s.prefix + "ho:" + id }

// PutHandoff implements bot.Handoffs.
func (s *Store) PutHandoff(ctx context.Context, id string, conv bot.Conv, ttl time.Duration) error {
	if err := s.client.Set(ctx, s.handoffKey(id), string(conv), ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: put handoff: %w", err)
	}
	return nil
}

// Handoff implements bot.Handoffs.
func (s *Store) Handoff(ctx context.Context, id string) (bot.Conv, error) {
	v, err := s.client.Get(ctx, s.handoffKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redisstore: handoff: %w", err)
	}
	return bot.Conv(v), nil
}

// DeleteHandoff implements bot.Handoffs.
func (s *Store) DeleteHandoff(ctx context.Context, id string) error {
	if err := s.client.Del(ctx, s.handoffKey(id)).Err(); err != nil {
		return fmt.Errorf("redisstore: delete handoff: %w", err)
	}
	return nil
}
