package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/internal/logcsv"
	"github.com/letdownbot/letdown/adapters/internal/textsplit"
	"github.com/letdownbot/letdown/bot"
)

// Telegram's limits, as the Sender and the dispatcher need them.
const (
	// MaxMessage is the most characters (UTF-16 code units, as Telegram
	// counts) in one message; longer replies are sent in parts.
	MaxMessage = 4096
	// MaxButtonData is the most bytes of callback_data on one button.
	MaxButtonData = 64

	// PrivateEvery and PrivateBurst pace one private chat: about one
	// message a second, with a short burst so a turn's two or three
	// replies arrive together.
	PrivateEvery = time.Second
	PrivateBurst = 3
	// GroupEvery and GroupBurst pace one group: 20 messages a minute.
	GroupEvery = 3 * time.Second
	GroupBurst = 1
	// BulkPerSecond is about the most messages a second to all chats together.
	BulkPerSecond = 30
)

// Pace returns how often the dispatcher may send to conv's chat, and how
// many messages it may send at once before that pace applies. Group chats
// have negative ids in Telegram.
func Pace(conv bot.Conv) (every time.Duration, burst int) {
	if chat, ok := chatOf(conv); ok && chat < 0 {
		return GroupEvery, GroupBurst
	}
	return PrivateEvery, PrivateBurst
}

var _ bot.Sender = (*Sender)(nil)

// Sender delivers replies to Telegram chats as plain text (no parse mode,
// so nothing in the text is taken for markup) with one button per row (a
// link button for a reply's URL); a reply with a Thread answers that
// message (reply_parameters), as a group's answers do.
type Sender struct {
	client   *tgbot.Bot
	api      *jsonAPI // sendMessage as JSON: see jsonAPI
	log      *slog.Logger
	draw     func(context.Context, bot.Week) ([]byte, error) // the week as a PNG
	progress *textsplit.Progress                             // how far split replies got
	marks    bot.Marks                                       // where marked replies went, nil for nowhere
}

// NewSender returns a Sender using client. It reads WithLogger.
func NewSender(client *tgbot.Bot, opts ...Option) *Sender {
	o := newOptions(opts)
	return &Sender{client: client, api: newJSONAPI(client, o), log: o.log, draw: o.draw, progress: textsplit.NewProgress(), marks: o.marks}
}

// Send delivers r to the chat in conv. Its error is what bot.Sender asks
// for: a *bot.RetryAfterError on 429, ErrRefused when the person blocked the
// bot or the chat is gone, anything else transient. Error text never
// includes the message.
func (s *Sender) Send(ctx context.Context, conv bot.Conv, r bot.Reply) error {
	chat, ok := chatOf(conv)
	if !ok {
		// No retry can fix a key that names no Telegram chat.
		return fmt.Errorf("telegram: %q is not a Telegram conversation: %w", conv, bot.ErrRefused)
	}
	if r.Erase != "" {
		return s.erase(ctx, conv, r.Erase)
	}
	parts := Split(r.Text, MaxMessage)
	if len(parts) == 0 {
		s.log.Error("telegram: empty reply not sent", "conv", conv)
		return nil
	}
	var markup any
	if kb := s.keyboard(conv, r.Buttons); r.Location != "" {
		markup = locationKeyboard(r)
	} else if kb != nil {
		markup = kb
	}
	files, drawn := s.attachments(ctx, conv, r)
	if r.Week != nil && !drawn {
		// The chart could not be drawn: the text says it in words, and
		// a sparkline shows the shape.
		r.Text += "\n\n" + r.Week.Sparkline()
		parts = Split(r.Text, MaxMessage)
	}
	if len(files) > 0 {
		return s.sendFiles(ctx, conv, chat, r, files, markup)
	}
	return s.progress.Send(conv, r.Text, len(parts), func(i int) error {
		params := sendMessageParams{ChatID: chat, Text: parts[i], ReplyTo: replyTo(r.Thread)}
		params.LinkPreview.IsDisabled = true
		if i == len(parts)-1 && markup != nil {
			params.ReplyMarkup = markup
		}
		var m sent
		if err := s.api.call(ctx, "sendMessage", params, &m); err != nil {
			return sendErr(err)
		}
		s.record(ctx, conv, chat, r, m)
		return nil
	})
}

// MaxCaption is the most characters (UTF-16 code units) in a photo's or
// a document's caption.
const MaxCaption = 1024

// attachments are the files r carries, in the order they go: her week
// drawn as a PNG (sendPhoto), then her log as a CSV (sendDocument).
// drawn reports whether the week, if any, was drawn. A file that could
// not be made is left out and logged, without her data.
func (s *Sender) attachments(ctx context.Context, conv bot.Conv, r bot.Reply) (files []file, drawn bool) {
	if r.Week != nil {
		data, err := s.draw(ctx, *r.Week)
		if err != nil {
			s.log.Error("telegram: chart not drawn, sending text", "conv", conv, "err", err)
		} else {
			files, drawn = append(files, file{field: "photo", name: "week.png", contentType: "image/png", data: data}), true
		}
	}
	if r.Export != nil {
		name, data, err := logcsv.File(*r.Export)
		if err != nil {
			s.log.Error("telegram: export not written", "conv", conv, "err", err)
		} else {
			files = append(files, file{field: "document", name: name, contentType: "text/csv", data: data})
		}
	}
	return files, drawn
}

// sendFiles sends the files, the last with the reply's text as its
// caption and its buttons. A text too long for a caption goes first as
// messages of its own. A retry resumes after what went.
func (s *Sender) sendFiles(ctx context.Context, conv bot.Conv, chat int64, r bot.Reply, files []file, markup any) error {
	var parts []string
	caption := r.Text
	if n := len(utf16.Encode([]rune(r.Text))); n > MaxCaption {
		parts, caption = Split(r.Text, MaxMessage), ""
	}
	return s.progress.Send(conv, r.Text, len(parts)+len(files), func(i int) error {
		if i < len(parts) {
			params := sendMessageParams{ChatID: chat, Text: parts[i]}
			params.LinkPreview.IsDisabled = true
			if err := s.api.call(ctx, "sendMessage", params, nil); err != nil {
				return sendErr(err)
			}
			return nil
		}
		f := files[i-len(parts)]
		fields := map[string]string{"chat_id": strconv.FormatInt(chat, 10)}
		if i == len(parts)+len(files)-1 {
			if caption != "" {
				fields["caption"] = caption
			}
			if markup != nil {
				kb, err := json.Marshal(markup)
				if err != nil {
					return err
				}
				fields["reply_markup"] = string(kb)
			}
		}
		method := map[string]string{"photo": "sendPhoto", "document": "sendDocument"}[f.field]
		err := s.api.upload(ctx, method, fields, f, nil)
		if err == nil {
			return nil
		}
		err = sendErr(err)
		if errors.Is(err, bot.ErrUndeliverable) && errors.Is(err, tgbot.ErrorBadRequest) && fields["caption"] != "" {
			// Telegram refuses this file: the caption and buttons must
			// still reach her, as a message.
			s.log.Error("telegram: file refused, sending the text alone", "conv", conv, "method", method, "err", err)
			params := sendMessageParams{ChatID: chat, Text: caption}
			params.LinkPreview.IsDisabled = true
			if markup != nil {
				params.ReplyMarkup = markup
			}
			if err := s.api.call(ctx, "sendMessage", params, nil); err != nil {
				return sendErr(err)
			}
			return nil
		}
		return err
	})
}

// sendErr maps a failed sendMessage onto what bot.Sender promises.
func sendErr(err error) error {
	if after, ok := retryAfter(err); ok {
		return &bot.RetryAfterError{After: after}
	}
	wrapped := wrapErr("sendMessage", err)
	var migrate *tgbot.MigrateError
	switch {
	case errors.Is(err, tgbot.ErrorForbidden),
		errors.As(err, &migrate),
		errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(strings.ToLower(err.Error()), "chat not found"):
		return fmt.Errorf("%w: %w", bot.ErrRefused, wrapped)
	case errors.Is(err, tgbot.ErrorBadRequest):
		// Anything else Telegram calls a bad request is about this message
		// (too long, bad markup): sending it again cannot help.
		return fmt.Errorf("%w: %w", bot.ErrUndeliverable, wrapped)
	}
	return wrapped
}

// keyboard builds the inline keyboard, one button per row. A button
// Telegram would refuse is dropped, and logged, rather than failing the
// whole reply: she can still type or use /help.
func (s *Sender) keyboard(conv bot.Conv, buttons []bot.Button) *keyboard {
	if len(buttons) == 0 {
		return nil
	}
	kb := keyboard{InlineKeyboard: make([][]button, 0, len(buttons))}
	for i, b := range buttons {
		if b.URL != "" && strings.TrimSpace(b.Label) != "" {
			kb.InlineKeyboard = append(kb.InlineKeyboard, []button{{Text: b.Label, URL: b.URL}})
			continue
		}
		if b.Data == "" || len(b.Data) > MaxButtonData || strings.TrimSpace(b.Label) == "" {
			s.log.Error("telegram: button dropped, Telegram would refuse it", "conv", conv, "button", i, "data_bytes", len(b.Data))
			continue
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, []button{{Text: b.Label, CallbackData: b.Data}})
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return &kb
}

// locationKeyboard is a reply keyboard with a "Share my location" button
// first. A message has one keyboard only, so the reply's other buttons
// become keys that type their label, which the dialog understands as
// pressing them.
func locationKeyboard(r bot.Reply) *replyKeyboard {
	kb := &replyKeyboard{OneTime: true, Resize: true}
	kb.Keyboard = append(kb.Keyboard, []keyButton{{Text: r.Location, RequestLocation: true}})
	for _, b := range r.Buttons {
		if strings.TrimSpace(b.Label) != "" {
			kb.Keyboard = append(kb.Keyboard, []keyButton{{Text: b.Label}})
		}
	}
	return kb
}

// replyKeyboard and keyButton are the wire form of a reply keyboard.
type replyKeyboard struct {
	Keyboard [][]keyButton `json:"keyboard"`
	OneTime  bool          `json:"one_time_keyboard"`
	Resize   bool          `json:"resize_keyboard"`
}

type keyButton struct {
	Text            string `json:"text"`
	RequestLocation bool   `json:"request_location,omitempty"`
}

// keyboard and button are the wire form of an inline keyboard. The
// library's InlineKeyboardButton always encodes an empty "copy_text",
// which Telegram may refuse; these encode only what is set.
type keyboard struct {
	InlineKeyboard [][]button `json:"inline_keyboard"`
}

type button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// noPreview turns link previews off: a tip with a source link should stay
// one short message, not grow a card.
func noPreview() *models.LinkPreviewOptions {
	off := true
	return &models.LinkPreviewOptions{IsDisabled: &off}
}
