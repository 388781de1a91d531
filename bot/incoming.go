// Package bot is Letdown's core: the normalized message every platform
// adapter produces, the Engine that runs one turn of the dialog and commits
// it atomically, and the small interfaces (stores, senders) it consumes.
// It imports no platform SDK and no adapter.
package bot

import (
	"strings"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

// Conv identifies one person's conversation: platform, then workspace or
// chat, then user, joined by colons ("tg:123:123", "slack:T1:U2", "console:local").
type Conv string

// Platform returns the part of the key before the first colon.
func (c Conv) Platform() string {
	p, _, _ := strings.Cut(string(c), ":")
	return p
}

// Incoming is one platform event, normalized. Exactly one of Text, Button,
// Command or NonText is set.
type Incoming struct {
	Conv Conv
	// UpdateID is the platform's increasing sequence number (Telegram's
	// update_id). An update already committed (Snapshot.Handled) is
	// dropped as a duplicate, in whatever order updates arrive. Zero means
	// the platform has none.
	UpdateID int64
	// DedupeKey identifies the event on platforms without sequence numbers
	// (on Slack the message's client_msg_id, or its channel and ts; a
	// press's message and action_ts); an event whose key was already
	// committed is dropped.
	DedupeKey string
	Text      string
	Button    string
	Command   string
	Args      string
	NonText   string
	Locale    string // the platform's language code, if any
	At        time.Time
	// Reminder is set by the Scheduler: the reminder due at this instant.
	Reminder time.Time
	// TZ is her IANA time zone, when the platform knows it.
	TZ string
	// From is the platform user id of whoever acted, when that is not the
	// conversation's own person (a group member, a supporter).
	From string
	// Name is the first name of whoever acted, when the platform gives it.
	Name string
	// Group marks a turn of a group chat or channel, on the group's own
	// conversation (Telegram "tg:<chat>:0", Slack "slack:<team>:<channel>"),
	// answered under Thread; Link opens a private chat (see dialog.Input).
	Group  bool
	Thread string
	Link   string
	// Handoff is the id of her request for a person that a supporter's
	// press or reply in the supporters' channel is about (see Handoffs).
	// Conv is then the supporters' channel: the Engine runs the turn on
	// the conversation the request belongs to.
	Handoff string
}

func (in Incoming) input() dialog.Input {
	return dialog.Input{Text: in.Text, Button: in.Button, Command: in.Command, Args: in.Args, NonText: in.NonText, Reminder: in.Reminder, TZ: in.TZ, Locale: in.Locale, From: in.From, Name: in.Name,
		Group: in.Group, Thread: in.Thread, Link: in.Link, Handoff: in.Handoff}
}

// Reply is one message to send, with its buttons.
type Reply = dialog.Reply

// Button is one tappable choice under a Reply.
type Button = dialog.Button

// Week is her last 7 days in numbers, which a Reply may carry for a chart.
type Week = dialog.Week

// Day is one day of a Week.
type Day = dialog.Day

// ChartWords are the few words of a Week's chart, in her language.
type ChartWords = dialog.ChartWords

// Export is her session log, which a Reply may carry to be sent as a file.
type Export = dialog.Export

// Outgoing is a committed reply waiting in a conversation's outbox. Seq
// increases within one conversation, in the order replies must be sent.
type Outgoing struct {
	Conv  Conv
	Seq   int64
	Reply Reply
}
