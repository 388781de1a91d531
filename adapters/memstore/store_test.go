package memstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

func TestStore(t *testing.T) {
	bottest.TestStore(t, func(t *testing.T) bottest.Harness {
		clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
		s := New(WithNow(clock.Now))
		return bottest.Harness{
			Store:   s,
			Advance: clock.Advance,
			Clock:   clock,
			Keys:    func(conv bot.Conv) []bottest.Key { return s.keys(conv) },
		}
	})
}

// keys describes conv's record as the Redis store would lay it out, so the
// shared suite can look behind the interface.
func (s *Store) keys(conv bot.Conv) []bottest.Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	r := s.live(conv, now)
	if r == nil {
		return nil
	}
	var ttl time.Duration
	if !r.expires.IsZero() {
		ttl = r.expires.Sub(now)
	}
	var keys []bottest.Key
	add := func(kind bottest.KeyKind, ttl time.Duration) {
		keys = append(keys, bottest.Key{Name: fmt.Sprintf("%s/%s", conv, kind), Kind: kind, TTL: ttl})
	}
	if r.version != 0 {
		add(bottest.KindMeta, ttl)
	}
	if r.state != nil {
		add(bottest.KindState, ttl)
	}
	if len(r.outbox) != 0 {
		add(bottest.KindOutbox, ttl)
	}
	if r.log != nil {
		var logTTL time.Duration
		if !r.logExpires.IsZero() {
			logTTL = r.logExpires.Sub(now)
		}
		add(bottest.KindLog, logTTL)
	}
	if len(r.dedupe) != 0 {
		var last time.Time
		for _, until := range r.dedupe {
			if until.After(last) {
				last = until
			}
		}
		add(bottest.KindDedupe, last.Sub(now))
	}
	return keys
}

// TestSweep checks that conversations nobody comes back to are dropped
// from memory, not only hidden from Load.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
	s := New(WithNow(clock.Now))
	const n = 1000
	for i := range n {
		conv := bot.Conv(fmt.Sprintf("tg:%d:%d", i, i))
		if _, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte("s"), DedupeKey: "e", TTL: time.Hour}); err != nil {
			t.Fatalf("Commit(%q) = %v", conv, err)
		}
	}
	clock.Advance(bot.DedupeTTL)
	for i := range n {
		conv := bot.Conv(fmt.Sprintf("tg:new:%d", i))
		if _, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte("s")}); err != nil {
			t.Fatalf("Commit(%q) = %v", conv, err)
		}
	}
	s.mu.Lock()
	got := len(s.convs)
	s.mu.Unlock()
	if got != n {
		t.Errorf("records held after %d conversations expired and %d new ones = %d, want %d", n, n, got, n)
	}
}

func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s := New()
	state := make([]byte, 300)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		conv := bot.Conv(fmt.Sprintf("tg:%p", pb))
		var version int64
		for pb.Next() {
			if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: version, State: state, Replies: []bot.Reply{{Text: "hi"}}, TTL: time.Hour}); err != nil {
				b.Fatal(err)
			}
			version++
			if err := s.Ack(ctx, conv, version); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestEngineConcurrency(t *testing.T) {
	s := New()
	newStore := func() bot.Store { return s }
	bottest.TestEngineConcurrency(t, newStore, 1, 32, 200)
	bottest.TestEngineConcurrency(t, newStore, 2, 32, 200)
}

func TestHandoffs(t *testing.T) {
	bottest.TestHandoffs(t, func(t *testing.T) bottest.Harness {
		clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
		return bottest.Harness{Store: New(WithNow(clock.Now)), Advance: clock.Advance}
	})
}

func TestMarks(t *testing.T) {
	bottest.TestMarks(t, func(t *testing.T) bottest.Harness {
		clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
		return bottest.Harness{Store: New(WithNow(clock.Now)), Advance: clock.Advance}
	})
}
