package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Marks = (*Store)(nil)

// markKey is the key of a mark's records: a list of platform references,
// oldest first, with its own expiry. The mark is its hash tag, so that
// the MULTI of each call stays on one slot of a Cluster.
func (s *Store) markKey(mark string) string { return s.prefix + "mk:{" + mark + "}" }

// AddMark implements bot.Marks: RPUSH and PEXPIRE in one MULTI.
func (s *Store) AddMark(ctx context.Context, mark, ref string, ttl time.Duration) error {
	key := s.markKey(mark)
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, key, ref)
		p.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: add mark: %w", err)
	}
	return nil
}

// TakeMarks implements bot.Marks: LRANGE and DEL in one MULTI.
func (s *Store) TakeMarks(ctx context.Context, mark string) ([]string, error) {
	key := s.markKey(mark)
	var refs *redis.StringSliceCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		refs = p.LRange(ctx, key, 0, -1)
		p.Del(ctx, key)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: take marks: %w", err)
	}
	out := refs.Val()
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
