package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/content"
)

// groupIn is a member's question in a group, answered under thread "77".
func groupIn(from, text, locale string) Input {
	return Input{Group: true, From: from, Text: text, Locale: locale, Thread: "77"}
}

func TestGroupAnswersAQuestionInGeneralWords(t *testing.T) {
	d := newLangs(t)
	for _, tt := range []struct{ locale, text, want string }{
		{"en", "what helps let-down at work?", "letdown-apart"},
		{"", "how often should I pump?", ""},
		{"es-ES", "¿qué ayuda a que baje la leche en el trabajo?", "letdown-apart"},
	} {
		_, replies, out := d.Step(State{}, groupIn("U1", tt.text, tt.locale), now)
		if len(replies) != 1 || !strings.HasPrefix(out.Understood, "question:") {
			t.Fatalf("Step(group %q) = %d replies, understood %q, want one answer with a step", tt.text, len(replies), out.Understood)
		}
		r := replies[0]
		g := d.For(LocaleLang(tt.locale))
		id := strings.TrimPrefix(out.Understood, "question:")
		if tt.want != "" && id != tt.want {
			t.Errorf("Step(group %q) answered with %s, want %s", tt.text, id, tt.want)
		}
		s := g.steps[id]
		if !strings.Contains(r.Text, s.Text) || !strings.Contains(r.Text, g.msg("group_footer")) || r.Thread != "77" {
			t.Errorf("Step(group %q) = %q (thread %q), want step %s's text, the general footer, in thread 77", tt.text, r.Text, r.Thread, id)
		}
		key := content.StepKey(id)
		want := []string{"1:g:more:" + key, "1:g:why:" + key, PrivateData}
		if got := buttonData(r); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("Step(group %q) buttons = %v, want %v", tt.text, got, want)
		}
		for _, b := range r.Buttons {
			if len(b.Data) > 64 {
				t.Errorf("button data %q is %d bytes, over 64", b.Data, len(b.Data))
			}
		}
	}
}

func buttonData(r Reply) []string {
	var out []string
	for _, b := range r.Buttons {
		if b.URL != "" {
			out = append(out, "url:"+b.URL)
			continue
		}
		out = append(out, b.Data)
	}
	return out
}

func TestGroupButtonsWorkForAnyone(t *testing.T) {
	d := newLangs(t)
	st, replies, out := d.Step(State{}, groupIn("U1", "what helps let-down at work?", ""), now)
	id := strings.TrimPrefix(out.Understood, "question:")
	s := d.steps[id]
	more := replies[0].Buttons[0].Data
	st, replies, _ = d.Step(st, Input{Group: true, From: "U2", Button: more, Thread: "78"}, now.Add(time.Minute))
	if len(replies) != 1 || !strings.Contains(replies[0].Text, s.More) || replies[0].Thread != "78" {
		t.Fatalf("Step(group press %s) = %v, want step %s's more in thread 78", more, replies, id)
	}
	why := replies[0].Buttons[0].Data
	_, replies, _ = d.Step(st, Input{Group: true, From: "U3", Button: why, Thread: "78"}, now.Add(2*time.Minute))
	if len(replies) != 1 || !strings.Contains(replies[0].Text, s.Why) {
		t.Fatalf("Step(group press %s) = %v, want step %s's why", why, replies, id)
	}
	// Forged or old data gets the general line, never a panic or a step.
	for _, data := range []string{"1:g:more:zzzz", "1:g:x:" + content.StepKey(id), "1:w:next:" + id, "garbage", "1:g"} {
		_, replies, _ := d.Step(State{}, Input{Group: true, From: "U4", Button: data}, now)
		if len(replies) != 1 || replies[0].Text != d.msg("group_help") {
			t.Errorf("Step(group press %q) = %v, want the general line", data, replies)
		}
	}
}

func TestGroupLinkButton(t *testing.T) {
	d := newLangs(t)
	in := groupIn("7", "what helps let-down at work?", "")
	in.Link = "https://t.me/LetdownBot?start=go"
	_, replies, _ := d.Step(State{}, in, now)
	last := replies[0].Buttons[len(replies[0].Buttons)-1]
	if last.URL != in.Link || last.Data != "" || last.Label != d.msg("btn_private") {
		t.Errorf("private button = %+v, want a link to %s", last, in.Link)
	}
}

func TestGroupUnmatchedGetsTheGeneralLine(t *testing.T) {
	d := newLangs(t)
	for _, in := range []Input{groupIn("U1", "what's the weather like", ""), {Group: true, From: "U1", Command: "help"}, {Group: true, From: "U1", Command: "letdown"}} {
		_, replies, _ := d.Step(State{}, in, now)
		if len(replies) != 1 || replies[0].Text != d.msg("group_help") || strings.Join(buttonData(replies[0]), " ") != PrivateData {
			t.Errorf("Step(group %+v) = %v, want the general line and the private button", in, replies)
		}
	}
	_, replies, _ := d.Step(State{}, groupIn("U1", "¿qué tiempo hace?", "es"), now)
	if len(replies) != 1 || replies[0].Text != d.For("es").msg("group_help") {
		t.Errorf("Step(group in Spanish) = %v, want the Spanish general line", replies)
	}
}

func TestGroupRedFlagIsGeneral(t *testing.T) {
	d := newLangs(t)
	for _, text := range []string{"I want to hurt myself", "my breast is red and hot and I have a fever of 39", "baby has had only 2 wet nappies today"} {
		_, replies, out := d.Step(State{}, groupIn("U1", text, ""), now)
		if out.RedFlag == "" || out.RedFlagLevel != "" {
			t.Errorf("Step(group %q) outcome %+v, want the red flag named and its level left to her private turn", text, out)
		}
		if len(replies) != 1 || replies[0].Text != d.cat.FillNumbers(d.msg("group_redflag"), "") || strings.Join(buttonData(replies[0]), " ") != PrivateData {
			t.Fatalf("Step(group %q) = %v, want the general text and the private button only", text, replies)
		}
		for _, f := range d.cat.RedFlags {
			if strings.Contains(replies[0].Text, f.Reply) {
				t.Errorf("Step(group %q) shows %s's referral in the open", text, f.ID)
			}
		}
		for _, n := range []string{"112", "911", "999"} {
			if !strings.Contains(replies[0].Text, n) {
				t.Errorf("group red-flag text lacks %s", n)
			}
		}
	}
}

func TestGroupRateWindow(t *testing.T) {
	d := newLangs(t)
	var st State
	ask := func(from string, at time.Time, text string) ([]Reply, Outcome) {
		t.Helper()
		var replies []Reply
		var out Outcome
		st, replies, out = d.Step(st, groupIn(from, text, ""), at)
		return replies, out
	}
	q := "what helps let-down at work?"
	// Two answers a person.
	for i := range 2 {
		if r, _ := ask("U1", now.Add(time.Duration(i)*time.Second), q); len(r) != 1 {
			t.Fatalf("answer %d to U1 = %d replies, want 1", i+1, len(r))
		}
	}
	if r, out := ask("U1", now.Add(3*time.Second), q); len(r) != 0 || !out.Limited {
		t.Fatalf("third answer to U1 within %v = %d replies (limited %v), want none", GroupWindow, len(r), out.Limited)
	}
	// Six a group.
	for i, who := range []string{"U2", "U3", "U4", "U5"} {
		if r, _ := ask(who, now.Add(time.Duration(10+i)*time.Second), q); len(r) != 1 {
			t.Fatalf("answer to %s = %d replies, want 1", who, len(r))
		}
	}
	if r, out := ask("U6", now.Add(20*time.Second), q); len(r) != 0 || !out.Limited {
		t.Fatalf("seventh answer in the group = %d replies, want none", len(r))
	}
	// A warning sign is answered past the limit.
	if r, _ := ask("U1", now.Add(21*time.Second), "I want to hurt myself"); len(r) != 1 {
		t.Fatalf("red flag past the limit = %d replies, want 1", len(r))
	}
	// The window holds no user id in clear.
	for _, a := range st.Data.Window {
		if strings.HasPrefix(a.Who, "U") && len(a.Who) < 3 {
			t.Errorf("window holds %q, a user id", a.Who)
		}
	}
	if n := len(st.Data.Window); n != 7 {
		t.Errorf("window holds %d answers, want 7", n)
	}
	// Past the window, all are answered again and the old entries go.
	if r, _ := ask("U1", now.Add(GroupWindow+time.Minute), q); len(r) != 1 {
		t.Fatalf("answer after the window = %d replies, want 1", len(r))
	}
	if n := len(st.Data.Window); n != 1 {
		t.Errorf("window after %v holds %d answers, want 1", GroupWindow, n)
	}
}

// TestGroupNeverAsks holds that a group reply never asks about her: no
// triage question or referral of the private dialog, no button but the
// group's, and the state holds nothing but the rate window.
func TestGroupNeverAsks(t *testing.T) {
	d := newLangs(t)
	inputs := []string{"hi", "pump", "yes", "no", "both", "8", "45 min", "I use a pump", "none of these", "/start", "I'm in nyc",
		"what helps let-down at work?", "how often should I pump", "tell me more", "why", "stop", "forget", "remind me",
		"I have a fever", "my baby is in the nicu", "¿cómo me saco leche?", "sí", strings.Repeat("pump ", 3000)}
	for _, lang := range []string{"en", "es"} {
		g := d.For(lang)
		var st State
		for i, text := range inputs {
			var replies []Reply
			st, replies, _ = d.Step(st, groupIn("U1", text, lang), now.Add(time.Duration(i)*GroupWindow))
			for _, r := range replies {
				for _, q := range g.cat.Questions {
					if strings.Contains(r.Text, q.Text) {
						t.Errorf("Step(group %q) asks %s", text, q.ID)
					}
				}
				for _, b := range r.Buttons {
					if b.Data != PrivateData && !strings.HasPrefix(b.Data, "1:g:") {
						t.Errorf("Step(group %q) offers button %q", text, b.Data)
					}
				}
			}
			if st.Name != stateGroup || st.Data.Method != "" || st.Data.Plan != "" || st.Data.Remind != nil || st.Data.Lang != "" {
				t.Errorf("Step(group %q) state = %+v, want only the group's window", text, st)
			}
		}
	}
}
