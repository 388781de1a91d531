package content

import (
	"slices"
	"strings"
)

// forValues are the values Step.For may take.
var forValues = []string{"", "pump", "hand"}

// checkSteps checks each step on its own, then the walk they form.
func (c *checker) checkSteps(f stepsFile, sources map[string]Source) {
	steps := make(map[string]*Step, len(f.Steps))
	seen := map[string]bool{}
	for i := range f.Steps {
		s := &f.Steps[i]
		w := where("steps", i, s.ID)
		c.id(fileSteps, w, "id", s.ID)
		c.unique(fileSteps, "step id", s.ID, seen)
		if _, dup := steps[s.ID]; !dup {
			steps[s.ID] = s
		}
		if !slices.Contains(Phases, s.Phase) {
			c.add(fileSteps, w, "unknown phase %q (want one of %s)", s.Phase, strings.Join(Phases, ", "))
		}
		c.label(fileSteps, w, "title", s.Title, true)
		c.text(fileSteps, w, "text", s.Text, true)
		c.text(fileSteps, w, "more", s.More, true)
		c.text(fileSteps, w, "why", s.Why, true)
		// The dialog sends "Why?" with a line per citation under it.
		if n := whyLen(s, sources); textLen(s.Why) <= MaxMessage && n > MaxMessage {
			c.add(fileSteps, w, "why with its citations is %d characters, over the limit of %d", n, MaxMessage)
		}
		c.refs(fileSteps, w, s.Sources, sources)
		if !s.Weak && onlyThin(s.Sources, sources) {
			c.add(fileSteps, w, "cites only expert guides or AI-written summaries: mark it weak: true and say in why that the evidence is thin, or cite research")
		}
		if !slices.Contains(forValues, s.For) {
			c.add(fileSteps, w, "unknown for %q (want \"\", \"pump\" or \"hand\")", s.For)
		}
		if s.Tried != "" && !slices.Contains(TriedValues, s.Tried) {
			c.add(fileSteps, w, "unknown tried %q (want one of %s)", s.Tried, strings.Join(TriedValues, ", "))
		}
		if s.AvoidWithMastitis && s.OnlyWithMastitis {
			c.add(fileSteps, w, "is both avoid_with_mastitis and only_with_mastitis, so no one would see it")
		}
		c.checkRanking(s, w, sources)
	}
	c.checkThemes(f.Steps)
	for i, s := range f.Steps {
		if s.Next != "" && steps[s.Next] == nil {
			c.add(fileSteps, where("steps", i, s.ID), "next step %q does not exist", s.Next)
		}
	}
	c.checkWalk(f.Start, f.Steps, steps)
	if len(f.FollowUp) == 0 {
		c.add(fileSteps, "follow_up", "follow_up is empty: the next-day check-in needs a step to bring when it is still slow")
	}
	for _, id := range f.FollowUp {
		if s := steps[id]; s == nil {
			c.add(fileSteps, "follow_up", "step %q does not exist", id)
		} else if s.For != "" || s.OnlyWithMastitis || s.AvoidWithMastitis || s.Tried != "" {
			c.add(fileSteps, "follow_up", "step %q is not for everyone (for, tried or mastitis marks): the check-in could bring nothing", id)
		}
	}
}

// whyLen is the length of the "Why?" message as the dialog builds it.
func whyLen(s *Step, sources map[string]Source) int {
	n := textLen(s.Why) + 1
	for _, id := range s.Sources {
		n += textLen("\n• " + sources[id].Line())
	}
	return n
}

// checkWalk checks the chain of steps from start: it must be a simple path
// through every step, visiting the phases in order and ending in the plan
// and support, for every kind of reader.
func (c *checker) checkWalk(start string, list []Step, steps map[string]*Step) {
	c.checkCycles(list, steps)
	switch {
	case start == "":
		c.add(fileSteps, "start", "start is empty")
		return
	case steps[start] == nil:
		c.add(fileSteps, "start", "start step %q does not exist", start)
		return
	}

	walk := chain(start, steps)
	// A broken link or a loop along the walk is already reported; checking
	// the shape of a half walk would only bury that under follow-on noise.
	if last := walk[len(walk)-1]; last.Next != "" {
		return
	}
	onWalk := map[string]bool{}
	for _, s := range walk {
		onWalk[s.ID] = true
	}
	for _, s := range list {
		if s.ID != "" && !onWalk[s.ID] {
			c.add(fileSteps, s.ID, "is not reachable from start %q", start)
		}
	}

	// Phases only move forward: comfort before let-down tips before
	// technique, then the plan, then where to get help.
	for i := 1; i < len(walk); i++ {
		prev, cur := slices.Index(Phases, walk[i-1].Phase), slices.Index(Phases, walk[i].Phase)
		if prev >= 0 && cur >= 0 && cur < prev {
			c.add(fileSteps, walk[i].ID, "phase %q comes after %q (step %q); the walk must follow %s",
				walk[i].Phase, walk[i-1].Phase, walk[i-1].ID, strings.Join(Phases, " → "))
		}
	}
	for _, phase := range Phases {
		if !slices.ContainsFunc(walk, func(s *Step) bool { return s.Phase == phase }) {
			c.add(fileSteps, "start", "the walk has no %s step", phase)
		}
	}
	if last := walk[len(walk)-1]; last.Phase != "support" {
		c.add(fileSteps, last.ID, "the walk ends on a %s step; it must end with the support steps", last.Phase)
	}

	// Whoever she is, the walk must not end before the plan and the support
	// steps: skipping by method, mastitis and what she tried could empty them.
	for _, method := range []string{"pump", "hand"} {
		for _, mastitis := range []bool{false, true} {
			var seen []string
			for _, s := range walk {
				if suits(s, method, mastitis, TriedValues) {
					seen = append(seen, s.Phase)
				}
			}
			for _, phase := range []string{"plan", "support"} {
				if !slices.Contains(seen, phase) {
					c.add(fileSteps, "start", "someone who expresses by %s%s sees no %s step",
						method, map[bool]string{true: " with mastitis signs", false: ""}[mastitis], phase)
				}
			}
		}
	}
}

// checkCycles reports each loop in the next links once. Every step has at
// most one next, so following links from each step finds every loop.
func (c *checker) checkCycles(list []Step, steps map[string]*Step) {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	for _, s := range list {
		var path []string
		for id := s.ID; id != "" && steps[id] != nil; id = steps[id].Next {
			if state[id] == done {
				break
			}
			if state[id] == onPath {
				loop := path[slices.Index(path, id):]
				c.add(fileSteps, id, "the walk loops: %s → %s", strings.Join(loop, " → "), id)
				break
			}
			state[id] = onPath
			path = append(path, id)
		}
		for _, id := range path {
			state[id] = done
		}
	}
}

// chain follows next links from start, stopping at the end, a missing step
// or the first repeat.
func chain(start string, steps map[string]*Step) []*Step {
	var walk []*Step
	seen := map[string]bool{}
	for id := start; id != "" && steps[id] != nil && !seen[id]; id = steps[id].Next {
		seen[id] = true
		walk = append(walk, steps[id])
	}
	return walk
}

// suits mirrors the dialog's choice of steps: by how she expresses ("pump",
// "hand" or "both"), mastitis signs, and what she already tried.
func suits(s *Step, method string, mastitis bool, tried []string) bool {
	switch {
	case s.For != "" && method != "both" && s.For != method:
		return false
	case s.Tried != "" && slices.Contains(tried, s.Tried):
		return false
	case s.AvoidWithMastitis && mastitis:
		return false
	case s.OnlyWithMastitis && !mastitis:
		return false
	}
	return true
}
