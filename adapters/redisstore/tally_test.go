package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
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
