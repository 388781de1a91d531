package redisstore

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
)

// TestReminderRoundTrips checks what the reminder index costs in round
// trips once the scripts are cached: a commit that changes the reminder
// one more than without (its index write follows the script's answer),
// ClaimDue two (read every shard's head, claim the oldest), and Done and
// NextReminder one each.
func TestReminderRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    func(t *testing.T) *redistest.Backend
	}{
		{"server", func(t *testing.T) *redistest.Backend { return redistest.New(t) }},
		{"cluster", func(t *testing.T) *redistest.Backend { return redistest.Cluster(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b(t)
			var calls atomic.Int64
			b.Client.AddHook(countHook{&calls})
			s := New(b.Client, WithPrefix(b.Prefix))
			ctx := context.Background()
			const conv = bot.Conv("tg:1:1")
			at := time.Now().Add(-time.Minute)
			var claimed []bot.Due
			ops := []struct {
				name string
				want int64
				do   func(v int64) error
			}{
				{"Commit with Remind", 2, func(v int64) error {
					_, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: v, State: []byte("s"), Remind: &at})
					return err
				}},
				{"NextReminder", 1, func(int64) error { _, err := s.NextReminder(ctx, conv); return err }},
				{"ClaimDue", 2, func(int64) error {
					var err error
					claimed, err = s.ClaimDue(ctx, time.Now(), "s1", time.Minute, 100)
					if err == nil && len(claimed) != 1 {
						t.Fatalf("ClaimDue = %v, want one", claimed)
					}
					return err
				}},
				{"ClaimDue with nothing due", 1, func(int64) error { _, err := s.ClaimDue(ctx, time.Now(), "s1", time.Minute, 100); return err }},
				{"Done", 1, func(int64) error { return s.Done(ctx, claimed[0]) }},
			}
			for v := range int64(3) {
				for _, op := range ops {
					calls.Store(0)
					if err := op.do(v); err != nil {
						t.Fatalf("%s = %v", op.name, err)
					}
					if n := calls.Load(); v > 0 && n != op.want {
						t.Errorf("%s took %d round trips, want %d", op.name, n, op.want)
					}
				}
			}
		})
	}
}
