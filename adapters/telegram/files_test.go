package telegram

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
)

func TestSendPhotoAndDocument(t *testing.T) {
	h := newHarness(t)
	conv := ConvKey(50, 50)
	buttons := []bot.Button{{Label: "Next", Data: "1:w:next:a"}}
	week := &bot.Week{Target: 8, Words: bot.ChartWords{Title: "Your last 7 days"}}
	week.Days[6] = bot.Day{Label: "Sun 22", Sessions: 3, Night: 1, Minutes: 60, MlLeft: 40, MlRight: 35}
	if err := h.sender.Send(context.Background(), conv, bot.Reply{Text: "Today: 3 sessions", Buttons: buttons, Week: week}); err != nil {
		t.Fatalf("Send(week) = %v", err)
	}
	at := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	export := &bot.Export{Zone: "Europe/Madrid", Log: dialog.EncodeLog([]dialog.Session{{at.Unix() / 60, 20, 3, 40, 35}})}
	if err := h.sender.Send(context.Background(), conv, bot.Reply{Text: "Here is your log", Export: export}); err != nil {
		t.Fatalf("Send(export) = %v", err)
	}

	photo := h.api.Calls("sendPhoto")
	if len(photo) != 1 {
		t.Fatalf("sendPhoto calls = %d, want 1", len(photo))
	}
	f := photo[0].Files["photo"]
	if f.ContentType != "image/png" || !bytes.HasPrefix(f.Data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("sendPhoto photo = %q, %d bytes, want image/png", f.ContentType, len(f.Data))
	}
	if photo[0].Params["caption"] != "Today: 3 sessions" || len(photo[0].Keyboard()) != 1 {
		t.Errorf("sendPhoto caption, keyboard = %q, %v, want the text and its button", photo[0].Params["caption"], photo[0].Keyboard())
	}
	doc := h.api.Calls("sendDocument")
	if len(doc) != 1 {
		t.Fatalf("sendDocument calls = %d, want 1", len(doc))
	}
	f = doc[0].Files["document"]
	want := "date,start,side,minutes,ml_left,ml_right\n2026-11-22,15:00,both,20,40,35\n"
	if f.ContentType != "text/csv" || string(f.Data) != want || !strings.HasSuffix(f.Name, ".csv") {
		t.Errorf("sendDocument document = %q %q %q, want text/csv %q", f.Name, f.ContentType, f.Data, want)
	}
	if n := len(h.api.Calls("sendMessage")); n != 0 {
		t.Errorf("sendMessage calls = %d, want none: the text rides as the caption", n)
	}
}

func TestSendPhotoLongText(t *testing.T) {
	h := newHarness(t)
	conv := ConvKey(50, 50)
	text := strings.Repeat("A week of words. ", 80) // over a caption's 1024
	if err := h.sender.Send(context.Background(), conv, bot.Reply{Text: text, Week: &bot.Week{Target: 8}}); err != nil {
		t.Fatalf("Send = %v", err)
	}
	if m, p := h.api.Calls("sendMessage"), h.api.Calls("sendPhoto"); len(m) != 1 || len(p) != 1 || p[0].Params["caption"] != "" {
		t.Errorf("sendMessage, sendPhoto = %d, %d calls, want the text then the photo without caption", len(m), len(p))
	}
}

func TestSendPhotoRetry(t *testing.T) {
	h := newHarness(t)
	h.api.Fail("sendPhoto", 1, tgtest.ServerError)
	r := bot.Reply{Text: "Today", Week: &bot.Week{Target: 8}}
	if err := h.sender.Send(context.Background(), ConvKey(50, 50), r); err == nil {
		t.Fatalf("Send with sendPhoto failing = nil, want an error to retry")
	}
	if err := h.sender.Send(context.Background(), ConvKey(50, 50), r); err != nil {
		t.Fatalf("Send again = %v", err)
	}
	if sent := h.api.Sent(50); len(sent) != 1 || sent[0].File == nil {
		t.Errorf("chat got %v, want one photo", sent)
	}
}

func TestSendPhotoFallback(t *testing.T) {
	h := newHarness(t)
	broken := func(context.Context, bot.Week) ([]byte, error) { return nil, errors.New("no fonts") }
	s := NewSender(h.client, WithLogger(h.log), WithDraw(broken))
	w := &bot.Week{Target: 8}
	w.Days[6].Sessions = 8
	if err := s.Send(context.Background(), ConvKey(50, 50), bot.Reply{Text: "Today: 8 sessions", Week: w}); err != nil {
		t.Fatalf("Send = %v", err)
	}
	if p := h.api.Calls("sendPhoto"); len(p) != 0 {
		t.Errorf("sendPhoto calls = %d, want none", len(p))
	}
	if sent := h.api.Sent(50); len(sent) != 1 || sent[0].Text != "Today: 8 sessions\n\n······█" {
		t.Errorf("chat got %+v, want the text and a sparkline", sent)
	}
	if strings.Contains(h.logs.String(), "Today") {
		t.Errorf("the log quotes the message: %s", h.logs.String())
	}
}

// TestWeekAndExportEndToEnd logs a session by taps, then /week and
// /export come back as a photo and a CSV document through the Engine,
// the outbox and the Sender.
func TestWeekAndExportEndToEnd(t *testing.T) {
	h := newHarness(t)
	const user = 77
	h.say(user, "/log")
	h.press(user, "Both sides")
	h.press(user, "20 min")
	h.say(user, "40 and 35")
	h.say(user, "/week")
	h.say(user, "/export")
	photo := h.api.Calls("sendPhoto")
	// /week's chart with its text as the caption, then /export's chart
	// (the one-page summary) and the CSV with the caption and buttons.
	if len(photo) != 2 || photo[0].Files["photo"].ContentType != "image/png" || !strings.Contains(photo[0].Params["caption"], "7 days") || photo[1].Params["caption"] != "" {
		t.Fatalf("sendPhoto calls = %d, want 2: /week's with its text, /export's without", len(photo))
	}
	doc := h.api.Calls("sendDocument")
	if len(doc) != 1 || doc[0].Files["document"].ContentType != "text/csv" || !strings.Contains(string(doc[0].Files["document"].Data), ",both,20,40,35\n") {
		t.Fatalf("sendDocument calls = %d, want the CSV with the session", len(doc))
	}
	if !strings.Contains(doc[0].Params["caption"], "lactation consultant") || len(doc[0].Keyboard()) == 0 {
		t.Errorf("sendDocument caption, keyboard = %q, %v, want /export's text and its buttons", doc[0].Params["caption"], doc[0].Keyboard())
	}
	if sent := h.api.Sent(user); sent[len(sent)-1].File == nil || sent[len(sent)-1].File.ContentType != "text/csv" {
		t.Errorf("the last message in the chat is not the CSV")
	}
}

func TestSendPhotoRefused(t *testing.T) {
	h := newHarness(t)
	h.api.Fail("sendPhoto", 1, tgtest.Failure{Code: 400, Description: "Bad Request: PHOTO_INVALID_DIMENSIONS"})
	r := bot.Reply{Text: "Today: 3 sessions", Buttons: []bot.Button{{Label: "Next", Data: "1:w:next:a"}}, Week: &bot.Week{Target: 8}}
	if err := h.sender.Send(context.Background(), ConvKey(50, 50), r); err != nil {
		t.Fatalf("Send with the photo refused = %v, want the text sent instead", err)
	}
	if sent := h.api.Sent(50); len(sent) != 1 || sent[0].Text != "Today: 3 sessions" || len(sent[0].Buttons()) != 1 {
		t.Errorf("chat got %+v, want the text and its button", sent)
	}
}
