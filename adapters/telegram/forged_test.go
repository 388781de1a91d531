package telegram

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

// refusedLog is what the warning for a forged update begins with.
const refusedLog = "telegram: update refused"

// forgedText is the words of a forged message, which no log may show.
const forgedText = "a very private sentence"

// TestWebhookRefusesForged: in a private chat only its own user is heard.
// A message or a press there from anyone else (Telegram never sends one: a
// private chat's id is its user's) is acknowledged, the press answered so
// its spinner stops, and nothing more: no turn, nothing stored or sent,
// her own conversation and keyboard untouched, a warning logged without
// the text.
func TestWebhookRefusesForged(t *testing.T) {
	const her, stranger = 81, 82
	mine := ConvKey(her, her)
	h := newHarness(t)
	h.say(her, "/start")
	screen := last(h.api.Sent(her))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("after /start the last message is %q, want the safety check", screen.Text)
	}
	version, sent, calls, notified := h.version(mine), len(h.api.Sent(her)), len(h.api.Calls("")), len(h.notifications())

	text := tgtest.TextUpdate(h.id(), her, forgedText)
	text.Message.From.ID = stranger
	start := tgtest.TextUpdate(h.id(), her, "/start")
	start.Message.From.ID = stranger
	press := tgtest.PressUpdate(h.id(), stranger, screen, none.CallbackData)
	tests := []struct {
		name   string
		u      models.Update
		answer string // the callback query the 200 answers, if any
	}{
		{"message", text, ""},
		{"command", start, ""},
		{"press", press, press.CallbackQuery.ID},
	}
	for _, tt := range tests {
		answer := h.post(tt.u)
		// What a dispatcher would find to send, it sends.
		h.drain(ConvKey(her, stranger))
		h.drain(ConvKey(stranger, stranger))
		h.drain(mine)
		if tt.answer == "" && answer.Method != "" {
			t.Errorf("forged %s: webhook answered %s(%v), want nothing", tt.name, answer.Method, answer.Params)
		}
		if tt.answer != "" && (answer.Method != "answerCallbackQuery" || answer.Params["callback_query_id"] != tt.answer) {
			t.Errorf("forged %s: webhook answered %q %v, want answerCallbackQuery for %s", tt.name, answer.Method, answer.Params, tt.answer)
		}
		for _, conv := range []bot.Conv{ConvKey(her, stranger), ConvKey(stranger, stranger)} {
			if v := h.version(conv); v != 0 {
				t.Errorf("forged %s: conversation %s stored at version %d, want none", tt.name, conv, v)
			}
		}
	}
	if v := h.version(mine); v != version {
		t.Errorf("after forged updates: her conversation at version %d, want %d (untouched)", v, version)
	}
	if got := h.api.Sent(her); len(got) != sent {
		t.Errorf("after forged updates: her chat received %q, want nothing new", texts(got[sent:]))
	}
	if got := h.api.Sent(stranger); len(got) != 0 {
		t.Errorf("after forged updates: the stranger's chat received %q, want nothing", texts(got))
	}
	// No call at all: no message, no keyboard removed from her chat, the
	// press answered on the webhook's response.
	if got := h.api.Calls(""); len(got) != calls {
		t.Errorf("after forged updates: Bot API calls %v, want none", got[calls:])
	}
	if _, ok := last(h.api.Sent(her)).Button("None of these"); !ok {
		t.Errorf("after a forged press: her safety check lost its keyboard")
	}
	if n := h.notifications(); len(n) != notified {
		t.Errorf("after forged updates: notified %v, want nothing new", n[notified:])
	}
	logs := h.logs.String()
	if n := strings.Count(logs, refusedLog); n != len(tests) {
		t.Errorf("logs have %d lines %q, want %d:\n%s", n, refusedLog, len(tests), logs)
	}
	if strings.Contains(logs, forgedText) {
		t.Errorf("logs contain message text:\n%s", logs)
	}
	// She is still heard.
	h.press(her, "None of these")
	if v := h.version(mine); v != version+1 {
		t.Errorf("after her own press: her conversation at version %d, want %d", v, version+1)
	}
}

// TestPollerRefusesForged: through getUpdates, a forged message and press
// are confirmed like any other update, the press answered, and nothing
// else done.
func TestPollerRefusesForged(t *testing.T) {
	const her, stranger = 83, 84
	h := newHarness(t)
	text := tgtest.TextUpdate(1, her, forgedText)
	text.Message.From.ID = stranger
	press := tgtest.PressUpdate(2, stranger, tgtest.Message{ID: 9, ChatID: her}, "1:clear")
	h.api.Queue(text, press)
	cancel, wait := startPoller(t, h)
	waitOffset(t, h.api, 3)
	cancel()
	if err := wait(); err != nil {
		t.Fatalf("Poller.Run() = %v, want nil after shutdown", err)
	}
	for _, conv := range []bot.Conv{ConvKey(her, stranger), ConvKey(stranger, stranger), ConvKey(her, her)} {
		if v := h.version(conv); v != 0 {
			t.Errorf("conversation %s stored at version %d, want none", conv, v)
		}
	}
	answers := h.api.Calls("answerCallbackQuery")
	if len(answers) != 1 || answers[0].Params["callback_query_id"] != press.CallbackQuery.ID {
		t.Errorf("answerCallbackQuery calls %v, want the forged press answered once", answers)
	}
	for _, method := range []string{"sendMessage", "editMessageReplyMarkup"} {
		if got := h.api.Calls(method); len(got) != 0 {
			t.Errorf("%s calls %v, want none", method, got)
		}
	}
	if n := h.notifications(); len(n) != 0 {
		t.Errorf("notified %v, want nothing", n)
	}
	logs := h.logs.String()
	if n := strings.Count(logs, refusedLog); n != 2 {
		t.Errorf("logs have %d lines %q, want 2:\n%s", n, refusedLog, logs)
	}
	if strings.Contains(logs, forgedText) {
		t.Errorf("logs contain message text:\n%s", logs)
	}
}
