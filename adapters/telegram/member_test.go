package telegram

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// queued is the reply left waiting in the outbox when she blocks the bot.
const queued = "a reply still queued"

// planned commits, for user, a plan of reminders whose next one is due,
// and a reply queued and not yet sent: where she is when she blocks the
// bot, as a turn would have left it.
func planned(t *testing.T, h *harness, user int64) time.Time {
	t.Helper()
	due := time.Now().Add(-time.Minute).Truncate(time.Second)
	conv := ConvKey(user, user)
	c := bot.Commit{Conv: conv, State: bottest.PlanState(t, 8, due), Remind: &due, Replies: []bot.Reply{{Text: queued}}}
	if _, err := h.store.Commit(context.Background(), c); err != nil {
		t.Fatalf("Commit(%s) = %v", conv, err)
	}
	if at, err := h.store.NextReminder(context.Background(), conv); err != nil || !at.Equal(due) {
		t.Fatalf("NextReminder(%s) = %v, %v, want %v", conv, at, err, due)
	}
	return due
}

// pending returns how many replies wait in conv's outbox.
func (h *harness) pending(conv bot.Conv) int {
	h.t.Helper()
	out, err := h.store.Pending(context.Background(), conv, 10)
	if err != nil {
		h.t.Fatalf("Pending(%s) = %v", conv, err)
	}
	return len(out)
}

// TestWebhookBlocked: she blocks the bot, and Telegram says so with a
// my_chat_member update ("kicked"). The reply queued for her is dropped,
// not tried, and her due reminder pings nobody, while her friend, who did
// not block it, gets both. When she unblocks the bot and presses Start
// again, she is welcomed as ever, and her reminders are on again.
func TestWebhookBlocked(t *testing.T) {
	stores := []struct {
		name string
		new  func(t *testing.T) backend
	}{
		{"memstore", func(*testing.T) backend { return memstore.New() }},
		{"redisstore", func(t *testing.T) backend {
			b := redistest.New(t)
			return redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix))
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			const her, friend = 91, 92
			mine, friends := ConvKey(her, her), ConvKey(friend, friend)
			h := newHarnessOn(t, st.new(t))
			due := planned(t, h, her)
			planned(t, h, friend)

			if answer := h.post(tgtest.MemberUpdate(h.id(), her, models.ChatMemberTypeBanned)); answer.Method != "" {
				t.Errorf("kicked: webhook answered %s(%v), want nothing", answer.Method, answer.Params)
			}
			if n := h.pending(mine); n != 0 {
				t.Errorf("after she blocked the bot: %d replies queued for her, want none", n)
			}
			// The reminders come due.
			sched := bot.NewScheduler(h.engine, h.store, bot.WithSchedulerLogger(h.log))
			if _, err := sched.Tick(context.Background()); err != nil {
				t.Fatalf("Tick() = %v", err)
			}
			h.drain(mine)
			h.drain(friends)
			if got := h.api.Sent(her); len(got) != 0 {
				t.Errorf("after she blocked the bot: her chat received %q, want nothing", texts(got))
			}
			if n := h.pending(mine); n != 0 {
				t.Errorf("after her reminder came due: %d replies queued for her, want none", n)
			}
			if got := texts(h.api.Sent(friend)); len(got) < 2 || got[0] != queued {
				t.Errorf("her friend's chat received %q, want %q and then a reminder", got, queued)
			}
			if n := h.notifications(); len(n) != 0 {
				t.Errorf("notified %v, want nothing", n)
			}
			if logs := h.logs.String(); !strings.Contains(logs, "blocked the bot") || !strings.Contains(logs, string(mine)) {
				t.Errorf("logs say nothing of her blocking the bot:\n%s", logs)
			}

			// She unblocks the bot: Telegram says so, and her client
			// sends /start.
			if answer := h.post(tgtest.MemberUpdate(h.id(), her, models.ChatMemberTypeMember)); answer.Method != "" {
				t.Errorf("member: webhook answered %s(%v), want nothing", answer.Method, answer.Params)
			}
			h.say(her, "/start")
			if got, want := texts(h.api.Sent(her)), []string{h.msg("welcome"), h.msg("screen")}; strings.Join(got, "\n--\n") != strings.Join(want, "\n--\n") {
				t.Errorf("after she unblocked the bot and pressed Start: her chat received %q, want %q", got, want)
			}
			snap, err := h.store.Load(context.Background(), mine)
			if err != nil {
				t.Fatal(err)
			}
			if snap.Blocked {
				t.Errorf("after her /start: still marked blocked")
			}
			// Starting over keeps her reminders, and they are on again.
			if at, err := h.store.NextReminder(context.Background(), mine); err != nil || !at.Equal(due) {
				t.Errorf("after her /start: NextReminder = %v, %v, want %v", at, err, due)
			}
		})
	}
}

// TestWebhookBlockedStoreDown: a block that could not be recorded is not
// acknowledged, so Telegram delivers it again; the second time it is.
func TestWebhookBlockedStoreDown(t *testing.T) {
	const her = 93
	mine := ConvKey(her, her)
	h := newHarness(t)
	planned(t, h, her)
	body, err := json.Marshal(tgtest.MemberUpdate(h.id(), her, models.ChatMemberTypeBanned))
	if err != nil {
		t.Fatal(err)
	}
	h.store.failNext(1)
	if got := h.request(http.MethodPost, body, testSecret); got != http.StatusServiceUnavailable {
		t.Fatalf("ServeHTTP(kicked, store down) = %d, want %d", got, http.StatusServiceUnavailable)
	}
	if n := h.pending(mine); n != 1 {
		t.Errorf("after a failed block: %d replies queued, want 1 (nothing recorded)", n)
	}
	if got := h.request(http.MethodPost, body, testSecret); got != http.StatusOK {
		t.Fatalf("ServeHTTP(kicked, retried) = %d, want %d", got, http.StatusOK)
	}
	if n := h.pending(mine); n != 0 {
		t.Errorf("after the retried block: %d replies queued, want none", n)
	}
}

// TestPollerBlocked: the poller asks for my_chat_member updates, and one
// saying she blocked the bot drops what was queued for her.
func TestPollerBlocked(t *testing.T) {
	const her = 94
	mine := ConvKey(her, her)
	h := newHarness(t)
	planned(t, h, her)
	h.api.Queue(tgtest.MemberUpdate(1, her, models.ChatMemberTypeBanned))
	cancel, wait := startPoller(t, h)
	waitOffset(t, h.api, 2)
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("Poller.Run() = %v, want nil after shutdown", err)
	}
	if n := h.pending(mine); n != 0 {
		t.Errorf("after she blocked the bot: %d replies queued for her, want none", n)
	}
	first := h.api.Calls("getUpdates")[0]
	if got := first.Params["allowed_updates"]; !strings.Contains(got, `"my_chat_member"`) {
		t.Errorf("getUpdates allowed_updates = %s, want my_chat_member among them", got)
	}
}
