package slack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/letdownbot/letdown/adapters/internal/logcsv"
	"github.com/letdownbot/letdown/adapters/internal/textsplit"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/bot"
)

// Slack's limits, as the Sender and the dispatcher need them.
const (
	// MaxSection is the most characters in one section block's text.
	MaxSection = 3000
	// MaxBlocks is the most blocks in one message.
	MaxBlocks = 50
	// MaxButtonText is the most characters on a button.
	MaxButtonText = 75
	// MaxButtonValue is the most characters in a button's value.
	MaxButtonValue = 2000
	// MaxButtonURL is the most characters in a link button's url.
	MaxButtonURL = 3000
	// MaxButtonsPerBlock is the most elements in one actions block.
	MaxButtonsPerBlock = 25
	// MaxFallback bounds the plain-text fallback that notifications show.
	MaxFallback = 3000

	// ChannelEvery and ChannelBurst pace one conversation: Slack allows
	// about one chat.postMessage a second per channel, with short bursts,
	// so a turn's two or three replies arrive together.
	ChannelEvery = time.Second
	ChannelBurst = 3
)

// Pace returns how often the dispatcher may send to conv's DM, and how
// many messages it may send at once before that pace applies.
func Pace(bot.Conv) (every time.Duration, burst int) { return ChannelEvery, ChannelBurst }

var _ bot.Sender = (*Sender)(nil)

// Sender delivers replies to her DM with the app, or to a channel's
// thread for a channel's conversation, as Block Kit messages:
// the text in plain_text sections (nothing in it is taken for markup) and
// one button per choice (a link button for a reply's URL).
//
// It posts with chat.postMessage and channel = her user id, which Slack
// delivers to the app's DM with her (the Messages tab of the app's home),
// opening it if need be: no conversations.open round trip, and the DM
// channel id comes back in every interaction payload.
type Sender struct {
	api      *slack.Client
	log      *slog.Logger
	draw     func(context.Context, bot.Week) ([]byte, error) // the week as a PNG
	progress *textsplit.Progress                             // how far replies too long for one message got
	marks    bot.Marks                                       // where marked replies went, nil for nowhere
}

// NewSender returns a Sender using api. It reads WithLogger.
func NewSender(api *slack.Client, opts ...Option) *Sender {
	o := newOptions(opts)
	return &Sender{api: api, log: o.log, draw: o.draw, progress: textsplit.NewProgress(), marks: o.marks}
}

// Send delivers r to the DM in conv. Its error is what bot.Sender asks
// for: a *bot.RetryAfterError on 429, ErrRefused when the DM is gone,
// ErrUndeliverable when Slack rejects this message, anything else
// transient. Error text never includes the message.
func (s *Sender) Send(ctx context.Context, conv bot.Conv, r bot.Reply) error {
	user, ok := userOf(conv)
	if !ok {
		return fmt.Errorf("slack: %q is not a Slack conversation: %w", conv, bot.ErrRefused)
	}
	if r.Erase != "" {
		return s.erase(ctx, conv, r.Erase)
	}
	user, err := s.channelOf(ctx, user)
	if err != nil {
		return err
	}
	r.Text = slashCommands(r.Text)
	msgs := Messages(r, s.dropped(conv))
	if len(msgs) == 0 {
		s.log.Error("slack: empty reply not sent", "conv", conv)
		return nil
	}
	files, drawn := s.attachments(ctx, conv, r)
	if r.Week != nil && !drawn {
		// The chart could not be drawn: the text says it in words, and
		// a sparkline shows the shape.
		r.Text += "\n\n" + r.Week.Sparkline()
		msgs = Messages(r, s.dropped(conv))
	}
	// The files go last, after the text and its buttons.
	return s.progress.Send(conv, r.Text, len(msgs)+len(files), func(i int) error {
		if i >= len(msgs) {
			return s.upload(ctx, user, files[i-len(msgs)])
		}
		m := msgs[i]
		opts := []slack.MsgOption{
			slack.MsgOptionText(m.Text, true),
			slack.MsgOptionBlocks(m.Blocks...),
			slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionDisableMediaUnfurl(),
		}
		if r.Thread != "" {
			// A channel's answer goes in the thread it was asked in.
			opts = append(opts, slack.MsgOptionTS(r.Thread))
		}
		channel, ts, err := s.api.PostMessageContext(ctx, user, opts...)
		if err != nil {
			return sendErr(err)
		}
		s.record(ctx, conv, r, channel, ts)
		return nil
	})
}

// file is one file for her DM: its name, title and bytes.
type file struct {
	name, title string
	data        []byte
}

// attachments are the files r carries, in the order they go: her week
// drawn as a PNG, then her log as a CSV. drawn reports whether the week,
// if any, was drawn. A file that could not be made is left out and
// logged, without her data.
func (s *Sender) attachments(ctx context.Context, conv bot.Conv, r bot.Reply) (files []file, drawn bool) {
	if r.Week != nil {
		data, err := s.draw(ctx, *r.Week)
		if err != nil {
			s.log.Error("slack: chart not drawn, sending text", "conv", conv, "err", err)
		} else {
			files, drawn = append(files, file{name: "week.png", title: r.Week.Words.Title, data: data}), true
		}
	}
	if r.Export != nil {
		name, data, err := logcsv.File(*r.Export)
		if err != nil {
			s.log.Error("slack: export not written", "conv", conv, "err", err)
		} else {
			files = append(files, file{name: name, title: name, data: data})
		}
	}
	return files, drawn
}

// upload shares f in her DM with files upload v2, which needs the DM's
// channel id, not her user id.
func (s *Sender) upload(ctx context.Context, user string, f file) error {
	ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	if err != nil {
		return sendErr(err)
	}
	_, err = s.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(f.data), FileSize: len(f.data), Filename: f.name, Title: f.title, Channel: ch.ID,
	})
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) && uploadRefused[resp.Err] {
		return fmt.Errorf("%w: slack files upload: %s", bot.ErrUndeliverable, resp.Err)
	}
	if err != nil {
		return sendErr(err)
	}
	return nil
}

func (s *Sender) dropped(conv bot.Conv) func(i int, b bot.Button) {
	return func(i int, b bot.Button) {
		s.log.Error("slack: button dropped, Slack would refuse it", "conv", conv, "button", i, "value_bytes", len(b.Data))
	}
}

// commandRef matches a slash command named in the dialog's text, such as
// "/start" or "/help", at a word boundary.
var commandRef = regexp.MustCompile(`(^|[\s("'])/([a-z]+)\b`)

// slashCommands rewrites the commands the dialog names ("type /start") as
// Slack users type them: Slack routes every slash command of the app
// through /letdown, so "/start" becomes "/letdown start".
func slashCommands(text string) string {
	return commandRef.ReplaceAllString(text, "${1}/letdown $2")
}

// Message is one chat.postMessage: its blocks and the plain-text fallback
// that notifications show.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Messages lays r out within Slack's limits: its text in sections of at
// most MaxSection characters, at most MaxBlocks blocks a message (more
// messages if need be), and its buttons in actions blocks under the last
// one, action_id "b0", "b1"… and value the button's data. A button Slack
// would refuse is left out and reported to drop, if not nil.
func Messages(r bot.Reply, drop func(i int, b bot.Button)) []Message {
	var buttons []slack.BlockElement
	for i, b := range r.Buttons {
		label := strings.TrimSpace(b.Label)
		if b.URL != "" && label != "" && utf8.RuneCountInString(b.URL) <= MaxButtonURL {
			btn := slack.NewButtonBlockElement("b"+strconv.Itoa(i), "", slack.NewTextBlockObject(slack.PlainTextType, truncateRunes(label, MaxButtonText), true, false))
			btn.URL = b.URL
			buttons = append(buttons, btn)
			continue
		}
		if b.Data == "" || utf8.RuneCountInString(b.Data) > MaxButtonValue || label == "" {
			if drop != nil {
				drop(i, b)
			}
			continue
		}
		buttons = append(buttons, slack.NewButtonBlockElement("b"+strconv.Itoa(i), b.Data,
			slack.NewTextBlockObject(slack.PlainTextType, truncateRunes(label, MaxButtonText), true, false)))
	}
	var actions []slack.Block
	for len(buttons) > 0 {
		n := min(len(buttons), MaxButtonsPerBlock)
		actions = append(actions, slack.NewActionBlock("", buttons[:n]...))
		buttons = buttons[n:]
	}
	parts := Split(r.Text, MaxSection)
	if len(parts) == 0 {
		return nil
	}
	var msgs []Message
	for len(parts) > 0 {
		// The last message keeps room for the buttons: leave it at least
		// one part.
		room := len(parts)
		if room > MaxBlocks-len(actions) {
			room = max(1, min(MaxBlocks, len(parts)-1))
		}
		var m Message
		for _, p := range parts[:room] {
			m.Blocks = append(m.Blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, p, true, false), nil, nil))
		}
		m.Text = truncateRunes(strings.Join(parts[:room], "\n\n"), MaxFallback)
		parts = parts[room:]
		if len(parts) == 0 {
			m.Blocks = append(m.Blocks, actions...)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// Split cuts text into parts of at most limit characters, at a paragraph
// break, else a line break, else a space, never inside a character (see
// textsplit).
func Split(text string, limit int) []string {
	return textsplit.Split(text, limit, textsplit.Runes)
}

// fits returns the length in bytes of the longest prefix of s with at
// most limit characters.
func fits(s string, limit int) int { return textsplit.Fits(s, limit, textsplit.Runes) }

// truncateRunes cuts s to at most n characters, ending in "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	end := fits(s, n-1)
	return strings.TrimSpace(s[:end]) + "…"
}
