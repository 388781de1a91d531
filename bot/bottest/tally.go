package bottest

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// TestTally runs the contract every bot.Tally must keep. newTally is
// called once per subtest and must return a Tally on an empty backend of
// its own.
func TestTally(t *testing.T, newTally func(t *testing.T) bot.Tally) {
	ctx := context.Background()
	// Days near now: a backend forgets days past bot.TallyTTL.
	day := bot.DayOf(time.Now())
	t.Run("Empty", func(t *testing.T) {
		c, err := newTally(t).Read(ctx, "slack:T1", bot.TallyWeek(day))
		if err != nil || len(c) != 0 {
			t.Errorf("Read(empty) = %v, %v, want nothing", c, err)
		}
	})
	t.Run("SumsTheDaysAsked", func(t *testing.T) {
		tl := newTally(t)
		add := func(scope string, d time.Time, c bot.Counts) {
			t.Helper()
			if err := tl.Add(ctx, scope, d, c); err != nil {
				t.Fatalf("Add(%s, %s) = %v", scope, d.Format(time.DateOnly), err)
			}
		}
		add("slack:T1", day, bot.Counts{bot.CountConversations: 1, "helped:comfort": 1})
		add("slack:T1", day, bot.Counts{bot.CountConversations: 2})
		add("slack:T1", day.AddDate(0, 0, -6), bot.Counts{"referral:today": 1})
		add("slack:T1", day.AddDate(0, 0, -7), bot.Counts{"referral:today": 5}) // a day outside the week
		add("slack:T12", day, bot.Counts{bot.CountConversations: 9})            // another workspace
		got, err := tl.Read(ctx, "slack:T1", bot.TallyWeek(day))
		want := bot.Counts{bot.CountConversations: 3, "helped:comfort": 1, "referral:today": 1}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("Read(slack:T1, week) = %v, %v, want %v", got, err, want)
		}
		got, err = tl.Read(ctx, "slack:T1", []time.Time{day.AddDate(0, 0, -7)})
		if err != nil || !maps.Equal(got, bot.Counts{"referral:today": 5}) {
			t.Errorf("Read(slack:T1, day -7) = %v, %v, want the 5 referrals", got, err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		tl := newTally(t)
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if err := tl.Add(ctx, "slack:T1", day, bot.Counts{bot.CountHandoffs: 1}); err != nil {
						t.Errorf("Add() = %v", err)
					}
				}
			}()
		}
		wg.Wait()
		got, err := tl.Read(ctx, "slack:T1", []time.Time{day})
		if err != nil || got[bot.CountHandoffs] != 200 {
			t.Errorf("Read() = %v, %v, want 200 handoffs: no count lost", got, err)
		}
	})
}
