package dialog

import (
	"strconv"
	"time"

	"github.com/letdownbot/letdown/content"
)

// startRemind begins setting reminders up, from wherever she is. zone, if
// the platform knows it, spares her the question.
func (t *turn) startRemind(zone string) {
	if t.st.Name == stateCrisis {
		// The emergency help stays first; reminders can wait.
		t.prompt()
		return
	}
	t.st.Data.Setup = &Plan{}
	if knownZone(zone) {
		t.st.Data.Setup.Zone = zone
	}
	if p := t.st.Data.Remind; p != nil {
		t.say(p.fill(t.d.msg("remind_current"), t.st.NextReminder()))
	}
	t.move("remind")
	t.prompt()
}

// changeZone asks her city again for the reminders she has, keeping how
// many a day she chose.
func (t *turn) changeZone() {
	p := t.st.Data.Remind
	if p == nil || t.st.Name == stateCrisis {
		t.reply(t.d.msg("timezone_none"), []Button{{Label: t.d.msg("btn_remind"), Data: data("remind")}})
		return
	}
	t.st.Data.Setup = &Plan{PerDay: p.PerDay}
	t.move("remind")
	t.move("count")
	t.prompt()
}

// stopReminders turns reminders off, and a next-day check-in she was
// promised: after /stop nothing pings her until she writes.
func (t *turn) stopReminders() {
	t.st.Data.Remind = nil
	t.st.Data.FollowUp = 0
}

// answerRemind records an answer of the reminder set-up.
func (t *turn) answerRemind(question, value string) {
	setup := t.st.Data.Setup
	if setup == nil {
		t.expired()
		return
	}
	switch question {
	case "remind_count":
		setup.PerDay, _ = strconv.Atoi(value)
		if setup.Zone != "" {
			t.move("zoned")
		} else {
			t.move("count")
		}
		t.prompt()
	case "remind_night":
		setup.Overnight = value == "yes"
		if !setup.Overnight {
			t.say(t.d.msg("night_why"))
		}
		t.finishRemind()
	}
}

// setZone records her time zone and asks about nights.
func (t *turn) setZone(zone string) {
	t.st.Data.Setup.Zone = zone
	t.move("zone")
	t.prompt()
}

// finishRemind turns the set-up into her plan: the first reminder comes
// one interval from now.
func (t *turn) finishRemind() {
	p := *t.st.Data.Setup
	t.st.Data.Setup = nil
	p.Next = p.after(t.now).Unix()
	p.Pinged = 0
	t.st.Data.Remind = &p
	t.move("night")
	t.reply(p.fill(t.d.msg("remind_on"), time.Unix(p.Next, 0)), t.currentButtons())
}

// remindText handles the time on her clock typed at the clock question.
// (A city typed at the city question is read by freeAnswer.) It reports
// whether the text was used.
func (t *turn) remindText(text string) bool {
	if t.st.Name != stateRemindClock {
		return false
	}
	off, ok := offsetFromClock(text, t.now)
	if !ok {
		return false
	}
	t.setZone(off)
	return true
}

// pickZone sets the one zone found, offers a choice of several, or asks for
// the time on her clock when none was found.
func (t *turn) pickZone(zones []string) {
	switch {
	case len(zones) == 1:
		t.setZone(zones[0])
	case len(zones) > 1:
		var buttons []Button
		for _, z := range zones[:min(len(zones), 6)] {
			buttons = append(buttons, Button{Label: z, Data: data("tz", z)})
		}
		t.reply(t.d.msg("remind_zone_pick"), buttons)
	default:
		t.move("clock")
		t.say(t.d.msg("remind_zone_unknown"))
		t.prompt()
	}
}

// ping answers a due reminder. A reminder whose plan changed since (she
// stopped reminders, or a later turn moved them) gets no answer at all.
func (t *turn) ping(at time.Time) {
	t.expireHandoff(at)
	if f := t.st.Data.FollowUp; f != 0 && f == at.Unix() {
		// The next-day check-in; a reminder due at the same second comes
		// in the same turn, since the slot is the turn's dedupe key.
		t.followUp(at)
	}
	if c := t.st.Data.CheckIn; c != 0 && c == at.Unix() {
		// The session timer's check-in; a reminder due at the same second
		// comes in the same turn too, or its slot, already handled, would
		// never come due again.
		t.checkIn(at)
	}
	p := t.st.Data.Remind
	if p == nil || p.Next != at.Unix() {
		return
	}
	p.Pinged = p.Next
	// Planned as if she expresses now; starting, snoozing or skipping
	// moves it.
	p.Next = p.after(at).Unix()
	slot := strconv.FormatInt(p.Pinged, 10)
	d := t.d
	t.reply(d.msg("remind_ping"), []Button{
		{Label: d.msg("btn_start_now"), Data: data("rm", "now", slot)},
		{Label: d.msg("btn_snooze"), Data: data("rm", "snooze", slot)},
		{Label: d.msg("btn_skip"), Data: data("rm", "skip", slot)},
		{Label: d.msg("btn_stop_reminders"), Data: data("rm", "stop", slot)},
	})
}

// pingButton handles the buttons under a ping; only the latest ping's
// buttons are live.
func (t *turn) pingButton(action, slot string) bool {
	p := t.st.Data.Remind
	if p == nil || strconv.FormatInt(p.Pinged, 10) != slot {
		return false
	}
	p.Pinged = 0
	switch action {
	case "now":
		// The schedule follows when she actually expresses.
		p.Next = p.after(t.now).Unix()
		t.startTimer()
		t.say(p.fill(t.d.msg("remind_next"), time.Unix(p.Next, 0)))
	case "snooze":
		p.Next = t.now.Add(snooze).Unix()
		t.say(p.fill(t.d.msg("remind_snoozed"), time.Unix(p.Next, 0)))
	case "skip":
		t.say(p.fill(t.d.msg("remind_skipped"), time.Unix(p.Next, 0)))
	case "stop":
		t.stopReminders()
		t.say(t.d.msg("remind_stopped"))
	default:
		return false
	}
	return true
}

// remindPrompt renders the set-up states.
func (t *turn) remindPrompt() (string, []Button, bool) {
	d := t.d
	switch t.st.Name {
	case stateRemindZone:
		return d.msg("remind_zone"), []Button{{Label: d.msg("btn_type_time"), Data: data("clock")}}, true
	case stateRemindClock:
		return d.msg("remind_clock"), nil, true
	case stateIdle:
		text := d.msg("remind_off")
		if p := t.st.Data.Remind; p != nil {
			text = p.fill(d.msg("remind_idle"), t.st.NextReminder())
		}
		return text, []Button{{Label: d.msg("btn_restart"), Data: data("restart")}, {Label: d.msg("btn_remind"), Data: data("remind")}}, true
	}
	return "", nil, false
}

// remindQuestions are the set-up's button questions, by state.
var remindQuestions = map[string]string{
	stateRemindCount: "remind_count",
	stateRemindNight: "remind_night",
}

// session is /session: she is expressing now. The checklist, and with
// reminders on, the next one planned from now.
func (t *turn) session() {
	t.startTimer()
	if p := t.st.Data.Remind; p != nil {
		p.Pinged = 0
		p.Next = p.after(t.now).Unix()
		t.reply(p.fill(t.d.msg("remind_next"), time.Unix(p.Next, 0)), t.currentButtons())
		return
	}
	t.reply(t.d.msg("session_no_reminders"), t.currentButtons())
}

// knownZone reports whether the platform's zone is one time can load.
func knownZone(z string) bool {
	if z == "" || z == "Local" {
		return false
	}
	_, err := time.LoadLocation(z)
	return err == nil
}

// validZone reports whether a zone from a button can be used.
func validZone(z string) bool {
	for _, known := range content.Zones() {
		if known == z {
			return true
		}
	}
	return false
}
