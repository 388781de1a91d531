package understand

import (
	"slices"

	"github.com/letdownbot/letdown/content"
)

// Flag is a warning sign found in her text, with the words it rests on.
type Flag struct {
	ID    string   // the red-flag rule
	Level string   // its level: content.LevelEmergency first
	How   string   // "phrase", "together" or "measure"
	Words []string // the words that fired it
}

// Flags finds warning signs on concepts rather than literal strings: stems,
// spelling slips, words that belong together in a clause, numbers, and
// negation, history and other people for the signs that can be denied.
type Flags struct {
	a        *Analyzer
	rules    []rule
	history  []Phrase
	recovery []Phrase
	others   []Phrase
	measures map[string][]Phrase
}

type rule struct {
	id, level string
	negatable bool
	phrases   []Phrase
	together  [][][]Phrase // rows of groups of alternatives
	unless    []Phrase     // words that make the sign ordinary in its clause
	measure   string
}

// NewFlags compiles the catalog's red-flag rules.
func NewFlags(a *Analyzer, flags []content.RedFlag) *Flags {
	f := &Flags{
		a:        a,
		history:  a.phrases(a.lex.History),
		recovery: a.phrases(a.lex.Recovery),
		others:   a.phrases(a.lex.Others),
		measures: map[string][]Phrase{},
	}
	for k, ws := range a.lex.Measures {
		f.measures[k] = a.phrases(ws)
	}
	for _, rf := range flags {
		r := rule{id: rf.ID, level: rf.Level, negatable: rf.Negatable, measure: rf.Measure, phrases: a.phrases(rf.Phrases), unless: a.phrases(rf.Unless)}
		for _, row := range rf.Together {
			var groups [][]Phrase
			for _, g := range row {
				groups = append(groups, a.phrases(g))
			}
			r.together = append(r.together, groups)
		}
		f.rules = append(f.rules, r)
	}
	return f
}

func (a *Analyzer) phrases(ss []string) []Phrase {
	out := make([]Phrase, 0, len(ss))
	for _, s := range ss {
		if p := a.Phrase(s); len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// levels is the order signs are looked for: the most urgent level wins.
var levels = []string{content.LevelEmergency, content.LevelToday, content.LevelSoon}

// Detect returns the most urgent sign in t; within a level, the one
// resting on the most words ("my baby has a fever" is about the baby).
func (f *Flags) Detect(t Text) (Flag, bool) {
	// Only phrases whose first word is in the message can match: one look
	// at a set instead of a scan of the message per phrase.
	present := make(map[string]bool, len(t))
	for _, tok := range t {
		present[tok.Stem] = true
	}
	for _, level := range levels {
		var best Flag
		bestN := 0
		for i := range f.rules {
			r := &f.rules[i]
			if r.level != level {
				continue
			}
			// On a tie, words beat a bare number: "the baby has 38.2" is
			// about the baby, not her own temperature.
			if fl, n := f.match(r, t, present); n > bestN || n > 0 && n == bestN && best.How == "measure" && fl.How != "measure" {
				best, bestN = fl, n
			}
		}
		if bestN > 0 {
			return best, true
		}
	}
	return Flag{}, false
}

// match returns how strongly rule r holds in t (0: not at all).
func (f *Flags) match(r *rule, t Text, present map[string]bool) (Flag, int) {
	var best Flag
	bestN := 0
	consider := func(how string, spans []Span) {
		n := 0
		for _, s := range spans {
			n += s.To - s.From
		}
		if n <= bestN {
			return
		}
		for _, s := range spans {
			if r.negatable && (f.denied(t, s) || t.inClause(r.unless, t[s.From].Clause, -1)) {
				return
			}
		}
		var ws []string
		for _, s := range spans {
			ws = append(ws, t.Words(s)...)
		}
		best, bestN = Flag{ID: r.id, Level: r.level, How: how, Words: ws}, n
	}
	for _, p := range r.phrases {
		if !present[p[0]] {
			continue
		}
		for _, s := range t.Find(p, gapFor(p)) {
			consider("phrase", []Span{s})
		}
	}
	for _, row := range r.together {
		for _, spans := range together(t, row, present) {
			consider("together", spans)
		}
	}
	if r.measure != "" {
		for _, s := range f.measure(r.measure, t) {
			// A measured number is never denied: "no fever, 38.5" is a fever.
			n := s.To - s.From
			if n > bestN {
				best, bestN = Flag{ID: r.id, Level: r.level, How: "measure", Words: t.Words(s)}, n
			}
		}
	}
	return best, bestN
}

// gapFor lets a longer phrase take a word in between ("red sore area").
func gapFor(p Phrase) int {
	if len(p) > 1 {
		return 1
	}
	return 0
}

// together returns, for each sentence where every group of row has a
// phrase, one span per group.
func together(t Text, row [][]Phrase, present map[string]bool) [][]Span {
	if len(t) == 0 || len(row) == 0 {
		return nil
	}
	for _, group := range row {
		if !slices.ContainsFunc(group, func(p Phrase) bool { return present[p[0]] }) {
			return nil
		}
	}
	var out [][]Span
	for c := 0; c <= t[len(t)-1].Sentence; c++ {
		var spans []Span
		for _, group := range row {
			s, ok := firstInSentence(t, group, c)
			if !ok {
				spans = nil
				break
			}
			spans = append(spans, s)
		}
		if spans != nil {
			out = append(out, spans)
		}
	}
	return out
}

func firstInSentence(t Text, group []Phrase, c int) (Span, bool) {
	for _, p := range group {
		for _, s := range t.Find(p, gapFor(p)) {
			if t[s.From].Sentence == c {
				return s, true
			}
		}
	}
	return Span{}, false
}

// denied reports whether the sign at s is negated, long past or over
// ("sore last week but fine now"), or said of someone else ("my sister
// had mastitis").
func (f *Flags) denied(t Text, s Span) bool {
	c := t[s.From].Clause
	if f.a.neg.negated(t, s) {
		return true
	}
	if t.inClause(f.others, c, s.From) || t.inClause(f.history, c, -1) {
		return true
	}
	for cl := c; len(t) > 0 && cl <= t[len(t)-1].Clause; cl++ {
		if t.inClauseAffirmed(f.recovery, cl) {
			return true
		}
	}
	return false
}

// measure finds the numbers that make a sign: a temperature of 38 °C or
// 100.4 °F and over; fewer than 6 wet nappies.
func (f *Flags) measure(kind string, t Text) []Span {
	var out []Span
	words := f.measures[kind]
	for i, tok := range t {
		if !tok.IsNum {
			continue
		}
		unit := ""
		if i+1 < len(t) {
			unit = f.a.UnitOf(t[i+1].Word)
			if unit == "degrees" && i+2 < len(t) {
				if u := f.a.UnitOf(t[i+2].Word); u == "celsius" || u == "fahrenheit" {
					unit = u
				}
			}
		}
		context := t.inClause(words, tok.Clause, -1)
		switch kind {
		case "temperature":
			if !context && unit != "celsius" && unit != "fahrenheit" && unit != "degrees" {
				continue
			}
			v := tok.Num
			celsius := unit == "celsius" || (unit != "fahrenheit" && v >= 34 && v <= 45)
			if (celsius && v >= 38 && v <= 45) || (!celsius && v >= 100.4 && v <= 113) {
				out = append(out, Span{From: i, To: min(i+2, len(t))})
			}
		case "wet_nappies":
			if !context || !nearBefore(t, words, i, 3) {
				continue
			}
			n := tok.Num
			if i > 0 && f.a.lessWord(t[i-1].Word) {
				n -= 0.5 // "fewer than 6", "under 6"
			} else if i > 1 && f.a.lessWord(t[i-2].Word) {
				n -= 0.5
			}
			if n < 6 {
				out = append(out, Span{From: i, To: min(i+3, len(t))})
			}
		}
	}
	return out
}

// nearBefore reports whether one of ps starts within n words after token i
// in its clause ("2 wet diapers", "3 nappies that were wet" is not).
func nearBefore(t Text, ps []Phrase, i, n int) bool {
	for j := i + 1; j < len(t) && j <= i+n && t[j].Clause == t[i].Clause; j++ {
		for _, p := range ps {
			if t.matchAt(p, j) {
				return true
			}
		}
	}
	return false
}

func (a *Analyzer) lessWord(w string) bool {
	for _, l := range a.lex.Less {
		if l == w {
			return true
		}
	}
	return false
}
