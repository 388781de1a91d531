// Package slack connects Letdown to Slack through slack-go: Socket Mode
// and HTTP (Events API, interactivity, slash commands) front ends that
// commit every event through bot.Engine before acknowledging it, a
// bot.Sender that delivers the committed replies as Block Kit messages in
// her direct message with the app, and a cached time-zone lookup.
//
// The personal dialog only ever runs in a direct message. In a channel,
// /letdown answers ephemerally and carries on in the DM, and a mention
// gets a general answer from the catalog in its thread ("Tell me more"
// and "Why?" work there for anyone), within the channel's rate limits,
// with a button to continue privately: nothing personal is asked or shown
// in a channel. A warning sign gets only a general text there, and her
// referral in her DM. "/letdown stats" shows a workspace's admins its
// counts over a week, never a person.
//
// A workspace that uninstalls the app, or revokes its bot token, is
// forgotten: every conversation held for its people is erased.
package slack

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
)

// MaxText is the most bytes of typed text passed to the dialog; nothing
// the dialog matches on needs more than the start of a message.
const MaxText = 4096

// ContinueActionID is the action_id of the "Continue privately" button
// under the reply to a mention.
const ContinueActionID = "letdown_dm"

// platform is the first part of every conversation key this package makes.
const platform = "slack"

// Event is one Slack event, converted. Exactly one thing happens with it:
// Ignore (acknowledge and do nothing), Gone (erase a whole workspace),
// Stats (a facilitator's counts), or the Incoming runs through the Engine:
// in her DM conversation, or for a mention or a press of a group answer's
// button, in the channel's (Incoming.Group, see channel.go).
type Event struct {
	bot.Incoming
	// Ignore is set for events the bot does not act on: its own and other
	// bots' messages, edits and deletions, channel chatter, kinds it never
	// asked for.
	Ignore bool
	// Begin asks for "start" if she has no conversation yet and "help"
	// (where she is, with its buttons) if she has: a bare /letdown or a
	// press of "Continue privately" must not wipe her progress.
	Begin bool
	// Ephemeral is set for a slash command from a channel: the answer
	// to it tells her, only to her, that the conversation goes on in the DM.
	Ephemeral bool
	// Notice is set for "Continue privately" pressed in a channel: she is
	// told the same with chat.postEphemeral once the turn is committed.
	Notice bool
	// Channel is where the event happened.
	Channel string
	// User is who did it.
	User string
	// Stats is set for "/letdown stats": a workspace's counts, answered
	// only to her, if she is an admin.
	Stats bool
	// Press is the message whose button was pressed, so its buttons can be
	// removed once the press is committed.
	Press *Press
	// Gone is the id of a workspace the app is gone from: it was
	// uninstalled (app_uninstalled), or its bot token was revoked
	// (tokens_revoked). Everything the workspace held is erased.
	Gone string
}

// Press is a pressed button and the message it was under.
type Press struct {
	Channel string
	TS      string
	Label   string
	Message slack.Message
}

// ConvKey returns the DM conversation key of a user in a workspace:
// "slack:<team>:<user>".
func ConvKey(team, user string) bot.Conv { return teamPrefix(team) + bot.Conv(user) }

// teamPrefix returns the prefix of every conversation key of a workspace,
// "slack:<team>:". The closing colon keeps team T1's prefix from matching
// the conversations of team T12.
func teamPrefix(team string) bot.Conv { return bot.Conv(platform + ":" + team + ":") }

// userOf returns the user id in a conversation key made by ConvKey.
func userOf(conv bot.Conv) (string, bool) {
	p, rest, ok := strings.Cut(string(conv), ":")
	if !ok || p != platform {
		return "", false
	}
	team, user, ok := strings.Cut(rest, ":")
	if !ok || team == "" || user == "" || strings.Contains(user, ":") {
		return "", false
	}
	return user, true
}

// validID reports whether s looks like a Slack id ("T024BE7LD",
// "U0G9QF9C6"): a conversation key is built from them, so nothing else
// may slip in.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// isDM reports whether a channel id names a direct message.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// ConvertEvent turns an Events API event into an Event. self is the app's
// bot user id, if known. It never fails: anything it does not understand
// is ignored, so a strange event is acknowledged rather than retried.
func ConvertEvent(e slackevents.EventsAPIEvent, self string) Event {
	cb, ok := e.Data.(*slackevents.EventsAPICallbackEvent)
	if e.Type != slackevents.CallbackEvent || !ok || cb == nil {
		return Event{Ignore: true}
	}
	team := e.TeamID
	if team == "" {
		team = cb.TeamID
	}
	switch in := e.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return convertMessage(in, team, cb.EventID, self)
	case *slackevents.AppMentionEvent:
		if in.BotID != "" || in.User == "" || in.User == self || in.Channel == "" || isDM(in.Channel) || in.Edited != nil {
			// In a DM the message event already carries it.
			return Event{Ignore: true}
		}
		return convertMention(in, team, cb.EventID)
	case *slackevents.AppUninstalledEvent:
		return gone(team)
	case *slackevents.TokensRevokedEvent:
		// Tokens.Bot lists the bot users whose tokens were revoked; an app
		// has one bot user per workspace, and Slack tells an app only of
		// its own tokens, so any entry is ours. Tokens.Oauth lists user
		// tokens, which the bot never holds: nothing changes for it.
		if len(in.Tokens.Bot) > 0 {
			return gone(team)
		}
	}
	return Event{Ignore: true}
}

// gone is the Event for a workspace the app is gone from.
func gone(team string) Event {
	if !validID(team) {
		return Event{Ignore: true}
	}
	return Event{Gone: team}
}

// messageKey is the dedupe key of a message. A message a person typed
// carries client_msg_id, which her Slack client chose when she pressed
// send and keeps when it sends the message again after a network hiccup
// (Slack then posts it twice, under two ts): "cm:<channel>:<id>" answers
// both once. Other messages (workflows, some file shares, the API) carry
// none, and are named as Slack names a message everywhere: by channel and
// ts, "msg:<channel>:<ts>", the same in every delivery whichever event_id
// it comes under, over HTTP or Socket Mode. Without either, the event id
// is all there is.
func messageKey(channel, ts, clientMsgID, eventID string) string {
	switch {
	case channel != "" && clientMsgID != "":
		return "cm:" + channel + ":" + clientMsgID
	case channel != "" && ts != "":
		return "msg:" + channel + ":" + ts
	case eventID != "":
		return "ev:" + eventID
	}
	return ""
}

func convertMessage(m *slackevents.MessageEvent, team, eventID, self string) Event {
	ignore := Event{Ignore: true}
	if m.ChannelType != slackevents.ChannelTypeIM || !validID(team) {
		return ignore // channel chatter is not ours to read
	}
	switch m.SubType {
	case "", "file_share", "thread_broadcast":
	default:
		// bot_message, message_changed, message_deleted, joins…
		return ignore
	}
	msg := m.Message
	if m.BotID != "" || (msg != nil && msg.BotID != "") || !validID(m.User) || m.User == self {
		return ignore
	}
	ev := Event{Channel: m.Channel, User: m.User}
	ev.Conv = ConvKey(team, m.User)
	ev.At = parseTS(m.TimeStamp)
	ev.DedupeKey = messageKey(m.Channel, m.TimeStamp, m.ClientMsgID, eventID)
	switch {
	case m.SubType == "file_share" || (msg != nil && len(msg.Files) > 0):
		ev.NonText = "file"
	case strings.TrimSpace(m.Text) != "":
		ev.Text = truncate(unescape(m.Text), MaxText)
	default:
		return ignore
	}
	return ev
}

// ConvertInteraction turns an interactivity payload into an Event. Only
// button presses (block_actions) count: a press of a dialog button in her
// DM, or of "Continue privately" anywhere.
func ConvertInteraction(cb slack.InteractionCallback) Event {
	ignore := Event{Ignore: true}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) == 0 {
		return ignore
	}
	a := cb.ActionCallback.BlockActions[0]
	if a == nil {
		return ignore
	}
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID
	}
	user := cb.User.ID
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	ts := cb.Container.MessageTs
	if ts == "" {
		ts = cb.Message.Timestamp
	}
	if !validID(team) || !validID(user) || cb.User.IsBot {
		return ignore
	}
	ev := Event{Channel: channel, User: user}
	ev.Conv = ConvKey(team, user)
	ev.DedupeKey = actionKey(channel, ts, a.ActionTs, cb.TriggerID)
	if a.ActionID == ContinueActionID || a.Value == dialog.PrivateData {
		ev.Begin = true
		ev.Notice = !isDM(channel)
		return ev
	}
	if id, ok := bot.HandoffOf(a.Value); ok && !isDM(channel) && validID(channel) {
		supporter(&ev, team, channel, id, a.Value, ts, cb)
		return ev
	}
	if !isDM(channel) && isGroupButton(a.Value) {
		return convertGroupPress(ev, team, a.Value, cb.Message, ts)
	}
	if !isDM(channel) || a.Value == "" {
		// The personal dialog's buttons only ever live in her DM.
		return ignore
	}
	ev.Button = a.Value
	if channel != "" && ts != "" {
		ev.Press = &Press{Channel: channel, TS: ts, Label: a.Text.Text, Message: cb.Message}
	}
	return ev
}

// actionKey is the dedupe key of a button press:
// "act:<channel>:<message ts>:<action_ts>". The pressed message and the
// moment Slack took the press name the press itself, so every delivery of
// it gives the same key. trigger_id is a token for opening a modal within
// 3 seconds, not a name of the press, so it is only the fallback for a
// payload without a message (a press in a modal, which we never show).
func actionKey(channel, ts, actionTS, triggerID string) string {
	switch {
	case channel != "" && ts != "" && actionTS != "":
		return "act:" + channel + ":" + ts + ":" + actionTS
	case triggerID != "":
		return "act:" + triggerID
	}
	return ""
}

// ConvertCommand turns a slash command ("/letdown forget") into an Event
// for her DM conversation: the word after /letdown is the dialog's
// command, a bare /letdown starts or resumes.
func ConvertCommand(sc slack.SlashCommand) Event {
	if !validID(sc.TeamID) || !validID(sc.UserID) {
		return Event{Ignore: true}
	}
	ev := Event{Channel: sc.ChannelID, User: sc.UserID, Ephemeral: !isDM(sc.ChannelID)}
	ev.Conv = ConvKey(sc.TeamID, sc.UserID)
	if sc.TriggerID != "" {
		// A slash command carries no ts of its own: its trigger_id, new
		// with every invocation and the same in a redelivery, is the only
		// name it has.
		ev.DedupeKey = "cmd:" + sc.TriggerID
	}
	word, args := strings.TrimSpace(sc.Text), ""
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word, args = word[:i], strings.TrimSpace(word[i:])
	}
	word = strings.ToLower(strings.TrimPrefix(word, "/"))
	if word == "stats" && args == "" {
		ev.Stats, ev.Ephemeral = true, false
		return ev
	}
	if word == "" {
		ev.Begin = true
		return ev
	}
	ev.Command, ev.Args = truncate(word, 64), truncate(args, MaxText)
	return ev
}

// parseTS reads a Slack timestamp ("1700000000.000100"); zero if it is not one.
func parseTS(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 {
		return time.Time{}
	}
	var us int64
	if len(frac) == 6 {
		us, _ = strconv.ParseInt(frac, 10, 64)
	}
	return time.Unix(s, us*1000).UTC()
}

// unescape undoes the three escapes Slack applies to message text.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

func unescape(s string) string { return unescaper.Replace(s) }

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
