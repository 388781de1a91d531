package dialog

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Session is one logged expressing session, kept compact because a
// conversation carries up to a month of them: start (unix minutes),
// minutes, side (sideLeft, sideRight, sideBoth), and millilitres from the
// left and right breast (0: not given).
type Session [5]int64

const (
	sideLeft = iota + 1
	sideRight
	sideBoth
)

// DefaultRetention is how long logged sessions are kept.
const DefaultRetention = 30 * 24 * time.Hour

// checkInAfter is when the session timer asks how it went.
const checkInAfter = 20 * time.Minute

func newSession(start time.Time, minutes, side int) Session {
	return Session{start.Unix() / 60, int64(minutes), int64(side)}
}

func (s Session) start() time.Time       { return time.Unix(s[0]*60, 0).UTC() }
func (s Session) end() time.Time         { return s.start().Add(time.Duration(s[1]) * time.Minute) }
func (s Session) minutes() int           { return int(s[1]) }
func (s Session) millilitres() int       { return int(s[3] + s[4]) }
func (s *Session) setMl(left, right int) { s[3], s[4] = int64(left), int64(right) }

// logSession records a session and lets go of the ones older than the
// retention.
func (t *turn) logSession(s Session) {
	d := &t.st.Data
	d.Log = append(d.Log, s)
	sort.Slice(d.Log, func(i, j int) bool { return d.Log[i][0] < d.Log[j][0] })
	t.d.Prune(&t.st, t.now)
	// The schedule follows when she actually expressed.
	if p := d.Remind; p != nil {
		p.Pinged = 0
		p.Next = p.after(s.start()).Unix()
		if p.Next <= t.now.Unix() {
			p.Next = p.after(t.now).Unix()
		}
	}
}

// location is her time zone for the log: the reminder plan's, else UTC.
func (d Data) location() *time.Location {
	if d.Remind != nil {
		return d.Remind.location()
	}
	return time.UTC
}

// today summarizes her log: today against the target, minutes, volume,
// the longest gap, last night, the next reminder, and the last 7 days.
func (t *turn) today() string {
	d := t.st.Data
	loc := d.location()
	now := t.now.In(loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	target := "8 to 10"
	if d.Remind != nil {
		target = strconv.Itoa(d.Remind.PerDay)
	}
	var count, minutes, ml int
	var times []time.Time
	for _, s := range d.Log {
		if !s.start().Before(midnight) {
			count++
			minutes += s.minutes()
			ml += s.millilitres()
		}
		if s.start().After(now.Add(-24 * time.Hour)) {
			times = append(times, s.start())
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, t.d.msg("today_head")+"\n", t.d.sessions(count), target)
	fmt.Fprintf(&b, t.d.msg("today_minutes"), minutes)
	if ml > 0 {
		fmt.Fprintf(&b, ", %d ml", ml)
	}
	b.WriteString("\n")
	if gap := longestGap(times, t.now); gap > 0 {
		fmt.Fprintf(&b, t.d.msg("today_gap")+"\n", hoursMinutes(gap))
	}
	if overnight(d.Log, midnight, loc) {
		b.WriteString(t.d.msg("today_night_yes") + "\n")
	} else {
		b.WriteString(t.d.msg("today_night_no") + "\n")
	}
	if p := d.Remind; p != nil && p.Next != 0 {
		// The plan's reminder, not a pending check-in.
		fmt.Fprintf(&b, t.d.msg("today_next")+"\n", time.Unix(p.Next, 0).In(loc).Format("15:04"))
	}
	var week, weekMl int
	for _, s := range d.Log {
		if s.start().After(t.now.Add(-7 * 24 * time.Hour)) {
			week++
			weekMl += s.millilitres()
		}
	}
	fmt.Fprintf(&b, "\n"+t.d.msg("today_week"), t.d.sessions(week), float64(week)/7)
	if weekMl > 0 {
		fmt.Fprintf(&b, ", %d ml", weekMl)
	}
	return b.String()
}

// longestGap is the longest time between sessions in the last 24 hours,
// counting the time since the last one.
func longestGap(times []time.Time, now time.Time) time.Duration {
	if len(times) == 0 {
		return 0
	}
	var longest time.Duration
	for i := 1; i < len(times); i++ {
		longest = max(longest, times[i].Sub(times[i-1]))
	}
	return max(longest, now.Sub(times[len(times)-1]))
}

// overnight reports whether she expressed last night: between 23:00 the
// evening before and 05:00 today, her time.
func overnight(log []Session, midnight time.Time, loc *time.Location) bool {
	from := midnight.Add(-time.Duration(24-quietFrom) * time.Hour)
	to := time.Date(midnight.Year(), midnight.Month(), midnight.Day(), quietTo, 0, 0, 0, loc)
	for _, s := range log {
		if st := s.start(); !st.Before(from) && st.Before(to) {
			return true
		}
	}
	return false
}

// sessions counts sessions in words: "1 session", "3 sessions", in the
// catalog's language.
func (d *Dialog) sessions(n int) string {
	if n == 1 {
		return d.msg("today_one_session")
	}
	return fmt.Sprintf(d.msg("today_sessions"), n)
}

func hoursMinutes(d time.Duration) string {
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02d", int(d.Hours()), int(d.Minutes())%60)
}
