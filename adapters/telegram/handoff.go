package telegram

import (
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/bot"
)

// SupportKey is the conversation key of a supporters' group chat, where
// requests for a person are posted (SUPPORT_TELEGRAM_CHAT): the Sender
// posts to the chat itself.
func SupportKey(chatID int64) bot.Conv { return ConvKey(chatID, 0) }

// supporter reads a group update that is a supporter acting on a request
// for a person: pressing "I'll take it" or "End" under one of the bot's
// messages, or replying to one of them (text, or /end). The request is
// the one the bot's message names in its buttons' data. Such an update
// runs as a turn of her conversation (the Engine finds it from the
// request), with From the supporter; anything else in a group is left as
// Convert made it.
func supporter(ev *Event, u *models.Update) {
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		m := q.Message.Message
		if m == nil || !groupChat(m.Chat) || q.From.ID == 0 || q.From.IsBot {
			return
		}
		id, ok := bot.HandoffOf(q.Data)
		if !ok {
			return
		}
		ev.Button = q.Data
		asSupporter(ev, m.Chat.ID, &q.From, id)
	case u.Message != nil:
		m := u.Message
		r := m.ReplyToMessage
		if !groupChat(m.Chat) || m.From == nil || m.From.IsBot || r == nil || r.From == nil || !r.From.IsBot || r.ReplyMarkup == nil {
			return
		}
		id := ""
		for _, row := range r.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				if got, ok := bot.HandoffOf(b.CallbackData); ok {
					id = got
				}
			}
		}
		if id == "" {
			return
		}
		if cmd, _, _, ok := command(m.Text); ok {
			if cmd != "end" {
				return
			}
			ev.Command = cmd
		} else if m.Text != "" {
			ev.Text = truncate(m.Text, MaxText)
		} else {
			return
		}
		if m.Date > 0 {
			ev.At = time.Unix(int64(m.Date), 0).UTC()
		}
		asSupporter(ev, m.Chat.ID, m.From, id)
	}
}

func asSupporter(ev *Event, chat int64, from *models.User, id string) {
	// Not a group turn: a turn of her conversation, with nothing of the
	// group's thread or the supporter's language in it.
	ev.Ignore, ev.Group, ev.Incoming.Group = false, false, false
	ev.Thread, ev.Locale = "", ""
	ev.Conv = SupportKey(chat)
	ev.Handoff = id
	ev.Incoming.From = strconv.FormatInt(from.ID, 10)
	ev.Name = from.FirstName
}

func groupChat(c models.Chat) bool {
	return c.ID != 0 && (c.Type == models.ChatTypeGroup || c.Type == models.ChatTypeSupergroup)
}

// Support returns, for bot.WithSupport, the supporters' group chat
// (SUPPORT_TELEGRAM_CHAT) for any private conversation of hers; "" for a
// key that is not a Telegram one.
func Support(chat int64) func(her bot.Conv) bot.Conv {
	return func(her bot.Conv) bot.Conv {
		if _, ok := chatOf(her); !ok || chat == 0 {
			return ""
		}
		return SupportKey(chat)
	}
}
