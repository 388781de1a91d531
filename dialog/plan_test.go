package dialog

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/content"
)

// seed003 is the seed 003 mother's answers: she pumps both sides at once,
// the flow is not steady, less milk than she expects, over 20 minutes, and
// she already tried warm compresses and skin-to-skin.
var seed003 = Data{Method: "pump", Double: true, Steady: "no", Amount: "no", Time: "no", Tried: []string{"warm_compress", "skin_to_skin"}}

// planOf is the ids of the plan her state holds.
func (c *convo) planOf() []string { return c.d.idsOf(c.st.Data.Plan) }

// TestSeed003Plan: after triage one message names her plan, at most six
// ideas, and the seed's three most effective ones (8 to 10 sessions a day
// with a night one, massage while pumping, hands-on pumping) are among
// them; then one idea at a time, counted against the plan.
func TestSeed003Plan(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	c.wantState(stateWalk)
	plan := c.planOf()
	if len(plan) == 0 || len(plan) > planSize {
		t.Fatalf("plan = %v, want 1 to %d ideas", plan, planSize)
	}
	for _, want := range []string{"plan-sessions", "tech-massage-pumping", "tech-hands-on"} {
		if !slices.Contains(plan, want) {
			t.Errorf("seed 003 plan = %v, want %s in it", plan, want)
		}
	}
	if len(c.replies) != 2 {
		t.Fatalf("after triage %d replies, want the plan then its first idea", len(c.replies))
	}
	intro := c.replies[0].Text
	if !strings.HasPrefix(intro, "Your plan: the "+strconv.Itoa(len(plan))+" ideas most likely to help you") {
		t.Errorf("plan message = %q, want it to start \"Your plan: the %d ideas most likely to help you\"", intro, len(plan))
	}
	for i, id := range plan {
		if line := strconv.Itoa(i+1) + ". " + c.step(id).Title; !strings.Contains(intro, line) {
			t.Errorf("plan message lacks %q:\n%s", line, intro)
		}
	}
	for i, id := range plan {
		if c.st.Data.Step != id {
			t.Fatalf("idea %d on screen = %s, want %s (plan %v)", i+1, c.st.Data.Step, id, plan)
		}
		if want := c.step(id).Title + " (" + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(plan)) + ")"; !strings.HasPrefix(c.replies[len(c.replies)-1].Text, want) {
			t.Errorf("card = %q, want it to start %q", c.replies[len(c.replies)-1].Text, want)
		}
		c.press("1:w:next:")
	}
	c.wantState(stateDone)
	if got := c.replies[len(c.replies)-1].Text; got != c.d.msg("walk_end") {
		t.Errorf("end of the plan = %q, want walk_end", got)
	}
	for _, want := range []string{"1:ideas", "1:fo", "1:remind", "1:restart"} {
		if !c.has(want) {
			t.Errorf("end of the plan lacks the button %s: %+v", want, c.replies[len(c.replies)-1].Buttons)
		}
	}
}

// TestRankingIsDeterministic: the same answers give the same plan,
// whatever came before; no theme fills more than half of it; every idea
// suits her.
func TestRankingIsDeterministic(t *testing.T) {
	d := newDialog(t)
	profiles := []Data{
		seed003,
		{Method: "hand", Steady: "no", Amount: "no", Time: "yes"},
		{Method: "both", Double: false, Steady: "yes", Amount: "no", Time: "no", Baby: "nicu"},
		{Method: "pump", Double: true, Steady: "no", Amount: "yes", Time: "no", Baby: "apart", Mastitis: true},
	}
	for _, data := range profiles {
		plan := d.makePlan(data, nil)
		for range 5 {
			if again := d.makePlan(data, nil); !slices.Equal(again, plan) {
				t.Fatalf("makePlan(%+v) = %v, then %v", data, plan, again)
			}
		}
		themes := map[string]int{}
		for _, id := range plan {
			s := d.steps[id]
			themes[s.Theme]++
			if !data.wants(s) {
				t.Errorf("plan for %+v holds %s, which does not suit her", data, id)
			}
		}
		for th, n := range themes {
			if n > themeShare {
				t.Errorf("plan for %+v holds %d ideas of the theme %s, want at most %d", data, n, th, themeShare)
			}
		}
		if len(plan) != planSize {
			t.Errorf("plan for %+v = %v, want %d ideas", data, plan, planSize)
		}
	}
}

// TestTriedSkipsOnlyWhatSheTried: a warm compress tried skips the compress
// before pumping but not warmth during it; skin-to-skin tried skips that
// but not expressing near her baby.
func TestTriedSkipsOnlyWhatSheTried(t *testing.T) {
	for _, tt := range []struct {
		tried, skipped, kept string
	}{
		{"warm_compress", "letdown-warm-compress", "plan-warm-during"},
		{"skin_to_skin", "letdown-skin", "letdown-baby"},
	} {
		t.Run(tt.tried, func(t *testing.T) {
			c := start(t)
			c.triage("pump", "double", "no", "no", "no", tt.tried)
			c.walkAll()
			if slices.Contains(c.shown, tt.skipped) {
				t.Errorf("she tried %s, and was shown %s", tt.tried, tt.skipped)
			}
			if !slices.Contains(c.shown, tt.kept) {
				t.Errorf("she tried %s, and was never shown %s: %v", tt.tried, tt.kept, c.shown)
			}
		})
	}
	// Warmth during pumping rises for her, since warmth before did not do it.
	d := newDialog(t)
	before := seed003
	before.Tried = nil
	if tried, not := d.score(seed003, d.steps["plan-warm-during"]), d.score(before, d.steps["plan-warm-during"]); tried <= not {
		t.Errorf("plan-warm-during scores %d after a warm compress, %d without: want higher after", tried, not)
	}
	if plan := d.makePlan(seed003, nil); !slices.Contains(plan, "plan-warm-during") {
		t.Errorf("seed 003 plan = %v, want warmth during pumping in it", plan)
	}
}

// TestBabyInHospitalShapesThePlan: a triage answer typed with "my baby is
// in the nicu" makes a plan for a mother apart from her baby; said mid-walk
// it makes the rest of the plan again; denied, it changes nothing.
func TestBabyInHospitalShapesThePlan(t *testing.T) {
	c := start(t)
	c.press("1:clear")
	c.press("1:a:method:pump")
	c.press("1:a:double:single")
	c.press("1:a:steady:no")
	c.press("1:a:amount:no")
	c.press("1:a:time:no")
	c.do(Input{Text: "neither, my baby is in the nicu"})
	c.wantState(stateWalk)
	if c.st.Data.Baby != "nicu" || len(c.st.Data.Tried) != 0 {
		t.Fatalf("after %q: baby %q, tried %v; want nicu and nothing tried", "neither, my baby is in the nicu", c.st.Data.Baby, c.st.Data.Tried)
	}
	nicu := c.planOf()
	home := c.d.makePlan(Data{Method: "pump", Steady: "no", Amount: "no", Time: "no"}, nil)
	if !slices.Contains(nicu, "letdown-apart") || slices.Contains(home, "letdown-apart") {
		t.Errorf("plan with her baby in hospital = %v, at home = %v: want \"Apart from your baby?\" only in the first", nicu, home)
	}

	// Mid-walk: the ideas she walked stay, the rest fit her now.
	c = start(t)
	c.triage("pump", "single", "no", "no", "no", "neither")
	c.press("1:w:next:")
	walked := c.planOf()[:2]
	c.do(Input{Text: "my baby is still in hospital"})
	if c.st.Data.Baby != "nicu" {
		t.Fatalf("mid-walk %q left baby = %q", "my baby is still in hospital", c.st.Data.Baby)
	}
	if c.replies[0].Text != c.d.msg("plan_changed") {
		t.Errorf("first reply %q, want plan_changed", c.replies[0].Text)
	}
	after := c.planOf()
	if !slices.Equal(after[:2], walked) || !slices.Contains(after, "letdown-apart") {
		t.Errorf("plan after her baby is in hospital = %v, want it to begin %v and hold letdown-apart", after, walked)
	}

	// Denied: nothing changes.
	c = start(t)
	c.triage("pump", "single", "no", "no", "no", "neither")
	before := c.st.Data.Plan
	c.do(Input{Text: "shes not in the nicu anymore, shes home with me"})
	if c.st.Data.Baby != "" || c.st.Data.Plan != before {
		t.Errorf("a denied nicu set baby %q and plan %q (was %q)", c.st.Data.Baby, c.st.Data.Plan, before)
	}
}

// TestFlowingGoesOnHerList: "My milk is flowing!" is under every idea; it
// ends the plan with joy, puts the idea on her list, and /plan and
// /session show the list first. No check-in is offered.
func TestFlowingGoesOnHerList(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	if !c.has("1:w:flow:") {
		t.Fatalf("a card lacks \"My milk is flowing!\": %+v", c.replies[len(c.replies)-1].Buttons)
	}
	c.press("1:w:next:")
	id := c.st.Data.Step
	c.press("1:w:flow:")
	if c.out.Flowing != id {
		t.Errorf("Outcome.Flowing = %q, want %s", c.out.Flowing, id)
	}
	c.wantState(stateDone)
	if got := c.replies[len(c.replies)-1].Text; got != c.d.msg("flowing_end") {
		t.Errorf("end = %q, want flowing_end", got)
	}
	if c.has("1:fo") {
		t.Error("her milk flowed, and the end still offers a check-in tomorrow")
	}
	title := c.step(id).Title
	c.do(Input{Command: "plan"})
	if got := c.replies[0].Text; !strings.HasPrefix(got, c.d.msg("plan_list")+"\n• "+title) {
		t.Errorf("/plan = %q, want her list first, with %q", got, title)
	}
	c.do(Input{Command: "session"})
	head, _, _ := strings.Cut(c.d.msg("remind_started"), "\n")
	if got := c.replies[0].Text; !strings.HasPrefix(got, head+"\n• ✓ "+title+"\n") {
		t.Errorf("/session checklist = %q, want %q first", got, title)
	}
	// Another time, "Next idea" goes on with her plan after it.
	c.press("1:on")
	c.wantState(stateWalk)
	if plan := c.planOf(); c.st.Data.Step != plan[2] {
		t.Errorf("Next idea showed %s, want %s, the one after the idea that brought her milk", c.st.Data.Step, plan[2])
	}
	c.walkToEnd()
	if got := c.replies[len(c.replies)-1].Text; got != c.d.msg("walk_end") || c.has("1:fo") || c.has("1:on") {
		t.Errorf("the end of the rest of her plan = %q with %+v: want walk_end, and no check-in since her milk flowed", got, c.replies[len(c.replies)-1].Buttons)
	}
}

// TestHelpedVaries: "Done / it helped" answers short, and never the same
// twice in a row.
func TestHelpedVaries(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	last := ""
	for range 3 {
		id := c.st.Data.Step
		c.press("1:w:done:")
		if c.out.Helped != id {
			t.Errorf("Outcome.Helped = %q, want %s", c.out.Helped, id)
		}
		ack := c.replies[0].Text
		if ack == last || len(strings.Fields(ack)) > 12 {
			t.Errorf("acknowledgement %q after %q: want a short one, another each time", ack, last)
		}
		last = ack
	}
	if got := c.d.idsOf(c.st.Data.List); len(got) != 3 {
		t.Errorf("her list = %v, want the three ideas", got)
	}
}

// TestReturningMother: with a list from last time, the safety check leads
// to "Last time X and Y helped: start with them?"; yes walks them, and
// their end offers a fresh plan; no asks the questions.
func TestReturningMother(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	a := c.st.Data.Step
	c.press("1:w:done:")
	b := c.st.Data.Step
	c.press("1:w:done:")
	c.do(Input{Command: "start"})
	c.press("1:clear")
	c.wantState(stateAskReturn)
	want := "Last time “" + c.step(a).Title + "” and “" + c.step(b).Title + "” helped: start with them?"
	if got := c.replies[len(c.replies)-1].Text; got != want {
		t.Errorf("returning question = %q, want %q", got, want)
	}
	no := *c
	c.press("1:a:returning:yes")
	c.wantState(stateWalk)
	if got := c.planOf(); !slices.Equal(got, []string{a, b}) || c.st.Data.Kind != kindReturn {
		t.Errorf("plan = %v (kind %q), want what helped %v", got, c.st.Data.Kind, []string{a, b})
	}
	c.walkToEnd()
	c.wantState(stateDone)
	c.press("1:fresh")
	c.wantState(stateAskMethod)

	no.press("1:a:returning:no")
	no.wantState(stateAskMethod)
	// /forget erases the list with the rest.
	c.do(Input{Command: "forget"})
	c.press("1:forget:yes")
	if c.st.Data.List != "" {
		t.Errorf("after /forget her list is %q", c.st.Data.List)
	}
}

// TestMoreIdeasByTheme: the end of the plan offers "More ideas"; each
// theme walks its ideas beyond the plan, best first, and goes back to the
// themes left; a theme begun is not offered again.
func TestMoreIdeasByTheme(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	plan := c.planOf()
	c.walkToEnd()
	c.press("1:ideas")
	c.wantState(stateIdeas)
	themes := 0
	for _, b := range c.replies[0].Buttons {
		if strings.HasPrefix(b.Data, "1:th:") {
			themes++
		}
	}
	if themes != len(content.Themes) {
		t.Errorf("More ideas offers %d themes, want %d", themes, len(content.Themes))
	}
	c.press("1:th:comfort")
	for c.st.Name == stateWalk {
		s := c.step(c.st.Data.Step)
		if s.Theme != "comfort" || slices.Contains(plan, s.ID) {
			t.Errorf("comfort ideas showed %s (theme %s), in her plan %v", s.ID, s.Theme, slices.Contains(plan, s.ID))
		}
		c.press("1:w:next:")
	}
	c.wantState(stateIdeas)
	if c.replies[0].Text != c.d.msg("theme_end") || c.has("1:th:comfort") {
		t.Errorf("after the comfort ideas: %q with %+v, want theme_end and comfort no longer offered", c.replies[0].Text, c.replies[len(c.replies)-1].Buttons)
	}
}

// TestFollowUp: the end of a plan without a flowing let-down offers a
// check-in the next day, in her time zone, in waking hours unless her
// reminders include nights; it comes once, and its
// answers lead to her plan, or to a lactation consultant and then
// medicines.
func TestFollowUp(t *testing.T) {
	endOfPlan := func(t *testing.T, nights string) *convo {
		c := start(t)
		if nights != "" {
			setUp(t, c, nights)
			c.do(Input{Command: "start"})
		}
		c.triage("pump", "double", "no", "no", "no", "both")
		c.walkToEnd()
		return c
	}
	// now is 03:00 in London (November: UTC).
	for _, tt := range []struct {
		name, nights string
		want         time.Time
	}{
		{"no zone known: this time tomorrow", "", now.Add(24 * time.Hour)},
		{"nights off: the morning", "no", time.Date(2026, 11, 23, followFrom, 0, 0, 0, time.UTC)},
		{"nights on: this time tomorrow", "yes", now.Add(24 * time.Hour)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := endOfPlan(t, tt.nights)
			c.press("1:fo")
			if got := time.Unix(c.st.Data.FollowUp, 0).UTC(); !got.Equal(tt.want) {
				t.Errorf("check-in at %v, want %v", got, tt.want)
			}
			if c.has("1:fo") {
				t.Error("the check-in is planned, and still offered")
			}
			if !slices.ContainsFunc([]time.Time{c.st.NextReminder()}, func(at time.Time) bool { return !at.After(tt.want) }) {
				t.Errorf("NextReminder = %v, want no later than the check-in %v", c.st.NextReminder(), tt.want)
			}
		})
	}

	for _, how := range []string{"better", "slow"} {
		t.Run(how, func(t *testing.T) {
			c := endOfPlan(t, "")
			c.press("1:fo")
			due := c.st.NextReminder()
			c.now(due)
			c.do(Input{Reminder: due})
			if len(c.replies) != 1 || c.replies[0].Text != c.d.msg("follow_ask") || len(c.replies[0].Buttons) != 2 {
				t.Fatalf("check-in = %+v, want follow_ask with Better and Still slow", c.replies)
			}
			ask := c.replies[0]
			// Exactly once: the same slot again asks nothing.
			if _, again, _ := c.d.Step(c.st, Input{Reminder: due}, due); len(again) != 0 {
				t.Errorf("the check-in's slot again answered %+v", again)
			}
			if !c.st.NextReminder().IsZero() {
				t.Errorf("after the check-in NextReminder = %v, want none", c.st.NextReminder())
			}
			c.pressOn(ask, "1:fu:"+how+":")
			if how == "better" {
				if c.replies[0].Text != c.d.msg("follow_better") || !strings.Contains(c.replies[1].Text, c.d.msg("plan_head")) {
					t.Errorf("after Better: %+v, want follow_better then her plan", c.replies)
				}
				if c.has("1:fo") {
					t.Error("after the check-in another one is offered")
				}
			} else {
				c.wantState(stateWalk)
				var shown []string
				for c.st.Name == stateWalk {
					shown = append(shown, c.st.Data.Step)
					c.press("1:w:next:")
				}
				if !slices.Equal(shown, c.d.cat.FollowUp) || !slices.Equal(shown, []string{"support-lc", "support-medicines"}) {
					t.Errorf("after Still slow the walk showed %v, want a lactation consultant, then medicines", shown)
				}
				if c.has("1:fo") {
					t.Error("the end of the check-in's steps offers another check-in")
				}
			}
			// Its buttons are spent.
			before := c.st
			c.pressOn(ask, "1:fu:better:")
			if c.st.Name != before.Name || c.replies[0].Text != c.d.msg("expired") {
				t.Errorf("a spent check-in button answered %q", c.replies[0].Text)
			}
		})
	}

	t.Run("stop", func(t *testing.T) {
		c := endOfPlan(t, "")
		c.press("1:fo")
		c.do(Input{Command: "stop"})
		if !c.st.NextReminder().IsZero() {
			t.Errorf("after /stop the check-in is still due at %v", c.st.NextReminder())
		}
	})

	t.Run("typed", func(t *testing.T) {
		c := endOfPlan(t, "")
		c.do(Input{Text: "yes check in tomorrow please"})
		due := c.st.NextReminder()
		if c.st.Data.FollowUp == 0 {
			t.Fatalf("typed %q planned no check-in (%s)", "yes check in tomorrow please", c.out.Understood)
		}
		c.now(due)
		c.do(Input{Reminder: due})
		c.do(Input{Text: "still slow tbh"})
		if c.st.Name != stateWalk || c.st.Data.Step != "support-lc" {
			t.Errorf("typed %q gave %s/%s (%s), want the lactation consultant", "still slow tbh", c.st.Name, c.st.Data.Step, c.out.Understood)
		}
	})
}

// TestOutcomeCountsSteps: each turn says which step it showed, and which
// she marked as helping or skipped, for the content team's counts.
func TestOutcomeCountsSteps(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	first := c.st.Data.Step
	if c.out.Shown != first {
		t.Errorf("Outcome.Shown after triage = %q, want %s", c.out.Shown, first)
	}
	c.press("1:w:more:")
	if c.out.Shown != "" {
		t.Errorf("Tell me more counted %q as shown again", c.out.Shown)
	}
	c.press("1:w:next:")
	if c.out.Skipped != first || c.out.Shown != c.st.Data.Step {
		t.Errorf("Next: skipped %q, shown %q; want %s and %s", c.out.Skipped, c.out.Shown, first, c.st.Data.Step)
	}
}

// TestStateSize measures what a conversation stores on every turn: the
// seed 003 mother's state after triage, and mid-walk after three Next and
// two "Done / it helped". Before her plan was made (schema 1, the fixed
// walk) these were 134 and 176 bytes.
func TestStateSize(t *testing.T) {
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	triage, _ := json.Marshal(c.st)
	for range 3 {
		c.press("1:w:next:")
	}
	c.press("1:w:done:")
	c.press("1:w:done:")
	mid, _ := json.Marshal(c.st)
	c.walkToEnd()
	c.press("1:fo")
	end, _ := json.Marshal(c.st)
	t.Logf("seed 003: after triage %d bytes %s", len(triage), triage)
	t.Logf("seed 003: mid-walk %d bytes %s", len(mid), mid)
	t.Logf("seed 003: end, check-in planned %d bytes %s", len(end), end)
	for _, m := range []struct {
		what string
		n    int
	}{{"after triage", len(triage)}, {"mid-walk", len(mid)}, {"at the end", len(end)}} {
		if m.n > 224 {
			t.Errorf("state %s is %d bytes, want at most 224", m.what, m.n)
		}
	}
}

// TestMigrateVersion1: a state written before plans keeps her place and
// what helped her; one written by this build loads as it is and goes on.
func TestMigrateVersion1(t *testing.T) {
	d := newDialog(t)
	v1 := []byte(`{"v":1,"s":"walk","d":{"m":"pump","db":true,"fs":"no","fa":"no","ft":"no","tr":["warm_compress","skin_to_skin"],"st":"comfort-no-clock","hp":["comfort-music","comfort-smile","gone-step"]}}`)
	var st State
	if err := json.Unmarshal(v1, &st); err != nil {
		t.Fatal(err)
	}
	got, replies, _ := d.Step(st, Input{Button: "1:w:next:comfort-no-clock"}, now)
	if got.Version != SchemaVersion || got.Name != stateWalk {
		t.Fatalf("v1 walk after Next = version %d, %s; want %d, walk", got.Version, got.Name, SchemaVersion)
	}
	if replies[0].Text == d.msg("updated") {
		t.Error("a v1 walk that kept her place told her it lost it")
	}
	plan := d.idsOf(got.Data.Plan)
	if len(plan) < 2 || plan[0] != "comfort-no-clock" || got.Data.Step != plan[1] {
		t.Errorf("v1 walk on comfort-no-clock: plan %v, step %s; want the step first, then the next idea on screen", plan, got.Data.Step)
	}
	if list := d.idsOf(got.Data.List); !slices.Equal(list, []string{"comfort-music", "comfort-smile"}) || got.Data.OldHelped != nil {
		t.Errorf("v1 helped moved to list %v (old %v), want the two steps that still exist", list, got.Data.OldHelped)
	}
	// A v1 end of the walk stays there.
	var done State
	json.Unmarshal([]byte(`{"v":1,"s":"done","d":{"m":"hand","fs":"no","hp":["comfort-music"]}}`), &done)
	if got, _, _ := d.Step(done, Input{Command: "plan"}, now); got.Name != stateDone || got.Version != SchemaVersion {
		t.Errorf("v1 done after /plan = %+v", got)
	}
	// This build's own state round-trips and goes on where it was.
	c := start(t)
	c.triage("pump", "double", "no", "no", "no", "both")
	c.press("1:w:done:")
	b, _ := json.Marshal(c.st)
	var back State
	if err := json.Unmarshal(b, &back); err != nil || !d.Valid(back) {
		t.Fatalf("a v%d state does not load as valid: %v %+v", SchemaVersion, err, back)
	}
	next, replies, _ := d.Step(back, Input{Button: "1:w:next:" + back.Data.Step}, now)
	if replies[0].Text == d.msg("updated") || next.Data.Plan != back.Data.Plan {
		t.Errorf("a state of this build moved on to %+v with %q", next, replies[0].Text)
	}
}

// TestGarbledPlanState: stored plans, lists and themes that this build
// cannot read (cut short, unknown keys, a theme that is gone) never stop
// her: every button and command still answers with a state that is valid.
func TestGarbledPlanState(t *testing.T) {
	d := newDialog(t)
	for _, data := range []Data{
		{Plan: "abc", List: "xyzw12", Step: "tech-hands-on"},
		{Plan: "!!!!????", Theme: "gone", Step: "tech-hands-on", Themes: "zzz"},
		{Plan: keysOf([]string{"tech-hands-on"}) + "ab", List: "zz", Step: "plan-clean", Theme: "equipment", FollowedUp: 1},
		{Kind: "q", Plan: "", Step: "support-lc", FollowUp: now.Unix()},
	} {
		for _, name := range []string{stateWalk, stateDone, stateIdeas, stateAskReturn, stateStopped} {
			st := State{Version: SchemaVersion, Name: name, Data: data}
			for _, in := range []Input{
				{Button: "1:w:next:" + data.Step}, {Button: "1:w:flow:" + data.Step}, {Button: "1:ideas"}, {Button: "1:th:comfort"},
				{Button: "1:fo"}, {Button: "1:fu:better:1"}, {Button: "1:fresh"}, {Command: "plan"}, {Command: "session"},
				{Text: "my baby is in the nicu"}, {Reminder: now},
			} {
				next, replies, _ := d.Step(st, in, now)
				if len(replies) == 0 && in.Reminder.IsZero() {
					t.Errorf("Step(%s %+v, %+v) gave no reply", name, data, in)
				}
				if !d.Valid(next) {
					t.Errorf("Step(%s %+v, %+v) = invalid %+v", name, data, in, next)
				}
			}
		}
	}
}
