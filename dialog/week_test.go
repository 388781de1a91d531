package dialog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func weekState(at time.Time) State {
	st := State{Version: SchemaVersion, Name: stateIdle, Data: Data{
		Remind: &Plan{PerDay: 9, Zone: "America/New_York", Overnight: true},
		Log: []Session{
			newSession(at.Add(-8*24*time.Hour), 20, sideBoth),                        // before the week
			newSession(time.Date(2026, 11, 20, 4, 30, 0, 0, time.UTC), 15, sideLeft), // 23:30 on the 19th, New York
			newSession(time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC), 20, sideBoth),
			newSession(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC), 25, sideRight),
		},
	}}
	st.Data.Log[2].setMl(40, 35)
	return st
}

func TestWeek(t *testing.T) {
	d := newDialog(t)
	at := time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC) // 14:00 on Sunday the 22nd in New York
	for _, cmd := range []string{"today", "week"} {
		_, replies, _ := d.Step(weekState(at), Input{Command: cmd}, at)
		if len(replies) != 1 || replies[0].Week == nil {
			t.Fatalf("Step(/%s) = %+v, want one reply with a week", cmd, replies)
		}
		w := replies[0].Week
		if w.Target != 9 || w.Days[6].Label != "Sun 22" || w.Days[0].Label != "Mon 16" {
			t.Errorf("/%s week = %+v, want target 9, Mon 16 to Sun 22", cmd, w)
		}
		want := map[int]Day{
			3: {Label: "Thu 19", Sessions: 1, Night: 1, Minutes: 15},
			5: {Label: "Sat 21", Sessions: 1, Minutes: 20, MlLeft: 40, MlRight: 35},
			6: {Label: "Sun 22", Sessions: 1, Minutes: 25},
		}
		for i, day := range w.Days {
			if day != want[i] && (want[i] != Day{} || day.Sessions != 0) {
				t.Errorf("/%s day %d = %+v, want %+v", cmd, i, day, want[i])
			}
		}
		if got := w.Sparkline(); got != "···▁·▁▁" {
			t.Errorf("Sparkline() = %q", got)
		}
		if b, _ := json.Marshal(w); len(b) > 400 {
			t.Errorf("the week is %d bytes of JSON in the outbox, want at most 400: %s", len(b), b)
		}
	}
	_, replies, _ := d.Step(weekState(at), Input{Command: "week"}, at)
	for _, want := range []string{"target of 9", "Thu 19: 1, 1 at night, 15 min, 0 ml", "Sat 21: 1, 0 at night, 20 min, 75 ml", "3 sessions"} {
		if !strings.Contains(replies[0].Text, want) {
			t.Errorf("/week = %q, lacks %q", replies[0].Text, want)
		}
	}
}

func TestExport(t *testing.T) {
	d := newDialog(t)
	at := time.Date(2026, 11, 22, 19, 0, 0, 0, time.UTC)
	_, replies, _ := d.Step(weekState(at), Input{Command: "export"}, at)
	if len(replies) != 1 || replies[0].Export == nil {
		t.Fatalf("Step(/export) = %+v, want one reply with an export", replies)
	}
	if replies[0].Week == nil || replies[0].Week.Sessions() != 3 {
		t.Errorf("Step(/export) week = %+v, want the week's chart as the summary", replies[0].Week)
	}
	e := replies[0].Export
	rows, err := e.Rows()
	if err != nil || len(rows) != 4 {
		t.Fatalf("Rows() = %v, %v, want 4 rows", rows, err)
	}
	if r := rows[1]; r.Start.Format("2006-01-02 15:04") != "2026-11-19 23:30" || r.Side != "left" || r.Minutes != 15 {
		t.Errorf("Rows()[1] = %+v, want 23:30 on the 19th in New York, left, 15 min", r)
	}
	if r := rows[2]; r.MlLeft != 40 || r.MlRight != 35 || r.Side != "both" {
		t.Errorf("Rows()[2] = %+v, want both sides, 40 and 35 ml", r)
	}

	_, replies, _ = d.Step(State{Version: SchemaVersion, Name: stateIdle}, Input{Command: "export"}, at)
	if len(replies) != 1 || replies[0].Export != nil || replies[0].Text != d.msg("export_empty") {
		t.Errorf("Step(/export) with no log = %+v, want the empty-log message and no file", replies)
	}
}

func TestExportZoneOffset(t *testing.T) {
	e := Export{Zone: "+05:30", Log: EncodeLog([]Session{newSession(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), 10, sideRight)})}
	rows, err := e.Rows()
	if err != nil || len(rows) != 1 || rows[0].Start.Format("15:04") != "05:30" {
		t.Errorf("Rows() = %+v, %v, want 05:30", rows, err)
	}
}

// TestWeekWordsEveryLanguage checks that every catalog's chart words and
// day names split as week() reads them. It reads the files themselves: a
// catalog need not load whole (Spanish on this branch) for its words to
// be checked.
func TestWeekWordsEveryLanguage(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		raw, err := os.ReadFile(filepath.Join("..", "content", lang, "messages.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Messages map[string]string `yaml:"messages"`
		}
		if err := yaml.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s messages.yaml: %v", lang, err)
		}
		if n := len(strings.Split(f.Messages["chart_words"], "|")); n != 7 {
			t.Errorf("%s chart_words has %d parts, want 7", lang, n)
		}
		if n := len(strings.Fields(f.Messages["week_days"])); n != 7 {
			t.Errorf("%s week_days has %d days, want 7", lang, n)
		}
		for _, id := range []string{"week_head", "week_line", "export", "export_empty"} {
			if f.Messages[id] == "" {
				t.Errorf("%s messages.yaml lacks %s", lang, id)
			}
		}
	}
}
