package dialog

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/letdownbot/letdown/content"
)

// A group's rate limits: at most GroupAnswers answers in a group, and
// PersonAnswers to one person there, in any GroupWindow. Warning signs are
// answered whatever the count.
const (
	GroupWindow   = 10 * time.Minute
	GroupAnswers  = 6
	PersonAnswers = 2
)

// GroupTTL is how long a group's conversation is kept once it goes quiet:
// its state is only the rate window, so the hashes in it go with it a day
// after the last answer at most, and queued answers outlive a long outage.
const GroupTTL = 24 * time.Hour

// IdleTTL is how long st's conversation is kept once idle, when it is
// shorter than the Engine's own: a group's (GroupTTL); 0 otherwise.
func (d *Dialog) IdleTTL(st State) time.Duration {
	if st.Name == stateGroup {
		return GroupTTL
	}
	return 0
}

// PrivateData is the data of the "Talk to me privately" button in a group
// on platforms without a link to a private chat (Slack): the adapter takes
// its press to her direct message.
const PrivateData = buttonVersion + ":pv"

// stateGroup is the state name of a group's conversation. It holds no one's
// answers: only the window of recent answers (Data.Window).
const stateGroup = "group"

// Answered is one answer in a group's rate window: when, and a short hash
// of whom to (never the id itself), dropped once it leaves the window.
type Answered struct {
	At  int64  `json:"t"` // unix seconds
	Who string `json:"w"` // whoHash of the member
}

// whoHash is a member's short, one-way name in a group's window: enough to
// count her answers for ten minutes, too short to say who she is.
func whoHash(from string) string {
	sum := sha256.Sum256([]byte("letdown/group/" + from))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

// groupTurn answers a group turn statelessly from the catalog: the best
// matching step in general words, with "Tell me more" and "Why?" for
// anyone, and a private button; a warning sign gets the general "please
// contact" text; never a question, never anything about her. The state
// keeps only the rate window.
func (d *Dialog) groupTurn(st State, in Input, now time.Time) (State, []Reply, Outcome) {
	g := d.For(d.def).For(LocaleLang(in.Locale))
	next := State{Version: SchemaVersion, Name: stateGroup}
	cut := now.Add(-GroupWindow).Unix()
	who := whoHash(in.From)
	var total, hers int
	for _, a := range st.Data.Window {
		if a.At > cut && a.At <= now.Unix() {
			next.Data.Window = append(next.Data.Window, a)
			total++
			if a.Who == who {
				hers++
			}
		}
	}
	t := &turn{d: g, in: in, now: now}
	flagged := t.groupAnswer()
	if len(t.replies) == 0 {
		return next, nil, t.out
	}
	if !flagged && (total >= GroupAnswers || hers >= PersonAnswers) {
		t.out.Limited = true
		return next, nil, t.out
	}
	next.Data.Window = append(next.Data.Window, Answered{At: now.Unix(), Who: who})
	t.fillNumbers()
	for i := range t.replies {
		t.replies[i].Thread = in.Thread
	}
	return next, t.replies, t.out
}

// groupAnswer puts the answer to a group turn in t.replies, and reports
// whether it was a warning sign's. Nothing to say (a sticker) leaves none.
func (t *turn) groupAnswer() (flagged bool) {
	in := t.in
	switch {
	case in.Button != "":
		t.groupButton(in.Button)
	case in.Command != "":
		if text := strings.TrimSpace(in.Args); text != "" && in.Command == "letdown" {
			return t.groupText(text)
		}
		if in.Args != "" {
			// "/letdown I have a fever" may arrive as the command "i".
			return t.groupText(in.Command + " " + in.Args)
		}
		t.groupHelp()
	case strings.TrimSpace(in.Text) != "":
		return t.groupText(in.Text)
	}
	return false
}

// groupText answers a question typed in a group: warning signs first.
func (t *turn) groupText(text string) (flagged bool) {
	if len(text) > maxTyped {
		text = text[:maxTyped]
	}
	u := t.d.u
	tx := u.an.Analyze(text)
	if f, ok := u.flags.Detect(tx); ok {
		// Her referral is given privately; in the open only the general
		// text. The level is counted there, not here.
		t.out.RedFlag = f.ID
		t.out.Understood = "flag:" + f.ID
		t.reply(t.d.msg("group_redflag"), []Button{t.privateButton()})
		return true
	}
	for _, h := range t.search(tx) {
		if s, ok := t.d.steps[h.Target]; ok && confident(h) {
			t.out.Understood = "question:" + s.ID
			t.reply(s.Title+"\n\n"+s.Text+"\n\n"+t.d.msg("group_footer"), t.groupButtons(s, "more", "why"))
			return false
		}
		break
	}
	t.out.Fallback, t.out.FallbackIn, t.out.Understood = true, stateGroup, "fallback:"
	t.groupHelp()
	return false
}

// groupButton answers "Tell me more" and "Why?" under a group answer,
// pressed by anyone. Anything else (a forged or old press) gets the help.
func (t *turn) groupButton(raw string) {
	parts := strings.Split(raw, ":")
	if len(parts) == 4 && parts[0] == buttonVersion && parts[1] == "g" {
		if id, ok := t.d.byKey[parts[3]]; ok {
			s := t.d.steps[id]
			switch parts[2] {
			case "more":
				t.reply(s.Title+"\n\n"+s.More, t.groupButtons(s, "why"))
				return
			case "why":
				t.reply(t.d.whyText(s), t.groupButtons(s, "more"))
				return
			}
		}
	}
	t.groupHelp()
}

// groupHelp is the short general line of what can be answered here.
func (t *turn) groupHelp() {
	t.reply(t.d.msg("group_help"), []Button{t.privateButton()})
}

// groupButtons are the actions on step s for anyone in the group, by the
// step's key ("1:g:more:k3Xa"), then the private button.
func (t *turn) groupButtons(s *content.Step, actions ...string) []Button {
	var out []Button
	for _, a := range actions {
		out = append(out, Button{Label: t.d.msg("btn_" + a), Data: data("g", a, content.StepKey(s.ID))})
	}
	return append(out, t.privateButton())
}

// privateButton opens a private chat: a link where the platform has one,
// else a press the adapter takes to her direct message.
func (t *turn) privateButton() Button {
	if t.in.Link != "" {
		return Button{Label: t.d.msg("btn_private"), URL: t.in.Link}
	}
	return Button{Label: t.d.msg("btn_private"), Data: PrivateData}
}

// newDay marks her first turn of a UTC day, which the facilitator's
// figures count as one conversation that day.
func (t *turn) newDay() {
	day := t.now.UTC().Unix() / 86400
	if t.now.IsZero() || t.st.Data.Day == day {
		return
	}
	t.st.Data.Day = day
	t.out.NewDay = true
}

// WarningSign reports whether text, typed in a group by someone whose
// platform locale is locale, holds a warning sign: what a group turn
// answers with the general text, for an adapter that must know it again
// (a retried event, whose turn is already done).
func (d *Dialog) WarningSign(locale, text string) bool {
	g := d.For(d.def).For(LocaleLang(locale))
	if len(text) > maxTyped {
		text = text[:maxTyped]
	}
	_, ok := g.u.flags.Detect(g.u.an.Analyze(text))
	return ok
}
