package dialog

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// chain follows a plan from start for a span, as if she expressed at every
// reminder, and returns the reminder instants.
func chain(p Plan, start time.Time, span time.Duration) []time.Time {
	var out []time.Time
	for t := start; t.Before(start.Add(span)); {
		t = p.after(t)
		out = append(out, t)
	}
	return out
}

func TestPlans(t *testing.T) {
	start := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
	for _, perDay := range []int{8, 9, 10} {
		for _, overnight := range []bool{true, false} {
			t.Run(fmt.Sprintf("%d-a-day-overnight-%v", perDay, overnight), func(t *testing.T) {
				p := Plan{PerDay: perDay, Zone: "Europe/London", Overnight: overnight}
				times := chain(p, start, 3*24*time.Hour)
				interval := 24 * time.Hour / time.Duration(perDay)
				prev := start
				for _, at := range times {
					gap := at.Sub(prev)
					local := at.In(p.location())
					switch {
					case overnight && gap != interval:
						t.Errorf("gap %v before %v, want %v", gap, at, interval)
					case !overnight && (gap <= 0 || gap > maxGap):
						t.Errorf("gap %v before %v, want at most %v", gap, at, maxGap)
					case !overnight && gap > interval && local.Hour() != quietTo && gap != maxGap:
						t.Errorf("a long gap (%v) that does not end at %d:00 or after %v: %v", gap, quietTo, maxGap, local)
					}
					prev = at
				}
				// Per day: the plan's count with nights on; fewer, but never
				// below the count minus the quiet hours, with nights off.
				days := float64(len(times)) / 3
				if overnight && int(days+0.5) != perDay {
					t.Errorf("%.1f reminders a day, want %d", days, perDay)
				}
				if !overnight && (days > float64(perDay) || days < float64(perDay)-3) {
					t.Errorf("%.1f reminders a day with quiet nights, want a little under %d", days, perDay)
				}
			})
		}
	}
}

func TestQuietNightsStayQuiet(t *testing.T) {
	p := Plan{PerDay: 10, Zone: "Asia/Kolkata"}
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	prev := start
	for _, at := range chain(p, start, 5*24*time.Hour) {
		// A reminder may fall in the quiet hours only when the night gap
		// reached its cap.
		if h := at.In(p.location()).Hour(); (h >= quietFrom || h < quietTo) && at.Sub(prev) != maxGap {
			t.Errorf("a reminder at %v local, in the quiet hours, %v after the last", at.In(p.location()), at.Sub(prev))
		}
		prev = at
	}
}

func TestNoRemindDuringACrisis(t *testing.T) {
	d := newDialog(t)
	st := State{Version: SchemaVersion, Name: stateCrisis}
	next, replies, _ := d.Step(st, Input{Command: "remind"}, now)
	if next.Name != stateCrisis || len(replies) == 0 || replies[0].Text != d.cat.FillNumbers(d.msg("crisis_after"), "") {
		t.Errorf("/remind in a crisis = %s, %+v; want the emergency help again", next.Name, replies)
	}
}

// TestDST follows reminders across both daylight-saving changes in two
// zones that have them, and two zones far from UTC: none doubled, none
// dropped, every gap what the plan says.
func TestDST(t *testing.T) {
	days := []struct {
		zone string
		day  time.Time // a day with a clock change (or an ordinary day far from UTC)
	}{
		{"America/New_York", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)},
		{"America/New_York", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)},
		{"Pacific/Kiritimati", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"Asia/Kolkata", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, d := range days {
		for _, overnight := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s-%s-overnight-%v", d.zone, d.day.Format("Jan02"), overnight), func(t *testing.T) {
				p := Plan{PerDay: 8, Zone: d.zone, Overnight: overnight}
				start := d.day.Add(-12 * time.Hour)
				times := chain(p, start, 48*time.Hour)
				seen := map[int64]bool{}
				prev := start
				for _, at := range times {
					if seen[at.Unix()] {
						t.Fatalf("reminder at %v doubled", at)
					}
					seen[at.Unix()] = true
					gap := at.Sub(prev)
					if gap <= 0 || gap > maxGap || (overnight && gap != 3*time.Hour) {
						t.Errorf("gap %v before %v (local %v)", gap, at, at.In(p.location()))
					}
					prev = at
				}
				if overnight && len(times) != 16 {
					t.Errorf("%d reminders in 48 hours across the change, want 16", len(times))
				}
			})
		}
	}
}

func TestOffsetFromClock(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 45, 0, 0, time.UTC)
	tests := []struct {
		typed, want string
		ok          bool
	}{
		{"9:45", "+00:00", true},
		{"3:15 pm", "+05:30", true}, // Kolkata
		{"15:15", "+05:30", true},
		{"5:45am", "-04:00", true}, // New York in summer
		{"11:45 pm", "+14:00", true},
		{"10.45", "+01:00", true},
		{"25:00", "", false},
		{"13pm", "", false},
		{"tea time", "", false},
	}
	for _, tt := range tests {
		got, ok := offsetFromClock(tt.typed, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("offsetFromClock(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.ok)
		}
	}
}

func TestZonesMatching(t *testing.T) {
	tests := []struct {
		typed string
		want  []string
	}{
		{"London", []string{"Europe/London"}},
		{"new york", []string{"America/New_York"}},
		{"Europe/Paris", []string{"Europe/Paris"}},
		{"kolkata", []string{"Asia/Kolkata"}},
		{"xyzzy", nil},
	}
	for _, tt := range tests {
		if got := zonesMatching(tt.typed); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("zonesMatching(%q) = %v, want %v", tt.typed, got, tt.want)
		}
	}
	if got := zonesMatching("ind"); len(got) < 2 {
		t.Errorf("zonesMatching(ind) = %v, want several to choose from", got)
	}
}

// setUp runs /remind through to the end: 8 a day, London, nights as given.
func setUp(t *testing.T, c *convo, nights string) {
	t.Helper()
	c.do(Input{Command: "remind"})
	c.wantState(stateRemindCount)
	c.press("1:a:remind_count:8")
	c.wantState(stateRemindZone)
	c.do(Input{Text: "London"})
	c.wantState(stateRemindNight)
	c.press("1:a:remind_night:" + nights)
	c.wantState(stateIdle)
}

func TestRemindSetUp(t *testing.T) {
	c := start(t)
	setUp(t, c, "yes")
	p := c.st.Data.Remind
	if p == nil || p.PerDay != 8 || p.Zone != "Europe/London" || !p.Overnight {
		t.Fatalf("plan = %+v, want 8 a day in London, nights on", p)
	}
	if got, want := c.st.NextReminder(), now.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("first reminder at %v, want %v", got, want)
	}
	if last := c.replies[len(c.replies)-1].Text; !strings.Contains(last, "06:00") {
		t.Errorf("the confirmation %q does not give the first time in London (06:00)", last)
	}
	// /start keeps the reminders; /stop ends them.
	c.do(Input{Command: "start"})
	if c.st.Data.Remind == nil {
		t.Error("/start turned the reminders off")
	}
	c.do(Input{Command: "stop"})
	if c.st.Data.Remind != nil || !c.st.NextReminder().IsZero() {
		t.Error("/stop left the reminders on")
	}
}

func TestRemindQuietNightsExplainsWhy(t *testing.T) {
	c := start(t)
	setUp(t, c, "no")
	if len(c.replies) < 2 || c.replies[0].Text != c.d.msg("night_why") {
		t.Errorf("turning nights off did not explain why they matter: %q", c.replies[0].Text)
	}
}

func TestRemindUnknownCityAsksTheClock(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "remind"})
	c.press("1:a:remind_count:10")
	c.do(Input{Text: "Narnia"})
	c.wantState(stateRemindZone) // a second try first
	c.do(Input{Text: "Narnia"})
	c.wantState(stateRemindClock)
	c.do(Input{Text: "8:30 am"}) // 03:00 UTC now
	c.wantState(stateRemindNight)
	if z := c.st.Data.Setup.Zone; z != "+05:30" {
		t.Errorf("zone from the clock = %q, want +05:30", z)
	}
}

func TestPing(t *testing.T) {
	c := start(t)
	setUp(t, c, "yes")
	due := c.st.NextReminder()
	c.now(due)
	c.do(Input{Reminder: due})
	if len(c.replies) != 1 || len(c.replies[0].Buttons) != 4 {
		t.Fatalf("ping = %+v, want one message with four buttons", c.replies)
	}
	if got := c.st.NextReminder(); !got.Equal(due.Add(3 * time.Hour)) {
		t.Errorf("after a ping the next reminder is %v, want one interval on", got)
	}
	ping := c.replies[0]

	// A reminder for a slot the plan no longer holds gets no answer.
	st, replies, _ := c.d.Step(c.st, Input{Reminder: due}, due)
	if len(replies) != 0 || st.NextReminder() != c.st.NextReminder() {
		t.Errorf("a stale reminder answered %d replies", len(replies))
	}

	// Snooze: fifteen minutes from when she tapped.
	tap := due.Add(2 * time.Minute)
	c.now(tap)
	c.pressOn(ping, "1:rm:snooze:")
	if got := c.st.NextReminder(); !got.Equal(tap.Add(15 * time.Minute)) {
		t.Errorf("after snooze the next reminder is %v, want %v", got, tap.Add(15*time.Minute))
	}
	// The ping's buttons are spent now.
	c.pressOn(ping, "1:rm:stop:")
	if c.st.Data.Remind == nil {
		t.Error("a spent ping's Stop button turned reminders off")
	}
}

func TestPingButtons(t *testing.T) {
	for _, tt := range []struct {
		action string
		want   func(due, tap time.Time) time.Time
	}{
		{"now", func(_, tap time.Time) time.Time { return tap.Add(3 * time.Hour) }},
		{"skip", func(due, _ time.Time) time.Time { return due.Add(3 * time.Hour) }},
		{"stop", func(time.Time, time.Time) time.Time { return time.Time{} }},
	} {
		t.Run(tt.action, func(t *testing.T) {
			c := start(t)
			setUp(t, c, "yes")
			due := c.st.NextReminder()
			c.now(due)
			c.do(Input{Reminder: due})
			tap := due.Add(10 * time.Minute)
			c.now(tap)
			c.press("1:rm:" + tt.action + ":")
			var got time.Time
			if p := c.st.Data.Remind; p != nil {
				got = time.Unix(p.Next, 0).UTC()
			}
			if !got.Equal(tt.want(due, tap)) {
				t.Errorf("after %s the next reminder is %v, want %v", tt.action, got, tt.want(due, tap))
			}
			if tt.action == "now" && !c.st.NextReminder().Equal(tap.Add(20*time.Minute)) {
				t.Errorf("after 'Starting now' the scheduler next hears at %v, want the check-in at %v", c.st.NextReminder(), tap.Add(20*time.Minute))
			}
		})
	}
}

// Step must not change the state it was given: the engine compares the old
// and new reminder times to know what to commit.
func TestStepLeavesItsInputAlone(t *testing.T) {
	c := start(t)
	setUp(t, c, "yes")
	before := c.st
	due := before.NextReminder()
	after, _, _ := c.d.Step(before, Input{Reminder: due}, due)
	if !before.NextReminder().Equal(due) {
		t.Errorf("Step moved the input's reminder to %v", before.NextReminder())
	}
	if after.NextReminder().Equal(due) {
		t.Error("Step did not plan the next reminder")
	}
}

func TestRemindUsesThePlatformsZone(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "remind", TZ: "America/New_York"})
	c.press("1:a:remind_count:9")
	c.wantState(stateRemindNight) // no question about her city
	c.press("1:a:remind_night:yes")
	if p := c.st.Data.Remind; p == nil || p.Zone != "America/New_York" || p.PerDay != 9 {
		t.Errorf("plan = %+v, want 9 a day in New York", p)
	}
	// A zone no one can load is not trusted: she is asked.
	c.do(Input{Command: "remind", TZ: "Mars/Olympus_Mons"})
	c.press("1:a:remind_count:8")
	c.wantState(stateRemindZone)
}

func TestSession(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "session"})
	if len(c.replies) != 2 || c.replies[0].Text != c.d.msg("remind_started") {
		t.Fatalf("/session without reminders = %+v, want the checklist", c.replies)
	}
	setUp(t, c, "yes")
	at := now.Add(time.Hour)
	c.now(at)
	c.do(Input{Command: "session"})
	if got, want := time.Unix(c.st.Data.Remind.Next, 0).UTC(), at.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("after /session the next reminder is %v, want %v: planned from when she expressed", got, want)
	}
	if got, want := c.st.NextReminder(), at.Add(20*time.Minute); !got.Equal(want) {
		t.Errorf("after /session the scheduler next hears at %v, want the check-in at %v", got, want)
	}
}

// TestTimezoneChangesTheZoneOfHerReminders: /timezone asks her city again
// and keeps her count; without reminders it says what the zone is for.
func TestTimezoneChangesTheZoneOfHerReminders(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "timezone"})
	if got := c.replies[0].Text; got != c.d.msg("timezone_none") {
		t.Errorf("/timezone without reminders = %q, want timezone_none", got)
	}
	c.do(Input{Command: "remind"})
	c.do(Input{Text: "10 please"})
	c.do(Input{Text: "im in new york"})
	c.do(Input{Text: "no, keep nights quiet"})
	c.wantState(stateIdle)
	c.do(Input{Command: "timezone"})
	c.wantState(stateRemindZone)
	c.do(Input{Text: "we moved to london uk"})
	c.do(Input{Text: "no"})
	if p := c.st.Data.Remind; p == nil || p.Zone != "Europe/London" || p.PerDay != 10 {
		t.Errorf("after /timezone, plan = %+v, want 10 a day in Europe/London", p)
	}
}
