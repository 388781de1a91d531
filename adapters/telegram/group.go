package telegram

import (
	"context"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// GroupText is what the bot says in a group to /start and /help. The
// dialog asks personal health questions, so it only ever runs one to one;
// a group gets this and a link to a private chat.
const GroupText = "Hi, I'm Letdown. I help mothers when they're expressing milk and it won't come: one small, gentle idea at a time.\n\n" +
	"What we talk about is personal, so I only chat one to one. Tap below to talk to me privately."

// GroupTextNoLink replaces GroupText when the bot's username is unknown
// and no link can be made.
const GroupTextNoLink = "Hi, I'm Letdown. I help mothers when they're expressing milk and it won't come: one small, gentle idea at a time.\n\n" +
	"What we talk about is personal, so I only chat one to one. Open a private chat with me to begin."

// GroupButton is the label of the deep-link button under GroupText.
const GroupButton = "Talk to me privately"

// DeepLinkStart is the /start argument of the deep link, so the private
// chat opens as if she had typed /start.
const DeepLinkStart = "go"

// group answers /start and /help in a group with the general message and
// ignores everything else. Nothing is stored: the message is not personal,
// and a lost one costs nothing, so it is sent straight away, best effort.
func (c *core) group(ev Event) {
	if ev.Command != "start" && ev.Command != "help" {
		return
	}
	c.chore(func(ctx context.Context) {
		name := c.me(ctx)
		if ev.Mention != "" && !strings.EqualFold(ev.Mention, name) {
			return // "/start@OtherBot": another bot's command
		}
		if !c.mayGreet(ev.ChatID, time.Now()) {
			c.o.log.Debug("telegram: group message skipped, sent one moments ago", "chat", ev.ChatID, "update_id", ev.UpdateID)
			return
		}
		params := &tgbot.SendMessageParams{ChatID: ev.ChatID, Text: GroupTextNoLink, LinkPreviewOptions: noPreview()}
		if name != "" {
			params.Text = GroupText
			params.ReplyMarkup = keyboard{InlineKeyboard: [][]button{{{Text: GroupButton, URL: DeepLink(name)}}}}
		}
		if _, err := c.client.SendMessage(ctx, params); err != nil {
			c.o.log.Info("telegram: group message not sent", "chat", ev.ChatID, "update_id", ev.UpdateID, "err", wrapErr("sendMessage", err))
		}
	})
}

// DeepLink returns the link that opens a private chat with the bot and
// starts it.
func DeepLink(username string) string {
	return "https://t.me/" + username + "?start=" + DeepLinkStart
}

// mayGreet keeps the general message within a group's limit (GroupEvery):
// a group that sends /start five times in a row gets it once.
func (c *core) mayGreet(chat int64, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.lastSaid[chat]; ok && now.Sub(last) < GroupEvery {
		return false
	}
	if len(c.lastSaid) >= 1024 {
		for id, t := range c.lastSaid {
			if now.Sub(t) >= GroupEvery {
				delete(c.lastSaid, id)
			}
		}
	}
	c.lastSaid[chat] = now
	return true
}
