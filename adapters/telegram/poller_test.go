package telegram

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

// startPoller runs a Poller against the harness's fake API. cancel ends
// its context; wait then returns Run's error.
func startPoller(t *testing.T, h *harness) (cancel func(), wait func() error) {
	t.Helper()
	p := NewPoller(h.engine, h.client,
		WithAPI(h.api.URL, h.api.HTTPClient()),
		WithPollTimeout(time.Second),
		WithBackoff(time.Millisecond, 10*time.Millisecond),
		WithLogger(h.log),
		WithNotify(func(c bot.Conv) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notified = append(h.notified, c)
		}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	wait = func() error {
		t.Helper()
		select {
		case err := <-done:
			done <- err // so a second wait returns it too
			return err
		case <-time.After(10 * time.Second):
			t.Fatalf("Poller.Run did not return after its context ended")
			return nil
		}
	}
	t.Cleanup(func() { cancel(); wait() })
	return cancel, wait
}

// waitOffset waits until the poller asks for updates from offset on.
func waitOffset(t *testing.T, api *tgtest.Server, offset int64) {
	t.Helper()
	for n := 1; ; n++ {
		calls := api.WaitCalls(t, "getUpdates", n)
		if calls[n-1].Int("offset") == offset {
			return
		}
	}
}

func offsets(calls []tgtest.Call) []int64 {
	out := make([]int64, len(calls))
	for i, c := range calls {
		out[i] = c.Int("offset")
	}
	return out
}

func TestPollerOffsetFollowsCommits(t *testing.T) {
	h := newHarness(t)
	const a, b, c = 61, 62, 63
	h.store.failFor(ConvKey(b, b), 1)
	h.api.Queue(
		tgtest.TextUpdate(1, a, "/start"),
		tgtest.TextUpdate(2, b, "/start"), // its first commit fails
		tgtest.PressUpdate(3, c, tgtest.Message{ID: 9, ChatID: c}, "1:clear"),
	)
	cancel, wait := startPoller(t, h)
	waitOffset(t, h.api, 4)
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("Poller.Run() = %v, want nil after shutdown", err)
	}

	calls := h.api.Calls("")
	if len(calls) == 0 || calls[0].Method != "deleteWebhook" || calls[0].Params["drop_pending_updates"] == "true" {
		t.Errorf("first call %+v, want deleteWebhook keeping pending updates", calls[0])
	}
	// Update 2 failed: the next getUpdates still asked from 2, not 3.
	got := offsets(h.api.Calls("getUpdates"))
	if len(got) < 3 || got[0] != 0 || got[1] != 2 || got[2] != 4 {
		t.Errorf("getUpdates offsets %v, want [0 2 4 …]: past an update only once it is committed", got)
	}
	// On shutdown it told Telegram how far it got.
	if final := h.api.Calls("getUpdates"); final[len(final)-1].Int("offset") != 4 {
		t.Errorf("last getUpdates offset = %d, want 4 (confirming on shutdown)", final[len(final)-1].Int("offset"))
	}
	for _, user := range []int64{a, b, c} {
		if v := h.version(ConvKey(user, user)); v != 1 {
			t.Errorf("conversation %d: stored version = %d, want 1", user, v)
		}
	}
	if n := len(h.notifications()); n != 3 {
		t.Errorf("notified %d times, want 3", n)
	}
	if answers := h.api.Calls("answerCallbackQuery"); len(answers) != 1 {
		t.Errorf("answerCallbackQuery called %d times, want 1", len(answers))
	}
}

func TestPollerConflict(t *testing.T) {
	h := newHarness(t)
	h.api.Fail("getUpdates", 1, tgtest.Conflict)
	p := NewPoller(h.engine, h.client, WithAPI(h.api.URL, h.api.HTTPClient()), WithLogger(h.log))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := p.Run(ctx)
	if !errors.Is(err, ErrPollConflict) {
		t.Fatalf("Poller.Run() = %v, want ErrPollConflict", err)
	}
	const want = "another instance is polling this bot token (Telegram answered 409); stop it or use webhook mode"
	if err.Error() != want {
		t.Errorf("Poller.Run() error %q, want %q", err, want)
	}
}

func TestPollerUnauthorized(t *testing.T) {
	h := newHarness(t)
	h.api.Fail("deleteWebhook", 1, tgtest.Failure{Code: 401, Description: "Unauthorized"})
	p := NewPoller(h.engine, h.client, WithAPI(h.api.URL, h.api.HTTPClient()), WithLogger(h.log))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Run(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("Poller.Run() = %v, want ErrUnauthorized", err)
	}
}

func TestPollerFinishesUpdateInHand(t *testing.T) {
	h := newHarness(t)
	const user = 64
	h.store.gate = make(chan struct{})
	h.store.entered = make(chan bot.Conv, 1)
	h.api.Queue(tgtest.TextUpdate(1, user, "/start"), tgtest.TextUpdate(2, user, "hello"))
	cancel, wait := startPoller(t, h)
	<-h.store.entered // the turn for update 1 is about to commit
	cancel()          // shutdown arrives mid-turn
	close(h.store.gate)
	if err := wait(); err != nil {
		t.Fatalf("Poller.Run() = %v, want nil after shutdown", err)
	}
	if v := h.version(ConvKey(user, user)); v != 1 {
		t.Errorf("stored version = %d, want 1: the update in hand is finished, the next is not started", v)
	}
	calls := h.api.Calls("getUpdates")
	if got := calls[len(calls)-1].Int("offset"); got != 2 {
		t.Errorf("last getUpdates offset = %d, want 2: update 1 confirmed, update 2 left for the next start", got)
	}
}
