package dialog

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLogASession(t *testing.T) {
	c := start(t)
	setUp(t, c, "yes")
	c.do(Input{Command: "log"})
	c.wantState(stateLogSide)
	c.press("1:lg:side:b")
	c.press("1:lg:min:20")
	c.wantState(stateLogMl)
	c.do(Input{Text: "30 and 25"})
	c.wantState(stateIdle)
	log := c.st.Data.Log
	if len(log) != 1 || log[0].minutes() != 20 || log[0].millilitres() != 55 || log[0][2] != sideBoth {
		t.Fatalf("log = %v, want one 20-minute session, both sides, 55 ml", log)
	}
	if !log[0].start().Equal(now.Add(-20 * time.Minute)) {
		t.Errorf("session started %v, want 20 minutes ago", log[0].start())
	}
	if got := c.replies[len(c.replies)-1].Text; !strings.Contains(got, "20 minutes, both sides, 55 ml") {
		t.Errorf("log confirmation %q, want the minutes and the millilitres", got)
	}
	// The schedule follows the session she logged.
	if got, want := time.Unix(c.st.Data.Remind.Next, 0).UTC(), now.Add(-20*time.Minute).Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("next reminder %v, want %v: three hours after the logged session began", got, want)
	}
}

func TestLogSkipsMillilitresAndRefusesNonsense(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "log"})
	c.press("1:lg:side:l")
	c.do(Input{Text: "a while"}) // not minutes
	c.wantState(stateLogMinutes)
	if !c.out.Fallback {
		t.Error("nonsense minutes were not a fallback")
	}
	c.do(Input{Text: "15"})
	c.press("1:lg:ml:skip")
	if log := c.st.Data.Log; len(log) != 1 || log[0].minutes() != 15 || log[0].millilitres() != 0 {
		t.Errorf("log = %v, want one 15-minute session with no millilitres", log)
	}
}

func TestToday(t *testing.T) {
	d := newDialog(t)
	at := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC) // 14:00 in London
	st := State{Version: SchemaVersion, Name: stateIdle, Data: Data{
		Remind: &Plan{PerDay: 8, Zone: "Europe/London", Overnight: true, Next: at.Add(time.Hour).Unix()},
		Log: []Session{
			newSession(at.Add(-40*time.Hour), 20, sideBoth),                         // two days ago
			newSession(time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC), 15, sideLeft), // last night
			newSession(time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC), 20, sideBoth),
			newSession(time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC), 25, sideBoth),
		},
	}}
	st.Data.Log[3].setMl(40, 35)
	_, replies, _ := d.Step(st, Input{Command: "today"}, at)
	got := replies[0].Text
	for _, want := range []string{
		"3 sessions", "of your 8", // today: 02:00, 08:00, 11:00
		"60 minutes", "75 ml",
		"6h00",  // the longest gap: 02:00 to 08:00
		"15:00", // the next reminder, London time
		"last night",
		"4 sessions", // the last 7 days
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/today = %q, lacks %q", got, want)
		}
	}
	if !strings.Contains(got, d.msg("today_night_yes")) {
		t.Errorf("/today did not see the 02:00 session as a night session: %q", got)
	}
}

func TestLogKeepsOnlyTheRetention(t *testing.T) {
	d := newDialog(t).WithRetention(48 * time.Hour)
	st := State{Version: SchemaVersion, Name: stateIdle, Data: Data{Log: []Session{
		newSession(now.Add(-72*time.Hour), 20, sideBoth),
		newSession(now.Add(-24*time.Hour), 20, sideBoth),
	}}}
	st, _, _ = d.Step(st, Input{Command: "log"}, now)
	st, _, _ = d.Step(st, Input{Button: "1:lg:side:b"}, now)
	st, _, _ = d.Step(st, Input{Button: "1:lg:min:10"}, now)
	st, _, _ = d.Step(st, Input{Button: "1:lg:ml:skip"}, now)
	if len(st.Data.Log) != 2 || st.Data.Log[0].start().Before(now.Add(-48*time.Hour)) {
		t.Errorf("log = %v, want the 3-day-old session gone and two left", st.Data.Log)
	}
}

func TestSessionTimerChecksIn(t *testing.T) {
	for _, how := range []string{"good", "poor"} {
		t.Run(how, func(t *testing.T) {
			c := start(t)
			c.triage("pump", "double", "no", "no", "no", "neither")
			c.do(Input{Command: "session"})
			checkIn := c.st.NextReminder()
			if !checkIn.Equal(now.Add(20 * time.Minute)) {
				t.Fatalf("the timer checks in at %v, want 20 minutes on", checkIn)
			}
			c.now(checkIn)
			c.do(Input{Reminder: checkIn})
			if len(c.replies) != 1 || len(c.replies[0].Buttons) != 2 {
				t.Fatalf("check-in = %+v, want one question with two buttons", c.replies)
			}
			c.press("1:ci:" + how + ":")
			if log := c.st.Data.Log; len(log) != 1 || !log[0].start().Equal(now) {
				t.Errorf("log after the check-in = %v, want the session that began at %v", log, now)
			}
			if how == "poor" {
				c.wantState(stateWalk)
				if s := c.step(c.st.Data.Step); s == nil {
					t.Errorf("after a slow session the walk shows no step")
				}
			}
			// The check-in's buttons are spent.
			before := len(c.st.Data.Log)
			c.do(Input{Button: "1:ci:good:" + strconv.FormatInt(checkIn.Unix(), 10)})
			if len(c.st.Data.Log) != before {
				t.Error("a spent check-in button logged again")
			}
		})
	}
}

// TestLogReadsMillilitres: the millilitres question takes one side or
// two, in any of the ways people type them, and refuses what is not a
// volume or too much to be one.
func TestLogReadsMillilitres(t *testing.T) {
	for _, tt := range []struct {
		in          string
		left, right int64
		ok          bool
	}{
		{"40", 40, 0, true},
		{"40 ml", 40, 0, true},
		{"30 and 25", 30, 25, true},
		{"30/25", 30, 25, true},
		{"lots", 0, 0, false},
		{"1 2 3", 0, 0, false},
		{"5000", 0, 0, false},
	} {
		c := start(t)
		c.do(Input{Command: "log"})
		c.press("1:lg:side:b")
		c.do(Input{Text: "15"})
		c.do(Input{Text: tt.in})
		logged := len(c.st.Data.Log) == 1
		if logged != tt.ok {
			t.Errorf("%q at the millilitres question: logged = %v, want %v", tt.in, logged, tt.ok)
			continue
		}
		if s := c.st.Data.Log; logged && (s[0][3] != tt.left || s[0][4] != tt.right) {
			t.Errorf("%q logged %d and %d ml, want %d and %d", tt.in, s[0][3], s[0][4], tt.left, tt.right)
		}
	}
}

func TestLogCancelsThePendingCheckIn(t *testing.T) {
	c := start(t)
	setUp(t, c, "yes")
	c.do(Input{Command: "session"})
	if c.st.Data.CheckIn == 0 {
		t.Fatal("/session set no check-in")
	}
	c.do(Input{Command: "log"})
	c.press("1:lg:side:b")
	c.press("1:lg:min:20")
	c.press("1:lg:ml:skip")
	if c.st.Data.CheckIn != 0 {
		t.Error("after /log the check-in is still pending: the session would be logged twice")
	}
	if got := c.st.NextReminder(); !got.Equal(time.Unix(c.st.Data.Remind.Next, 0).UTC()) {
		t.Errorf("the scheduler next hears at %v, want the plan's reminder", got)
	}
	c.do(Input{Command: "today"})
	want := time.Unix(c.st.Data.Remind.Next, 0).In(c.st.Data.location()).Format("15:04")
	if !strings.Contains(c.replies[0].Text, want) {
		t.Errorf("/today = %q, want the next reminder at %s", c.replies[0].Text, want)
	}
}

// TestLogReadsOunces: "2 oz and 1.5 oz" is 59 and 44 millilitres.
func TestLogReadsOunces(t *testing.T) {
	c := start(t)
	c.do(Input{Command: "log"})
	c.press("1:lg:side:b")
	c.do(Input{Text: "about 20 mins"})
	c.wantState(stateLogMl)
	c.do(Input{Text: "2 oz and 1.5oz"})
	if n := len(c.st.Data.Log); n != 1 {
		t.Fatalf("log has %d sessions, want 1", n)
	}
	if s := c.st.Data.Log[0]; s.minutes() != 20 || s[3] != 59 || s[4] != 44 {
		t.Errorf("logged %v, want 20 minutes, 59 ml and 44 ml", s)
	}
}

// A session check-in and a reminder due at the same second both come: the
// turn's slot is handled once, so a reminder left behind would be lost.
func TestCheckInAndReminderAtOnce(t *testing.T) {
	d := newDialog(t)
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st := State{Version: SchemaVersion, Name: stateIdle, Data: Data{
		CheckIn: at.Unix(),
		Remind:  &Plan{PerDay: 8, Zone: "UTC", Overnight: true, Next: at.Unix()},
	}}
	next, replies, _ := d.Step(st, Input{Reminder: at}, at)
	if len(replies) != 2 {
		t.Fatalf("replies = %d (%v), want the check-in and the ping", len(replies), replies)
	}
	if next.Data.Remind.Next <= at.Unix() || next.Data.CheckIn != 0 {
		t.Errorf("after: reminder at %v, check-in %v; want the next slot and the check-in done", time.Unix(next.Data.Remind.Next, 0), next.Data.CheckIn)
	}
}
