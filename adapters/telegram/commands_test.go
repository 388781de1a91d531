package telegram

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/content"
)

func TestSetCommands(t *testing.T) {
	h := newHarness(t)
	de := *h.cat
	de.Lang = "de"
	de.Commands = []content.Command{{Name: "start", Summary: "Anfangen"}, {Name: "help", Summary: "Hilfe"}, {Name: "forget", Summary: "Vergessen"}}
	if err := SetCommands(context.Background(), h.client, &de, h.cat); err != nil {
		t.Fatalf("SetCommands() = %v", err)
	}
	type menu struct{ lang, scope, commands string }
	var got []menu
	for _, c := range h.api.Calls("setMyCommands") {
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(c.Params["commands"]), &cmds); err != nil {
			t.Fatalf("setMyCommands commands %q: %v", c.Params["commands"], err)
		}
		var names []string
		for _, cmd := range cmds {
			names = append(names, cmd.Command)
		}
		got = append(got, menu{c.Params["language_code"], c.Params["scope"], strings.Join(names, " ")})
	}
	var all []string
	for _, c := range h.cat.Commands {
		all = append(all, c.Name)
	}
	groups := `{"type":"all_group_chats"}`
	want := []menu{
		{"", "", strings.Join(all, " ")}, // English is the default
		{"", groups, "start help"},
		{"de", "", "start help forget"},
		{"de", groups, "start help"},
		{"en", "", strings.Join(all, " ")},
		{"en", groups, "start help"},
	}
	if len(got) != len(want) {
		t.Fatalf("setMyCommands calls %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("setMyCommands call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Descriptions are the catalog's summaries.
	first := h.api.Calls("setMyCommands")[0]
	if !strings.Contains(first.Params["commands"], h.cat.Commands[0].Summary) {
		t.Errorf("setMyCommands commands %s, want the summaries", first.Params["commands"])
	}
}

func TestSetCommandsRefusesBadNames(t *testing.T) {
	h := newHarness(t)
	bad := *h.cat
	bad.Commands = []content.Command{{Name: "Start-Now", Summary: "x"}}
	if err := SetCommands(context.Background(), h.client, &bad); err == nil {
		t.Errorf("SetCommands(command %q) = nil, want an error", "Start-Now")
	}
	if calls := h.api.Calls("setMyCommands"); len(calls) != 0 {
		t.Errorf("setMyCommands called %d times, want none", len(calls))
	}
}

func TestSetWebhook(t *testing.T) {
	h := newHarness(t)
	if err := SetWebhook(context.Background(), h.client, "https://letdown.example/telegram", testSecret); err != nil {
		t.Fatalf("SetWebhook() = %v", err)
	}
	calls := h.api.Calls("setWebhook")
	if len(calls) != 1 {
		t.Fatalf("setWebhook called %d times, want 1", len(calls))
	}
	p := calls[0].Params
	if p["url"] != "https://letdown.example/telegram" || p["secret_token"] != testSecret || p["drop_pending_updates"] == "true" {
		t.Errorf("setWebhook(%v), want the URL and the secret, pending updates kept", p)
	}
	if p["allowed_updates"] != `["message","callback_query","my_chat_member"]` {
		t.Errorf("setWebhook allowed_updates = %s, want messages, button presses and the bot's own membership (blocked or not) only", p["allowed_updates"])
	}
	if err := SetWebhook(context.Background(), h.client, "https://x", "bad secret!"); err == nil {
		t.Errorf("SetWebhook(bad secret) = nil, want an error")
	}
}

func TestUsername(t *testing.T) {
	h := newHarness(t)
	name, err := Username(context.Background(), h.client)
	if err != nil || name != tgtest.Username {
		t.Errorf("Username() = %q, %v, want %q", name, err, tgtest.Username)
	}
	wrong, err := NewClient("999:wrong", h.api.URL, h.api.HTTPClient())
	if err != nil {
		t.Fatalf("NewClient() = %v", err)
	}
	if _, err := Username(context.Background(), wrong); err == nil || strings.Contains(err.Error(), "999:wrong") {
		t.Errorf("Username(wrong token) = %v, want an error that does not quote the token", err)
	}
}
