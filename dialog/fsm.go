package dialog

import (
	"context"
	"errors"
	"sync"

	"github.com/looplab/fsm"
)

// The dialog's states. State names are persisted: renaming one needs a
// migration (see migrate).
const (
	stateNew       = "new"
	stateScreen    = "screen"
	stateAskMethod = "ask_method"
	stateAskDouble = "ask_double"
	stateAskSteady = "ask_steady"
	stateAskAmount = "ask_amount"
	stateAskTime   = "ask_time"
	stateAskTried  = "ask_tried"
	// A returning mother, after the safety check: start with what helped
	// her last time?
	stateAskReturn = "ask_return"
	stateWalk      = "walk"
	// "More ideas": which kind?
	stateIdeas   = "ideas"
	stateDone    = "done"
	stateStopped = "stopped"
	stateCrisis  = "crisis"
	// Setting reminders up, and resting once they are set.
	stateRemindCount = "remind_count"
	stateRemindZone  = "remind_zone"
	stateRemindClock = "remind_clock"
	stateRemindNight = "remind_night"
	stateIdle        = "idle"
	// Logging a session.
	stateLogSide    = "log_side"
	stateLogMinutes = "log_minutes"
	stateLogMl      = "log_ml"
	// Asking before /forget erases everything.
	stateForget = "forget"
)

var allStates = []string{
	stateNew, stateScreen, stateAskMethod, stateAskDouble, stateAskSteady,
	stateAskAmount, stateAskTime, stateAskTried, stateAskReturn, stateWalk, stateIdeas, stateDone,
	stateStopped, stateCrisis, stateRemindCount, stateRemindZone,
	stateRemindClock, stateRemindNight, stateIdle, stateLogSide,
	stateLogMinutes, stateLogMl, stateForget,
}

// askStates maps each triage state to the question it asks.
var askStates = map[string]string{
	stateAskMethod: "method",
	stateAskDouble: "double",
	stateAskSteady: "steady",
	stateAskAmount: "amount",
	stateAskTime:   "time",
	stateAskTried:  "tried",
	stateAskReturn: "returning",
	// The reminder set-up asks with buttons too.
	stateRemindCount: "remind_count",
	stateRemindNight: "remind_night",
}

func without(states []string, drop ...string) []string {
	var out []string
next:
	for _, s := range states {
		for _, d := range drop {
			if s == d {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

// events is the whole transition table. Everything the dialog can do to her
// place in the conversation is one of these; anything else is refused by the
// FSM.
var events = fsm.Events{
	{Name: "start", Src: allStates, Dst: stateScreen},
	{Name: "alarm", Src: allStates, Dst: stateCrisis},
	{Name: "safe", Src: []string{stateCrisis}, Dst: stateScreen},
	{Name: "clear", Src: []string{stateScreen}, Dst: stateAskMethod},
	{Name: "returning", Src: []string{stateScreen}, Dst: stateAskReturn},
	{Name: "again", Src: []string{stateAskReturn}, Dst: stateWalk},                // start with what helped last time
	{Name: "anew", Src: []string{stateAskReturn, stateDone}, Dst: stateAskMethod}, // the questions, for a fresh plan
	{Name: "pumps", Src: []string{stateAskMethod}, Dst: stateAskDouble},
	{Name: "expresses", Src: []string{stateAskMethod, stateAskDouble}, Dst: stateAskSteady},
	{Name: "steady", Src: []string{stateAskSteady}, Dst: stateAskAmount},
	{Name: "amount", Src: []string{stateAskAmount}, Dst: stateAskTime},
	{Name: "struggling", Src: []string{stateAskTime}, Dst: stateAskTried},
	{Name: "well", Src: []string{stateAskTime}, Dst: stateWalk},
	{Name: "guide", Src: []string{stateAskTried}, Dst: stateWalk},
	{Name: "finish", Src: []string{stateWalk}, Dst: stateDone},
	{Name: "ideas", Src: []string{stateWalk, stateDone, stateStopped}, Dst: stateIdeas},
	{Name: "stop", Src: without(allStates, stateNew, stateCrisis, stateStopped, stateDone, stateIdle), Dst: stateStopped},
	{Name: "remind", Src: without(allStates, stateCrisis), Dst: stateRemindCount},
	{Name: "count", Src: []string{stateRemindCount}, Dst: stateRemindZone},
	{Name: "zoned", Src: []string{stateRemindCount}, Dst: stateRemindNight}, // the platform told us her zone
	{Name: "clock", Src: []string{stateRemindZone}, Dst: stateRemindClock},
	{Name: "zone", Src: []string{stateRemindZone, stateRemindClock}, Dst: stateRemindNight},
	{Name: "night", Src: []string{stateRemindNight}, Dst: stateIdle},
	{Name: "log", Src: without(allStates, stateCrisis), Dst: stateLogSide},
	{Name: "side", Src: []string{stateLogSide}, Dst: stateLogMinutes},
	{Name: "minutes", Src: []string{stateLogMinutes}, Dst: stateLogMl},
	{Name: "logged", Src: []string{stateLogMl}, Dst: stateIdle},
	{Name: "forget", Src: without(allStates, stateForget), Dst: stateForget},
	{Name: "tip", Src: without(allStates, stateCrisis, stateNew), Dst: stateWalk}, // after a slow session
}

func knownState(name string) bool {
	for _, s := range allStates {
		if s == name {
			return true
		}
	}
	return false
}

// machines holds FSMs for reuse. An fsm.FSM holds mutexes and cannot be
// stored with a conversation or shared by two turns at once, but building
// one per move allocated more than everything else in a turn together;
// each move takes one, sets it to the saved state, and gives it back.
var machines = sync.Pool{New: func() any { return fsm.NewFSM(stateNew, events, nil) }}

// fire moves from state 'from' by event. The FSM has no callbacks, so Event
// never re-enters it.
func fire(from, event string) (string, error) {
	f := machines.Get().(*fsm.FSM)
	defer machines.Put(f)
	f.SetState(from)
	err := f.Event(context.Background(), event)
	var same fsm.NoTransitionError
	if err != nil && !errors.As(err, &same) {
		return from, err
	}
	return f.Current(), nil
}

// Graph draws the dialog as a Mermaid state diagram.
func Graph() string {
	f := fsm.NewFSM(stateNew, events, nil)
	out, err := fsm.VisualizeWithType(f, fsm.MermaidStateDiagram)
	if err != nil {
		// Only an unknown diagram type fails, and the type is fixed here.
		panic(err)
	}
	return out
}
