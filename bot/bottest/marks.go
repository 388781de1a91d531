package bottest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// TestMarks runs the contract of bot.Marks, where the bot's marked
// messages went, on a store that keeps them. newHarness is called once
// per subtest; with Reopen set, another replica must see the same records.
func TestMarks(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()
	marks := storeAs[bot.Marks]
	add := func(t *testing.T, m bot.Marks, mark string, ttl time.Duration, refs ...string) {
		t.Helper()
		for _, ref := range refs {
			if err := m.AddMark(ctx, mark, ref, ttl); err != nil {
				t.Fatalf("AddMark(%q, %q) = %v", mark, ref, err)
			}
		}
	}
	take := func(t *testing.T, m bot.Marks, mark string, want ...string) {
		t.Helper()
		got, err := m.TakeMarks(ctx, mark)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("TakeMarks(%q) = %q, %v, want %q, nil", mark, got, err, want)
		}
	}
	t.Run("add take", func(t *testing.T) {
		m := marks(t, newHarness(t).Store)
		take(t, m, "ho:none")
		add(t, m, "ho:abc1", time.Hour, "-100:7", "-100:9", "-100:8")
		add(t, m, "ho:abc2", time.Hour, "-100:10")
		take(t, m, "ho:abc1", "-100:7", "-100:9", "-100:8")
		take(t, m, "ho:abc1")
		take(t, m, "ho:abc2", "-100:10")
	})
	t.Run("not a conversation", func(t *testing.T) {
		hs := newHarness(t)
		add(t, marks(t, hs.Store), "ho:abc1", time.Hour, "C1:1.2")
		if l, ok := hs.Store.(bot.Lister); ok {
			convs, err := l.Conversations(ctx, "")
			if err != nil || len(convs) != 0 {
				t.Errorf("Conversations() = %v, %v, want none", convs, err)
			}
		}
	})
	t.Run("replica", func(t *testing.T) {
		hs := newHarness(t)
		if hs.Reopen == nil {
			t.Skip("the backend cannot outlive its Store")
		}
		add(t, marks(t, hs.Store), "ho:abc1", time.Hour, "-100:7")
		take(t, marks(t, hs.Reopen()), "ho:abc1", "-100:7")
		take(t, marks(t, hs.Store), "ho:abc1")
	})
	t.Run("expires", func(t *testing.T) {
		hs := newHarness(t)
		if hs.Advance == nil {
			t.Skip("the backend's clock cannot be moved")
		}
		m := marks(t, hs.Store)
		add(t, m, "ho:abc1", time.Minute, "-100:7")
		hs.Advance(50 * time.Second)
		// A later message keeps the mark's records for its ttl from now.
		add(t, m, "ho:abc1", time.Minute, "-100:8")
		hs.Advance(50 * time.Second)
		take(t, m, "ho:abc1", "-100:7", "-100:8")
		add(t, m, "ho:abc2", time.Minute, "-100:9")
		hs.Advance(61 * time.Second)
		take(t, m, "ho:abc2")
	})
}
