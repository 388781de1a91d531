package main

import (
	"io"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/content"
)

// TestServeForgetErasesRequest: through the real serve on Redis, her
// /forget deletes the request the bot posted in the supporters' group:
// serve gives the Telegram Sender the store's marks.
func TestServeForgetErasesRequest(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	const group = -1009876
	api := tgtest.New(t)
	user := time.Now().UnixNano()%1e9 + 11
	api.Queue(tgtest.TextUpdate(30, user, "/start"), tgtest.TextUpdate(31, user, "/person"))
	startServe(t, api, "polling", io.Discard, func(c *serveConfig) { c.Support.TelegramChat = group })
	press := func(id int64, label string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			sent := api.Sent(user)
			for i := len(sent) - 1; i >= 0; i-- {
				if b, ok := sent[i].Button(label); ok {
					api.Queue(tgtest.PressUpdate(id, user, sent[i], b.CallbackData))
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no button %q in her chat", label)
	}
	press(32, cat.Messages["btn_ask_yes"])
	deadline := time.Now().Add(10 * time.Second)
	for len(api.Sent(group)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	posted := api.Sent(group)
	if len(posted) != 1 {
		t.Fatalf("supporters' group got %d messages, want the request", len(posted))
	}
	api.Queue(tgtest.TextUpdate(33, user, "/forget"))
	press(34, cat.Messages["btn_forget_yes"])
	calls := api.WaitCalls(t, "deleteMessage", 1)
	if calls[0].Int("chat_id") != group || calls[0].Int("message_id") != int64(posted[0].ID) {
		t.Errorf("deleteMessage %v, want the request %d in %d", calls[0].Params, posted[0].ID, group)
	}
}
