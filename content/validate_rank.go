package content

import (
	"slices"
	"strings"
)

// checkRanking checks what the dialog ranks a step by: its theme, the
// yardsticks it helps, what it acts on, how strong its evidence is (no
// stronger than its sources, and thin when the step is weak), and its fits
// (known conditions, bounded weights, none that could never apply).
func (c *checker) checkRanking(s *Step, w string, sources map[string]Source) {
	if !slices.Contains(Themes, s.Theme) {
		c.add(fileSteps, w, "unknown theme %q (want one of %s)", s.Theme, strings.Join(Themes, ", "))
	}
	seen := map[string]bool{}
	for _, y := range s.Helps {
		switch {
		case !slices.Contains(Yardsticks, y):
			c.add(fileSteps, w, "helps %q, which is not a yardstick (want %s)", y, strings.Join(Yardsticks, ", "))
		case seen[y]:
			c.add(fileSteps, w, "helps %q twice", y)
		}
		seen[y] = true
	}
	if !slices.Contains(Acts, s.Acts) {
		c.add(fileSteps, w, "unknown acts %q (want one of %s)", s.Acts, strings.Join(Acts, ", "))
	}
	c.checkStrength(s, w, sources)
	for _, cond := range sortedKeys(s.Fits) {
		weight := s.Fits[cond]
		switch {
		case !slices.Contains(Conditions, cond):
			c.add(fileSteps, w, "fits %q, which is not a condition (want one of %s)", cond, strings.Join(Conditions, ", "))
		case weight == 0:
			c.add(fileSteps, w, "fits %q with weight 0: leave it out", cond)
		case weight > MaxFit || weight < -MaxFit:
			c.add(fileSteps, w, "fits %q with weight %d, beyond ±%d", cond, weight, MaxFit)
		case !canHold(s, cond):
			c.add(fileSteps, w, "fits %q, which never holds for someone who sees this step", cond)
		}
	}
}

// checkStrength keeps a step's evidence no stronger than its sources: a
// strong step cites a guideline, a review or a trial, a step with some
// evidence cites research of any kind, and a weak step is thin.
func (c *checker) checkStrength(s *Step, w string, sources map[string]Source) {
	kinds := make([]string, 0, len(s.Sources))
	for _, id := range s.Sources {
		if src, ok := sources[id]; ok {
			kinds = append(kinds, src.Kind)
		}
	}
	hasKind := func(want ...string) bool {
		return slices.ContainsFunc(kinds, func(k string) bool { return slices.Contains(want, k) })
	}
	switch s.Evidence {
	case EvidenceStrong:
		if !hasKind(KindGuideline, KindReview, KindTrial) {
			c.add(fileSteps, w, "evidence is strong, but it cites no guideline, review or trial")
		}
	case EvidenceSome:
		if !hasKind(KindGuideline, KindReview, KindTrial, KindObservational) {
			c.add(fileSteps, w, "evidence is some, but it cites no research or guideline")
		}
	case EvidenceThin:
	default:
		c.add(fileSteps, w, "unknown evidence %q (want one of %s)", s.Evidence, strings.Join(Strengths, ", "))
		return
	}
	if s.Weak && s.Evidence != EvidenceThin {
		c.add(fileSteps, w, "is weak, so its evidence must be thin, not %s", s.Evidence)
	}
}

// canHold reports whether condition cond can be true of someone shown
// step s: a fit on a condition that rules the step out weighs nothing.
func canHold(s *Step, cond string) bool {
	switch cond {
	case "double":
		return s.For != "hand" && s.Tried != "double_pumping"
	case "pump", "single":
		return s.For != "hand"
	case "hand":
		return s.For != "pump"
	case "tried_warm_compress":
		return s.Tried != "warm_compress"
	case "tried_skin_to_skin":
		return s.Tried != "skin_to_skin"
	case "mastitis":
		return !s.AvoidWithMastitis
	}
	return true
}

// checkThemes makes sure every theme has a step, and that no two steps
// share a StepKey (conversations store steps by it).
func (c *checker) checkThemes(steps []Step) {
	for _, th := range Themes {
		if !slices.ContainsFunc(steps, func(s Step) bool { return s.Theme == th }) {
			c.add(fileSteps, "", "no step has the theme %s", th)
		}
	}
	keys := map[string]string{}
	for _, s := range steps {
		if s.ID == "" {
			continue
		}
		k := StepKey(s.ID)
		if other, dup := keys[k]; dup && other != s.ID {
			c.add(fileSteps, s.ID, "has the same stored key %q as step %q: rename one of them", k, other)
		}
		keys[k] = s.ID
	}
}
