package dialog

import (
	"fmt"
	"slices"

	"github.com/letdownbot/letdown/content"
)

// wants reports whether a guidance step suits her: the way she expresses,
// what she already tried, and whether mastitis signs changed the advice.
func (d Data) wants(s *content.Step) bool {
	switch {
	case s.For != "" && d.Method != "" && d.Method != "both" && s.For != d.Method:
		return false
	case s.Tried != "" && d.tried(s.Tried):
		return false
	case s.Tried == "double_pumping" && d.Double:
		return false
	case s.AvoidWithMastitis && d.Mastitis:
		return false
	case s.OnlyWithMastitis && !d.Mastitis:
		return false
	}
	return true
}

// walkOrder numbers the steps along the walk from start, the content's
// reading order: it breaks ties in the ranking. The validator guarantees
// the chain reaches every step without a cycle; any it did not reach would
// come last, in file order.
func walkOrder(cat *content.Catalog, steps map[string]*content.Step) map[string]int {
	order := make(map[string]int, len(cat.Steps))
	for id := cat.Start; id != ""; {
		s, ok := steps[id]
		if _, seen := order[id]; !ok || seen {
			break
		}
		order[id] = len(order)
		id = s.Next
	}
	for _, s := range cat.Steps {
		if _, ok := order[s.ID]; !ok {
			order[s.ID] = len(order)
		}
	}
	return order
}

// position is the step's place among what she is walking that suits her,
// and how many there are; a step shown outside the list counts first.
func (t *turn) position(id string) (n, total int) {
	list := t.d.suited(t.st.Data, t.walking())
	if i := slices.Index(list, id); i >= 0 {
		return i + 1, len(list)
	}
	return 1, len(list) + 1
}

// startWalk puts step id on screen, or ends the walk if there is none.
func (t *turn) startWalk(id string) {
	if id == "" {
		t.endWalk()
		t.prompt()
		return
	}
	t.st.Data.Step = id
	t.prompt()
}

// advance moves to the next idea that suits her in what she is walking,
// or ends it.
func (t *turn) advance() {
	cur := t.st.Data.Step
	list := t.walking()
	for _, id := range list[slices.Index(list, cur)+1:] {
		if s := t.d.steps[id]; id != cur && t.st.Data.wants(s) {
			t.st.Data.Step = id
			return
		}
	}
	t.endWalk()
}

// endWalk ends what she was walking: a theme goes back to "More ideas"
// while there are more, anything else to the end of her plan.
func (t *turn) endWalk() {
	t.st.Data.Step = ""
	if t.st.Data.Theme != "" {
		t.st.Data.Theme = ""
		if len(t.themesLeft()) > 0 {
			t.say(t.d.msg("theme_end"))
			t.move("ideas")
			return
		}
	}
	t.finish()
}

// goOn is "Next idea" after her milk flowed: on with what she was
// walking, after the idea that brought it.
func (t *turn) goOn() bool {
	if !t.canGoOn() {
		return false
	}
	t.move("tip")
	t.advance()
	t.prompt()
	return true
}

// canGoOn reports whether she stopped, her milk flowing, before the end of
// what she was walking.
func (t *turn) canGoOn() bool {
	d := t.st.Data
	if t.st.Name != stateDone || !d.Flowing || d.Step == "" {
		return false
	}
	list := t.walking()
	i := slices.Index(list, d.Step)
	return i >= 0 && len(t.d.suited(d, list[i+1:])) > 0
}

func (t *turn) finish() {
	t.st.Data.Step = ""
	t.st.Data.Theme = ""
	t.move("finish")
}

// Acknowledgements, taken in turn so that they vary.
var (
	helpedLines  = []string{"helped", "helped_2", "helped_3"}
	flowingLines = []string{"flowing", "flowing_2", "flowing_3"}
)

// ack is one of lines, by how long her list is: the next idea she marks
// hears another.
func (t *turn) ack(lines []string) string {
	n := len(t.st.Data.List) / content.StepKeyLen
	return t.d.msg(lines[max(n-1, 0)%len(lines)])
}

// walk handles the buttons under a guidance step.
func (t *turn) walk(action string, s *content.Step) {
	switch action {
	case "done":
		t.addToList(s.ID)
		t.out.Helped, t.out.HelpedTheme = s.ID, s.Theme
		t.say(t.ack(helpedLines))
		t.advance()
		t.prompt()
	case "flow":
		// Her milk is flowing: no more tips now. The idea goes on her list,
		// and her place stays, for "Next idea" another time.
		t.addToList(s.ID)
		t.st.Data.Flowing = true
		t.out.Flowing, t.out.HelpedTheme = s.ID, s.Theme
		t.say(t.ack(flowingLines))
		t.move("finish")
		t.prompt()
	case "next":
		t.out.Skipped = s.ID
		t.advance()
		t.prompt()
	case "more":
		t.reply(s.More, t.walkButtons(s, "more"))
	case "why":
		t.reply(t.d.whyText(s), t.walkButtons(s, "why"))
	default:
		t.expired()
	}
}

// card is the first message of a step.
func (t *turn) card(s *content.Step) string {
	n, total := t.position(s.ID)
	return fmt.Sprintf("%s (%d/%d)\n\n%s", s.Title, n, total, s.Text)
}

// walkButtons are the buttons under a step, leaving out the one that was
// just answered ("more" or "why").
func (t *turn) walkButtons(s *content.Step, omit string) []Button {
	d := t.d
	all := []struct{ action, label string }{
		{"done", d.msg("btn_done")},
		{"flow", d.msg("btn_flowing")},
		{"next", d.msg("btn_next")},
		{"more", d.msg("btn_more")},
		{"why", d.msg("btn_why")},
	}
	var out []Button
	for _, b := range all {
		if b.action != omit {
			out = append(out, Button{Label: b.label, Data: data("w", b.action, s.ID)})
		}
	}
	return append(out, Button{Label: d.msg("btn_stop"), Data: data("stop")})
}
