package slack

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
)

// TestSenderErase: an Erase deletes what was posted under its mark and
// nothing else; an error Slack may get past is retried from where it
// stopped, and a message Slack will not delete is passed.
func TestSenderErase(t *testing.T) {
	ctx := context.Background()
	api := slacktest.New(t)
	s := NewSender(api.Client(), WithMarks(memstore.New()))
	channel := SupportKey(slacktest.Team, supportChannel)
	for _, r := range []bot.Reply{
		{Text: "Maria would like to talk to a person.", Mark: "ho:abc"},
		{Text: "Another mother's request.", Mark: "ho:other"},
		{Text: "Unmarked."},
		{Text: "Ana took the request.", Mark: "ho:abc"},
		{Text: "Ana already took this request.", Mark: "ho:abc"},
	} {
		if err := s.Send(ctx, channel, r); err != nil {
			t.Fatalf("Send(%q) = %v", r.Text, err)
		}
	}
	posted := api.Messages(supportChannel)
	erase := bot.Reply{Erase: "ho:abc"}

	api.Fail("chat.delete", 2, slacktest.Pass)
	api.Fail("chat.delete", 1, slacktest.Error("internal_error"))
	var ra *bot.RetryAfterError
	if err := s.Send(ctx, channel, erase); err == nil || errors.Is(err, bot.ErrRefused) || errors.Is(err, bot.ErrUndeliverable) || errors.As(err, &ra) {
		t.Fatalf("Send(erase) with internal_error = %v, want a transient error", err)
	}
	api.Fail("chat.delete", 1, slacktest.RateLimited(4))
	if err := s.Send(ctx, channel, erase); !errors.As(err, &ra) || ra.After != 4*time.Second {
		t.Fatalf("Send(erase) with a 429 = %v, want *bot.RetryAfterError", err)
	}
	api.Fail("chat.delete", 1, slacktest.Error("cant_delete_message"))
	if err := s.Send(ctx, channel, erase); err != nil {
		t.Fatalf("Send(erase) = %v, want nil", err)
	}
	var deleted []string
	for _, m := range api.Deleted(supportChannel) {
		deleted = append(deleted, m.TS)
	}
	if want := []string{posted[0].TS, posted[3].TS}; !slices.Equal(deleted, want) {
		t.Errorf("deleted %q, want %q", deleted, want)
	}
	var tried []string
	for _, c := range api.Calls("chat.delete") {
		tried = append(tried, c.Params.Get("ts"))
	}
	if want := []string{posted[0].TS, posted[3].TS, posted[4].TS, posted[4].TS, posted[4].TS}; !slices.Equal(tried, want) {
		t.Errorf("chat.delete calls for %q, want %q", tried, want)
	}
}
