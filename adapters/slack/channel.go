package slack

import (
	"context"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
)

// A channel has a conversation of its own, "slack:<team>:<channel>",
// whose turns answer anyone there from the catalog (dialog's group
// turns): a mention of the app, or a press of "Tell me more" or "Why?"
// under such an answer. It goes through the Engine like any turn, so a
// retried event is answered once and the answer is in the outbox before
// the event is acknowledged. Its state is only the channel's rate window.

// userMention matches a mention of anyone in a message's text ("<@U024BE7LH>"
// or "<@U024BE7LH|name>"): ids are not the question.
var userMention = regexp.MustCompile(`<@[A-Za-z0-9]+(\|[^>]*)?>`)

// convertMention makes a channel turn of an app_mention: answered in the
// thread it was in, or under the mention itself.
func convertMention(in *slackevents.AppMentionEvent, team, eventID string) Event {
	if !validID(team) || !validID(in.Channel) || !validID(in.User) {
		return Event{Ignore: true}
	}
	thread := in.ThreadTimeStamp
	if thread == "" {
		thread = in.TimeStamp
	}
	ev := Event{Channel: in.Channel, User: in.User}
	ev.Conv = ConvKey(team, in.Channel)
	ev.Group, ev.From, ev.Thread = true, in.User, thread
	ev.DedupeKey = messageKey(in.Channel, in.TimeStamp, "", eventID)
	ev.At = parseTS(in.TimeStamp)
	ev.Text = truncate(strings.TrimSpace(unescape(userMention.ReplaceAllString(in.Text, " "))), MaxText)
	if ev.Text == "" {
		ev.Command = "help"
	}
	return ev
}

// convertGroupPress makes a channel turn of a press of one of the group
// answer's buttons, by anyone: answered in the same thread.
func convertGroupPress(ev Event, team, value string, msg slack.Message, ts string) Event {
	if !validID(ev.Channel) || ts == "" {
		return Event{Ignore: true}
	}
	thread := msg.ThreadTimestamp
	if thread == "" {
		thread = ts
	}
	ev.Conv = ConvKey(team, ev.Channel)
	ev.Group, ev.From, ev.Thread, ev.Button = true, ev.User, thread, value
	return ev
}

// isGroupButton reports whether a button's value is one of a group
// answer's ("1:g:more:k3Xa").
func isGroupButton(value string) bool { return strings.HasPrefix(value, "1:g:") }

// group runs a channel turn, then what follows it: a warning sign is also
// a turn of her own DM, so she gets the real referral there, and an answer
// held back by the channel's rate limits is told to her alone. A nil error
// means both turns are committed.
func (c *core) group(ctx context.Context, ev Event) error {
	in := ev.Incoming
	in.Locale = c.locale(ctx, ev.User)
	res, err := c.engine.Handle(ctx, in)
	if err != nil {
		c.o.log.Warn("slack: channel turn not committed", "conv", in.Conv, "dedupe", in.DedupeKey, "err", err)
		return err
	}
	if c.o.notify != nil && (res.Duplicate || len(res.Replies) > 0) {
		c.o.notify(in.Conv)
	}
	// A retry finds the channel's turn done but must still make sure of
	// hers, which may be what failed the first time.
	flagged := res.Outcome.RedFlag != "" || res.Duplicate && in.Text != "" && c.engine.Dialog().WarningSign(in.Locale, in.Text)
	if flagged {
		team, _ := teamOf(in.Conv)
		private := bot.Incoming{Conv: ConvKey(team, ev.User), Text: in.Text, Locale: in.Locale, At: in.At, DedupeKey: "grp:" + in.DedupeKey}
		pres, err := c.engine.Handle(ctx, private)
		if err != nil {
			c.o.log.Warn("slack: her private turn for a warning sign not committed", "conv", private.Conv, "err", err)
			return err
		}
		if c.o.notify != nil && (pres.Duplicate || len(pres.Replies) > 0) {
			c.o.notify(private.Conv)
		}
	}
	if res.Outcome.Limited {
		text := c.engine.Dialog().For(dialog.LocaleLang(in.Locale)).Catalog().Messages["group_limited"]
		c.chore(func(ctx context.Context) { c.ephemeral(ctx, ev.Channel, ev.User, text) })
	}
	return nil
}

// locale is a member's Slack locale, "" when it cannot be known in time.
func (c *core) locale(ctx context.Context, user string) string {
	lctx, cancel := context.WithTimeout(ctx, localeTimeout)
	defer cancel()
	locale, err := c.zones.Locale(lctx, user)
	if err != nil {
		c.o.log.Info("slack: locale not known, English", "err", err)
	}
	return locale
}

// ephemeral posts text in channel that only user sees, best effort.
func (c *core) ephemeral(ctx context.Context, channel, user, text string) {
	if _, err := c.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false)); err != nil {
		c.o.log.Info("slack: ephemeral note not sent", "channel", channel, "err", wrapErr("chat.postEphemeral", err))
	}
}

// teamOf returns the workspace id in a conversation key made by ConvKey.
func teamOf(conv bot.Conv) (string, bool) {
	p, rest, ok := strings.Cut(string(conv), ":")
	if !ok || p != platform {
		return "", false
	}
	team, _, ok := strings.Cut(rest, ":")
	return team, ok && team != ""
}

// TallyScope is the scope a Slack conversation is counted under for its
// workspace's facilitator ("slack:T1"), and "" for any other platform's,
// which is then not counted: give it to bot.WithTally.
func TallyScope(conv bot.Conv) string {
	if team, ok := teamOf(conv); ok {
		return platform + ":" + team
	}
	return ""
}

// stats answers "/letdown stats": a workspace's counts over the last week,
// for its admins and owners only, in the asker's language; never a person.
func (c *core) stats(ctx context.Context, ev Event) string {
	ctx, cancel := context.WithTimeout(ctx, c.o.ackTimeout)
	defer cancel()
	d := c.engine.Dialog()
	u, err := c.api.GetUserInfoContext(ctx, ev.User)
	if err != nil {
		c.o.log.Warn("slack: stats: who asked is not known", "err", wrapErr("users.info", err))
		return SorryText
	}
	d = d.For(dialog.LocaleLang(u.Locale))
	if !u.IsAdmin && !u.IsOwner && !u.IsPrimaryOwner {
		return d.Catalog().Messages["stats_refused"]
	}
	team, _ := teamOf(ev.Conv)
	if c.o.tally == nil {
		return d.FiguresText(dialog.Figures{})
	}
	counts, err := c.o.tally.Read(ctx, TallyScope(ConvKey(team, ev.User)), bot.TallyWeek(c.o.now()))
	if err != nil {
		c.o.log.Warn("slack: stats not read", "team", team, "err", err)
		return SorryText
	}
	return d.FiguresText(bot.Figures(counts))
}

// statsAnswer is the slash command's ephemeral answer to "/letdown stats".
func (c *core) statsAnswer(ctx context.Context, ev Event) *slack.Msg {
	return ephemeral(c.stats(ctx, ev))
}
