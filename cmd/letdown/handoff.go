package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/letdownbot/letdown/adapters/slack"
	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// supportConfig says where the supporters are who take requests for a
// person ("Talk to a person"), and how long a request waits for one.
type supportConfig struct {
	SlackChannel string        // a channel id in her workspace; "" for none
	TelegramChat int64         // a group chat id; 0 for none
	Wait         time.Duration // how long a request waits to be taken
}

var slackChannelPattern = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)

func supportSettings(s func(env, flagName, help string) setting) []setting {
	return []setting{
		s("SUPPORT_SLACK_CHANNEL", "support-slack-channel", "id of the Slack channel (C…) where requests to talk to a person are posted; the app must be a member (default: none, \"Talk to a person\" is not offered on Slack)"),
		s("SUPPORT_TELEGRAM_CHAT", "support-telegram-chat", "id of the Telegram group (-100…) where requests to talk to a person are posted; the bot must be a member (default: none)"),
		s("SUPPORT_WAIT", "support-wait", "how long a request waits for a supporter before she is told nobody is free (default 15m)"),
	}
}

// parseSupport reads the supporters' settings.
func parseSupport(get func(string) string) (supportConfig, error) {
	var c supportConfig
	if ch := get("SUPPORT_SLACK_CHANNEL"); ch != "" {
		if !slackChannelPattern.MatchString(ch) {
			return c, fmt.Errorf("SUPPORT_SLACK_CHANNEL %q is not a Slack channel id such as C0123ABCD", ch)
		}
		c.SlackChannel = ch
	}
	if chat := get("SUPPORT_TELEGRAM_CHAT"); chat != "" {
		id, err := strconv.ParseInt(chat, 10, 64)
		if err != nil || id >= 0 {
			return c, fmt.Errorf("SUPPORT_TELEGRAM_CHAT %q is not a group chat id such as -1001234567890", chat)
		}
		c.TelegramChat = id
	}
	var err error
	if c.Wait, err = time.ParseDuration(or(get("SUPPORT_WAIT"), dialog.DefaultHandoffWait.String())); err != nil || c.Wait < time.Minute {
		return c, fmt.Errorf("SUPPORT_WAIT %q is not a duration of a minute or more, such as 15m", get("SUPPORT_WAIT"))
	}
	return c, nil
}

// engineOptions wires the supporters into the Engine: where each
// platform's are, and Slack's group DM of her and the one who takes her
// request.
func (c supportConfig) engineOptions() []bot.Option {
	support := c.supportOf()
	if support == nil {
		return nil
	}
	return []bot.Option{bot.WithSupport(support), bot.WithTogether(slack.Together)}
}

// supportOf returns where her supporters are, by her platform; nil when
// no platform has any.
func (c supportConfig) supportOf() func(her bot.Conv) bot.Conv {
	byPlatform := map[string]func(bot.Conv) bot.Conv{}
	if c.SlackChannel != "" {
		byPlatform["slack"] = slack.Support(c.SlackChannel)
	}
	if c.TelegramChat != 0 {
		byPlatform["tg"] = telegram.Support(c.TelegramChat)
	}
	if len(byPlatform) == 0 {
		return nil
	}
	return func(her bot.Conv) bot.Conv {
		if f, ok := byPlatform[her.Platform()]; ok {
			return f(her)
		}
		return ""
	}
}

// handoffCommands are the commands of "Talk to a person": the Telegram
// menu shows them only where a supporters' group is set.
var handoffCommands = []string{"person", "end"}

// telegramMenus are the catalogs whose commands make Telegram's menu:
// without a supporters' group, copies without /person and /end.
func (c supportConfig) telegramMenus(cats []*content.Catalog) []*content.Catalog {
	if c.TelegramChat != 0 {
		return cats
	}
	out := make([]*content.Catalog, len(cats))
	for i, cat := range cats {
		cp := *cat
		cp.Commands = slices.DeleteFunc(slices.Clone(cat.Commands), func(cmd content.Command) bool {
			return slices.Contains(handoffCommands, cmd.Name)
		})
		out[i] = &cp
	}
	return out
}
