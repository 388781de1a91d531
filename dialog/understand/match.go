package understand

// Span is where a phrase was found: tokens From to To (exclusive), and
// the tokens within it that the phrase skipped over (its gaps).
type Span struct {
	From, To int
	Skipped  []int
}

// matchAt reports whether p stands at token i, word after word, in one clause.
func (t Text) matchAt(p Phrase, i int) bool {
	if len(p) == 0 || i+len(p) > len(t) {
		return false
	}
	for j, s := range p {
		if t[i+j].Stem != s || t[i+j].Sentence != t[i].Sentence {
			return false
		}
	}
	return true
}

// Find returns each place p occurs in one sentence, its words in order with at
// most gap other words between two of them ("red sore area" holds "red
// area" with gap 1).
func (t Text) Find(p Phrase, gap int) []Span {
	if len(p) == 0 {
		return nil
	}
	var out []Span
	for i := range t {
		if t[i].Stem != p[0] {
			continue
		}
		end, ok := i+1, true
		var skipped []int
		for _, s := range p[1:] {
			found := false
			for j := end; j < len(t) && j <= end+gap && t[j].Sentence == t[i].Sentence; j++ {
				if t[j].Stem == s {
					for k := end; k < j; k++ {
						skipped = append(skipped, k)
					}
					end, found = j+1, true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, Span{i, end, skipped})
		}
	}
	return out
}

// inClause reports whether any of ps stands in clause c of t, optionally
// only before token limit (limit < 0: anywhere).
func (t Text) inClause(ps []Phrase, c, limit int) bool {
	for i := range t {
		if t[i].Clause != c || (limit >= 0 && i >= limit) {
			continue
		}
		for _, p := range ps {
			if t.matchAt(p, i) {
				return true
			}
		}
	}
	return false
}

// saidNot reports whether the word before i negates what starts at i:
// "has not gone", "no se me quita" say the sign is still there.
func (t Text) saidNot(i int) bool {
	return i > 0 && (t[i-1].Stem == "not" || t[i-1].Stem == "no")
}

// inClauseAffirmed is inClause for a phrase that must not be negated:
// a recovery is no recovery when "not" stands before it.
func (t Text) inClauseAffirmed(ps []Phrase, c int) bool {
	for i := range t {
		if t[i].Clause != c || t.saidNot(i) {
			continue
		}
		for _, p := range ps {
			if t.matchAt(p, i) {
				return true
			}
		}
	}
	return false
}

// Words returns the words of span s, for explaining a decision.
func (t Text) Words(s Span) []string {
	out := make([]string, 0, s.To-s.From)
	for _, tok := range t[s.From:s.To] {
		out = append(out, tok.Word)
	}
	return out
}

// negation is NegEx (Chapman et al., 2001) kept small: a trigger before a
// finding negates it up to the end of its clause, within a window; a
// trigger after it negates it within a shorter one; pseudo-triggers ("not
// only", "no better") negate nothing.
type negation struct {
	before, after, pseudo []Phrase
}

const (
	windowBefore = 6
	windowAfter  = 4
)

// negated reports whether the finding at s is negated in t. A trigger
// inside a phrase found with a gap ("baby has no fever" for "baby has
// fever") negates it too.
func (n *negation) negated(t Text, s Span) bool {
	c := t[s.From].Clause
	for _, i := range s.Skipped {
		for _, p := range n.before {
			if len(p) == 1 && t[i].Stem == p[0] {
				return true
			}
		}
	}
	for i := s.From - 1; i >= 0 && i >= s.From-windowBefore && t[i].Clause == c; i-- {
		for _, p := range n.before {
			if t.matchAt(p, i) && i+len(p) <= s.From && !n.pseudoAt(t, i, s) {
				return true
			}
		}
	}
	for i := s.To; i < len(t) && i <= s.To+windowAfter && t[i].Clause == c; i++ {
		if t.saidNot(i) {
			continue // "has not gone": the sign is still there
		}
		for _, p := range n.after {
			if t.matchAt(p, i) {
				return true
			}
		}
	}
	return false
}

// pseudoAt reports whether the trigger at i is part of a pseudo-trigger,
// or the finding itself begins with it ("not breathe" is no negation of
// "breathe": the finding is the whole "can not breathe").
func (n *negation) pseudoAt(t Text, i int, s Span) bool {
	for _, p := range n.pseudo {
		for j := max(0, i-len(p)+1); j <= i; j++ {
			if t.matchAt(p, j) {
				return true
			}
		}
	}
	return false
}
