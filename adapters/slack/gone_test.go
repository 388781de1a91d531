package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
)

// otherTeam's id begins with slacktest.Team's: a prefix without its
// closing colon would take its conversations too.
const otherTeam = slacktest.Team + "2"

var (
	uninstalled  = map[string]any{"type": "app_uninstalled"}
	botRevoked   = map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{}, "bot": []string{slacktest.BotUserID}}}
	usersRevoked = map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{"U0ADMIN"}}}
)

// workspace fills the harness with what a workspace that uninstalls
// holds: her conversation with reminders set and a reply still queued,
// another mother's, and one in another workspace. It returns the three
// conversations.
func workspace(t *testing.T, h *harness) (her, other, elsewhere bot.Conv) {
	t.Helper()
	ctx := context.Background()
	const user, user2, user3 = "U0HER", "U0OTHER", "U0ELSEWHERE"
	her, other, elsewhere = ConvKey(slacktest.Team, user), ConvKey(slacktest.Team, user2), ConvKey(otherTeam, user3)
	h.say(user, "hello")
	h.post(CommandsPath, commandBody(user, slacktest.DM(user), "remind", h.next()))
	h.drain(her)
	h.press(user, "8 a day (every 3 hours)")
	h.press(user, "Yes, nights too")
	n := h.next()
	h.post(EventsPath, dmEvent(fmt.Sprintf("Ev%d", n), user, "hello again", n)) // not sent yet
	h.say(user2, "hello")
	n = h.next()
	h.post(EventsPath, teamEventBody(otherTeam, fmt.Sprintf("Ev%d", n), map[string]any{
		"type": "message", "channel": slacktest.DM(user3), "channel_type": "im",
		"user": user3, "text": "hello", "ts": ts(n), "event_ts": ts(n),
	}))

	if at, err := h.reminders().NextReminder(ctx, her); err != nil || at.IsZero() {
		t.Fatalf("set-up: NextReminder(%s) = %v, %v; want a reminder", her, at, err)
	}
	for _, c := range []bot.Conv{her, elsewhere} {
		if out, err := h.store.Pending(ctx, c, 10); err != nil || len(out) == 0 {
			t.Fatalf("set-up: Pending(%s) = %d replies, %v; want some queued", c, len(out), err)
		}
	}
	for _, c := range []bot.Conv{her, other, elsewhere} {
		if snap, err := h.store.Load(ctx, c); err != nil || snap.State == nil {
			t.Fatalf("set-up: Load(%s) = %+v, %v; want a conversation", c, snap, err)
		}
	}
	return her, other, elsewhere
}

func (h *harness) reminders() bot.Reminders { return h.store.Store.(bot.Reminders) }

// erased reports whether conv holds nothing: no state, no queued reply,
// no reminder.
func (h *harness) erased(conv bot.Conv) bool {
	h.t.Helper()
	ctx := context.Background()
	snap, err := h.store.Load(ctx, conv)
	if err != nil {
		h.t.Fatalf("Load(%s): %v", conv, err)
	}
	out, err := h.store.Pending(ctx, conv, 10)
	if err != nil {
		h.t.Fatalf("Pending(%s): %v", conv, err)
	}
	at, err := h.reminders().NextReminder(ctx, conv)
	if err != nil {
		h.t.Fatalf("NextReminder(%s): %v", conv, err)
	}
	return snap.State == nil && len(out) == 0 && at.IsZero()
}

// TestWorkspaceGone: app_uninstalled, or tokens_revoked naming the bot,
// erases every conversation of that workspace, over HTTP and Socket Mode,
// sends nothing, and leaves other workspaces alone. A user token revoked
// changes nothing.
func TestWorkspaceGone(t *testing.T) {
	tests := []struct {
		name  string
		body  []byte
		erase bool
	}{
		{"app_uninstalled", teamEventBody(slacktest.Team, "EvGone", uninstalled), true},
		{"tokens_revoked, bot", teamEventBody(slacktest.Team, "EvGone", botRevoked), true},
		{"tokens_revoked, user only", teamEventBody(slacktest.Team, "EvGone", usersRevoked), false},
		{"app_uninstalled from a malformed team", teamEventBody("T0:BAD", "EvGone", uninstalled), false},
	}
	// deliver hands body to the mode's front end and says whether it was
	// acknowledged.
	deliver := map[string]func(t *testing.T, h *harness, body []byte) bool{
		"HTTP": func(t *testing.T, h *harness, body []byte) bool {
			return h.serve(EventsPath, body, sign(testSecret, time.Now(), body)).Code == http.StatusOK
		},
		"Socket Mode": func(t *testing.T, h *harness, body []byte) bool {
			sm := newSocketMode(h)
			ack, _ := sm.handleEnvelope(context.Background(), envelope(t, "env-gone", socketmode.EventTypeEventsAPI, body))
			sm.Wait()
			return ack
		},
	}
	for _, mode := range []string{"HTTP", "Socket Mode"} {
		for _, tt := range tests {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				h := newHarness(t)
				her, other, elsewhere := workspace(t, h)
				posts := len(h.api.Calls("chat.postMessage"))
				for i := range 2 { // the second is Slack's retry
					if !deliver[mode](t, h, tt.body) {
						t.Fatalf("delivery %d of %s: not acknowledged", i+1, tt.name)
					}
				}
				for _, c := range []bot.Conv{her, other} {
					if got := h.erased(c); got != tt.erase {
						t.Errorf("after %s: %s erased = %v, want %v", tt.name, c, got, tt.erase)
					}
				}
				if h.erased(elsewhere) {
					t.Errorf("after %s: %s of another workspace was erased", tt.name, elsewhere)
				}
				if got := len(h.api.Calls("chat.postMessage")); got != posts {
					t.Errorf("after %s: %d more messages sent, want none", tt.name, got-posts)
				}
				logs := h.logs.String()
				if tt.erase && !strings.Contains(logs, "conversations=2") {
					t.Errorf("after %s: logs do not say how many conversations were erased:\n%s", tt.name, logs)
				}
				if strings.Contains(logs, "hello") {
					t.Errorf("logs contain message text:\n%s", logs)
				}
			})
		}
	}
}

// TestWorkspaceGoneAckWaitsForErase: the event is acknowledged once the
// workspace is erased, not before. An erase that outlasts Slack's wait
// goes on in the background; Slack's retries meanwhile join it rather
// than start another, and are acknowledged once it is done.
func TestWorkspaceGoneAckWaitsForErase(t *testing.T) {
	h := newHarness(t, WithAckTimeout(20*time.Millisecond))
	her, other, elsewhere := workspace(t, h)
	release := h.store.holdLists()
	defer release()
	body := teamEventBody(slacktest.Team, "EvGone", uninstalled)
	deliver := func() int {
		w := recorder()
		h.handler.ServeHTTP(w, httptestRequest(http.MethodPost, EventsPath, body))
		return w.Code
	}
	for i := 1; i <= 2; i++ {
		if got := deliver(); got != http.StatusServiceUnavailable {
			t.Fatalf("delivery %d with the erase still running = %d, want %d so Slack retries", i, got, http.StatusServiceUnavailable)
		}
	}
	if got := h.store.lists(); got != 1 {
		t.Errorf("two deliveries during one erase listed the workspace %d times, want 1", got)
	}
	if h.erased(her) {
		t.Errorf("%s erased before the listing was done", her)
	}
	release()
	h.handler.Wait()
	for _, c := range []bot.Conv{her, other} {
		if !h.erased(c) {
			t.Errorf("after the erase: %s not erased", c)
		}
	}
	if got := deliver(); got != http.StatusOK {
		t.Errorf("Slack's retry after the erase = %d, want %d", got, http.StatusOK)
	}
	h.handler.Wait()
	if h.erased(elsewhere) {
		t.Errorf("%s of another workspace was erased", elsewhere)
	}
}
