package bottest

import (
	"context"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// TestHandoffs runs the contract of bot.Handoffs, the index of requests
// for a person, on a store that keeps one. newHarness is called once per
// subtest; with Reopen set, another replica must see the same index.
func TestHandoffs(t *testing.T, newHarness func(t *testing.T) Harness) {
	ctx := context.Background()
	index := storeAs[bot.Handoffs]
	get := func(t *testing.T, h bot.Handoffs, id string, want bot.Conv) {
		t.Helper()
		got, err := h.Handoff(ctx, id)
		if err != nil || got != want {
			t.Errorf("Handoff(%q) = %q, %v, want %q, nil", id, got, err, want)
		}
	}
	t.Run("put get delete", func(t *testing.T) {
		h := index(t, newHarness(t).Store)
		get(t, h, "nope", "")
		if err := h.PutHandoff(ctx, "abc1", "tg:1:1", time.Hour); err != nil {
			t.Fatalf("PutHandoff: %v", err)
		}
		if err := h.PutHandoff(ctx, "abc2", "slack:T1:U1", time.Hour); err != nil {
			t.Fatalf("PutHandoff: %v", err)
		}
		get(t, h, "abc1", "tg:1:1")
		get(t, h, "abc2", "slack:T1:U1")
		if err := h.DeleteHandoff(ctx, "abc1"); err != nil {
			t.Fatalf("DeleteHandoff: %v", err)
		}
		get(t, h, "abc1", "")
		get(t, h, "abc2", "slack:T1:U1")
		if err := h.DeleteHandoff(ctx, "abc1"); err != nil {
			t.Errorf("DeleteHandoff of a forgotten id = %v, want nil", err)
		}
	})
	t.Run("not a conversation", func(t *testing.T) {
		// The index is no conversation: erasing everyone finds nothing in it.
		hs := newHarness(t)
		h := index(t, hs.Store)
		if err := h.PutHandoff(ctx, "abc1", "tg:1:1", time.Hour); err != nil {
			t.Fatalf("PutHandoff: %v", err)
		}
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
		if err := index(t, hs.Store).PutHandoff(ctx, "abc1", "tg:1:1", time.Hour); err != nil {
			t.Fatalf("PutHandoff: %v", err)
		}
		get(t, index(t, hs.Reopen()), "abc1", "tg:1:1")
	})
	t.Run("expires", func(t *testing.T) {
		hs := newHarness(t)
		if hs.Advance == nil {
			t.Skip("the backend's clock cannot be moved")
		}
		h := index(t, hs.Store)
		if err := h.PutHandoff(ctx, "abc1", "tg:1:1", time.Minute); err != nil {
			t.Fatalf("PutHandoff: %v", err)
		}
		hs.Advance(59 * time.Second)
		get(t, h, "abc1", "tg:1:1")
		hs.Advance(2 * time.Second)
		get(t, h, "abc1", "")
	})
}

// Deliver does what the Dispatcher does, in one go: sends the outbox of
// each conversation through s, every reply where it goes (its To, else
// the conversation), acknowledging each once sent.
func Deliver(t testing.TB, store bot.Store, s bot.Sender, convs ...bot.Conv) {
	t.Helper()
	ctx := context.Background()
	for _, conv := range convs {
		for {
			out, err := store.Pending(ctx, conv, 10)
			if err != nil {
				t.Fatalf("Pending(%s): %v", conv, err)
			}
			if len(out) == 0 {
				break
			}
			for _, o := range out {
				to := conv
				if o.Reply.To != "" {
					to = bot.Conv(o.Reply.To)
				}
				if err := s.Send(ctx, to, o.Reply); err != nil {
					t.Fatalf("Send(%s): %v", to, err)
				}
				if err := store.Ack(ctx, conv, o.Seq); err != nil {
					t.Fatalf("Ack(%s, %d): %v", conv, o.Seq, err)
				}
			}
		}
	}
}
