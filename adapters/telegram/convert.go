// Package telegram connects Letdown to Telegram through go-telegram/bot:
// a webhook handler and a long-polling loop that commit every update
// through bot.Engine before acknowledging it, a bot.Sender that delivers
// the committed replies, and the start-up calls (commands menu, webhook).
//
// The library's own webhook handler and polling loop acknowledge updates
// before they are handled, so neither is used: delivery guarantees come
// from this package, the client only makes the HTTP calls.
//
// Every button press is answered (answerCallbackQuery) once its update
// may be acknowledged. The webhook answers it in the body of its 200, the
// one Bot API call Telegram lets ride on a webhook response, which saves
// an HTTP request per press; Telegram does not say whether that call
// worked, but nothing could be done about a failed answer anyway. The
// poller has no response to carry it, so it makes the call itself.
package telegram

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/bot"
)

// MaxText is the most bytes of typed text passed to the dialog. Telegram
// allows 4096 characters, which can be four times as many bytes; nothing
// the dialog matches on needs more than the start of a message.
const MaxText = 4096

// platform is the first part of every conversation key this package makes.
const platform = "tg"

// Event is one Telegram update, converted. Exactly one of four things
// happens with it: Ignore (acknowledge and do nothing), Group (a group
// chat: a general answer for anyone, never the personal dialog), Block (she
// blocked the bot), or the Incoming runs through the Engine.
type Event struct {
	// Incoming is the normalized message; for a group its Command is set
	// when the message was a command.
	bot.Incoming
	// ChatID is the chat the update came from; zero when there is none.
	ChatID int64
	// From is the user who sent the update; zero when it names none.
	From int64
	// CallbackID is set for a pressed button: Telegram wants every
	// callback query answered, ignored or not.
	CallbackID string
	// CallbackMsg is the message whose button was pressed, so its keyboard
	// can be removed; zero when Telegram did not say.
	CallbackMsg MessageRef
	// Mention is the bot a command was addressed to ("/start@name"), if any.
	// In a group a command for another bot is not ours to answer.
	Mention string
	// ReplyTo is the username of the bot a group message replies to, if
	// it replies to a bot's message.
	ReplyTo string
	// Group is set for group and supergroup chats: a turn of the group's
	// own conversation (GroupConv) if it is addressed to the bot (see
	// group.go), else nothing.
	Group bool
	// Block is set when she blocked the bot (my_chat_member: "kicked" in
	// her private chat): her queued replies are dropped, and no reminder
	// pings her until she writes again.
	Block bool
	// Ignore is set for updates the bot does not act on: edits, channel
	// posts, messages from bots, service messages, kinds it never asked for.
	Ignore bool
	// Forged is set, with Ignore, for an update in a private chat from
	// someone other than the chat's user. A private chat's id is its
	// user's, so Telegram never sends one: acted on, it would talk to her
	// chat as someone else. It is refused, and logged.
	Forged bool
}

// MessageRef points at one message in one chat.
type MessageRef struct {
	ChatID    int64
	MessageID int
}

// ConvKey returns the conversation key for a user in a chat: "tg:<chat>:<user>".
func ConvKey(chatID, userID int64) bot.Conv {
	return bot.Conv(platform + ":" + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(userID, 10))
}

// chatOf returns the chat id in a conversation key made by ConvKey.
func chatOf(conv bot.Conv) (int64, bool) {
	p, rest, ok := strings.Cut(string(conv), ":")
	if !ok || p != platform {
		return 0, false
	}
	chat, _, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(chat, 10, 64)
	return id, err == nil && id != 0
}

// Convert turns an update into an Event. It never fails: anything it does
// not understand is ignored, so a strange update is acknowledged rather
// than retried forever.
func Convert(u *models.Update) Event {
	ev := Event{Incoming: bot.Incoming{UpdateID: u.ID}}
	switch {
	case u.Message != nil:
		convertMessage(&ev, u.Message)
	case u.CallbackQuery != nil:
		convertCallback(&ev, u.CallbackQuery)
	case u.MyChatMember != nil:
		convertMember(&ev, u.MyChatMember)
	default:
		// Edits, channel posts, reactions, other people's membership and
		// the rest: nothing she asked the bot to answer.
		ev.Ignore = true
	}
	supporter(&ev, u)
	return ev
}

// fromOwner reports whether an update in a private chat comes from the
// chat's own user, and marks it Forged (and ignored) when it does not.
func fromOwner(ev *Event) bool {
	if ev.From != ev.ChatID {
		ev.Ignore, ev.Forged = true, true
		return false
	}
	return true
}

func convertMessage(ev *Event, m *models.Message) {
	ev.ChatID = m.Chat.ID
	switch m.Chat.Type {
	case models.ChatTypePrivate:
	case models.ChatTypeGroup, models.ChatTypeSupergroup:
		ev.Group = true
	default:
		ev.Ignore = true
		return
	}
	if m.From != nil {
		ev.From = m.From.ID
		if m.From.IsBot {
			ev.Ignore = true
			return
		}
	}
	if ev.Group {
		convertGroupMessage(ev, m)
		return
	}
	if m.From == nil || m.Chat.ID == 0 {
		ev.Ignore = true
		return
	}
	if !fromOwner(ev) {
		return
	}
	ev.Conv = ConvKey(m.Chat.ID, m.From.ID)
	ev.Locale, ev.Name = m.From.LanguageCode, m.From.FirstName
	if m.Date > 0 {
		ev.At = time.Unix(int64(m.Date), 0).UTC()
	}
	if m.Text != "" {
		if cmd, args, mention, ok := command(m.Text); ok {
			ev.Command, ev.Args, ev.Mention = cmd, truncate(args, MaxText), mention
			return
		}
		ev.Text = truncate(m.Text, MaxText)
		return
	}
	if kind := nonText(m); kind != "" {
		ev.NonText = kind
		if kind == "location" {
			// "Share my location" at the city question: her zone, and
			// nothing of where she is.
			ev.TZ = zoneAt(m.Location.Latitude, m.Location.Longitude)
		}
		return
	}
	ev.Ignore = true
}

func convertCallback(ev *Event, q *models.CallbackQuery) {
	ev.CallbackID = q.ID
	var chat models.Chat
	switch {
	case q.Message.Message != nil:
		chat = q.Message.Message.Chat
		ev.CallbackMsg = MessageRef{ChatID: chat.ID, MessageID: q.Message.Message.ID}
	case q.Message.InaccessibleMessage != nil:
		chat = q.Message.InaccessibleMessage.Chat
		ev.CallbackMsg = MessageRef{ChatID: chat.ID, MessageID: q.Message.InaccessibleMessage.MessageID}
	}
	ev.ChatID, ev.From = chat.ID, q.From.ID
	if chat.Type == models.ChatTypeGroup || chat.Type == models.ChatTypeSupergroup {
		convertGroupPress(ev, q)
		return
	}
	// The personal dialog's buttons live in private chats only; a press
	// anywhere else is answered and otherwise ignored.
	if chat.Type != models.ChatTypePrivate || chat.ID == 0 || q.From.ID == 0 || q.From.IsBot || q.Data == "" {
		ev.Ignore = true
		return
	}
	if !fromOwner(ev) {
		return
	}
	ev.Conv = ConvKey(chat.ID, q.From.ID)
	ev.Locale, ev.Name = q.From.LanguageCode, q.From.FirstName
	// No At: a callback carries no time of its own (the message's date is
	// when the button was sent), so the Engine's clock says when she pressed.
	ev.Button = q.Data
}

// convertMember reads a change in the bot's own membership of a chat. In
// her private chat "kicked" means she blocked the bot. Any other status
// needs nothing: "member" (she unblocked or restarted it) comes with the
// /start she sends, and her turn clears the blocked mark, as any turn of
// hers does. The bot joining or leaving a group changes nothing either: a
// group only ever gets the general message, on /start and /help.
func convertMember(ev *Event, m *models.ChatMemberUpdated) {
	ev.ChatID, ev.From = m.Chat.ID, m.From.ID
	ev.Ignore = true
	if m.Chat.Type != models.ChatTypePrivate || m.Chat.ID == 0 || !fromOwner(ev) {
		return
	}
	if m.NewChatMember.Type == models.ChatMemberTypeBanned {
		ev.Ignore, ev.Block = false, true
		ev.Conv = ConvKey(m.Chat.ID, m.From.ID)
	}
}

// command splits "/Start@LetdownBot go now" into "start", "go now" and
// "LetdownBot". ok is false for text that is not a command.
func command(text string) (name, args, mention string, ok bool) {
	rest, found := strings.CutPrefix(text, "/")
	if !found {
		return "", "", "", false
	}
	word, args := rest, ""
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		word, args = rest[:i], strings.TrimSpace(rest[i:])
	}
	word, mention, _ = strings.Cut(word, "@")
	if word == "" {
		return "", "", "", false
	}
	return strings.ToLower(word), args, mention, true
}

// nonText names what she sent instead of text, or "" for a service
// message (someone joined, a pin, a payment…) that needs no answer.
func nonText(m *models.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case len(m.Photo) > 0:
		return "photo"
	case m.Voice != nil:
		return "voice"
	case m.VideoNote != nil:
		return "video_note"
	case m.Animation != nil: // before Document: a GIF carries both
		return "animation"
	case m.Video != nil:
		return "video"
	case m.Audio != nil:
		return "audio"
	case m.Document != nil:
		return "document"
	case m.Venue != nil: // before Location: a venue carries both
		return "venue"
	case m.Location != nil:
		return "location"
	case m.Contact != nil:
		return "contact"
	case m.Poll != nil:
		return "poll"
	case m.Dice != nil:
		return "dice"
	case m.Story != nil:
		return "story"
	case m.Game != nil:
		return "game"
	case m.PaidMedia != nil:
		return "paid_media"
	case m.Checklist != nil:
		return "checklist"
	case m.Invoice != nil:
		return "invoice"
	}
	return ""
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
