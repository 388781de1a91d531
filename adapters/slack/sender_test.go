package slack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
)

func TestSendErrors(t *testing.T) {
	conv := ConvKey(slacktest.Team, "U70")
	tests := []struct {
		name        string
		fail        slacktest.Failure
		after       time.Duration // want a *bot.RetryAfterError with this
		refused     bool
		undelivered bool
	}{
		{"429", slacktest.RateLimited(7), 7 * time.Second, false, false},
		{"429 without a wait", slacktest.RateLimited(0), time.Second, false, false},
		{"channel_not_found", slacktest.Error("channel_not_found"), 0, true, false},
		{"not_in_channel", slacktest.Error("not_in_channel"), 0, true, false},
		{"account_inactive", slacktest.Error("account_inactive"), 0, true, false},
		{"is_archived", slacktest.Error("is_archived"), 0, true, false},
		{"user_not_found", slacktest.Error("user_not_found"), 0, true, false},
		{"cannot_dm_bot", slacktest.Error("cannot_dm_bot"), 0, true, false},
		{"invalid_blocks", slacktest.Error("invalid_blocks"), 0, false, true},
		{"msg_too_long", slacktest.Error("msg_too_long"), 0, false, true},
		{"invalid_arguments", slacktest.Error("invalid_arguments"), 0, false, true},
		{"internal_error", slacktest.Error("internal_error"), 0, false, false},
		{"500", slacktest.Failure{Status: 500}, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := slacktest.New(t)
			s := NewSender(api.Client())
			api.Fail("chat.postMessage", 1, tt.fail)
			err := s.Send(context.Background(), conv, bot.Reply{Text: "a private reply text"})
			if err == nil {
				t.Fatalf("Send(%s) = nil, want an error", tt.name)
			}
			var ra *bot.RetryAfterError
			if got := errors.As(err, &ra); got != (tt.after > 0) || (got && ra.After != tt.after) {
				t.Errorf("Send(%s) = %v, want RetryAfterError %v: %v", tt.name, err, tt.after > 0, tt.after)
			}
			if got := errors.Is(err, bot.ErrRefused); got != tt.refused {
				t.Errorf("Send(%s) = %v; errors.Is(ErrRefused) = %v, want %v", tt.name, err, got, tt.refused)
			}
			if got := errors.Is(err, bot.ErrUndeliverable); got != tt.undelivered {
				t.Errorf("Send(%s) = %v; errors.Is(ErrUndeliverable) = %v, want %v", tt.name, err, got, tt.undelivered)
			}
			if strings.Contains(err.Error(), "private reply") {
				t.Errorf("Send(%s) error %q quotes the message", tt.name, err)
			}
			// The next send goes through.
			if err := s.Send(context.Background(), conv, bot.Reply{Text: "again"}); err != nil {
				t.Errorf("Send(after %s) = %v, want nil", tt.name, err)
			}
		})
	}
}

func TestSendNotSlack(t *testing.T) {
	api := slacktest.New(t)
	s := NewSender(api.Client())
	for _, conv := range []bot.Conv{"tg:1:1", "slack:T1", "slack::U1", "slack:T1:", "console:local"} {
		if err := s.Send(context.Background(), conv, bot.Reply{Text: "x"}); !errors.Is(err, bot.ErrRefused) {
			t.Errorf("Send(%q) = %v, want ErrRefused", conv, err)
		}
	}
	if n := len(api.Calls("")); n != 0 {
		t.Errorf("%d Web API calls for conversations that are not Slack's, want none", n)
	}
}

func TestMessages(t *testing.T) {
	long := strings.Repeat("word ", 1000) // 5000 characters
	huge := strings.Repeat("ab ", 60000)  // 180000 characters
	buttons := []bot.Button{
		{Label: "Next", Data: "1:w:next"},
		{Label: strings.Repeat("é", 100), Data: "1:w:why"},
		{Label: "", Data: "1:w:bad"},
		{Label: "No data", Data: ""},
		{Label: "Too long", Data: strings.Repeat("x", MaxButtonValue+1)},
	}
	tests := []struct {
		name     string
		r        bot.Reply
		messages int
		buttons  int
		dropped  int
	}{
		{"short", bot.Reply{Text: "Hello", Buttons: buttons[:1]}, 1, 1, 0},
		{"no text", bot.Reply{Text: "  "}, 0, 0, 0},
		{"two sections", bot.Reply{Text: long, Buttons: buttons}, 1, 2, 3},
		{"over 50 sections", bot.Reply{Text: huge, Buttons: buttons[:1]}, 2, 1, 0},
	}
	for _, tt := range tests {
		dropped := 0
		msgs := Messages(tt.r, func(int, bot.Button) { dropped++ })
		if len(msgs) != tt.messages {
			t.Errorf("Messages(%s) = %d messages, want %d", tt.name, len(msgs), tt.messages)
			continue
		}
		if dropped != tt.dropped {
			t.Errorf("Messages(%s) dropped %d buttons, want %d", tt.name, dropped, tt.dropped)
		}
		var text []string
		nbuttons := 0
		for i, m := range msgs {
			if len(m.Blocks) > MaxBlocks {
				t.Errorf("Messages(%s)[%d] has %d blocks, want at most %d", tt.name, i, len(m.Blocks), MaxBlocks)
			}
			if m.Text == "" || utf8.RuneCountInString(m.Text) > MaxFallback {
				t.Errorf("Messages(%s)[%d] fallback has %d characters, want 1 to %d", tt.name, i, utf8.RuneCountInString(m.Text), MaxFallback)
			}
			ids := map[string]bool{}
			for _, b := range m.Blocks {
				switch b := b.(type) {
				case *slack.SectionBlock:
					if n := utf8.RuneCountInString(b.Text.Text); n > MaxSection || b.Text.Type != slack.PlainTextType {
						t.Errorf("Messages(%s)[%d] section of %d characters, type %s; want at most %d, plain_text", tt.name, i, n, b.Text.Type, MaxSection)
					}
					text = append(text, b.Text.Text)
				case *slack.ActionBlock:
					if i != len(msgs)-1 {
						t.Errorf("Messages(%s)[%d] has buttons, want them only under the last message", tt.name, i)
					}
					for _, e := range b.Elements.ElementSet {
						btn := e.(*slack.ButtonBlockElement)
						nbuttons++
						if utf8.RuneCountInString(btn.Text.Text) > MaxButtonText || ids[btn.ActionID] {
							t.Errorf("Messages(%s) button %q (action_id %s): too long or a repeated action_id", tt.name, btn.Text.Text, btn.ActionID)
						}
						ids[btn.ActionID] = true
					}
				}
			}
		}
		if nbuttons != tt.buttons {
			t.Errorf("Messages(%s) has %d buttons, want %d", tt.name, nbuttons, tt.buttons)
		}
		if got, want := strings.Join(strings.Fields(strings.Join(text, " ")), " "), strings.Join(strings.Fields(tt.r.Text), " "); got != want {
			t.Errorf("Messages(%s) lost or changed text: %d characters, want %d", tt.name, len(got), len(want))
		}
	}
}

// TestSendResumesSplitReply: a reply too long for one message failed
// after its first part; the retry sends only the rest.
func TestSendResumesSplitReply(t *testing.T) {
	api := slacktest.New(t)
	s := NewSender(api.Client())
	conv := ConvKey(slacktest.Team, "U71")
	r := bot.Reply{Text: strings.Repeat("ab ", 60000)}
	if err := s.Send(context.Background(), conv, bot.Reply{Text: "warm up"}); err != nil {
		t.Fatal(err)
	}
	// The first part goes, the second fails.
	api.Fail("chat.postMessage", 1, slacktest.Pass)
	api.Fail("chat.postMessage", 1, slacktest.Failure{Status: 500})
	if err := s.Send(context.Background(), conv, r); err == nil {
		t.Fatalf("Send(with a 500) = nil, want an error")
	}
	if err := s.Send(context.Background(), conv, r); err != nil {
		t.Fatalf("Send(retry) = %v", err)
	}
	if got := len(api.Messages(slacktest.DM("U71"))); got != 3 {
		t.Errorf("DM has %d messages, want warm up and the two parts once each", got)
	}
}

func TestTimeZone(t *testing.T) {
	api := slacktest.New(t)
	api.SetTZ("U80", "America/Chicago")
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	z := NewTimeZones(api.Client(), WithZoneTTL(time.Hour), WithClock(func() time.Time { return now }))
	ctx := context.Background()
	for range 3 {
		if tz, err := z.TimeZone(ctx, "U80"); err != nil || tz != "America/Chicago" {
			t.Fatalf("TimeZone(U80) = %q, %v; want America/Chicago", tz, err)
		}
	}
	if n := len(api.Calls("users.info")); n != 1 {
		t.Errorf("three lookups within the TTL made %d users.info calls, want 1", n)
	}
	api.SetTZ("U80", "Europe/Berlin")
	now = now.Add(2 * time.Hour)
	if tz, _ := z.TimeZone(ctx, "U80"); tz != "Europe/Berlin" {
		t.Errorf("TimeZone(U80) after the TTL = %q, want Europe/Berlin", tz)
	}
	api.Fail("users.info", 1, slacktest.Error("user_not_found"))
	if _, err := z.TimeZone(ctx, "U81"); err == nil {
		t.Errorf("TimeZone(U81) with users.info failing = nil error, want one")
	}
	if tz, err := z.TimeZone(ctx, "U81"); err != nil || tz != slacktest.DefaultTZ {
		t.Errorf("TimeZone(U81) after a failure = %q, %v; want a fresh lookup %q", tz, err, slacktest.DefaultTZ)
	}
}

func TestTimeZoneConcurrent(t *testing.T) {
	api := slacktest.New(t)
	z := NewTimeZones(api.Client())
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			z.TimeZone(context.Background(), []string{"U1", "U2"}[i%2])
		}()
	}
	for range 8 {
		<-done
	}
}

func TestBotUserID(t *testing.T) {
	api := slacktest.New(t)
	if id, err := BotUserID(context.Background(), api.Client()); err != nil || id != slacktest.BotUserID {
		t.Errorf("BotUserID() = %q, %v; want %q", id, err, slacktest.BotUserID)
	}
	api.Fail("auth.test", 1, slacktest.Error("invalid_auth"))
	if _, err := BotUserID(context.Background(), api.Client()); err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("BotUserID(bad token) = %v, want an invalid_auth error", err)
	}
	if c := NewClient("xoxb-x", api.URL+"/api"); c == nil {
		t.Fatal("NewClient() = nil")
	} else if _, err := BotUserID(context.Background(), c); err != nil {
		t.Errorf("NewClient(api URL without a trailing slash): auth.test = %v", err)
	}
}

func TestSlashCommandsAreWrittenForSlack(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Type /start to begin.", "Type /letdown start to begin."},
		{"/help — what I can do\n/forget — erase", "/letdown help — what I can do\n/letdown forget — erase"},
		{"(or /restart)", "(or /letdown restart)"},
		{"every 2/3 hours, and/or skin-to-skin, https://example.org/start", "every 2/3 hours, and/or skin-to-skin, https://example.org/start"},
	}
	for _, tt := range tests {
		if got := slashCommands(tt.in); got != tt.want {
			t.Errorf("slashCommands(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMessagesLinkButton: a reply's link button becomes a Slack url
// button, not a dropped one.
func TestMessagesLinkButton(t *testing.T) {
	msgs := Messages(bot.Reply{Text: "hi", Buttons: []bot.Button{{Label: "Open", URL: "https://example.org/x"}, {Label: "Why?", Data: "1:g:why:abcd"}}}, func(i int, b bot.Button) {
		t.Errorf("button %d %+v dropped", i, b)
	})
	if len(msgs) != 1 {
		t.Fatalf("Messages() = %d messages, want 1", len(msgs))
	}
	a, ok := msgs[0].Blocks[len(msgs[0].Blocks)-1].(*slack.ActionBlock)
	if !ok || len(a.Elements.ElementSet) != 2 {
		t.Fatalf("last block %+v, want an actions block of 2 buttons", msgs[0].Blocks)
	}
	if b := a.Elements.ElementSet[0].(*slack.ButtonBlockElement); b.URL != "https://example.org/x" || b.Value != "" {
		t.Errorf("link button = %+v, want url set and no value", b)
	}
}
