package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/bot"
)

// SupportKey is the conversation key of the supporters' channel of a
// workspace (SUPPORT_SLACK_CHANNEL), where requests for a person are
// posted: the Sender posts to the channel id.
func SupportKey(team, channel string) bot.Conv { return ConvKey(team, channel) }

// Together returns the key of a group DM of her and a supporter, for
// bot.WithTogether: "slack:<team>:<her>,<supporter>". The Sender opens it
// with conversations.open before posting; "" when her is no DM key or the
// supporter no user id.
func Together(her bot.Conv, supporter string) bot.Conv {
	user, ok := userOf(her)
	if !ok || !validID(supporter) || !validID(user) || !strings.HasPrefix(user, "U") && !strings.HasPrefix(user, "W") {
		return ""
	}
	return her + "," + bot.Conv(supporter)
}

// supporter makes ev a supporter's press of a handoff button ("I'll take
// it", "End") in the supporters' channel: the Engine runs it on the
// conversation of the request it names.
func supporter(ev *Event, team, channel, id, value, ts string, cb slack.InteractionCallback) {
	ev.Conv = SupportKey(team, channel)
	ev.Handoff, ev.Button = id, value
	ev.Incoming.From, ev.Name = cb.User.ID, cb.User.Name
	if ts != "" {
		ev.Press = &Press{Channel: channel, TS: ts, Message: cb.Message}
	}
}

// names sets the first name of whoever acted, from users.info: the
// supporter's on their turns; hers on her turns from the cache her
// locale's lookup just filled, so a turn of hers waits on users.info no
// longer than before. Without an answer the name is left as it is.
func (c *core) names(ctx context.Context, in *bot.Incoming) {
	if in.Handoff == "" {
		if user, ok := userOf(in.Conv); ok {
			if first := c.zones.cachedFirstName(user); first != "" {
				in.Name = first
			}
		}
		return
	}
	lctx, cancel := context.WithTimeout(ctx, localeTimeout)
	defer cancel()
	if first, err := c.zones.FirstName(lctx, in.From); err == nil && first != "" {
		in.Name = first
	}
}

// channelOf returns where to post for the user part of a conversation
// key: a channel or user id as it is, or for a pair of users ("U1,U2",
// see Together) their group DM, opened with conversations.open.
func (s *Sender) channelOf(ctx context.Context, user string) (string, error) {
	if !strings.Contains(user, ",") {
		return user, nil
	}
	ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: strings.Split(user, ",")})
	if err != nil {
		return "", sendErr(err)
	}
	return ch.ID, nil
}

// Support returns, for bot.WithSupport, the supporters' channel of her
// workspace: channel (SUPPORT_SLACK_CHANNEL) in the team of her
// conversation key; "" for a key that is not a Slack DM's.
func Support(channel string) func(her bot.Conv) bot.Conv {
	return func(her bot.Conv) bot.Conv {
		if _, ok := userOf(her); !ok || !validID(channel) {
			return ""
		}
		_, rest, _ := strings.Cut(string(her), ":")
		team, _, _ := strings.Cut(rest, ":")
		return SupportKey(team, channel)
	}
}
