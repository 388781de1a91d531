package dialog

import (
	"fmt"
	"time"

	"github.com/letdownbot/letdown/content"
)

// CheckUnderstanding proves the catalog's examples work: every asks: of a
// step or command finds that step or command, and every says: picks
// exactly its own button wherever that button is on screen. It returns one
// line per example that does not, for `letdown content check`.
func (d *Dialog) CheckUnderstanding() []string {
	var problems []string
	at := time.Unix(0, 0).UTC()
	walkOn := func(s *content.Step) State {
		st := d.sampleState(stateWalk)
		// A mastitis-only step is asked about by someone already told to
		// see a doctor: her question is answered, not referred again.
		st.Data.Mastitis = s.OnlyWithMastitis
		// Asked about the step on screen, the dialog shows it again:
		// ask from another.
		for _, id := range d.ranked(st.Data, st.Data.wants) {
			if id != s.ID {
				st.Data.Step = id
				break
			}
		}
		return st
	}
	for i := range d.cat.Steps {
		s := &d.cat.Steps[i]
		for _, ask := range s.Asks {
			_, _, out := d.Step(walkOn(s), Input{Text: ask}, at)
			if out.Understood != "question:"+s.ID {
				problems = append(problems, fmt.Sprintf("steps.yaml: %s: asks %q is taken as %q", s.ID, ask, out.Understood))
			}
		}
	}
	for _, c := range d.cat.Commands {
		for _, ask := range c.Asks {
			_, _, out := d.Step(d.sampleState(stateStopped), Input{Text: ask}, at)
			if out.Understood != "command:"+c.Name {
				problems = append(problems, fmt.Sprintf("commands.yaml: %s: asks %q is taken as %q", c.Name, ask, out.Understood))
			}
		}
	}
	// Every button on every screen, with what people say for it; and a
	// live next-day check-in's buttons where she rests.
	var states []State
	for _, name := range allStates {
		states = append(states, d.sampleState(name))
		if resting[name] {
			st := d.sampleState(name)
			st.Data.FollowedUp = at.Add(-time.Hour).Unix()
			states = append(states, st)
		}
		if name == stateDone {
			states = append(states, d.flowedState())
		}
	}
	for _, st := range states {
		name := st.Name
		t := &turn{d: d, st: st}
		for _, b := range t.typeable() {
			file, id, says := d.saysOf(b)
			for _, say := range says {
				_, _, out := d.Step(st, Input{Text: say}, at)
				if out.Understood != "answer:"+b.Data {
					problems = append(problems, fmt.Sprintf("%s: %s: says %q in state %s is taken as %q, want %q", file, id, say, name, out.Understood, b.Data))
				}
			}
		}
	}
	return problems
}

// saysOf returns the catalog's says: for a button, and where they are.
func (d *Dialog) saysOf(b Button) (file, id string, says []string) {
	for _, q := range d.cat.Questions {
		for _, o := range q.Options {
			if data("a", q.ID, o.Value) == b.Data {
				return "triage.yaml", q.ID + "/" + o.Value, o.Says
			}
		}
	}
	for id, ss := range d.cat.Says {
		if d.cat.Messages[id] == b.Label {
			return "says.yaml", id, ss
		}
	}
	return "", "", nil
}

// flowedState is the end of a plan right after "My milk is flowing!" on
// its second idea: "Next idea" is on screen.
func (d *Dialog) flowedState() State {
	st := d.sampleState(stateDone)
	st.Data.Flowing, st.Data.Step = true, d.idsOf(st.Data.Plan)[1]
	return st
}

// sampleState is a state of the given name with the data it needs, for
// checking what typed text does there.
func (d *Dialog) sampleState(name string) State {
	st := State{Version: SchemaVersion, Name: name, Data: Data{Method: "pump", Double: true}}
	plan := d.makePlan(st.Data, nil)
	switch name {
	case stateForget:
		st.Data.Back = stateWalk
	case stateWalk:
		st.Data.Plan, st.Data.Step = keysOf(plan), plan[0]
	case stateDone, stateStopped, stateIdeas:
		// The end of a plan: more ideas and the next-day check-in offered.
		st.Data.Plan = keysOf(plan)
	case stateAskReturn:
		st.Data.List = keysOf(plan[:2])
	case stateRemindCount, stateRemindZone, stateRemindClock, stateRemindNight:
		st.Data.Setup = &Plan{PerDay: 8}
	case stateLogSide, stateLogMinutes, stateLogMl:
		st.Data.Draft = &Session{}
	}
	return st
}
