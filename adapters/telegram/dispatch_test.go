package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

// dispatch runs a Dispatcher over outbox through the harness's real Sender
// until the test ends.
func (h *harness) dispatch(outbox bot.Outbox) *bot.Dispatcher {
	h.t.Helper()
	d := bot.NewDispatcher(outbox, h.sender,
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return time.Millisecond, 10 }),
		bot.WithSweep(10*time.Millisecond, 0),
		bot.WithDispatchLogger(h.log))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, time.Second) }()
	h.t.Cleanup(func() {
		cancel()
		<-done
	})
	return d
}

// commit queues replies for conv directly in the store, as a turn would.
func commit(t *testing.T, s bot.Store, conv bot.Conv, texts ...string) {
	t.Helper()
	snap, err := s.Load(context.Background(), conv)
	if err != nil {
		t.Fatal(err)
	}
	var replies []bot.Reply
	for _, text := range texts {
		replies = append(replies, bot.Reply{Text: text})
	}
	if _, err := s.Commit(context.Background(), bot.Commit{Conv: conv, Version: snap.Version, State: []byte("{}"), Replies: replies}); err != nil {
		t.Fatal(err)
	}
}

func TestDispatcherWaitsOutA429(t *testing.T) {
	h := newHarness(t)
	outbox := h.store.backend.(*memstore.Store)
	h.api.Fail("sendMessage", 1, tgtest.TooManyRequests(1))
	conv := ConvKey(61, 61)
	commit(t, outbox, conv, "hello")
	start := time.Now()
	h.dispatch(outbox).Notify(conv)
	calls := h.api.WaitCalls(t, "sendMessage", 2)
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("sent again %v after a 429 asking for 1 s", waited)
	}
	time.Sleep(50 * time.Millisecond) // room for a wrong extra send
	if sent := h.api.Sent(61); len(sent) != 1 || sent[0].Text != "hello" {
		t.Errorf("chat received %+v after %d calls, want hello once", sent, len(calls))
	}
}

func TestDispatcherStopsAtA403(t *testing.T) {
	h := newHarness(t)
	outbox := h.store.backend.(*memstore.Store)
	h.api.Fail("sendMessage", 1, tgtest.Forbidden)
	conv := ConvKey(62, 62)
	commit(t, outbox, conv, "one", "two", "three")
	h.dispatch(outbox).Notify(conv)
	h.api.WaitCalls(t, "sendMessage", 1)
	deadline := time.Now().Add(5 * time.Second)
	for {
		snap, err := outbox.Load(context.Background(), conv)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Blocked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a 403 did not mark the conversation blocked")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(h.api.Calls("sendMessage")); n != 1 {
		t.Errorf("%d sendMessage calls to a chat that blocked the bot, want only the refused one", n)
	}
	if p, _ := outbox.Pending(context.Background(), conv, 10); len(p) != 0 {
		t.Errorf("%d replies still queued for a blocked chat", len(p))
	}
}

// TestDispatcherRestartSendsWhatWasCommitted: a process committed replies
// and died before sending them; a new process on the same Redis sends each
// exactly once, without any notification.
func TestDispatcherRestartSendsWhatWasCommitted(t *testing.T) {
	b := redistest.New(t)
	store := redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
	conv := ConvKey(63, 63)
	commit(t, store, conv, "first", "second")
	// The crashed process had claimed the conversation and sent nothing.
	if l, err := store.Claim(context.Background(), conv, "dead-process", 200*time.Millisecond); err != nil || !l.Held {
		t.Fatalf("Claim = %+v, %v", l, err)
	}
	h := newHarness(t)
	h.dispatch(store)
	h.api.WaitCalls(t, "sendMessage", 2)
	time.Sleep(50 * time.Millisecond)
	got := texts(h.api.Sent(63))
	if len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Errorf("after the restart chat received %q, want first and second once each", got)
	}
}
