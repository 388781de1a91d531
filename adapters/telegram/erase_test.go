package telegram

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

// TestSenderErase: an Erase deletes what was sent under its mark and
// nothing else; a failure Telegram may recover from is retried from where
// it stopped, and a message Telegram will not delete is passed.
func TestSenderErase(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	marks := memstore.New()
	s := NewSender(h.client, WithLogger(h.log), WithMarks(marks))
	group := SupportKey(supportChat)
	for _, r := range []bot.Reply{
		{Text: "Mum would like to talk to a person.", Mark: "ho:abc"},
		{Text: "Another mother's request.", Mark: "ho:other"},
		{Text: "Unmarked."},
		{Text: "Mum: secret words", Mark: "ho:abc"},
		{Text: "Mum: more words", Mark: "ho:abc"},
	} {
		if err := s.Send(ctx, group, r); err != nil {
			t.Fatalf("Send(%q) = %v", r.Text, err)
		}
	}
	sent := h.api.Sent(supportChat)
	erase := bot.Reply{Erase: "ho:abc"}

	h.api.Fail("deleteMessage", 2, tgtest.Pass)
	h.api.Fail("deleteMessage", 1, tgtest.ServerError)
	var ra *bot.RetryAfterError
	if err := s.Send(ctx, group, erase); err == nil || errors.Is(err, bot.ErrRefused) || errors.Is(err, bot.ErrUndeliverable) || errors.As(err, &ra) {
		t.Fatalf("Send(erase) with a 500 = %v, want a transient error", err)
	}
	h.api.Fail("deleteMessage", 1, tgtest.TooManyRequests(3))
	if err := s.Send(ctx, group, erase); !errors.As(err, &ra) || ra.After != 3*time.Second {
		t.Fatalf("Send(erase) with a 429 = %v, want *bot.RetryAfterError", err)
	}
	h.api.Fail("deleteMessage", 1, tgtest.Failure{Code: 400, Description: "Bad Request: message can't be deleted"})
	if err := s.Send(ctx, group, erase); err != nil {
		t.Fatalf("Send(erase) = %v, want nil", err)
	}
	want := []int{sent[0].ID, sent[3].ID} // the last one Telegram would not delete
	if got := ids(h.api.Deleted(supportChat)); !slices.Equal(got, want) {
		t.Errorf("deleted %v, want %v", got, want)
	}
	var tried []int64
	for _, c := range h.api.Calls("deleteMessage") {
		tried = append(tried, c.Int("message_id"))
	}
	if w := []int64{int64(sent[0].ID), int64(sent[3].ID), int64(sent[4].ID), int64(sent[4].ID), int64(sent[4].ID)}; !slices.Equal(tried, w) {
		t.Errorf("deleteMessage calls for %v, want %v", tried, w)
	}
	if err := s.Send(ctx, group, erase); err != nil {
		t.Errorf("a second Send(erase) = %v, want nil", err)
	}
	if n := len(h.api.Calls("deleteMessage")); n != 5 {
		t.Errorf("%d deleteMessage calls after erasing again, want 5", n)
	}
	if l := h.logs.String(); strings.Contains(l, "words") {
		t.Errorf("the logs quote a relayed message: %s", l)
	}
}
