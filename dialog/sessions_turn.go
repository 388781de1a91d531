package dialog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// startLog begins logging a session: side, minutes, then millilitres.
func (t *turn) startLog() {
	if t.st.Name == stateCrisis {
		t.prompt()
		return
	}
	t.st.Data.Draft = &Session{}
	t.move("log")
	t.prompt()
}

// logButton handles the buttons of the log's questions.
func (t *turn) logButton(step, value string) bool {
	draft := t.st.Data.Draft
	if draft == nil {
		return false
	}
	switch {
	case step == "side" && t.st.Name == stateLogSide:
		side := map[string]int64{"l": sideLeft, "r": sideRight, "b": sideBoth}[value]
		if side == 0 {
			return false
		}
		draft[2] = side
		t.move("side")
		t.prompt()
	case step == "min" && t.st.Name == stateLogMinutes:
		m, err := strconv.Atoi(value)
		if err != nil || m < 1 || m > 120 {
			return false
		}
		draft[1] = int64(m)
		t.move("minutes")
		t.prompt()
	case step == "ml" && value == "skip" && t.st.Name == stateLogMl:
		t.finishLog()
	default:
		return false
	}
	return true
}

// finishLog records the draft as a session that ended now.
func (t *turn) finishLog() {
	s := *t.st.Data.Draft
	t.st.Data.Draft = nil
	// She told us about the session herself: a pending check-in would
	// log it a second time.
	t.st.Data.CheckIn = 0
	s[0] = t.now.Add(-time.Duration(s[1])*time.Minute).Unix() / 60
	t.logSession(s)
	t.move("logged")
	text := fmt.Sprintf(t.d.msg("log_done"), s.minutes(), strings.ToLower(t.d.msg(sideMsg[s[2]])))
	if ml := s.millilitres(); ml > 0 {
		text += fmt.Sprintf(", %d ml", ml)
	}
	t.reply(text+".", t.currentButtons())
}

var sideMsg = map[int64]string{sideLeft: "btn_left", sideRight: "btn_right", sideBoth: "btn_both"}

// startTimer is "I'm starting now": the checklist, and a check-in in 20
// minutes, through the same index as the reminders.
func (t *turn) startTimer() {
	t.st.Data.CheckIn = t.now.Add(checkInAfter).Unix()
	t.say(t.checklist())
}

// checklist is the let-down checklist for a session: under its heading
// (the message's first line), what helped her first, then the usual.
func (t *turn) checklist() string {
	text := t.d.msg("remind_started")
	list := t.list()
	head, rest, ok := strings.Cut(text, "\n")
	if len(list) == 0 || !ok {
		return text
	}
	var b strings.Builder
	b.WriteString(head)
	for _, id := range list {
		b.WriteString("\n• ✓ " + t.d.steps[id].Title)
	}
	b.WriteString("\n" + rest)
	return b.String()
}

// checkIn asks how the session went, 20 minutes after she started.
func (t *turn) checkIn(at time.Time) {
	d := &t.st.Data
	d.CheckIn, d.CheckedIn = 0, at.Unix()
	slot := strconv.FormatInt(at.Unix(), 10)
	t.reply(t.d.msg("checkin"), []Button{
		{Label: t.d.msg("btn_went_well"), Data: data("ci", "good", slot)},
		{Label: t.d.msg("btn_slow"), Data: data("ci", "poor", slot)},
	})
}

// checkInButton logs the timed session, and after a poor one offers the
// next guidance step she has not tried.
func (t *turn) checkInButton(how, slot string) bool {
	d := &t.st.Data
	if d.CheckedIn == 0 || strconv.FormatInt(d.CheckedIn, 10) != slot || (how != "good" && how != "poor") {
		return false
	}
	at := time.Unix(d.CheckedIn, 0)
	d.CheckedIn = 0
	t.logSession(newSession(at.Add(-checkInAfter), int(checkInAfter.Minutes()), sideBoth))
	if how == "good" {
		t.reply(t.d.msg("checkin_good"), t.currentButtons())
		return true
	}
	t.say(t.d.msg("checkin_poor"))
	if theme, id := t.untried(); id != "" {
		t.move("tip")
		t.st.Data.Theme, t.st.Data.Step = theme, id
	}
	t.prompt()
	return true
}

// logPrompt renders the log's states.
func (t *turn) logPrompt() (string, []Button, bool) {
	d := t.d
	switch t.st.Name {
	case stateLogSide:
		return d.msg("log_side"), []Button{
			{Label: d.msg("btn_left"), Data: data("lg", "side", "l")},
			{Label: d.msg("btn_right"), Data: data("lg", "side", "r")},
			{Label: d.msg("btn_both"), Data: data("lg", "side", "b")},
		}, true
	case stateLogMinutes:
		var buttons []Button
		for _, m := range []int{5, 10, 15, 20, 30, 40} {
			buttons = append(buttons, Button{Label: strconv.Itoa(m) + " min", Data: data("lg", "min", strconv.Itoa(m))})
		}
		return d.msg("log_minutes"), buttons, true
	case stateLogMl:
		return d.msg("log_ml"), []Button{{Label: d.msg("btn_skip_ml"), Data: data("lg", "ml", "skip")}}, true
	}
	return "", nil, false
}
