package dialog

import (
	"strconv"
	"time"
)

// The next-day check-in: when her plan ends without her milk flowing, the
// end of it offers "Check in tomorrow". It comes through the scheduler
// like a reminder (NextReminder), once: the slot is its dedupe key, and the
// state forgets it as it is asked. "Better" shows her plan; "Still slow"
// brings the steps the content names for it (follow_up: a lactation
// consultant, then medicines, a doctor's call), as seed 003 orders them.

// The check-in is a chat message, not a session: without nights in her
// reminders it keeps to waking hours on her clock, followFrom to followTo.
const (
	followFrom = 8  // 08:00
	followTo   = 22 // 22:00
)

// offersFollowUp reports whether the end of her plan offers the check-in:
// she had a plan, her milk did not flow, and this plan's check-in is
// neither pending nor asked. The check-in's own steps offer no other.
func (t *turn) offersFollowUp() bool {
	d := t.st.Data
	return d.Plan != "" && !d.Flowing && d.FollowUp == 0 && d.FollowedUp == 0 && !d.Followed && d.Kind != kindFollowUp
}

// followUpAt is when the check-in comes: this time tomorrow on her clock,
// or, when that falls outside waking hours and her reminders do not
// include nights, the nearest waking hour of that day (08:00 after an
// early session, 22:00 after a late one). Her zone is her reminders' or
// the platform's; known reports whether there is one. Without it, this
// time tomorrow is 24 hours on: she is awake and expressing at this hour
// today.
func (t *turn) followUpAt() (at time.Time, known bool) {
	d := t.st.Data
	zone := ""
	switch {
	case d.Remind != nil:
		zone = d.Remind.Zone
	case knownZone(t.in.TZ):
		zone = t.in.TZ
	}
	if zone == "" {
		return t.now.Add(24 * time.Hour), false
	}
	loc := Plan{Zone: zone}.location()
	next := t.now.In(loc).AddDate(0, 0, 1)
	if d.Remind != nil && d.Remind.Overnight {
		return next, true
	}
	day := func(h int) time.Time { return time.Date(next.Year(), next.Month(), next.Day(), h, 0, 0, 0, loc) }
	switch {
	case next.Before(day(followFrom)):
		next = day(followFrom)
	case next.After(day(followTo)):
		next = day(followTo)
	}
	return next, true
}

// offerButton is "Check in tomorrow": the check-in is planned, and she is
// told when. Pressed again, it tells the same time.
func (t *turn) offerButton() bool {
	d := &t.st.Data
	if d.FollowUp == 0 {
		if !t.offersFollowUp() || t.st.Name == stateCrisis {
			return false
		}
		at, _ := t.followUpAt()
		d.FollowUp = at.Unix()
	}
	t.reply(t.followSet(), t.currentButtons())
	return true
}

// followSet tells her when the check-in comes.
func (t *turn) followSet() string {
	at := time.Unix(t.st.Data.FollowUp, 0)
	if _, known := t.followUpAt(); !known {
		return t.d.msg("follow_set_any")
	}
	p := Plan{Zone: t.zone()}
	return p.fill(t.d.msg("follow_set"), at)
}

// zone is her time zone for the check-in: her reminders', else the
// platform's.
func (t *turn) zone() string {
	if p := t.st.Data.Remind; p != nil {
		return p.Zone
	}
	return t.in.TZ
}

// followUp asks how it is going, the day after. During a crisis the
// emergency help comes first and the check-in is let go.
func (t *turn) followUp(at time.Time) {
	d := &t.st.Data
	d.FollowUp = 0
	if t.st.Name == stateCrisis {
		t.prompt()
		return
	}
	d.FollowedUp, d.Followed = at.Unix(), true
	t.reply(t.d.msg("follow_ask"), t.followButtons())
}

// followButtons are the check-in's buttons, live while it waits for her
// answer; nil when none is live.
func (t *turn) followButtons() []Button {
	d := t.st.Data
	if d.FollowedUp == 0 {
		return nil
	}
	slot := strconv.FormatInt(d.FollowedUp, 10)
	return []Button{
		{Label: t.d.msg("btn_better"), Data: data("fu", "better", slot)},
		{Label: t.d.msg("btn_still_slow"), Data: data("fu", "slow", slot)},
	}
}

// followButton answers the check-in: better shows her plan and list;
// still slow walks the follow_up steps.
func (t *turn) followButton(how, slot string) bool {
	d := &t.st.Data
	if d.FollowedUp == 0 || strconv.FormatInt(d.FollowedUp, 10) != slot || t.st.Name == stateCrisis || (how != "better" && how != "slow") {
		return false
	}
	d.FollowedUp = 0
	if how == "better" {
		t.say(t.d.msg("follow_better"))
		t.reply(t.planText(), t.currentButtons())
		return true
	}
	t.say(t.d.msg("follow_slow"))
	ids := t.d.suited(*d, t.d.cat.FollowUp)
	t.move("tip")
	t.startPlan(kindFollowUp, ids, "")
	return true
}

// resting are the states where she is not in the middle of something, so
// the check-in's buttons may be answered by typing too.
var resting = map[string]bool{stateDone: true, stateStopped: true, stateIdle: true, stateIdeas: true}

// typeable are the buttons typed text can press: the current prompt's,
// and a live check-in's while she rests.
func (t *turn) typeable() []Button {
	buttons := t.currentButtons()
	if resting[t.st.Name] {
		buttons = append(buttons, t.followButtons()...)
	}
	return buttons
}
