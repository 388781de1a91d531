// Package dialog is the conversation itself: a finite-state machine
// (looplab/fsm) that screens for red flags, asks the triage questions and
// walks her through the guidance one step at a time. Step is pure: the same
// state, input and time always give the same new state and replies.
package dialog

import "time"

// Reply is one message to send, with its buttons.
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons"`
	// Number is set when the message asks for a number (minutes, a count,
	// millilitres): a console then reads a typed "2" as the number, not as
	// the second button.
	Number bool `json:"number,omitempty"`
	// Location is the label of a "share my location" button, on a message
	// that asks where she is, for platforms that have one (Telegram).
	Location string `json:"location,omitempty"`
	// Week is her last 7 days in numbers, for a platform that can draw
	// them (a chart, a sparkline); Text says the same in words, so a
	// platform that draws nothing loses nothing.
	Week *Week `json:"week,omitempty"`
	// Export is her session log, to be sent as a file (/export). It is
	// the compact log, not the file, so the outbox row stays small.
	Export *Export `json:"export,omitempty"`
	// To is the conversation key the reply goes to when it is not the
	// turn's own: a supporters' channel, or a group thread answered from
	// a turn of the group. Empty means the conversation that took the turn.
	To string `json:"to,omitempty"`
	// Thread is the platform's reference of a message to answer under
	// (Slack's thread ts, Telegram's message id), for replies in a group.
	Thread string `json:"thread,omitempty"`
	// Mark names what a message in the supporters' channel is about
	// ("ho:<request id>"), so that it can be taken back: the Sender
	// records where the platform put it under this mark.
	Mark string `json:"mark,omitempty"`
	// Erase asks the Sender to delete every message recorded under this
	// mark, as /forget does with her request's posts. Such a reply has no
	// text and shows nothing.
	Erase string `json:"erase,omitempty"`
}

// Button is one tappable choice. Data travels back as Input.Button when pressed.
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
	// URL makes the button a link (a deep link to a private chat) instead
	// of a press; Data is then empty.
	URL string `json:"url,omitempty"`
}

// Input is one thing she did: typed text, pressed a button, sent a command,
// or sent something that is not text at all.
type Input struct {
	Text    string // typed text
	Button  string // data of a pressed button
	Command string // a slash command without the slash, lower-case: "start"
	Args    string // the rest of a command line
	NonText string // what she sent instead of text: "sticker", "photo", "voice", …
	// From is the platform user id of whoever acted, when that is not the
	// conversation's own person: a member of a group, a supporter who
	// pressed "I'll take it" or replied in the supporters' channel.
	From string
	// Name is the first name of whoever acted, when the platform gives it.
	Name string
	// Support is the conversation key of the supporters' channel for her
	// platform, when the operator configured one; empty means nobody can
	// be asked, and "talk to a person" is not offered.
	Support string
	// Handoff is the id of her request for a person that a supporter's
	// press or message (From) is about: such an input never runs her
	// dialog, only the handoff.
	Handoff string
	// Together is the conversation of her and the supporter From, on a
	// platform that can open one (a Slack group DM); empty means the bot
	// relays their messages instead.
	Together string
	// Nonce is a fresh random id the Engine gives every turn, lower-case
	// letters and digits: a request for a person is named by it.
	Nonce string
	// TZ is her IANA time zone when the platform knows it (Slack's
	// users.info); the reminder set-up then does not ask.
	TZ string
	// Locale is the platform's language code for her ("es", "es-MX",
	// "en_US.UTF-8"): a new conversation starts in its language.
	Locale string
	// Group is set for a turn of a group chat or a channel, whose
	// conversation is the group's, not a person's: it is answered for
	// anyone, from the catalog alone, within the group's rate limits
	// (see group.go). Thread is where in the group to answer (the reply's
	// Thread) and Link, when the platform has one, the link that opens a
	// private chat with the bot (a Telegram deep link); without it the
	// private button is a press of PrivateData.
	Group  bool
	Thread string
	Link   string
	// Reminder is set when the scheduler delivers a reminder that was due
	// at this instant: the dialog answers with a ping (or nothing, if the
	// plan changed since).
	Reminder time.Time
}

// Outcome tells the caller what a turn did beyond replying. It is never
// persisted.
type Outcome struct {
	Fallback bool // the dialog did not understand her
	// FallbackIn is the state she was in when it did not: the question
	// that is hardest to answer by typing shows in the metrics.
	FallbackIn string
	// Understood says what typed text was taken as: "flag:<rule>",
	// "answer:<button data>", "question:<step>", "command:<name>",
	// "fallback:"; empty for buttons and commands.
	Understood string
	RedFlag    string // id of the red-flag rule that fired, if any
	Forget     bool   // she confirmed /forget: erase everything about her
	// Shown, Helped, Flowing and Skipped are the guidance step this turn
	// put on screen in her walk, she marked "Done / it helped", marked "My
	// milk is flowing!", or passed with "Next": counts for whoever
	// maintains the guidance. They are step ids of the catalog, a bounded
	// set, and say nothing about her.
	Shown, Helped, Flowing, Skipped string
	// HelpedTheme is the theme of the step marked Helped or Flowing, and
	// RedFlagLevel the level of the red flag that fired: what a workspace's
	// facilitator sees counted (bot.Tally), a topic or a level, never her.
	HelpedTheme, RedFlagLevel string
	// NewDay is set on a private conversation's first turn of a UTC day
	// that she took (not a reminder): conversations a day are counted by it.
	NewDay bool
	// HandoffTaken is set when a supporter took her request for a person,
	// HandoffWait how long after she asked.
	HandoffTaken bool
	HandoffWait  time.Duration
	// Limited is set when a group turn went unanswered to keep the channel
	// within its rate limits: the platform may tell her so, only her.
	Limited bool
}

// Figures are a workspace's counts over a week, as a facilitator reads
// them (bot.Figures makes them from a bot.Tally's counts). Conversations is
// the sum over the days of the private conversations active that day: one
// person on three days counts three.
type Figures struct {
	Conversations int64
	Helped        map[string]int64 // by the step's theme
	Referrals     map[string]int64 // by the red flag's level
	Handoffs      int64
	// MedianWait is the upper bound of the bucket holding the median
	// handoff wait; zero when there was none.
	MedianWait time.Duration
}
