package telegram

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

func TestSenderErrors(t *testing.T) {
	reply := bot.Reply{Text: "Hello", Buttons: []bot.Button{{Label: "Next", Data: "1:w:next:a"}}}
	tests := []struct {
		name      string
		fail      tgtest.Failure
		retry     time.Duration // want a *bot.RetryAfterError with this wait
		refused   bool
		reject    bool // this reply can never go: bot.ErrUndeliverable
		transient bool
	}{
		{name: "429", fail: tgtest.TooManyRequests(7), retry: 7 * time.Second},
		{name: "429 without a wait", fail: tgtest.Failure{Code: 429, Description: "Too Many Requests"}, retry: time.Second},
		{name: "blocked", fail: tgtest.Forbidden, refused: true},
		{name: "deactivated", fail: tgtest.Failure{Code: 403, Description: "Forbidden: user is deactivated"}, refused: true},
		{name: "chat not found", fail: tgtest.ChatNotFound, refused: true},
		{name: "500", fail: tgtest.ServerError, transient: true},
		{name: "other 400", fail: tgtest.Failure{Code: 400, Description: "Bad Request: message is too long"}, reject: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.api.Fail("sendMessage", 1, tt.fail)
			err := h.sender.Send(context.Background(), ConvKey(50, 50), reply)
			var ra *bot.RetryAfterError
			switch {
			case tt.retry > 0:
				if !errors.As(err, &ra) || ra.After != tt.retry {
					t.Errorf("Send() = %v, want *bot.RetryAfterError{After: %s}", err, tt.retry)
				}
			case tt.refused:
				if !errors.Is(err, bot.ErrRefused) {
					t.Errorf("Send() = %v, want one wrapping bot.ErrRefused", err)
				}
			case tt.reject:
				if !errors.Is(err, bot.ErrUndeliverable) || errors.Is(err, bot.ErrRefused) {
					t.Errorf("Send() = %v, want one wrapping bot.ErrUndeliverable only", err)
				}
			case tt.transient:
				if err == nil || errors.Is(err, bot.ErrRefused) || errors.Is(err, bot.ErrUndeliverable) || errors.As(err, &ra) {
					t.Errorf("Send() = %v, want a transient error", err)
				}
			}
			if err != nil && strings.Contains(err.Error(), reply.Text) {
				t.Errorf("Send() error %q quotes the message", err)
			}
			// The fake is back to normal: the retry goes through.
			if err := h.sender.Send(context.Background(), ConvKey(50, 50), reply); err != nil {
				t.Errorf("Send() again = %v, want nil", err)
			}
		})
	}
}

func TestSenderBadConv(t *testing.T) {
	h := newHarness(t)
	for _, conv := range []bot.Conv{"slack:T1:U2", "tg:", "tg:abc:1", "tg:0:0", "console:local"} {
		err := h.sender.Send(context.Background(), conv, bot.Reply{Text: "hi"})
		if !errors.Is(err, bot.ErrRefused) {
			t.Errorf("Send(%q) = %v, want bot.ErrRefused (no retry can deliver it)", conv, err)
		}
	}
	if calls := h.api.Calls(""); len(calls) != 0 {
		t.Errorf("Bot API calls %v, want none", calls)
	}
}

func TestSenderPlainTextAndButtons(t *testing.T) {
	h := newHarness(t)
	text := "Use *both* hands_ [here](x) <b>now</b> & 1.5 > 1"
	err := h.sender.Send(context.Background(), ConvKey(51, 51), bot.Reply{Text: text, Buttons: []bot.Button{
		{Label: "Done / it helped", Data: "1:w:done:a"},
		{Label: "Too long", Data: strings.Repeat("d", 65)},
		{Label: "Next", Data: "1:w:next:a"},
		{Label: "No data", Data: ""},
	}})
	if err != nil {
		t.Fatalf("Send() = %v", err)
	}
	calls := h.api.Calls("sendMessage")
	if len(calls) != 1 {
		t.Fatalf("sendMessage called %d times, want 1", len(calls))
	}
	c := calls[0]
	if c.Params["text"] != text || c.Params["parse_mode"] != "" {
		t.Errorf("sendMessage(text %q, parse_mode %q), want %q as plain text", c.Params["text"], c.Params["parse_mode"], text)
	}
	kb := c.Keyboard()
	if len(kb) != 2 || kb[0][0].CallbackData != "1:w:done:a" || kb[1][0].CallbackData != "1:w:next:a" || len(kb[0]) != 1 || len(kb[1]) != 1 {
		t.Errorf("keyboard %+v, want two rows of one button, the bad ones dropped", kb)
	}
	if strings.Contains(c.Params["reply_markup"], "copy_text") {
		t.Errorf("reply_markup %s carries copy_text, want callback buttons only", c.Params["reply_markup"])
	}
	if !strings.Contains(h.logs.String(), "button dropped") {
		t.Errorf("a dropped button was not logged; logs:\n%s", h.logs.String())
	}
}

func TestSenderSplitsLongText(t *testing.T) {
	h := newHarness(t)
	para := strings.TrimSpace(strings.Repeat("Breathe out slowly and let your shoulders drop. ", 30)) // ~1.4k
	text := strings.Join([]string{para, para, para, para, para, para, para}, "\n\n")
	buttons := []bot.Button{{Label: "Next", Data: "1:w:next:a"}}
	if err := h.sender.Send(context.Background(), ConvKey(52, 52), bot.Reply{Text: text, Buttons: buttons}); err != nil {
		t.Fatalf("Send(%d characters) = %v", len(text), err)
	}
	sent := h.api.Sent(52)
	if len(sent) < 3 {
		t.Fatalf("Send(%d characters) sent %d messages, want at least 3", len(text), len(sent))
	}
	var joined []string
	for i, m := range sent {
		if n := len(utf16.Encode([]rune(m.Text))); n > MaxMessage {
			t.Errorf("part %d is %d characters, want at most %d", i, n, MaxMessage)
		}
		if want := i == len(sent)-1; (len(m.Keyboard) > 0) != want {
			t.Errorf("part %d of %d has keyboard %v, want one only on the last", i+1, len(sent), m.Keyboard)
		}
		if !strings.HasSuffix(m.Text, ".") {
			t.Errorf("part %d ends %q, want a cut at a paragraph", i+1, m.Text[len(m.Text)-10:])
		}
		joined = append(joined, m.Text)
	}
	if got := strings.Join(joined, "\n\n"); got != strings.TrimSpace(text) {
		t.Errorf("parts joined again differ from the text")
	}
}

func TestSenderResumesSplitReply(t *testing.T) {
	h := newHarness(t)
	conv := ConvKey(53, 53)
	text := strings.Repeat("a", 4000) + "\n\n" + strings.Repeat("b", 4000) + "\n\n" + strings.Repeat("c", 4000)
	reply := bot.Reply{Text: text, Buttons: []bot.Button{{Label: "Next", Data: "1:w:next:a"}}}
	// The first part goes through, the second is rate limited.
	h.api.Fail("sendMessage", 1, tgtest.Pass)
	h.api.Fail("sendMessage", 1, tgtest.TooManyRequests(3))
	var ra *bot.RetryAfterError
	if err := h.sender.Send(context.Background(), conv, reply); !errors.As(err, &ra) {
		t.Fatalf("Send() = %v, want *bot.RetryAfterError", err)
	}
	if err := h.sender.Send(context.Background(), conv, reply); err != nil {
		t.Fatalf("Send() again = %v, want nil", err)
	}
	var got []byte
	for _, m := range h.api.Sent(53) {
		got = append(got, m.Text[0])
	}
	if string(got) != "abc" {
		t.Errorf("chat received parts %q, want %q: each part once, in order", got, "abc")
	}
	// A new reply starts from its first part.
	if err := h.sender.Send(context.Background(), conv, reply); err != nil {
		t.Fatalf("Send() of the next reply = %v", err)
	}
	if n := len(h.api.Sent(53)); n != 6 {
		t.Errorf("after a second reply the chat has %d messages, want 6", n)
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"fits", "hello world", 20, []string{"hello world"}},
		{"empty", "  \n ", 20, nil},
		{"paragraphs", "aaaa bbbb\n\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"lines", "aaaa bbbb\ncccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"words", "aaaa bbbb cccc dddd", 12, []string{"aaaa bbbb", "cccc dddd"}},
		{"no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"wide runes", "😀😀😀😀😀", 4, []string{"😀😀", "😀😀", "😀"}},
		{"accents", "ééééé", 2, []string{"éé", "éé", "é"}},
		{"paragraph too early", "a\n\nbbbb cccc dddd eeee", 12, []string{"a\n\nbbbb cccc", "dddd eeee"}},
	}
	for _, tt := range tests {
		got := Split(tt.text, tt.limit)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("hello\n\nworld and more", 5)
	f.Add("😀é a\nb", 1)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if limit < 2 || limit > 5000 || !utf8.ValidString(text) {
			return
		}
		for _, p := range Split(text, limit) {
			if n := len(utf16.Encode([]rune(p))); n > limit {
				t.Fatalf("Split(%q, %d): part %q is %d units", text, limit, p, n)
			}
			if !utf8.ValidString(p) || strings.TrimSpace(p) == "" {
				t.Fatalf("Split(%q, %d): part %q is blank or cut inside a character", text, limit, p)
			}
		}
	})
}

func TestPace(t *testing.T) {
	tests := []struct {
		conv  bot.Conv
		every time.Duration
		burst int
	}{
		{ConvKey(42, 42), PrivateEvery, PrivateBurst},
		{ConvKey(-100123, 42), GroupEvery, GroupBurst},
		{"slack:T1:U1", PrivateEvery, PrivateBurst},
	}
	for _, tt := range tests {
		if every, burst := Pace(tt.conv); every != tt.every || burst != tt.burst {
			t.Errorf("Pace(%s) = %s, %d, want %s, %d", tt.conv, every, burst, tt.every, tt.burst)
		}
	}
	if GroupEvery*20 > time.Minute {
		t.Errorf("GroupEvery %s allows fewer than Telegram's 20 a minute", GroupEvery)
	}
}

// The JSON calls go to the server the library client was pointed at.
func TestClientURL(t *testing.T) {
	for _, url := range []string{"http://127.0.0.1:8081", "https://bots.example.org/api"} {
		client, err := NewClient(tgtest.Token, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := clientURL(client); got != url {
			t.Errorf("clientURL(client for %s) = %s", url, got)
		}
	}
}
