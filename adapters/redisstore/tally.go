package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Tally = (*Store)(nil)

// tallyKey is the hash of scope's counts on day:
// "<prefix>{tally:<scope>}:<yyyymmdd>". The hash tag holds a scope's days
// on one shard, so a week is read in one pipeline to one node.
func (s *Store) tallyKey(scope string, day time.Time) string {
	return s.prefix + "{tally:" + tagEscaper.Replace(scope) + "}:" + bot.DayOf(day).Format("20060102")
}

// Add adds counts to scope's day with HINCRBY, and sets the day to expire
// bot.TallyTTL after it began, in one pipelined round trip.
func (s *Store) Add(ctx context.Context, scope string, day time.Time, counts bot.Counts) error {
	if len(counts) == 0 {
		return nil
	}
	key := s.tallyKey(scope, day)
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for name, n := range counts {
			p.HIncrBy(ctx, key, name, n)
		}
		p.ExpireAt(ctx, key, bot.DayOf(day).Add(bot.TallyTTL))
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: tally add: %w", err)
	}
	return nil
}

// Read sums scope's counts over days: one HGETALL a day, pipelined.
func (s *Store) Read(ctx context.Context, scope string, days []time.Time) (bot.Counts, error) {
	cmds := make([]*redis.MapStringStringCmd, len(days))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, d := range days {
			cmds[i] = p.HGetAll(ctx, s.tallyKey(scope, d))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: tally read: %w", err)
	}
	out := bot.Counts{}
	for _, c := range cmds {
		for name, v := range c.Val() {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("redisstore: tally read: %s is not a count", name)
			}
			out[name] += n
		}
	}
	return out, nil
}
