package content

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Reading levels the catalog must keep, as Flesch–Kincaid grades: a tired
// reader at 3 a.m. reads the first message and every question, the details
// a tap away may ask a little more, and the evidence more again.
const (
	MaxGradeText = 6.0 // a step's text, a triage question, a red-flag referral
	MaxGradeMore = 7.0 // "Tell me more", and why a question is asked
	MaxGradeWhy  = 9.0 // "Why?"
)

// Reading is the grade of one text of the catalog against its limit.
type Reading struct {
	File  string // "steps.yaml", "triage.yaml" or "redflags.yaml"
	ID    string // the step, question or red flag
	Field string // "text", "more", "why" or "reply"
	Grade float64
	Max   float64
}

// Over is how far the text reads above its limit; negative when it is
// within it.
func (r Reading) Over() float64 { return r.Grade - r.Max }

// Readings grades every text a reader is sent from the guidance, the triage
// and the red flags, worst first (furthest over, or nearest, its limit), with
// the measure of the catalog's language (see GradeIn).
func Readings(c *Catalog) []Reading {
	return readings(c.Lang, c.Steps, c.Questions, c.RedFlags)
}

// GradeIn is the school grade of s measured for language lang: Spanish
// with Fernández Huerta read as a grade (SpanishGrade), every other
// language with Flesch–Kincaid (Grade).
func GradeIn(lang, s string) float64 {
	if lang == "es" {
		return SpanishGrade(s)
	}
	return Grade(s)
}

// MeasureName names the measure GradeIn uses for lang.
func MeasureName(lang string) string {
	if lang == "es" {
		return "Fernández Huerta"
	}
	return "Flesch–Kincaid"
}

// unfilled reads a text without its numbers, as readings measure it: a
// number is not sounded out, and the crisis line is a message of its own.
var unfilled = strings.NewReplacer("{emergency}", "112", "{crisis}", "")

func readings(lang string, steps []Step, qs []Question, flags []RedFlag) []Reading {
	var rs []Reading
	add := func(file, id, field, text string, limit float64) {
		if strings.TrimSpace(text) != "" {
			rs = append(rs, Reading{File: file, ID: id, Field: field, Grade: GradeIn(lang, unfilled.Replace(text)), Max: limit})
		}
	}
	for _, s := range steps {
		add(fileSteps, s.ID, "text", s.Text, MaxGradeText)
		add(fileSteps, s.ID, "more", s.More, MaxGradeMore)
		add(fileSteps, s.ID, "why", s.Why, MaxGradeWhy)
	}
	for _, q := range qs {
		add(fileTriage, q.ID, "text", q.Text, MaxGradeText)
		add(fileTriage, q.ID, "more", q.More, MaxGradeMore)
	}
	for _, f := range flags {
		add(fileRedFlags, f.ID, "reply", f.Reply, MaxGradeText)
	}
	slices.SortStableFunc(rs, func(a, b Reading) int {
		switch {
		case a.Over() > b.Over():
			return -1
		case a.Over() < b.Over():
			return 1
		}
		return 0
	})
	return rs
}

// Grade is the Flesch–Kincaid grade level of s:
//
//	0.39 × words/sentences + 11.8 × syllables/words − 15.59
//
// Links, citations such as "(Kent 2008)" and numbers are left out first,
// since a reader does not sound them out syllable by syllable. Each line is
// at least one sentence, so a bullet list reads as the short items it is.
func Grade(s string) float64 {
	st := countText(s)
	if st.words == 0 {
		return 0
	}
	return fkGrade(st)
}

// ReadingEase is the Flesch reading-ease score of s (higher is easier),
// counted as Grade counts.
func ReadingEase(s string) float64 {
	st := countText(s)
	if st.words == 0 {
		return 0
	}
	return 206.835 - 1.015*float64(st.words)/float64(st.sentences) - 84.6*float64(st.syllables)/float64(st.words)
}

type textStats struct{ sentences, words, syllables int }

func fkGrade(st textStats) float64 {
	return 0.39*float64(st.words)/float64(st.sentences) + 11.8*float64(st.syllables)/float64(st.words) - 15.59
}

var (
	urlRE      = regexp.MustCompile(`https?://\S+`)
	citationRE = regexp.MustCompile(`\([^()]*\b(1[89]|20)\d\d\b[^()]*\)`)
	sentenceRE = regexp.MustCompile(`[.!?]+(\s|$)|\n`)
)

// countText counts the sentences, words and English syllables of s.
func countText(s string) textStats { return countWith(s, syllables) }

// countWith counts the sentences and words of s, and its syllables as
// syllables counts them in one word: links and citations left out, each
// line at least one sentence.
func countWith(s string, syllables func(string) int) textStats {
	s = urlRE.ReplaceAllString(s, " ")
	s = citationRE.ReplaceAllString(s, " ")
	var st textStats
	for _, sentence := range sentenceRE.Split(s, -1) {
		n := 0
		for _, w := range words(sentence) {
			n++
			st.syllables += syllables(w)
		}
		if n > 0 {
			st.words += n
			st.sentences++
		}
	}
	return st
}

// words splits a sentence into words of letters. A hyphen or slash parts a
// compound ("let-down" is two short words); a token with a digit is a
// number, and numbers are not counted.
func words(sentence string) []string {
	var out []string
	for _, tok := range strings.FieldsFunc(sentence, func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '–' || r == '—' || r == '/'
	}) {
		if strings.IndexFunc(tok, unicode.IsDigit) >= 0 {
			continue
		}
		w := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) })
		// Keep the letters of "don't" and "baby's" together as one word.
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, w)
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// syllables estimates the syllables of a lower-case word: its groups of
// vowels (y is a vowel after the first letter), less a silent final e and a
// silent -ed or -es, and at least one. Good enough for a grade, which
// averages over every word.
func syllables(w string) int {
	letters := []rune(w)
	if len(letters) <= 3 {
		return 1
	}
	vowel := func(i int) bool {
		switch letters[i] {
		case 'a', 'e', 'i', 'o', 'u', 'à', 'á', 'â', 'ä', 'é', 'è', 'ê', 'ë', 'í', 'î', 'ï', 'ó', 'ô', 'ö', 'ú', 'û', 'ü':
			return true
		case 'y':
			return i > 0
		}
		return false
	}
	n := 0
	for i := range letters {
		if vowel(i) && (i == 0 || !vowel(i-1)) {
			n++
		}
	}
	last := len(letters) - 1
	consonant := func(i int) bool { return i >= 0 && !vowel(i) }
	switch {
	case letters[last] == 'e' && consonant(last-1) && !(letters[last-1] == 'l' && consonant(last-2)):
		// make, smile, creature; but table, gentle keep their e.
		n--
	case strings.HasSuffix(w, "ed") && consonant(last-2) && !strings.ContainsRune("td", letters[last-2]):
		// pumped, used; but needed, wanted.
		n--
	case strings.HasSuffix(w, "es") && consonant(last-2) && !strings.ContainsRune("sxzcgl", letters[last-2]) &&
		!strings.HasSuffix(w, "hes"):
		// makes, times; but boxes, pages, nipples, washes.
		n--
	}
	return max(n, 1)
}
