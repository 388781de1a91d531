package telegram

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/bot"
)

// A group has a conversation of its own, "tg:<chat>:0", whose turns answer
// anyone there from the catalog (dialog's group turns): "/letdown
// <question>", a message that replies to the bot or mentions @it, and a
// press of "Tell me more" or "Why?" under such an answer. These are what
// a bot in privacy mode receives. The turn goes through the Engine like
// any, so an update delivered twice is answered once. Its state is only
// the group's rate window; the answer is a reply to the message asked.

// DeepLinkStart is the /start argument of the deep link, so the private
// chat opens as if she had typed /start.
const DeepLinkStart = "go"

// DeepLink returns the link that opens a private chat with the bot and
// starts it.
func DeepLink(username string) string {
	return "https://t.me/" + username + "?start=" + DeepLinkStart
}

// groupCommands are the commands that do something in a group: a
// question after /letdown, or the general line; everything else there
// would start the personal dialog, which only runs one to one.
var groupCommands = []string{"start", "help", "letdown"}

// groupUser is the user part of a group's conversation key: the group's
// conversation is no one's.
const groupUser = 0

// GroupConv is the conversation key of a group chat: "tg:<chat>:0".
func GroupConv(chat int64) bot.Conv { return ConvKey(chat, groupUser) }

// convertGroupMessage reads a message in a group. Whether it is addressed
// to the bot (a command, a reply to it, a mention) is settled by core,
// which knows the bot's username.
func convertGroupMessage(ev *Event, m *models.Message) {
	if m.From == nil || m.Chat.ID == 0 || m.Text == "" {
		ev.Ignore = true
		return
	}
	ev.Conv = GroupConv(m.Chat.ID)
	ev.Incoming.Group = true
	ev.Incoming.From = strconv.FormatInt(m.From.ID, 10)
	ev.Name = m.From.FirstName
	ev.Locale = m.From.LanguageCode
	ev.Thread = strconv.Itoa(m.ID)
	if m.Date > 0 {
		ev.At = time.Unix(int64(m.Date), 0).UTC()
	}
	if r := m.ReplyToMessage; r != nil && r.From != nil && r.From.IsBot {
		ev.ReplyTo = r.From.Username
	}
	if cmd, args, mention, ok := command(m.Text); ok {
		ev.Command, ev.Args, ev.Mention = cmd, truncate(args, MaxText), mention
		return
	}
	ev.Text = truncate(m.Text, MaxText)
}

// convertGroupPress reads a press in a group: only the group answers'
// own buttons ("1:g:…") are turns; the rest is answered and ignored.
func convertGroupPress(ev *Event, q *models.CallbackQuery) {
	if ev.ChatID == 0 || q.From.ID == 0 || q.From.IsBot || !strings.HasPrefix(q.Data, "1:g:") || ev.CallbackMsg.MessageID == 0 {
		ev.Ignore = true
		return
	}
	ev.Group = true
	ev.Conv = GroupConv(ev.ChatID)
	ev.Incoming.Group = true
	ev.Incoming.From = strconv.FormatInt(q.From.ID, 10)
	ev.Name = q.From.FirstName
	ev.Locale = q.From.LanguageCode
	ev.Thread = strconv.Itoa(ev.CallbackMsg.MessageID)
	ev.Button = q.Data
}

// addressed reports whether a group message is for this bot (name): a
// group command with no other bot's name on it, a reply to one of its
// messages, or a mention of @name, which is taken out of the question.
func addressed(ev *Event, name string) bool {
	if ev.Button != "" {
		return true
	}
	if ev.Command != "" {
		if ev.Mention != "" && !strings.EqualFold(ev.Mention, name) {
			return false // "/start@OtherBot": another bot's command
		}
		for _, c := range groupCommands {
			if ev.Command == c {
				return true
			}
		}
		return false
	}
	if name == "" {
		return false
	}
	if strings.EqualFold(ev.ReplyTo, name) {
		ev.Text = strings.TrimSpace(mentionOf(name).ReplaceAllString(ev.Text, " "))
		return ev.Text != ""
	}
	if re := mentionOf(name); re.MatchString(ev.Text) {
		ev.Text = strings.TrimSpace(re.ReplaceAllString(ev.Text, " "))
		if ev.Text == "" {
			ev.Command = "help"
		}
		return true
	}
	return false
}

// mentionOf matches "@name" as a word, any case.
func mentionOf(name string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(^|[^\w@])@` + regexp.QuoteMeta(name) + `\b`)
}

// group runs a group turn. A warning sign is also a turn of her private
// chat, when she has one (a bot cannot write to someone who never
// started it), so she gets the real referral there. A nil error means
// it is all committed and the update may be acknowledged.
func (c *core) group(ctx context.Context, ev Event, respond bool) (string, error) {
	name := c.me(ctx)
	if !addressed(&ev, name) {
		return c.pressed(ev, respond, false), nil
	}
	in := ev.Incoming
	if name != "" {
		in.Link = DeepLink(name)
	}
	res, err := c.engine.Handle(ctx, in)
	if err != nil {
		c.o.log.Warn("telegram: group turn not committed", "conv", in.Conv, "update_id", in.UpdateID, "err", err)
		return "", err
	}
	if c.o.notify != nil && (res.Duplicate || len(res.Replies) > 0) {
		c.o.notify(in.Conv)
	}
	text := in.Text
	if in.Command != "" {
		text = strings.TrimSpace(in.Command + " " + in.Args)
	}
	// A retry finds the group's turn done but must still make sure of
	// hers, which may be what failed the first time.
	flagged := res.Outcome.RedFlag != "" || res.Duplicate && in.Button == "" && c.engine.Dialog().WarningSign(in.Locale, text)
	if flagged && ev.From != 0 {
		if err := c.privately(ctx, ev, text); err != nil {
			return "", err
		}
	}
	return c.pressed(ev, respond, false), nil
}

// privately runs a warning sign typed in a group as a turn of her
// private chat, if she has one with the bot.
func (c *core) privately(ctx context.Context, ev Event, text string) error {
	conv := ConvKey(ev.From, ev.From)
	snap, err := c.engine.Store().Load(ctx, conv)
	if err != nil {
		c.o.log.Warn("telegram: her private chat not loaded", "conv", conv, "err", err)
		return err
	}
	if snap.State == nil {
		return nil // never started: the group's private button is all there is
	}
	// Known by a dedupe key, not the update id: the group's update may be
	// older than her latest, and must not look already seen in her chat.
	key := "grp:" + strconv.FormatInt(ev.UpdateID, 10)
	res, err := c.engine.Handle(ctx, bot.Incoming{Conv: conv, DedupeKey: key, Text: text, Locale: ev.Locale, At: ev.At})
	if err != nil {
		c.o.log.Warn("telegram: her private turn for a warning sign not committed", "conv", conv, "update_id", ev.UpdateID, "err", err)
		return err
	}
	if c.o.notify != nil && (res.Duplicate || len(res.Replies) > 0) {
		c.o.notify(conv)
	}
	return nil
}
