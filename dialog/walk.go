package dialog

import (
	"fmt"

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

// nextStep follows the walk from id (itself included when inclusive) to the
// first step that suits her, or "" at the end of the walk. The validator
// guarantees the chain has no cycle; the bound is a second guard.
func (d *Dialog) nextStep(data Data, id string, inclusive bool) string {
	if !inclusive {
		if s, ok := d.steps[id]; ok {
			id = s.Next
		} else {
			id = ""
		}
	}
	for range len(d.steps) + 1 {
		s, ok := d.steps[id]
		if !ok {
			return ""
		}
		if data.wants(s) {
			return id
		}
		id = s.Next
	}
	return ""
}

// firstOfPhase is the first suitable step of a phase along the walk.
func (d *Dialog) firstOfPhase(data Data, phase string) string {
	for id := d.nextStep(data, d.cat.Start, true); id != ""; id = d.nextStep(data, id, false) {
		if d.steps[id].Phase == phase {
			return id
		}
	}
	return ""
}

// position is the step's place among the steps that suit her, and how many
// there are.
func (d *Dialog) position(data Data, id string) (n, total int) {
	for s := d.nextStep(data, d.cat.Start, true); s != ""; s = d.nextStep(data, s, false) {
		total++
		if s == id {
			n = total
		}
	}
	return n, total
}

// startWalk puts step id on screen, or ends the walk if there is none.
func (t *turn) startWalk(id string) {
	if id == "" {
		t.finish()
		return
	}
	t.st.Data.Step = id
	t.prompt()
}

// advance moves to the next suitable step, or ends the walk.
func (t *turn) advance() {
	next := t.d.nextStep(t.st.Data, t.st.Data.Step, false)
	if next == "" {
		t.finish()
		return
	}
	t.st.Data.Step = next
}

func (t *turn) finish() {
	t.st.Data.Step = ""
	t.move("finish")
}

// walk handles the buttons under a guidance step.
func (t *turn) walk(action string, s *content.Step) {
	switch action {
	case "done":
		t.st.Data.Helped = append(t.st.Data.Helped, s.ID)
		t.say(t.d.msg("helped"))
		t.advance()
		t.prompt()
	case "next":
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
	n, total := t.d.position(t.st.Data, s.ID)
	return fmt.Sprintf("%s (%d/%d)\n\n%s", s.Title, n, total, s.Text)
}

// walkButtons are the buttons under a step, leaving out the one that was
// just answered ("more" or "why").
func (t *turn) walkButtons(s *content.Step, omit string) []Button {
	d := t.d
	all := []struct{ action, label string }{
		{"done", d.msg("btn_done")},
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
