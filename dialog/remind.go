package dialog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/letdownbot/letdown/content"
)

// Plan is her reminder plan. Times are instants in unix seconds; her time
// zone only decides what "night" and "14:30" mean.
type Plan struct {
	PerDay    int    `json:"n"`
	Zone      string `json:"z"`           // an IANA name, or a fixed offset such as "+05:30"
	Overnight bool   `json:"o,omitempty"` // remind through the night too
	Next      int64  `json:"x,omitempty"` // the pending reminder
	Pinged    int64  `json:"p,omitempty"` // the slot of the last ping, whose buttons are live
}

// Quiet hours when overnight reminders are off, and the longest gap the
// plan then allows: night sessions keep supply up, so nights get quieter,
// never empty.
const (
	quietFrom = 23 // 23:00 local
	quietTo   = 5  // 05:00 local
	maxGap    = 6 * time.Hour
	snooze    = 15 * time.Minute
)

// NextReminder is the instant the dialog next wants to hear from the
// scheduler: the pending reminder, the session timer's check-in or the
// next-day check-in, whichever is first; the zero time for none.
func (s State) NextReminder() time.Time {
	var next int64
	if p := s.Data.Remind; p != nil && p.Next != 0 {
		next = p.Next
	}
	for _, c := range [...]int64{s.Data.CheckIn, s.Data.FollowUp, s.Data.Handoff.due()} {
		if c != 0 && (next == 0 || c < next) {
			next = c
		}
	}
	if next == 0 {
		return time.Time{}
	}
	return time.Unix(next, 0).UTC()
}

// location is her time zone; a fixed offset has no daylight saving time.
func (p Plan) location() *time.Location {
	if off, ok := parseOffset(p.Zone); ok {
		return time.FixedZone(p.Zone, off)
	}
	if loc, err := time.LoadLocation(p.Zone); err == nil {
		return loc
	}
	return time.UTC
}

// after is the next reminder after a session (or a reminder) at t: one
// interval on, in absolute time, so a change to or from daylight saving
// time neither doubles nor drops one. With overnight reminders off, one
// that would fall in the quiet hours moves to the morning, but never more
// than maxGap after t.
func (p Plan) after(t time.Time) time.Time {
	interval := 24 * time.Hour / time.Duration(max(p.PerDay, 1))
	next := t.Add(interval)
	if p.Overnight {
		return next
	}
	local := next.In(p.location())
	if h := local.Hour(); h >= quietFrom || h < quietTo {
		day := local
		if h >= quietFrom {
			day = local.AddDate(0, 0, 1)
		}
		morning := time.Date(day.Year(), day.Month(), day.Day(), quietTo, 0, 0, 0, p.location())
		next = earlier(morning, t.Add(maxGap))
	}
	return next
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// clock formats an instant in her time zone.
func (p Plan) clock(t time.Time) string { return t.In(p.location()).Format("15:04") }

// parseOffset reads a fixed offset "+05:30" / "-04:00" into seconds.
func parseOffset(s string) (int, bool) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[4:6])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// zonesMatching finds the IANA zones whose city matches what she typed:
// "london", "new york", "Europe/London", "kolkata".
func zonesMatching(typed string) []string {
	q := strings.TrimSpace(strings.ToLower(typed))
	q = strings.ReplaceAll(q, " ", "_")
	if q == "" {
		return nil
	}
	if exact := exactZones(q); len(exact) > 0 || len(q) < 3 {
		return exact
	}
	var partial []string
	for _, z := range content.Zones() {
		lz := strings.ToLower(z)
		if strings.Contains(lz[strings.LastIndex(lz, "/")+1:], q) {
			partial = append(partial, z)
		}
	}
	return partial
}

// exactZones finds the zones whose city is exactly name ("new york").
func exactZones(name string) []string {
	q := strings.ReplaceAll(strings.ToLower(name), " ", "_")
	var out []string
	for _, z := range content.Zones() {
		lz := strings.ToLower(z)
		if lz == q || lz[strings.LastIndex(lz, "/")+1:] == q {
			out = append(out, z)
		}
	}
	return out
}

// offsetFromClock turns "what time is it for you now?" into a fixed offset
// from UTC, to the nearest 15 minutes: "3:15 pm", "15:15", "7am".
func offsetFromClock(typed string, now time.Time) (string, bool) {
	s := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(typed), " ", ""))
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "pm"), "am")
	hs, ms, _ := strings.Cut(strings.ReplaceAll(s, ".", ":"), ":")
	h, err := strconv.Atoi(hs)
	if err != nil || h < 0 || h > 23 {
		return "", false
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || m < 0 || m > 59 {
			return "", false
		}
	}
	if (pm || am) && (h < 1 || h > 12) {
		return "", false
	}
	if pm && h != 12 {
		h += 12
	} else if am && h == 12 {
		h = 0
	}
	utc := now.UTC()
	diff := (h*60 + m) - (utc.Hour()*60 + utc.Minute())
	// The nearest offset within -12:00 … +14:00, in quarter hours.
	for diff < -12*60 {
		diff += 24 * 60
	}
	for diff > 14*60 {
		diff -= 24 * 60
	}
	diff = (diff + 7*sign(diff)) / 15 * 15
	sgn := '+'
	if diff < 0 {
		sgn, diff = '-', -diff
	}
	return fmt.Sprintf("%c%02d:%02d", sgn, diff/60, diff%60), true
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// fill puts a plan's figures into a message: {n}, {every}, {time}.
func (p Plan) fill(msg string, at time.Time) string {
	every := 24 * time.Hour / time.Duration(max(p.PerDay, 1))
	return strings.NewReplacer(
		"{n}", strconv.Itoa(p.PerDay),
		"{every}", strings.TrimSuffix(strings.TrimSuffix(every.Round(time.Minute).String(), "0s"), "0m"),
		"{time}", p.clock(at),
	).Replace(msg)
}
