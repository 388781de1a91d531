package slack

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
)

func TestSendFiles(t *testing.T) {
	api := slacktest.New(t)
	s := NewSender(api.Client())
	conv := ConvKey(slacktest.Team, "U1")
	week := &bot.Week{Target: 8, Words: bot.ChartWords{Title: "Your last 7 days"}}
	week.Days[6] = bot.Day{Label: "Sun 22", Sessions: 3, Night: 1, Minutes: 60, MlLeft: 40, MlRight: 35}
	buttons := []bot.Button{{Label: "Next", Data: "1:w:next:a"}}
	if err := s.Send(context.Background(), conv, bot.Reply{Text: "Today: 3 sessions", Buttons: buttons, Week: week}); err != nil {
		t.Fatalf("Send(week) = %v", err)
	}
	at := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	export := &bot.Export{Zone: "UTC", Log: dialog.EncodeLog([]dialog.Session{{at.Unix() / 60, 20, 1, 30, 0}})}
	if err := s.Send(context.Background(), conv, bot.Reply{Text: "Here is your log", Export: export}); err != nil {
		t.Fatalf("Send(export) = %v", err)
	}
	for _, m := range []string{"files.getUploadURLExternal", "upload", "files.completeUploadExternal"} {
		if n := len(api.Calls(m)); n != 2 {
			t.Errorf("%s calls = %d, want 2", m, n)
		}
	}
	up := api.Uploads()
	if len(up) != 2 {
		t.Fatalf("uploads = %d, want 2", len(up))
	}
	dm := slacktest.DM("U1")
	if u := up[0]; u.Channel != dm || u.Name != "week.png" || !bytes.HasPrefix(u.Data, []byte("\x89PNG")) || u.Title != "Your last 7 days" {
		t.Errorf("first upload = %s %q %q in %q, %d bytes, want week.png, a PNG, in %s", u.ID, u.Name, u.Title, u.Channel, len(u.Data), dm)
	}
	want := "date,start,side,minutes,ml_left,ml_right\n2026-11-22,14:00,left,20,30,0\n"
	if u := up[1]; u.Channel != dm || u.Name != "letdown-log-2026-11-22.csv" || string(u.Data) != want {
		t.Errorf("second upload = %q in %q: %q, want the CSV %q in %s", u.Name, u.Channel, u.Data, want, dm)
	}
	msgs := api.Messages(dm)
	if len(msgs) != 2 || msgs[0].Body() != "Today: 3 sessions" || len(msgs[0].Buttons()) != 1 {
		t.Errorf("DM messages = %+v, want the two texts, the first with its button", msgs)
	}
}

func TestSendFileRetry(t *testing.T) {
	api := slacktest.New(t)
	s := NewSender(api.Client())
	conv := ConvKey(slacktest.Team, "U1")
	api.Fail("files.completeUploadExternal", 1, slacktest.Error("internal_error"))
	r := bot.Reply{Text: "Today", Week: &bot.Week{Target: 8}}
	if err := s.Send(context.Background(), conv, r); err == nil {
		t.Fatal("Send with the upload failing = nil, want an error to retry")
	}
	if err := s.Send(context.Background(), conv, r); err != nil {
		t.Fatalf("Send again = %v", err)
	}
	if n := len(api.Messages(slacktest.DM("U1"))); n != 1 {
		t.Errorf("DM messages = %d, want 1: the retry sends only the file", n)
	}
	if up := api.Uploads(); len(up) != 2 || up[1].Channel == "" {
		t.Errorf("uploads = %+v, want the second shared", up)
	}
}

func TestSendFileFallback(t *testing.T) {
	api := slacktest.New(t)
	broken := func(context.Context, bot.Week) ([]byte, error) { return nil, errors.New("no fonts") }
	s := NewSender(api.Client(), WithDraw(broken))
	w := &bot.Week{Target: 8}
	w.Days[6].Sessions = 8
	if err := s.Send(context.Background(), ConvKey(slacktest.Team, "U1"), bot.Reply{Text: "Today: 8 sessions", Week: w}); err != nil {
		t.Fatalf("Send = %v", err)
	}
	if up := api.Uploads(); len(up) != 0 {
		t.Errorf("uploads = %d, want none", len(up))
	}
	if m := api.Messages(slacktest.DM("U1")); len(m) != 1 || m[0].Body() != "Today: 8 sessions\n\n······█" {
		t.Errorf("DM = %+v, want the text and a sparkline", m)
	}
}

// TestWeekAndExportEndToEnd sends /letdown week and /letdown export from
// her DM: the files arrive in the DM through the Engine, the outbox and
// the Sender.
func TestWeekAndExportEndToEnd(t *testing.T) {
	h := newHarness(t)
	const user = "U77"
	conv := ConvKey(slacktest.Team, user)
	h.say(user, "hello")
	for _, cmd := range []string{"week", "export"} {
		h.post(CommandsPath, commandBody(user, slacktest.DM(user), cmd, h.next()))
		h.drain(conv)
	}
	up := h.api.Uploads()
	if len(up) != 1 || up[0].Name != "week.png" || up[0].Channel != slacktest.DM(user) {
		t.Fatalf("uploads = %+v, want the week's PNG in her DM (an empty log sends no file)", up)
	}
	last := h.api.Messages(slacktest.DM(user))
	if got := last[len(last)-1].Body(); got != slashCommands(h.msg("export_empty")) {
		t.Errorf("last DM = %q, want the empty-log message", got)
	}
}

func TestSendFileMissingScope(t *testing.T) {
	api := slacktest.New(t)
	s := NewSender(api.Client())
	api.Fail("files.getUploadURLExternal", 1, slacktest.Error("missing_scope"))
	err := s.Send(context.Background(), ConvKey(slacktest.Team, "U1"), bot.Reply{Text: "Today", Week: &bot.Week{Target: 8}})
	if !errors.Is(err, bot.ErrUndeliverable) {
		t.Errorf("Send without files:write = %v, want bot.ErrUndeliverable (sending again cannot help)", err)
	}
	if m := api.Messages(slacktest.DM("U1")); len(m) != 1 {
		t.Errorf("DM messages = %d, want the text, sent before the file", len(m))
	}
}
