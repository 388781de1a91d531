package dialog

import (
	"strings"
	"testing"
)

// TestEmergencyNumbersFollowHerZone: the self-harm reply, and the help
// shown again after it, name the numbers of her time zone's country, in
// her language: the platform's zone (Input.TZ) or her reminders'.
func TestEmergencyNumbersFollowHerZone(t *testing.T) {
	d := newLangs(t)
	tests := []struct {
		name, locale, tz, remind string
		phrase                   string
		want, not                []string
	}{
		{"Madrid", "en", "Europe/Madrid", "", "suicide", []string{"112"}, []string{"911", "999", "988"}},
		{"Madrid by her reminders", "en", "", "Europe/Madrid", "suicide", []string{"112"}, []string{"911", "999", "988"}},
		{"London", "en", "Europe/London", "", "suicide", []string{"999 or 112"}, []string{"911", "988"}},
		{"Mexico City", "en", "America/Mexico_City", "", "suicide", []string{"911"}, []string{"112", "999", "988"}},
		{"New York", "en", "America/New_York", "", "suicide", []string{"911", "You can also call or text 988"}, []string{"112", "999", "In the US"}},
		{"no zone", "en", "", "", "suicide", []string{"112, 911 or 999", "In the US you can also call or text 988"}, nil},
		{"a zone in no listed country", "en", "Asia/Tokyo", "", "suicide", []string{"112, 911 or 999", "In the US you can also call or text 988"}, nil},
		{"Madrid in Spanish", "es", "Europe/Madrid", "", "ya no quiero estar aqui", []string{"112"}, []string{"911", "999", "988"}},
		{"Mexico City in Spanish", "es", "America/Mexico_City", "", "ya no quiero estar aqui", []string{"911"}, []string{"112", "999", "988"}},
		{"Los Angeles in Spanish", "es", "America/Los_Angeles", "", "ya no quiero estar aqui", []string{"911", "También puedes llamar o escribir al 988"}, []string{"112", "999", "Estados Unidos"}},
		{"no zone in Spanish", "es", "", "", "ya no quiero estar aqui", []string{"112, 911 o 999", "En Estados Unidos también puedes llamar o escribir al 988"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Initial()
			st, _, _ = d.Step(st, Input{Command: "start", Locale: tt.locale, TZ: tt.tz}, now)
			if tt.remind != "" {
				st.Data.Remind = &Plan{PerDay: 8, Zone: tt.remind}
			}
			st, replies, out := d.Step(st, Input{Text: tt.phrase, Locale: tt.locale, TZ: tt.tz}, now)
			if out.RedFlag != "self-harm" {
				t.Fatalf("Step(%q) red flag = %q, want self-harm", tt.phrase, out.RedFlag)
			}
			_, again, _ := d.Step(st, Input{Text: "ok", Locale: tt.locale, TZ: tt.tz}, now)
			for i, text := range []string{replies[0].Text, again[0].Text} {
				first, _, _ := strings.Cut(text, "\n")
				for _, w := range tt.want {
					if !strings.Contains(first, w) {
						t.Errorf("reply %d = %q, want %q in it", i, first, w)
					}
				}
				for _, n := range tt.not {
					if strings.Contains(text, n) {
						t.Errorf("reply %d = %q, want no %q in it", i, text, n)
					}
				}
				if strings.Contains(text, "{") {
					t.Errorf("reply %d = %q keeps a placeholder", i, text)
				}
			}
		})
	}
}

// TestWelcomeNamesHerNumber: the disclaimer on /start names her country's
// number when the platform knows her zone.
func TestWelcomeNamesHerNumber(t *testing.T) {
	d := newLangs(t)
	for tz, want := range map[string]string{"Europe/Madrid": "(112)", "America/Chicago": "(911)", "": "(112, 911 or 999)"} {
		_, replies, _ := d.Step(Initial(), Input{Command: "start", TZ: tz}, now)
		if !strings.Contains(replies[0].Text, "emergency number "+want) {
			t.Errorf("/start in %q = %q, want the emergency number %s", tz, replies[0].Text, want)
		}
	}
}
