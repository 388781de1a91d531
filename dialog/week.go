package dialog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is her last 7 days in numbers, oldest first, the last being today
// in her time zone. It rides in a Reply, so it stays small.
type Week struct {
	// Target is the sessions a day she aims at: her plan's, else 8 (the
	// low end of 8 to 10).
	Target int    `json:"target"`
	Days   [7]Day `json:"days"`
	// Words are the chart's few words, in her language.
	Words ChartWords `json:"words"`
}

// ChartWords name what a chart of the week shows.
type ChartWords struct {
	Title    string `json:"title"`    // "Your last 7 days"
	Sessions string `json:"sessions"` // the sessions panel: "Sessions a day"
	Night    string `json:"night"`    // the mark on night sessions: "night"
	Target   string `json:"target"`   // the target line: "target"
	Milk     string `json:"milk"`     // the milk panel: "Milk (ml), L left, R right"
	Left     string `json:"left"`     // on a left bar: "L"
	Right    string `json:"right"`    // on a right bar: "R"
}

// Day is one day of her log, her time.
type Day struct {
	Label    string `json:"label"` // short, for an axis: "Mon 1"
	Sessions int    `json:"n,omitempty"`
	// Night is how many of the sessions started between 23:00 and
	// 05:00, when night sessions do the most for her supply.
	Night   int `json:"night,omitempty"`
	Minutes int `json:"min,omitempty"`
	MlLeft  int `json:"mll,omitempty"`
	MlRight int `json:"mlr,omitempty"`
}

// Export is her session log for sending as a file: the log as EncodeLog
// writes it, and her time zone, for the file's times.
type Export struct {
	Zone string `json:"zone"`
	Log  []byte `json:"log"`
}

// Row is one session of an export, as a file shows it.
type Row struct {
	Start   time.Time // in her time zone
	Side    string    // "left", "right" or "both"
	Minutes int
	MlLeft  int
	MlRight int
}

// Rows decodes the export's log into rows, oldest first, with times in
// her zone.
func (e Export) Rows() ([]Row, error) {
	log, err := DecodeLog(e.Log)
	if err != nil {
		return nil, err
	}
	loc := Plan{Zone: e.Zone}.location()
	rows := make([]Row, 0, len(log))
	for _, s := range log {
		side := map[int64]string{sideLeft: "left", sideRight: "right", sideBoth: "both"}[s[2]]
		rows = append(rows, Row{Start: s.start().In(loc), Side: side, Minutes: s.minutes(), MlLeft: int(s[3]), MlRight: int(s[4])})
	}
	return rows, nil
}

// Sessions is how many sessions the week holds.
func (w Week) Sessions() int {
	n := 0
	for _, d := range w.Days {
		n += d.Sessions
	}
	return n
}

// Sparkline draws sessions per day in eight heights, one character a day
// ("·" for a day with none), scaled to the busiest day or the target,
// whichever is higher: the console's chart, and the chat platforms' when
// the picture cannot be drawn.
func (w Week) Sparkline() string {
	const bars = "▁▂▃▄▅▆▇█"
	top := max(w.Target, 1)
	for _, d := range w.Days {
		top = max(top, d.Sessions)
	}
	var b strings.Builder
	for _, d := range w.Days {
		if d.Sessions == 0 {
			b.WriteString("·") // nothing logged, which a bar would hide
			continue
		}
		i := min((d.Sessions*8-1)/top, 7)
		b.WriteString(string([]rune(bars)[i]))
	}
	return b.String()
}

// isNight reports whether a session starting at t (her time) is a night one.
func isNight(t time.Time) bool {
	h := t.Hour()
	return h >= quietFrom || h < quietTo
}

// week gathers her last 7 days, today last.
func (t *turn) week() *Week {
	d := t.st.Data
	loc := d.location()
	now := t.now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	w := &Week{Target: 8}
	if d.Remind != nil && d.Remind.PerDay > 0 {
		w.Target = d.Remind.PerDay
	}
	if f := strings.Split(t.d.msg("chart_words"), "|"); len(f) == 7 {
		w.Words = ChartWords{Title: f[0], Sessions: f[1], Night: f[2], Target: f[3], Milk: f[4], Left: f[5], Right: f[6]}
	}
	names := strings.Fields(t.d.msg("week_days")) // Monday first
	var starts [8]time.Time
	for i := range 7 {
		day := today.AddDate(0, 0, i-6)
		starts[i] = day
		name := day.Weekday().String()[:3]
		if len(names) == 7 {
			name = names[(int(day.Weekday())+6)%7]
		}
		w.Days[i].Label = name + " " + strconv.Itoa(day.Day())
	}
	starts[7] = today.AddDate(0, 0, 1)
	for _, s := range d.Log {
		st := s.start().In(loc)
		for i := range 7 {
			if st.Before(starts[i]) || !st.Before(starts[i+1]) {
				continue
			}
			day := &w.Days[i]
			day.Sessions++
			day.Minutes += s.minutes()
			day.MlLeft += int(s[3])
			day.MlRight += int(s[4])
			if isNight(st) {
				day.Night++
			}
		}
	}
	return w
}

// weekText is /week in words: a line a day, then the total.
func (t *turn) weekText(w *Week) string {
	var b strings.Builder
	fmt.Fprintf(&b, t.d.msg("week_head")+"\n", w.Target)
	for _, d := range w.Days {
		fmt.Fprintf(&b, t.d.msg("week_line")+"\n", d.Label, d.Sessions, d.Night, d.Minutes, d.MlLeft+d.MlRight)
	}
	n := w.Sessions()
	fmt.Fprintf(&b, "\n"+t.d.msg("today_week"), t.d.sessions(n), float64(n)/7)
	return b.String()
}

// export answers /export: her log as a file with the chart of her week as
// a one-page summary, or a word that there is nothing to send yet.
func (t *turn) export() {
	d := t.st.Data
	if len(d.Log) == 0 {
		t.reply(t.d.msg("export_empty"), t.currentButtons())
		return
	}
	t.replies = append(t.replies, Reply{
		Text:    fmt.Sprintf(t.d.msg("export"), t.d.sessions(len(d.Log))),
		Buttons: t.currentButtons(),
		Export:  &Export{Zone: zoneName(d), Log: EncodeLog(d.Log)},
		// The one-page summary for her consultant: the week's chart.
		Week: t.week(),
	})
}

// zoneName is her zone as the plan names it (an IANA name or an offset
// such as "UTC+2"), "UTC" without a plan.
func zoneName(d Data) string {
	if d.Remind != nil && d.Remind.Zone != "" {
		return d.Remind.Zone
	}
	return "UTC"
}
