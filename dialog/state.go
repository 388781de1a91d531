package dialog

import "slices"

// SchemaVersion is the version of State written by this build. Bump it, and
// teach migrate the way up, whenever State's meaning changes.
//
// Version 2 made her plan: the walk follows Plan (or a theme of "More
// ideas") instead of every step in the content's order, and what helped
// her is kept by step key (List) instead of by id (Helped, "hp").
const SchemaVersion = 2

// State is a conversation's place in the dialog: the FSM state name, the
// schema version it was written with, and what she has told the bot so far.
// It never holds a step index: steps are found by id, so a deploy that
// reorders or removes guidance cannot point her at the wrong tip.
type State struct {
	Version int    `json:"v"`
	Name    string `json:"s"`
	Data    Data   `json:"d"`
}

// Data is what the dialog remembers between messages. Field names are short
// because every conversation stores one.
type Data struct {
	Lang     string   `json:"l,omitempty"`
	Method   string   `json:"m,omitempty"`  // "pump", "hand" or "both"
	Double   bool     `json:"db,omitempty"` // double pumping
	Steady   string   `json:"fs,omitempty"` // answers to the three yardsticks: "yes" or "no"
	Amount   string   `json:"fa,omitempty"`
	Time     string   `json:"ft,omitempty"`
	Tried    []string `json:"tr,omitempty"` // "warm_compress", "skin_to_skin"
	Mastitis bool     `json:"mx,omitempty"` // signs of mastitis were reported: no heat, no deep massage, no extra pumping
	Step     string   `json:"st,omitempty"` // id of the guidance step on screen in state walk; in done, the idea that brought her milk
	// Baby is where her baby is, when she said they are apart: "nicu"
	// (in hospital) or "apart" (away from her for another reason).
	Baby string `json:"bb,omitempty"`
	// Plan is her plan: the keys (content.StepKey) of its ideas, in order,
	// four characters each. Kind says what made it: "" her answers, "w"
	// keeping it going (she expresses well), "r" what helped her last time,
	// "f" the next-day check-in after a slow day. Theme is the "More ideas"
	// theme she is walking through, "" while she walks her plan.
	Plan  string `json:"pl,omitempty"`
	Kind  string `json:"pk,omitempty"`
	Theme string `json:"th,omitempty"`
	// Themes are the first letters of the themes of "More ideas" she has
	// begun since her plan was made: "More ideas" offers the others.
	Themes string `json:"ts,omitempty"`
	// List is her own checklist: the keys of the steps she marked "Done /
	// it helped" or "My milk is flowing!", in the order she did. It is
	// kept when she starts again; only /forget erases it.
	List string `json:"hk,omitempty"`
	// OldHelped is schema 1's list of what helped, by step id: read once
	// and moved to List.
	OldHelped []string `json:"hp,omitempty"`
	// Flowing is set when she said her milk is flowing during this plan.
	Flowing bool `json:"fw,omitempty"`
	// FollowUp is when the next-day check-in asks how it is going (unix
	// seconds); FollowedUp the slot of the check-in whose buttons are
	// live; Followed that this plan's check-in was asked, so it is not
	// offered again.
	FollowUp   int64 `json:"fu,omitempty"`
	FollowedUp int64 `json:"fd,omitempty"`
	Followed   bool  `json:"fx,omitempty"`
	Remind     *Plan `json:"r,omitempty"`  // her reminder plan; nil when reminders are off
	Setup      *Plan `json:"su,omitempty"` // a reminder plan being set up
	// Log is her logged sessions within the retention. It is stored apart
	// from the state (EncodeLog, AttachLog), so that it can expire on its
	// own and is not rewritten with every turn; OldLog is where states
	// written before that kept it, read once and moved.
	Log    []Session `json:"-"`
	OldLog []Session `json:"lg,omitempty"`
	Draft  *Session  `json:"dr,omitempty"` // a session being logged
	// CheckIn is when the session timer asks how it went (unix seconds);
	// CheckedIn the slot of the check-in whose buttons are live.
	CheckIn   int64 `json:"ci,omitempty"`
	CheckedIn int64 `json:"cd,omitempty"`
	// Misses counts the typed messages in a row not understood, so the
	// fallback never says the same line twice running.
	Misses int `json:"fb,omitempty"`
	// Day is the UTC day (days since 1970) of her last turn, so that her
	// first turn of a day is counted once among the day's conversations.
	Day int64 `json:"dy,omitempty"`
	// Window is a group's recent answers, for its rate limits; only a
	// group's conversation has one.
	Window []Answered `json:"gw,omitempty"`
	// Back is the state to go back to when she keeps her data at /forget's
	// confirmation.
	Back string `json:"bk,omitempty"`
	// Asked is the step just shown as the answer to a typed question, so
	// that a typed "tell me more" or "back" is about it.
	Asked string `json:"ak,omitempty"`
	// Handoff is her request to talk to a person, from the moment she is
	// asked to agree until it ends.
	Handoff *Handoff `json:"ho,omitempty"`
	// Ended are her requests that ended lately, by id alone: the bot's
	// posts about them in the supporters' channel can still be taken back
	// by /forget until their record expires (see Ended).
	Ended []Ended `json:"he,omitempty"`
}

// clone copies everything a turn may change in place, so that Step never
// alters the state it was given.
func (s State) clone() State {
	s.Data.Tried = slices.Clone(s.Data.Tried)
	s.Data.OldHelped = slices.Clone(s.Data.OldHelped)
	if s.Data.Remind != nil {
		p := *s.Data.Remind
		s.Data.Remind = &p
	}
	if s.Data.Setup != nil {
		p := *s.Data.Setup
		s.Data.Setup = &p
	}
	if s.Data.Handoff != nil {
		h := *s.Data.Handoff
		s.Data.Handoff = &h
	}
	s.Data.Ended = slices.Clone(s.Data.Ended)
	s.Data.Log = slices.Clone(s.Data.Log)
	if s.Data.Draft != nil {
		d := *s.Data.Draft
		s.Data.Draft = &d
	}
	return s
}

// expressingWell reports whether all three of the seed's yardsticks were met.
func (d Data) expressingWell() bool {
	return d.Steady == "yes" && d.Amount == "yes" && d.Time == "yes"
}

func (d Data) tried(what string) bool {
	for _, t := range d.Tried {
		if t == what {
			return true
		}
	}
	return false
}
