package dialog

import (
	"strings"
)

// buttonVersion prefixes all button data. Data with another prefix comes
// from an older build (or was forged) and is answered as an expired button.
const buttonVersion = "1"

// data builds button data: "1:action:arg…". Ids are at most content.MaxID
// bytes, so the longest ("1:w:next:<id>") stays well inside Telegram's 64.
func data(parts ...string) string {
	return buttonVersion + ":" + strings.Join(parts, ":")
}

// button handles a pressed button. Anything that does not fit the current
// state is answered as expired, never as an error.
func (t *turn) button(raw string) {
	parts := strings.Split(raw, ":")
	if len(parts) < 2 || len(parts) > 4 || parts[0] != buttonVersion {
		t.expired()
		return
	}
	if t.st.Name == stateNew && parts[1] != "rf" && parts[1] != "rm" && parts[1] != "ci" {
		// Buttons from before /forget, or from a chat she never started here.
		t.begin(true)
		return
	}
	args := parts[2:]
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	switch parts[1] {
	case "rf":
		// A red flag is honoured whatever message its button was on.
		if f, ok := t.d.flags[arg(0)]; ok && f.Label != "" && len(args) == 1 {
			t.redFlag(f)
			return
		}
	case "clear":
		if t.st.Name == stateScreen && len(args) == 0 {
			if !t.returning() {
				t.move("clear")
				t.say(t.d.msg("screen_clear"))
			}
			t.prompt()
			return
		}
	case "a":
		if len(args) == 2 && askStates[t.st.Name] == arg(0) && t.d.hasOption(arg(0), arg(1)) {
			t.answer(arg(0), arg(1))
			return
		}
	case "w":
		if s := t.currentStep(); s != nil && len(args) == 2 && arg(1) == s.ID {
			t.walk(arg(0), s)
			return
		}
	case "stop":
		if len(args) == 0 && t.canStop() {
			t.move("stop")
			t.prompt()
			return
		}
	case "go":
		if len(args) == 0 {
			t.resume()
			return
		}
	case "safe":
		if len(args) == 0 && t.st.Name == stateCrisis {
			t.move("safe")
			t.prompt()
			return
		}
	case "restart":
		if len(args) == 0 && (t.st.Name == stateDone || t.st.Name == stateStopped || t.st.Name == stateIdle || t.st.Name == stateIdeas) {
			t.begin(false)
			return
		}
	case "remind":
		if len(args) == 0 && t.st.Name != stateCrisis {
			t.startRemind(t.in.TZ)
			return
		}
	case "ideas":
		if len(args) == 0 && (t.st.Name == stateDone || t.st.Name == stateStopped) && len(t.themesLeft()) > 0 {
			t.move("ideas")
			t.prompt()
			return
		}
	case "th":
		if len(args) == 1 && t.pickTheme(arg(0)) {
			return
		}
	case "fresh":
		if len(args) == 0 && t.st.Name == stateDone {
			t.move("anew")
			t.say(t.d.msg("returning_skip"))
			t.prompt()
			return
		}
	case "on":
		if len(args) == 0 && t.goOn() {
			return
		}
	case "fo":
		if len(args) == 0 && t.offerButton() {
			return
		}
	case "fu":
		if len(args) == 2 && t.followButton(arg(0), arg(1)) {
			return
		}
	case "tz":
		if len(args) == 1 && t.st.Name == stateRemindZone && validZone(arg(0)) {
			t.setZone(arg(0))
			return
		}
	case "clock":
		if len(args) == 0 && t.st.Name == stateRemindZone {
			t.move("clock")
			t.prompt()
			return
		}
	case "rm":
		if len(args) == 2 && t.pingButton(arg(0), arg(1)) {
			return
		}
	case "lg":
		if len(args) == 2 && t.logButton(arg(0), arg(1)) {
			return
		}
	case "ci":
		if len(args) == 2 && t.checkInButton(arg(0), arg(1)) {
			return
		}
	case "q":
		if len(args) == 2 && t.askedButton(arg(0), arg(1)) {
			return
		}
	case "back":
		if len(args) == 0 {
			t.prompt()
			return
		}
	case "ho":
		if t.handoffButton(args) {
			return
		}
	case "c":
		if len(args) == 1 && t.d.commands[arg(0)] && t.st.Name != stateCrisis {
			t.command(arg(0))
			return
		}
	case "forget":
		// Only a confirmation pressed at the confirmation, once, erases: an
		// old or forged "yes" finds her somewhere else.
		switch {
		case len(args) != 1 || t.st.Name != stateForget:
		case arg(0) == "yes":
			t.forgetHandoff()
			t.out.Forget = true
			t.st = Initial()
			t.say(t.d.msg("forget_done"))
			return
		case arg(0) == "no":
			t.st.Name, t.st.Data.Back = t.st.Data.Back, ""
			if !knownState(t.st.Name) || t.st.Name == stateForget {
				t.st.Name = stateScreen
			}
			t.say(t.d.msg("forget_kept"))
			t.prompt()
			return
		}
	}
	t.expired()
}

// resume continues after a referral: from the safety check on to the
// questions, from anywhere else back where she was.
func (t *turn) resume() {
	switch t.st.Name {
	case stateNew:
		t.begin(true)
	case stateScreen:
		if !t.returning() {
			t.move("clear")
		}
		t.prompt()
	default:
		t.prompt()
	}
}

func (d *Dialog) hasOption(question, value string) bool {
	q, ok := d.questions[question]
	if !ok {
		return false
	}
	for _, o := range q.Options {
		if o.Value == value {
			return true
		}
	}
	return false
}

// answer records a triage answer and moves to the next question, or into
// the walk once triage is complete.
func (t *turn) answer(question, value string) {
	d := &t.st.Data
	switch question {
	case "method":
		d.Method = value
		if value == "hand" {
			t.move("expresses")
		} else {
			t.move("pumps")
		}
	case "double":
		d.Double = value == "double"
		t.move("expresses")
	case "steady":
		d.Steady = value
		t.move("steady")
	case "amount":
		d.Amount = value
		t.move("amount")
	case "time":
		d.Time = value
		if d.expressingWell() {
			t.move("well")
			t.say(t.d.msg("going_well"))
			t.startPlan(kindWell, t.d.wellPlan(*d), "plan_well")
			return
		}
		t.move("struggling")
	case "remind_count", "remind_night":
		t.answerRemind(question, value)
		return
	case "tried":
		switch value {
		case "both":
			d.Tried = []string{"warm_compress", "skin_to_skin"}
		case "neither":
			d.Tried = nil
		default:
			d.Tried = []string{value}
		}
		t.move("guide")
		t.startPlan(kindAnswers, t.d.makePlan(*d, nil), "plan_intro")
		return
	case "returning":
		if value == "yes" {
			t.move("again")
			t.startPlan(kindReturn, t.list(), "plan_return")
			return
		}
		t.move("anew")
		t.say(t.d.msg("returning_skip"))
	}
	t.prompt()
}
