package dialog

import (
	"maps"
	"slices"
	"strings"
)

// prompt sends what the current state asks of her, with its buttons.
func (t *turn) prompt() {
	text, buttons := t.current()
	t.reply(text, buttons)
	if t.st.Name == stateWalk && (t.fromName != stateWalk || t.fromStep != t.st.Data.Step) {
		t.out.Shown = t.st.Data.Step
	}
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
		return t.endOfPlan()
	case stateStopped:
		var buttons []Button
		if t.offersFollowUp() {
			buttons = append(buttons, Button{Label: d.msg("btn_follow_offer"), Data: data("fo")})
		}
		return d.msg("stopped"), append(buttons, restart...)
	case stateIdeas:
		return t.ideasPrompt()
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
		return strings.ReplaceAll(q.Text, "{helped}", t.titles(t.list())), buttons
	}
	// Unreachable for states that passed migrate; kept so a bug shows the
	// safety check instead of nothing.
	return d.msg("screen"), nil
}

// endOfPlan is the end of her plan: kind words, or joy when her milk is
// flowing (and the next idea, for another time); then more ideas (a fresh
// plan, after what helped last time), the next-day check-in, reminders and
// starting again.
func (t *turn) endOfPlan() (string, []Button) {
	d := t.d
	text := d.msg("walk_end")
	var buttons []Button
	if t.st.Data.Flowing && t.st.Data.Step != "" {
		// Right after "My milk is flowing!": the rest can wait.
		text = d.msg("flowing_end")
		if t.canGoOn() {
			buttons = append(buttons, Button{Label: d.msg("btn_next_idea"), Data: data("on")})
		}
	}
	switch {
	case t.st.Data.Kind == kindReturn:
		buttons = append(buttons, Button{Label: d.msg("btn_fresh_plan"), Data: data("fresh")})
	case len(t.themesLeft()) > 0:
		buttons = append(buttons, Button{Label: d.msg("btn_more_ideas"), Data: data("ideas")})
	}
	if t.offersFollowUp() {
		buttons = append(buttons, Button{Label: d.msg("btn_follow_offer"), Data: data("fo")})
	}
	if t.st.Data.Remind == nil {
		buttons = append(buttons, Button{Label: d.msg("btn_remind"), Data: data("remind")})
	}
	return text, append(buttons, Button{Label: d.msg("btn_restart"), Data: data("restart")})
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
