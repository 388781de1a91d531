package understand

import (
	"slices"
	"strings"
)

// Choice is one button as typed text can name it: its key and what people
// say for it.
type Choice struct {
	Key  string
	Says []Phrase
}

// Chosen is the button her text names, with the words that named it.
type Chosen struct {
	Key   string
	Words []string
	Span  Span
}

// Choose returns the choice her text names: the one whose longest phrase
// found (and not negated: "i dont pump") is longer than any other's. A tie
// between two choices names neither; ok is false, and the tied keys come
// back as guesses.
func (a *Analyzer) Choose(t Text, choices []Choice) (c Chosen, ok bool, guesses []string) {
	best, bestN, tie := -1, 0, false
	var words []string
	var span Span
	for i, ch := range choices {
		n, ws, sp := 0, []string(nil), Span{}
		for _, p := range ch.Says {
			for _, s := range t.Find(p, gapFor(p)) {
				if len(p) > n && !a.negatedAnswer(t, s) {
					n, ws, sp = len(p), t.Words(s), s
				}
			}
		}
		switch {
		case n == 0:
		case n > bestN:
			best, bestN, tie, words, span = i, n, false, ws, sp
			guesses = []string{ch.Key}
		case n == bestN && choices[best].Key != ch.Key && sp.From < span.From:
			// The same weight: what she says first is her answer ("why
			// would that help" asks why).
			best, tie, words, span = i, false, ws, sp
			guesses = []string{ch.Key}
		case n == bestN && choices[best].Key != ch.Key && sp.From == span.From:
			tie = true
			guesses = append(guesses, ch.Key)
		}
	}
	if best < 0 || tie {
		return Chosen{}, false, guesses
	}
	return Chosen{Key: choices[best].Key, Words: words, Span: span}, true, nil
}

// YesNo returns the lexicon's phrases for yes and for no, to add to the
// says of the buttons that mean them.
func (a *Analyzer) YesNo() (yes, no []Phrase) {
	return a.phrases(a.lex.Yes), a.phrases(a.lex.No)
}

// Minutes reads a duration from t: "45 min", "an hour", "1.5 hours",
// "half an hour", "under 20", a bare "25", or a vague "forever" (long) and
// "quick" (short). over and under say the number was given as a bound.
func (a *Analyzer) Minutes(t Text) (minutes float64, ok bool) {
	for i, tok := range t {
		w := tok.Word
		// "an hour", "una hora"; "half an hour", "media hora".
		if (w == "a" || w == "an" || w == "one" || w == "una") && i+1 < len(t) && a.UnitOf(t[i+1].Word) == "hours" {
			return 60, true
		}
		if w == "half" && i+2 < len(t) && a.UnitOf(t[i+2].Word) == "hours" || w == "media" && i+1 < len(t) && a.UnitOf(t[i+1].Word) == "hours" {
			return 30, true
		}
		if !tok.IsNum {
			continue
		}
		v := tok.Num
		if i+1 < len(t) && a.UnitOf(t[i+1].Word) == "hours" {
			v *= 60
		}
		switch {
		case i > 0 && a.lessWord(t[i-1].Word), i > 1 && a.lessWord(t[i-2].Word):
			v -= 0.5
		case i > 0 && a.moreWord(t[i-1].Word), i > 1 && a.moreWord(t[i-2].Word):
			v += 0.5
		}
		return v, true
	}
	switch a.Vague(t) {
	case "long":
		return 120, true
	case "short":
		return 5, true
	}
	return 0, false
}

// Vague returns the kind of an unmeasured amount or time in t ("long",
// "short", "little"), or "".
func (a *Analyzer) Vague(t Text) string {
	for _, tok := range t {
		if k, ok := a.lex.Vague[tok.Word]; ok {
			return k
		}
	}
	return ""
}

func (a *Analyzer) moreWord(w string) bool {
	for _, l := range a.lex.More {
		if l == w {
			return true
		}
	}
	return false
}

// Numbers returns the numbers in t, in order.
func (t Text) Numbers() []float64 {
	var out []float64
	for _, tok := range t {
		if tok.IsNum {
			out = append(out, tok.Num)
		}
	}
	return out
}

// Asking reports whether a message reads as a question: a question mark,
// a first word that opens one ("can", "should"), or a wh-word anywhere
// ("I'm too tense, what do I do").
func (a *Analyzer) Asking(t Text, raw string) bool {
	if strings.ContainsAny(raw, "?¿") || len(t) > 0 && slices.Contains(a.lex.Asking, t[0].Word) {
		return true
	}
	for _, tok := range t {
		if slices.Contains(a.lex.Wh, tok.Word) {
			return true
		}
	}
	return false
}

// negatedAnswer is negation for answers: as for warning signs, except that
// a "no" opening the message answers rather than negates ("nah, try
// something else" asks for the next tip).
func (a *Analyzer) negatedAnswer(t Text, s Span) bool {
	if s.From > 0 && t[0].Stem == "no" {
		shifted := Span{From: s.From - 1, To: s.To - 1}
		for _, i := range s.Skipped {
			shifted.Skipped = append(shifted.Skipped, i-1)
		}
		return a.neg.negated(t[1:], shifted)
	}
	return a.neg.negated(t, s)
}

// millilitresPerOunce converts a US fluid ounce.
const millilitresPerOunce = 29.5735

// Millilitres reads the volumes in t, in order: "30 and 25", "40 ml",
// "2 oz" (59 ml), "1.5oz each side".
func (a *Analyzer) Millilitres(t Text) []float64 {
	var out []float64
	for i, tok := range t {
		if !tok.IsNum {
			continue
		}
		v := tok.Num
		if i+1 < len(t) && a.UnitOf(t[i+1].Word) == "oz" {
			v *= millilitresPerOunce
		}
		out = append(out, v)
	}
	return out
}
