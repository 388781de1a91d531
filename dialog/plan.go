package dialog

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/letdownbot/letdown/content"
)

// Her plan is made from her answers and the ranking inputs of each step
// (steps.yaml: helps, acts, evidence, fits), the same way every time for
// the same answers:
//
//	score = 2 × the yardsticks she missed that the step helps
//	      + its evidence (strong 3, some 2, thin 0)
//	      + 1 when it acts on what her answers point to: the let-down when
//	        the flow is not steady, milk removal when the amount or the
//	        time falls short
//	      + the weights of its fits that hold for her
//	      + 3 when it is on her own list (it helped her before)
//
// The plan is the planSize best steps that suit her, no theme filling more
// than half of it; ties go to the step that comes first in the walk.
const (
	planSize   = 6
	themeShare = planSize / 2
	// wellMin is the least score a step needs to join the plan of a
	// mother who expresses well: the plan-phase steps with some evidence.
	wellMin = 2
	// listBonus lifts a step that helped her before.
	listBonus = 3
)

// Plan kinds (Data.Kind).
const (
	kindAnswers  = ""  // made from her answers
	kindWell     = "w" // she expresses well: keeping it going
	kindReturn   = "r" // what helped her last time
	kindFollowUp = "f" // the next-day check-in, still slow
)

var evidenceWeight = map[string]int{content.EvidenceStrong: 3, content.EvidenceSome: 2, content.EvidenceThin: 0}

// missed reports whether she missed a yardstick of expressing well.
func (d Data) missed(y string) bool {
	switch y {
	case content.YardFlow:
		return d.Steady == "no"
	case content.YardAmount:
		return d.Amount == "no"
	case content.YardTime:
		return d.Time == "no"
	}
	return false
}

// holds reports whether a condition of the steps' fits is true of her.
func (d Data) holds(cond string) bool {
	switch cond {
	case "pump", "hand", "both":
		return d.Method == cond
	case "double":
		return d.Double && d.Method != "hand"
	case "single":
		return !d.Double && (d.Method == "pump" || d.Method == "both")
	case "nicu", "apart":
		return d.Baby == cond
	case "full_little":
		return d.Amount == "no" && d.Time == "no"
	case "tried_warm_compress":
		return d.tried("warm_compress")
	case "tried_skin_to_skin":
		return d.tried("skin_to_skin")
	case "mastitis":
		return d.Mastitis
	}
	return false
}

// score is how well step s fits her (see the top of this file).
func (dl *Dialog) score(d Data, s *content.Step) int {
	n := evidenceWeight[s.Evidence]
	for _, y := range s.Helps {
		if d.missed(y) {
			n += 2
		}
	}
	switch s.Acts {
	case content.ActsLetdown:
		if d.missed(content.YardFlow) {
			n++
		}
	case content.ActsRemoval:
		if d.missed(content.YardAmount) || d.missed(content.YardTime) {
			n++
		}
	}
	for cond, w := range s.Fits {
		if d.holds(cond) {
			n += w
		}
	}
	if dl.listed(d, s.ID) {
		n += listBonus
	}
	return n
}

// ranked returns the ids of the steps keep accepts, best fit first.
func (dl *Dialog) ranked(d Data, keep func(*content.Step) bool) []string {
	type scored struct {
		id    string
		score int
		order int
	}
	var all []scored
	for i := range dl.cat.Steps {
		s := &dl.cat.Steps[i]
		if keep(s) {
			all = append(all, scored{s.ID, dl.score(d, s), dl.order[s.ID]})
		}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	ids := make([]string, len(all))
	for i, s := range all {
		ids[i] = s.id
	}
	return ids
}

// makePlan is her plan from her answers: after given (the ideas already
// walked, when it is made again mid-walk), the best steps that suit her,
// up to planSize in all, no theme taking more than half.
func (dl *Dialog) makePlan(d Data, given []string) []string {
	plan := slices.Clone(given)
	perTheme := map[string]int{}
	for _, id := range plan {
		perTheme[dl.steps[id].Theme]++
	}
	for _, id := range dl.ranked(d, d.wants) {
		if len(plan) >= planSize {
			break
		}
		th := dl.steps[id].Theme
		if slices.Contains(plan, id) || perTheme[th] >= themeShare {
			continue
		}
		plan = append(plan, id)
		perTheme[th]++
	}
	return plan
}

// wellPlan is the plan for keeping it going: the plan-phase steps with at
// least some evidence for her, best first.
func (dl *Dialog) wellPlan(d Data) []string {
	var plan []string
	for _, id := range dl.ranked(d, func(s *content.Step) bool { return s.Phase == "plan" && d.wants(s) }) {
		if len(plan) < planSize && dl.score(d, dl.steps[id]) >= wellMin {
			plan = append(plan, id)
		}
	}
	return plan
}

// themeList is the ideas of a theme for "More ideas", best fit first,
// leaving out her plan's: every step of the theme, suiting her or not, so
// that a change to her answers mid-theme keeps her place in it.
func (dl *Dialog) themeList(d Data, theme string) []string {
	plan := dl.idsOf(d.Plan)
	return dl.ranked(d, func(s *content.Step) bool { return s.Theme == theme && !slices.Contains(plan, s.ID) })
}

// suited keeps the steps of ids that suit her now.
func (dl *Dialog) suited(d Data, ids []string) []string {
	var out []string
	for _, id := range ids {
		if s, ok := dl.steps[id]; ok && d.wants(s) {
			out = append(out, id)
		}
	}
	return out
}

// keysOf stores ids compactly: their keys, one after the other.
func keysOf(ids []string) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(content.StepKey(id))
	}
	return b.String()
}

// idsOf reads stored keys back into step ids, dropping any that match no
// step of this build.
func (dl *Dialog) idsOf(keys string) []string {
	var ids []string
	for i := 0; i+content.StepKeyLen <= len(keys); i += content.StepKeyLen {
		if id, ok := dl.byKey[keys[i:i+content.StepKeyLen]]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// listed reports whether step id is on her own list.
func (dl *Dialog) listed(d Data, id string) bool {
	k := content.StepKey(id)
	for i := 0; i+content.StepKeyLen <= len(d.List); i += content.StepKeyLen {
		if d.List[i:i+content.StepKeyLen] == k {
			return true
		}
	}
	return false
}

// addToList puts step id on her list, once; it reports whether it was new.
func (t *turn) addToList(id string) bool {
	if t.d.listed(t.st.Data, id) {
		return false
	}
	t.st.Data.List += content.StepKey(id)
	return true
}

// list is her own checklist: the steps that helped her and still suit her.
func (t *turn) list() []string { return t.d.suited(t.st.Data, t.d.idsOf(t.st.Data.List)) }

// walking is what she is walking through, suiting her or not: the ideas of
// the theme she picked, or her plan.
func (t *turn) walking() []string {
	if th := t.st.Data.Theme; th != "" {
		return t.d.themeList(t.st.Data, th)
	}
	return t.d.idsOf(t.st.Data.Plan)
}

// startPlan puts a plan of the given kind on screen: the intro naming its
// ideas (none for an empty intro), then the first idea. The caller has
// moved her into the walk.
func (t *turn) startPlan(kind string, ids []string, intro string) {
	d := &t.st.Data
	d.Plan, d.Kind, d.Theme, d.Themes, d.Flowing, d.Followed = keysOf(ids), kind, "", "", false, false
	if intro != "" && len(ids) > 0 {
		t.say(t.fillPlan(t.d.msg(intro), ids))
	}
	t.startWalk(first(ids))
}

func first(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// fillPlan puts a plan into a message: {n} ideas, and {list}, one
// numbered title a line.
func (t *turn) fillPlan(msg string, ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d. %s", i+1, t.d.steps[id].Title)
	}
	return strings.NewReplacer("{n}", strconv.Itoa(len(ids)), "{list}", b.String()).Replace(msg)
}

// replan makes the rest of her plan again after her answers changed
// mid-plan (her baby is in hospital, signs of mastitis): the ideas she has
// walked stay, the rest are ranked anew. It reports whether the plan
// changed. Only a plan made from her answers is made again.
func (t *turn) replan() bool {
	d := &t.st.Data
	if t.st.Name != stateWalk || d.Theme != "" || d.Kind != kindAnswers {
		return false
	}
	plan := t.d.idsOf(d.Plan)
	walked := plan[:slices.Index(plan, d.Step)+1]
	fresh := t.d.makePlan(*d, walked)
	if slices.Equal(fresh, plan) {
		return false
	}
	d.Plan = keysOf(fresh)
	return true
}

// themesLeft are the themes she has not begun since her plan was made,
// with an idea that suits her beyond it.
func (t *turn) themesLeft() []string {
	var out []string
	for _, th := range content.Themes {
		if strings.Contains(t.st.Data.Themes, th[:1]) {
			continue
		}
		if len(t.d.suited(t.st.Data, t.d.themeList(t.st.Data, th))) > 0 {
			out = append(out, th)
		}
	}
	return out
}

// ideasPrompt is "More ideas": a button for each theme with ideas left,
// then the next-day check-in if it is still offered.
func (t *turn) ideasPrompt() (string, []Button) {
	var buttons []Button
	for _, th := range t.themesLeft() {
		buttons = append(buttons, Button{Label: t.d.msg("topic_" + th), Data: data("th", th)})
	}
	if t.offersFollowUp() {
		buttons = append(buttons, Button{Label: t.d.msg("btn_follow_offer"), Data: data("fo")})
	}
	return t.d.msg("ideas_pick"), append(buttons, Button{Label: t.d.msg("btn_restart"), Data: data("restart")})
}

// pickTheme starts the ideas of a theme, from "More ideas".
func (t *turn) pickTheme(th string) bool {
	if t.st.Name != stateIdeas || !slices.Contains(t.themesLeft(), th) {
		return false
	}
	t.st.Data.Theme = th
	t.st.Data.Themes += th[:1]
	t.move("tip")
	t.startWalk(first(t.d.suited(t.st.Data, t.d.themeList(t.st.Data, th))))
	return true
}

// planText is /plan: what helped her, then her plan, its ideas that
// helped ticked.
func (t *turn) planText() string {
	list, plan := t.list(), t.d.suited(t.st.Data, t.d.idsOf(t.st.Data.Plan))
	if len(list) == 0 && len(plan) == 0 {
		return t.d.msg("plan_none")
	}
	var b strings.Builder
	if len(list) > 0 {
		b.WriteString(t.d.msg("plan_list"))
		for _, id := range list {
			b.WriteString("\n• " + t.d.steps[id].Title)
		}
	}
	if len(plan) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t.d.msg("plan_head"))
		for i, id := range plan {
			fmt.Fprintf(&b, "\n%d. %s", i+1, t.d.steps[id].Title)
			if t.d.listed(t.st.Data, id) {
				b.WriteString(" ✓")
			}
		}
	}
	return b.String()
}

// titles joins the titles of steps for a sentence: “A”, “B” and “C”.
func (t *turn) titles(ids []string) string {
	var qs []string
	for _, id := range ids {
		qs = append(qs, "“"+t.d.steps[id].Title+"”")
	}
	if len(qs) < 2 {
		return strings.Join(qs, "")
	}
	return strings.Join(qs[:len(qs)-1], ", ") + " and " + qs[len(qs)-1]
}

// returning is what the safety check leads to: her list, when she has
// one, or the questions.
func (t *turn) returning() bool {
	if len(t.list()) == 0 {
		return false
	}
	t.move("returning")
	return true
}

// untried is the next idea she has not tried and that did not help yet:
// in her plan after the one on screen, else the best fit beyond her plan,
// with the theme it is walked in.
func (t *turn) untried() (theme, id string) {
	d := t.st.Data
	plan := t.d.idsOf(d.Plan)
	if i := slices.Index(plan, d.Step); i >= 0 {
		for _, p := range t.d.suited(d, plan[i+1:]) {
			if !t.d.listed(d, p) {
				return "", p
			}
		}
	}
	for _, p := range t.d.ranked(d, d.wants) {
		if p != d.Step && !slices.Contains(plan, p) && !t.d.listed(d, p) {
			return t.d.steps[p].Theme, p
		}
	}
	return "", ""
}
