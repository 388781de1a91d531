package dialog

import (
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/content"
)

var now = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

func newDialog(t testing.TB) *Dialog {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatalf("content.Default() = %v", err)
	}
	return New(cat)
}

// convo drives a dialog the way a person would, remembering the last buttons.
type convo struct {
	t       testing.TB
	at      time.Time // the clock; zero means the package's now
	d       *Dialog
	st      State
	replies []Reply
	out     Outcome
	shown   []string // ids of every guidance step put on screen
}

func start(t testing.TB) *convo {
	t.Helper()
	c := &convo{t: t, d: newDialog(t)}
	c.do(Input{Command: "start"})
	return c
}

// now sets the conversation's clock.
func (c *convo) now(at time.Time) { c.at = at }

func (c *convo) do(in Input) {
	c.t.Helper()
	at := c.at
	if at.IsZero() {
		at = now
	}
	c.st, c.replies, c.out = c.d.Step(c.st, in, at)
	if len(c.replies) == 0 {
		c.t.Fatalf("Step(%+v) gave no reply", in)
	}
	if c.st.Name == stateWalk {
		if len(c.shown) == 0 || c.shown[len(c.shown)-1] != c.st.Data.Step {
			c.shown = append(c.shown, c.st.Data.Step)
		}
	}
}

// press taps the button whose data starts with prefix on the last reply.
func (c *convo) press(prefix string) {
	c.t.Helper()
	c.pressOn(c.replies[len(c.replies)-1], prefix)
}

// pressOn taps a button of an earlier reply.
func (c *convo) pressOn(last Reply, prefix string) {
	c.t.Helper()
	for _, b := range last.Buttons {
		if strings.HasPrefix(b.Data, prefix) {
			c.do(Input{Button: b.Data})
			return
		}
	}
	c.t.Fatalf("no button %q in state %s among %+v", prefix, c.st.Name, last.Buttons)
}

func (c *convo) wantState(name string) {
	c.t.Helper()
	if c.st.Name != name {
		c.t.Fatalf("state = %s, want %s (last reply %q)", c.st.Name, name, c.replies[len(c.replies)-1].Text)
	}
}

// triage answers the questions in order.
func (c *convo) triage(method, double, steady, amount, within, tried string) {
	c.t.Helper()
	c.press("1:clear")
	c.press("1:a:method:" + method)
	if method != "hand" {
		c.press("1:a:double:" + double)
	}
	c.press("1:a:steady:" + steady)
	c.press("1:a:amount:" + amount)
	c.press("1:a:time:" + within)
	if tried != "" {
		c.press("1:a:tried:" + tried)
	}
}

// walkToEnd taps Next until what she walks (her plan, or a theme of
// "More ideas") ends.
func (c *convo) walkToEnd() {
	c.t.Helper()
	for i := 0; c.st.Name == stateWalk; i++ {
		if i > len(c.d.steps) {
			c.t.Fatalf("walk did not end after %d steps", i)
		}
		c.press("1:w:next:")
	}
	if c.st.Name != stateDone && c.st.Name != stateIdeas {
		c.t.Fatalf("state after the walk = %s, want done or ideas", c.st.Name)
	}
}

// walkAll walks her plan to its end, then every theme of "More ideas".
func (c *convo) walkAll() {
	c.t.Helper()
	c.walkToEnd()
	for range 2*len(content.Themes) + 2 {
		switch c.st.Name {
		case stateDone:
			if !c.has("1:ideas") {
				return
			}
			c.press("1:ideas")
		case stateIdeas:
			c.press("1:th:")
			c.walkToEnd()
		default:
			c.t.Fatalf("state %s after a theme", c.st.Name)
		}
	}
	c.wantState(stateDone)
}

// has reports whether the last reply has a button whose data starts with prefix.
func (c *convo) has(prefix string) bool {
	for _, b := range c.replies[len(c.replies)-1].Buttons {
		if strings.HasPrefix(b.Data, prefix) {
			return true
		}
	}
	return false
}

func (c *convo) step(id string) *content.Step { return c.d.steps[id] }

func TestSeed003MotherSkipsWhatSheTried(t *testing.T) {
	c := start(t)
	c.wantState(stateScreen)
	c.triage("pump", "double", "no", "no", "no", "both")
	c.wantState(stateWalk)
	c.walkAll()
	themes := map[string]bool{}
	for _, id := range c.shown {
		s := c.step(id)
		themes[s.Theme] = true
		if s.Tried == "warm_compress" || s.Tried == "skin_to_skin" || s.Tried == "double_pumping" {
			t.Errorf("walk showed %s (tried: %s), which she already does", id, s.Tried)
		}
		if s.OnlyWithMastitis {
			t.Errorf("walk showed mastitis-only step %s without mastitis", id)
		}
	}
	for _, th := range content.Themes {
		if !themes[th] {
			t.Errorf("plan and more ideas visited themes %v, missing %s", themes, th)
		}
	}
	seen := map[string]bool{}
	for _, id := range c.shown {
		if seen[id] {
			t.Errorf("step %s shown twice in %v", id, c.shown)
		}
		seen[id] = true
	}
}

func TestWalkShowsTheStepsSheHasNotTried(t *testing.T) {
	c := start(t)
	c.triage("pump", "single", "no", "yes", "yes", "neither")
	c.walkAll()
	seen := map[string]bool{}
	for _, id := range c.shown {
		seen[c.step(id).Tried] = true
	}
	for _, tried := range content.TriedValues {
		if !seen[tried] {
			t.Errorf("plan and more ideas for a single-pumping mother who tried nothing never showed a %s step", tried)
		}
	}
}

func TestHandExpressionSeesNoPumpSteps(t *testing.T) {
	c := start(t)
	c.triage("hand", "", "no", "no", "yes", "neither")
	c.walkAll()
	hand := 0
	for _, id := range c.shown {
		switch c.step(id).For {
		case "pump":
			t.Errorf("hand-expressing walk showed pump step %s", id)
		case "hand":
			hand++
		}
	}
	if hand == 0 {
		t.Errorf("hand-expressing walk showed no hand step among %v", c.shown)
	}
}

func TestExpressingWellGoesToThePlan(t *testing.T) {
	c := start(t)
	c.triage("both", "double", "yes", "yes", "yes", "")
	c.wantState(stateWalk)
	if c.st.Data.Kind != kindWell {
		t.Errorf("expressing well makes a plan of kind %q, want %q", c.st.Data.Kind, kindWell)
	}
	if c.replies[0].Text != c.d.msg("going_well") {
		t.Errorf("expressing well first hears %q, want the encouragement", c.replies[0].Text)
	}
	c.walkToEnd()
	for _, id := range c.shown {
		if p := c.step(id).Phase; p != "plan" {
			t.Errorf("the plan for keeping it going showed %s (phase %s), want plan-phase steps only", id, p)
		}
	}
	if n := len(c.shown); n == 0 || n > planSize {
		t.Errorf("the plan for keeping it going showed %d steps, want 1 to %d", n, planSize)
	}
}

func TestMastitisMidWalkChangesTheAdvice(t *testing.T) {
	c := start(t)
	c.triage("pump", "single", "no", "no", "no", "neither")
	c.press("1:w:next:")
	c.do(Input{Text: "I have a red hot patch on my breast and a fever"})
	if c.out.RedFlag == "" {
		t.Fatalf("red-flag text gave outcome %+v, want a red flag", c.out)
	}
	if !c.st.Data.Mastitis {
		t.Fatalf("mastitis text did not set the mastitis flag")
	}
	before := len(c.shown)
	c.press("1:go")
	c.walkAll()
	for _, id := range c.shown[before:] {
		if c.step(id).AvoidWithMastitis {
			t.Errorf("after mastitis signs the walk showed %s, which avoids mastitis", id)
		}
	}
}

func TestRedFlagScreenButtons(t *testing.T) {
	d := newDialog(t)
	for _, f := range d.cat.RedFlags {
		if f.Label == "" {
			continue
		}
		t.Run(f.ID, func(t *testing.T) {
			c := start(t)
			c.press("1:rf:" + f.ID)
			if c.out.RedFlag != f.ID {
				t.Fatalf("pressing %s gave outcome %+v", f.ID, c.out)
			}
			// No zone: every number is named.
			if !strings.Contains(c.replies[0].Text, d.cat.FillNumbers(f.Reply, "")) {
				t.Errorf("reply %q does not carry the referral", c.replies[0].Text)
			}
			if f.Level == content.LevelEmergency {
				c.wantState(stateCrisis)
				c.press("1:safe")
				c.wantState(stateScreen)
				return
			}
			c.press("1:go")
			c.wantState(stateAskMethod)
		})
	}
}

func TestSelfHarmInterruptsAnywhere(t *testing.T) {
	d := newDialog(t)
	var phrase string
	for _, f := range d.cat.RedFlags {
		if f.Level == content.LevelEmergency && len(f.Phrases) > 0 && strings.Contains(d.cat.FillNumbers(f.Reply, ""), "988") {
			phrase = f.Phrases[0]
		}
	}
	if phrase == "" {
		t.Fatal("no emergency red flag with the 988 line")
	}
	for _, at := range []func(*convo){
		func(c *convo) {},
		func(c *convo) { c.press("1:clear") },
		func(c *convo) { c.triage("pump", "double", "no", "no", "no", "neither") },
	} {
		c := start(t)
		at(c)
		c.do(Input{Text: "honestly I " + phrase})
		c.wantState(stateCrisis)
		if !strings.Contains(c.replies[0].Text, "988") {
			t.Errorf("self-harm reply %q lacks emergency numbers", c.replies[0].Text)
		}
		c.do(Input{Text: "ok"})
		c.wantState(stateCrisis)
	}
}

func TestNegatedSignsDoNotFire(t *testing.T) {
	d := newDialog(t)
	for _, text := range []string{"no fever", "I don't have a fever", "there's no red patch"} {
		st, _, out := d.Step(State{Version: SchemaVersion, Name: stateScreen}, Input{Text: text}, now)
		if out.RedFlag != "" {
			t.Errorf("Step(%q) fired red flag %s (state %s)", text, out.RedFlag, st.Name)
		}
	}
	if _, _, out := d.Step(State{Version: SchemaVersion, Name: stateScreen}, Input{Text: "I have a fever"}, now); out.RedFlag == "" {
		t.Errorf(`Step("I have a fever") fired no red flag`)
	}
}

func TestRedFlagChoice(t *testing.T) {
	d := newDialog(t)
	tests := []struct{ text, want string }{
		{"my baby has a fever", "baby"},
		{"I have a fever", "mastitis"},
		{"no milk and a red patch", "mastitis"},
		{"no fever or chills", ""},
		{"I want to die and I have a fever", "self-harm"},
		{"can I take domperidone", "medicines"},
		{"is the flange supposed to hurt my baby's feeding", ""},
	}
	for _, tt := range tests {
		_, _, out := d.Step(State{Version: SchemaVersion, Name: stateScreen}, Input{Text: tt.text}, now)
		if out.RedFlag != tt.want {
			t.Errorf("Step(%q) red flag = %q, want %q", tt.text, out.RedFlag, tt.want)
		}
	}
}

func TestStaleAndForgedButtons(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "neither")
	first := c.st.Data.Step
	c.press("1:w:next:")
	for _, data := range []string{
		"1:w:next:" + first,                                   // a button from the previous step
		"1:a:method:pump",                                     // a triage answer, long after triage
		"1:w:next:no-such-step", "2:w:next:" + c.st.Data.Step, // unknown step, future version
		"", ":", "1", "1:rf:nope", "1:w:fly:" + c.st.Data.Step, strings.Repeat("1:", 40),
	} {
		before := c.st
		c.do(Input{Button: data})
		if c.st.Name != before.Name || c.st.Data.Step != before.Data.Step {
			t.Errorf("button %q moved %s/%s to %s/%s", data, before.Name, before.Data.Step, c.st.Name, c.st.Data.Step)
		}
		if last := c.replies[len(c.replies)-1]; len(last.Buttons) == 0 {
			t.Errorf("button %q: the reply re-offers no buttons", data)
		}
	}
}

func TestTypedLabelsPressButtons(t *testing.T) {
	c := start(t)
	c.do(Input{Text: "None of these"})
	c.wantState(stateAskMethod)
	c.do(Input{Text: "pump"})
	c.wantState(stateAskDouble)
	c.do(Input{Text: "bananas"})
	if !c.out.Fallback {
		t.Errorf("Step(bananas) outcome %+v, want a fallback", c.out)
	}
	c.wantState(stateAskDouble)
	if got := len(c.replies[len(c.replies)-1].Buttons); got == 0 {
		t.Errorf("fallback re-offers no buttons")
	}
}

func TestForget(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "neither")
	c.do(Input{Button: "1:forget:yes"}) // a confirmation nobody asked for
	if c.out.Forget {
		t.Fatal("a 'yes, erase' pressed outside the confirmation erased")
	}
	c.do(Input{Command: "forget"})
	c.wantState(stateForget)
	c.press("1:forget:no")
	if c.out.Forget {
		t.Fatal("'keep it' erased")
	}
	c.wantState(stateWalk)
	c.do(Input{Command: "forget"})
	c.press("1:forget:yes")
	if !c.out.Forget {
		t.Fatal("'yes, erase' did not ask to erase")
	}
	if c.st.Name != stateNew || c.st.Data.Method != "" {
		t.Errorf("state after forget = %+v, want a new conversation", c.st)
	}
}

func TestCommandsWorkInEveryState(t *testing.T) {
	d := newDialog(t)
	for _, name := range allStates {
		st := State{Version: SchemaVersion, Name: name, Data: Data{Method: "pump"}}
		if name == stateWalk {
			st.Data.Step = d.cat.Start
		}
		for _, c := range d.cat.Commands {
			next, replies, _ := d.Step(st, Input{Command: c.Name}, now)
			if len(replies) == 0 || !d.Valid(next) {
				t.Errorf("Step(%s, /%s) = %+v with %d replies", name, c.Name, next, len(replies))
			}
		}
		if _, replies, out := d.Step(st, Input{Command: "frobnicate"}, now); len(replies) == 0 || !out.Fallback {
			t.Errorf("Step(%s, /frobnicate) = %d replies, outcome %+v", name, len(replies), out)
		}
	}
}

func TestMigration(t *testing.T) {
	d := newDialog(t)
	tests := []struct {
		name string
		in   State
		want string
	}{
		{"unknown state", State{Version: SchemaVersion, Name: "asking_about_pumps"}, stateScreen},
		{"future version", State{Version: SchemaVersion + 1, Name: stateWalk}, stateScreen},
		{"old version", State{Version: 0, Name: "triage"}, stateScreen},
		{"removed step", State{Version: SchemaVersion, Name: stateWalk, Data: Data{Method: "pump", Step: "gone"}}, stateWalk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, replies, _ := d.Step(tt.in, Input{Text: "hello"}, now)
			if got.Name != tt.want || !d.Valid(got) {
				t.Errorf("Step(%+v) = %+v, want state %s", tt.in, got, tt.want)
			}
			if replies[0].Text != d.msg("updated") {
				t.Errorf("first reply %q, want the 'updated' notice", replies[0].Text)
			}
		})
	}
}

func TestEveryReplyFitsThePlatforms(t *testing.T) {
	d := newDialog(t)
	check := func(where string, replies []Reply) {
		for _, r := range replies {
			if n := len([]rune(r.Text)); n == 0 || n > content.MaxMessage {
				t.Errorf("%s: reply of %d characters", where, n)
			}
			for _, b := range r.Buttons {
				if len(b.Data) > 64 || len(b.Label) > content.MaxLabel || b.Label == "" {
					t.Errorf("%s: button %+v does not fit", where, b)
				}
			}
		}
	}
	for _, s := range d.cat.Steps {
		st := State{Version: SchemaVersion, Name: stateWalk, Data: Data{Step: s.ID}}
		for _, action := range []string{"more", "why", "next", "done", "flow"} {
			_, replies, _ := d.Step(st, Input{Button: data("w", action, s.ID)}, now)
			check(s.ID+" "+action, replies)
		}
	}
	_, replies, _ := d.Step(State{}, Input{Command: "why"}, now)
	check("/why", replies)
	_, replies, _ = d.Step(State{}, Input{Command: "help"}, now)
	check("/help", replies)
}

func FuzzStep(f *testing.F) {
	d := newDialog(f)
	f.Add(stateNew, "", "hello", "")
	f.Add(stateScreen, "", "fever", "")
	f.Add(stateWalk, d.cat.Start, "", "1:w:next:"+d.cat.Start)
	f.Add(stateAskMethod, "", "🍼🍼", "1:a:method:pump")
	f.Add("junk", "x", "\xff\xfe", "1:forget:yes")
	f.Add(stateWalk, "abc", "S1", "1:ho:take:abc")
	f.Fuzz(func(t *testing.T, name, step, text, button string) {
		st := State{Version: SchemaVersion, Name: name, Data: Data{Step: step}}
		for _, in := range []Input{{Text: text}, {Button: button}, {Command: text}, {Button: button, Handoff: step, From: text, Support: "tg:-1:0"}} {
			next, replies, _ := d.Step(st, in, now)
			if len(replies) == 0 {
				t.Fatalf("Step(%+v, %+v) gave no reply", st, in)
			}
			if !d.Valid(next) && next.Name != stateNew {
				t.Fatalf("Step(%+v, %+v) = invalid state %+v", st, in, next)
			}
		}
		// A group turn of anything is at most one general reply.
		for _, in := range []Input{{Group: true, From: text, Text: text}, {Group: true, From: text, Button: button}, {Group: true, Command: text, Args: text}} {
			next, replies, _ := d.Step(st, in, now)
			if len(replies) > 1 || next.Name != stateGroup {
				t.Fatalf("Step(%+v, group %+v) = %d replies, state %q; want at most one, the group's", st, in, len(replies), next.Name)
			}
		}
	})
}
