package dialog

import (
	"maps"
	"slices"
)

// prompt sends what the current state asks of her, with its buttons.
func (t *turn) prompt() {
	text, buttons := t.current()
	t.reply(text, buttons)
	t.replies[len(t.replies)-1].Number = numberStates[t.st.Name]
	if t.st.Name == stateRemindZone {
		t.replies[len(t.replies)-1].Location = t.d.msg("btn_share_location")
	}
}

// numberStates ask for a number: minutes, a count, millilitres, a clock.
var numberStates = map[string]bool{
	stateAskTime: true, stateRemindCount: true, stateRemindClock: true,
	stateLogMinutes: true, stateLogMl: true,
}

// currentButtons are the buttons of the current state's prompt, so that a
// help text or a "didn't catch that" can re-offer them.
func (t *turn) currentButtons() []Button {
	_, buttons := t.current()
	return buttons
}

// current renders the current state's prompt.
func (t *turn) current() (string, []Button) {
	d := t.d
	restart := []Button{{Label: d.msg("btn_restart"), Data: data("restart")}}
	if text, buttons, ok := t.remindPrompt(); ok {
		return text, buttons
	}
	if text, buttons, ok := t.logPrompt(); ok {
		return text, buttons
	}
	switch t.st.Name {
	case stateScreen:
		var buttons []Button
		for _, f := range d.cat.RedFlags {
			if f.Label != "" {
				buttons = append(buttons, Button{Label: f.Label, Data: data("rf", f.ID)})
			}
		}
		return d.msg("screen"), append(buttons, Button{Label: d.msg("btn_none"), Data: data("clear")})
	case stateWalk:
		if s := t.currentStep(); s != nil {
			return t.card(s), t.walkButtons(s, "")
		}
	case stateDone:
		return d.msg("walk_end"), append(restart, Button{Label: d.msg("btn_remind"), Data: data("remind")})
	case stateStopped:
		return d.msg("stopped"), restart
	case stateCrisis:
		return d.msg("crisis_after"), []Button{{Label: d.msg("btn_safe"), Data: data("safe")}}
	case stateNew:
		return d.msg("welcome"), nil
	case stateForget:
		return d.msg("forget_confirm"), []Button{
			{Label: d.msg("btn_forget_yes"), Data: data("forget", "yes")},
			{Label: d.msg("btn_forget_no"), Data: data("forget", "no")},
		}
	}
	if q, ok := d.questions[askStates[t.st.Name]]; ok {
		buttons := make([]Button, 0, len(q.Options))
		for _, o := range q.Options {
			buttons = append(buttons, Button{Label: o.Label, Data: data("a", q.ID, o.Value)})
		}
		return q.Text, buttons
	}
	// Unreachable for states that passed migrate; kept so a bug shows the
	// safety check instead of nothing.
	return d.msg("screen"), nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
