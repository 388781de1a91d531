package redisstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/redis/go-redis/v9"
)

func TestTally(t *testing.T) {
	bottest.TestTally(t, func(t *testing.T) bot.Tally {
		b := redistest.New(t)
		return New(b.Client, WithPrefix(b.Prefix))
	})
}

func TestTallyCluster(t *testing.T) {
	bottest.TestTally(t, func(t *testing.T) bot.Tally {
		b := redistest.Cluster(t)
		return New(b.Client, WithPrefix(b.Prefix))
	})
}

// TestTallyExpires holds that a day's counts expire about bot.TallyTTL
// after the day began, and that the key names no one.
func TestTallyExpires(t *testing.T) {
	b := redistest.New(t)
	s := New(b.Client, WithPrefix(b.Prefix))
	ctx := context.Background()
	day := bot.DayOf(time.Now())
	if err := s.Add(ctx, "slack:T1", day, bot.Counts{bot.CountConversations: 1}); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	key := s.tallyKey("slack:T1", day)
	if want := b.Prefix + "{tally:slack:T1}:" + day.Format("20060102"); key != want {
		t.Errorf("tallyKey = %q, want %q", key, want)
	}
	ttl, err := b.Client.TTL(ctx, key).Result()
	if err != nil || ttl <= bot.TallyTTL-25*time.Hour || ttl > bot.TallyTTL {
		t.Errorf("TTL(%s) = %v, %v, want within the day before %v", key, ttl, err, bot.TallyTTL)
	}
}

// roundTrips counts the requests a client sends for its callers: a
// pipeline is one; a new connection's own set-up (HELLO, CLIENT, and the
// AUTH and SELECT of a URL with a password or a database) is none.
type roundTrips struct{ n atomic.Int64 }

func setup(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select", "readonly":
		return true
	}
	return false
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !setup(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 && !setup(cmds[0]) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// TestTallyOneRoundTrip: adding a turn's counts and reading a week each
// cost Redis one round trip.
func TestTallyOneRoundTrip(t *testing.T) {
	b := redistest.New(t)
	var rt roundTrips
	opts, err := redis.ParseURL(b.URL)
	if err != nil {
		t.Fatalf("ParseURL(%q) = %v", b.URL, err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	client.AddHook(&rt)
	s := New(client, WithPrefix(b.Prefix))
	ctx := context.Background()
	if err := s.Add(ctx, "slack:T1", time.Now(), bot.Counts{bot.CountConversations: 1, "referral:today": 1, "helped:comfort": 1}); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("Add() made %d round trips, want 1", n)
	}
	rt.n.Store(0)
	if _, err := s.Read(ctx, "slack:T1", bot.TallyWeek(time.Now())); err != nil {
		t.Fatalf("Read() = %v", err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("Read() made %d round trips, want 1", n)
	}
}
