package content

import (
	"strings"
)

// Spanish reading level. Flesch–Kincaid counts English syllables and was
// fitted to English readers, so a Spanish catalog is measured with the
// Spanish adaptation of Flesch's reading ease that names school grades:
// Fernández Huerta's lecturabilidad (1959),
//
//	L = 206.84 − 0.60 × syllables per 100 words − 1.02 × words per sentence
//
// The formula is usually printed with "sentences per 100 words" as its last
// term, which would make shorter sentences harder to read; Law (2011, "Error
// in the Fernandez Huerta Readability Formula", LINGUIST List 22.2332)
// showed it must be words per sentence, as in Flesch's 1.015 × words per
// sentence that it adapts; legible.es's analyser computes it so.
//
// Its published scale (Fernández Huerta 1959, as tabulated by legible.es,
// which names the 70–80 band "algo fácil"):
//
//	90–100  muy fácil          4th grade
//	80–90   fácil              5th grade
//	70–80   bastante fácil     6th grade
//	60–70   normal (adultos)   7th–8th grade
//	50–60   bastante difícil   pre-university
//	30–50   difícil            selective courses
//	0–30    muy difícil        university
//
// SpanishGrade reads a score on that scale as a grade, with each band's
// grade at its lower edge, so "grade 6 at most", the English limit for a
// step's text, means L ≥ 70: the whole 6th-grade band and easier. The
// other common Spanish measure, INFLESZ (Szigriszt-Pazos's perspicuity read
// on Barrio-Cantalejo's 2008 scale, validated on Spanish patient leaflets),
// has bands of difficulty but no school grades, so it cannot be held to the
// English grade limits; it is given too, as a second opinion on health
// texts: its "bastante fácil" starts at 65.

// Spanish reading levels, as Fernández Huerta scores: the lower edge of the
// grade each tier of the catalog is held to (see SpanishGrade).
const (
	MinEaseTextES = 70.0 // MaxGradeText, 6th grade: a step's text, a question, a referral
	MinEaseMoreES = 65.0 // MaxGradeMore, 7th grade: "Tell me more"
	MinEaseWhyES  = 57.5 // MaxGradeWhy, 9th grade: "Why?"
)

// FernandezHuerta is the lecturabilidad of Spanish text s (higher is
// easier), counted as Grade counts English: links, citations and numbers
// left out, each line at least one sentence. No words score 0.
func FernandezHuerta(s string) float64 {
	st := countTextES(s)
	if st.words == 0 {
		return 0
	}
	return fernandezHuerta(st)
}

func fernandezHuerta(st textStats) float64 {
	w := float64(st.words)
	return 206.84 - 0.60*100*float64(st.syllables)/w - 1.02*w/float64(st.sentences)
}

// Inflesz is the Flesch–Szigriszt perspicuity of Spanish text s,
//
//	206.835 − 62.3 × syllables/words − words/sentences,
//
// to be read on the INFLESZ scale (see InfleszBand). No words score 0.
func Inflesz(s string) float64 {
	st := countTextES(s)
	if st.words == 0 {
		return 0
	}
	return inflesz(st)
}

func inflesz(st textStats) float64 {
	w := float64(st.words)
	return 206.835 - 62.3*float64(st.syllables)/w - w/float64(st.sentences)
}

// InfleszBand names the band of the INFLESZ scale (Barrio-Cantalejo et al.
// 2008) a perspicuity score falls in.
func InfleszBand(p float64) string {
	switch {
	case p >= 80:
		return "muy fácil"
	case p >= 65:
		return "bastante fácil"
	case p >= 55:
		return "normal"
	case p >= 40:
		return "algo difícil"
	}
	return "muy difícil"
}

// SpanishGrade is the approximate school grade of Spanish text s: its
// Fernández Huerta score read as a grade (see SpanishGradeOf).
func SpanishGrade(s string) float64 {
	if countTextES(s).words == 0 {
		return 0
	}
	return SpanishGradeOf(FernandezHuerta(s))
}

// SpanishGradeOf reads a Fernández Huerta score as a school grade, linear
// between the edges of the published bands: 90 is 4th grade, 80 5th, 70
// 6th, 60 8th (the 7th–8th band), 50 12th (pre-university), 30 14th, and
// each 10 points below that one more. Comparable to a Flesch–Kincaid grade
// where it matters, at the limits of 6 to 9.
func SpanishGradeOf(l float64) float64 {
	switch {
	case l >= 70:
		return max(6-(l-70)/10, 1)
	case l >= 60:
		return 6 + 2*(70-l)/10
	case l >= 50:
		return 8 + 4*(60-l)/10
	case l >= 30:
		return 12 + 2*(50-l)/20
	}
	return 14 + (30-l)/10
}

// SpanishReadings grades every text a reader is sent from the guidance, the
// triage and the red flags of a Spanish catalog, as Readings does for
// English but with SpanishGrade, worst first.
func SpanishReadings(c *Catalog) []Reading {
	return readings("es", c.Steps, c.Questions, c.RedFlags)
}

// countTextES counts the sentences, words and Spanish syllables of s, with
// the same rules as countText.
func countTextES(s string) textStats { return countWith(s, syllablesES) }

// Kinds of letter for Spanish syllables.
const (
	esConsonant = iota
	esStrong    // a, e, o (accented or not): two of them never share a syllable
	esWeak      // i, u, ü and a vowel y: in a diphthong with the vowel beside it
	esStressed  // í, ú: an accented weak vowel is a syllable's own nucleus
)

// syllablesES counts the syllables of a lower-case Spanish word as the RAE's
// spelling rules divide them. In each group of vowels, every strong vowel
// (a, e, o) and every accented weak one (í, ú) is a syllable of its own
// ("po-e-ta", "rí-o", "Ma-rí-a"), and the unaccented weak vowels (i, u) join
// them in diphthongs and triphthongs ("bue-no", "buey"); a group of weak
// vowels alone is one syllable ("cui-da-do", "ciu-dad", "muy"), unless a
// vowel repeats ("chi-i-ta"). The u of que, qui, gue, gui is silent
// ("guí-a"), ü is not ("pin-güi-no"); y is a vowel at the end of a word or
// before a consonant ("hoy") and a consonant before a vowel ("ma-yo"); an h
// between vowels does not part them ("bú-ho", "ahu-mar"). At least one.
func syllablesES(w string) int {
	letters := []rune(w)
	kinds := make([]int, len(letters))
	for i, r := range letters {
		kinds[i] = esKind(r)
		switch {
		case r == 'u' && i > 0 && (letters[i-1] == 'q' || letters[i-1] == 'g') &&
			i+1 < len(letters) && strings.ContainsRune("eéií", letters[i+1]):
			// The u of que, qui, gue, gui is only spelling.
			kinds[i] = esConsonant
		case r == 'y' && (i+1 == len(letters) || esKind(letters[i+1]) == esConsonant):
			kinds[i] = esWeak
		}
	}
	n := 0
	nuclei, weakOnly := 0, 0 // of the vowel group being read
	end := func() {
		if nuclei > 0 {
			n += nuclei
		} else {
			n += weakOnly
		}
		nuclei, weakOnly = 0, 0
	}
	inGroup := false
	for i, k := range kinds {
		switch {
		case k == esConsonant:
			// An h between two vowels keeps them in one group.
			if letters[i] == 'h' && inGroup && i+1 < len(kinds) && kinds[i+1] != esConsonant {
				continue
			}
			end()
			inGroup = false
		case k == esWeak:
			// Weak vowels alone make one syllable, and one more at each
			// repeat: "chi-i-ta".
			if weakOnly == 0 || prevVowel(letters, kinds, i) == letters[i] {
				weakOnly++
			}
			inGroup = true
		default:
			nuclei++
			inGroup = true
		}
	}
	end()
	return max(n, 1)
}

// prevVowel is the vowel before letters[i] in its group, skipping an h.
func prevVowel(letters []rune, kinds []int, i int) rune {
	for j := i - 1; j >= 0; j-- {
		if kinds[j] != esConsonant {
			return letters[j]
		}
		if letters[j] != 'h' {
			break
		}
	}
	return 0
}

func esKind(r rune) int {
	switch r {
	case 'a', 'e', 'o', 'á', 'é', 'ó', 'à', 'è', 'ò':
		return esStrong
	case 'i', 'u', 'ü', 'ï':
		return esWeak
	case 'í', 'ú':
		return esStressed
	}
	return esConsonant
}
