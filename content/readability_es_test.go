package content

import (
	"math"
	"testing"
)

// TestSpanishSyllables checks the syllable counter against words divided by
// hand as the RAE's spelling rules divide them.
func TestSpanishSyllables(t *testing.T) {
	tests := []struct {
		word string // with hyphens between its syllables
		want int
	}{
		// Plain consonant-vowel words.
		{"a-ma-man-tar", 4}, {"le-che", 2}, {"ex-trac-tor", 3}, {"pe-cho", 2}, {"pe-zón", 2},
		{"sa-ca-le-ches", 4}, {"be-bé", 2}, {"pa-ña-les", 3}, {"fie-bre", 2}, {"mi-nu-tos", 3},
		{"mas-ti-tis", 3}, {"lac-tan-cia", 3}, {"ma-trona", 3}, {"sí", 1}, {"no", 1}, {"tú", 1},
		// Two strong vowels part (hiatus).
		{"po-e-ta", 3}, {"le-er", 2}, {"cre-er", 2}, {"a-é-re-o", 4}, {"ca-os", 2}, {"to-a-lla", 3},
		// An accented weak vowel parts from the vowel beside it.
		{"rí-o", 2}, {"Ma-rí-a", 3}, {"dí-a", 2}, {"ba-úl", 2}, {"re-ú-ne", 3}, {"o-ír", 2},
		{"ca-í-a", 3}, {"le-í-ais", 3}, {"frí-o", 2}, {"tí-a", 2},
		// Diphthongs and triphthongs: a weak vowel joins the one beside it.
		{"cui-da-do", 3}, {"ciu-dad", 2}, {"bue-no", 2}, {"tie-ne", 2}, {"an-sie-dad", 3},
		{"ai-re", 2}, {"pei-ne", 2}, {"buey", 1}, {"U-ru-guay", 3}, {"a-ve-ri-guáis", 4},
		{"des-pués", 2}, {"tam-bién", 2}, {"cuí-da-te", 3}, {"cons-truí", 2}, {"rió", 1},
		{"chi-i-ta", 3},
		// The silent u of que, qui, gue, gui; the spoken ü.
		{"guí-a", 2}, {"que-so", 2}, {"quie-ro", 2}, {"si-gue", 2}, {"pin-güi-no", 3},
		{"a-gua", 2}, {"ver-güen-za", 3}, {"pe-que-ño", 3},
		// y: a vowel at the end or before a consonant, else a consonant.
		{"hoy", 1}, {"muy", 1}, {"y", 1}, {"ma-yo", 2}, {"a-yu-da", 3}, {"a-yer", 2}, {"yo", 1},
		// An h between vowels does not part them; elsewhere it is a consonant.
		{"bú-ho", 2}, {"a-ho-ra", 3}, {"ahu-mar", 2}, {"al-co-hol", 3}, {"des-ha-cer", 3},
		{"re-hú-so", 3},
	}
	for _, tt := range tests {
		w := []rune{}
		for _, r := range tt.word {
			if r != '-' {
				w = append(w, r)
			}
		}
		word := words(string(w))[0]
		if got := syllablesES(word); got != tt.want {
			t.Errorf("syllablesES(%q) = %d, want %d (%s)", word, got, tt.want, tt.word)
		}
	}
}

func spanishNear(got, want float64) bool { return math.Abs(got-want) < 0.005 }

// TestSpanishFormulas checks both formulas on counts worked by hand, and
// the counting on a text whose syllables are known.
func TestSpanishFormulas(t *testing.T) {
	tests := []struct {
		st     textStats
		fh, sz float64
	}{
		// 100 words, 200 syllables, 10 sentences: 206.84 − 0.60×200 − 1.02×10
		// and 206.835 − 62.3×2 − 10.
		{textStats{sentences: 10, words: 100, syllables: 200}, 76.64, 72.235},
		// One sentence of 20 words and 40 syllables: 206.84 − 120 − 20.4.
		{textStats{sentences: 1, words: 20, syllables: 40}, 66.44, 62.235},
		// Two-syllable words in five-word sentences.
		{textStats{sentences: 4, words: 20, syllables: 40}, 81.74, 77.235},
	}
	for _, tt := range tests {
		if got := fernandezHuerta(tt.st); !spanishNear(got, tt.fh) {
			t.Errorf("fernandezHuerta(%+v) = %.3f, want %.3f", tt.st, got, tt.fh)
		}
		if got := inflesz(tt.st); !spanishNear(got, tt.sz) {
			t.Errorf("inflesz(%+v) = %.3f, want %.3f", tt.st, got, tt.sz)
		}
	}
	// Law's (2011) check on the formula's direction: the same words in
	// shorter sentences read easier, with longer words harder.
	long := "Sácate leche cerca de tu bebé, mira su cara y huele su cabeza antes de empezar."
	short := "Sácate leche cerca de tu bebé. Mira su cara. Huele su cabeza antes de empezar."
	if FernandezHuerta(short) <= FernandezHuerta(long) || Inflesz(short) <= Inflesz(long) {
		t.Errorf("shorter sentences: FernandezHuerta %.1f vs %.1f, Inflesz %.1f vs %.1f; want the short ones easier",
			FernandezHuerta(short), FernandezHuerta(long), Inflesz(short), Inflesz(long))
	}
	// "Mi bebé toma el pecho." is 5 words of 1+2+2+1+2 = 8 syllables in
	// one sentence: 206.84 − 0.60×160 − 1.02×5.
	st := countTextES("Mi bebé toma el pecho.")
	if st.words != 5 || st.syllables != 8 || st.sentences != 1 {
		t.Errorf("countTextES = %+v, want 5 words, 8 syllables, 1 sentence", st)
	}
	if got := FernandezHuerta("Mi bebé toma el pecho."); !spanishNear(got, 105.74) {
		t.Errorf("FernandezHuerta(Mi bebé toma el pecho.) = %.3f, want 105.74", got)
	}
	// Links, citations and numbers are left out, as for English.
	base := "Calienta los embudos antes de empezar. Te ayuda a relajarte."
	for _, s := range []string{
		"Calienta los embudos antes de empezar (Kent 2011). Te ayuda a relajarte.",
		"Calienta los 2 embudos antes de empezar. Te ayuda a relajarte. https://doi.org/10.1177/0890334411",
	} {
		if got, want := FernandezHuerta(s), FernandezHuerta(base); got != want {
			t.Errorf("FernandezHuerta(%q) = %.2f, want %.2f", s, got, want)
		}
	}
	if FernandezHuerta("") != 0 || Inflesz("38 °") != 0 || SpanishGrade("") != 0 {
		t.Errorf("no words: FernandezHuerta, Inflesz, SpanishGrade = %.1f, %.1f, %.1f; want 0",
			FernandezHuerta(""), Inflesz("38 °"), SpanishGrade(""))
	}
}

// TestSpanishGrade checks the reading of a score as a grade at the edges
// of Fernández Huerta's published bands, and that the tiers' minimum
// scores are the English grade limits.
func TestSpanishGrade(t *testing.T) {
	tests := []struct{ ease, grade float64 }{
		{90, 4}, {80, 5}, {75, 5.5}, {70, 6}, {65, 7}, {60, 8}, {57.5, 9}, {50, 12}, {30, 14}, {20, 15},
	}
	for _, tt := range tests {
		if got := SpanishGradeOf(tt.ease); !spanishNear(got, tt.grade) {
			t.Errorf("SpanishGradeOf(%.1f) = %.2f, want %.1f", tt.ease, got, tt.grade)
		}
	}
	for _, tt := range []struct{ ease, grade float64 }{
		{MinEaseTextES, MaxGradeText}, {MinEaseMoreES, MaxGradeMore}, {MinEaseWhyES, MaxGradeWhy},
	} {
		if got := SpanishGradeOf(tt.ease); !spanishNear(got, tt.grade) {
			t.Errorf("SpanishGradeOf(%.1f) = %.2f, want the limit %.0f", tt.ease, got, tt.grade)
		}
	}
	prev := SpanishGradeOf(110)
	for l := 109.0; l >= -20; l-- {
		g := SpanishGradeOf(l)
		if g < prev {
			t.Fatalf("SpanishGradeOf(%.0f) = %.2f, below %.2f at %.0f: a harder text must not grade lower", l, g, prev, l+1)
		}
		prev = g
	}
	for _, tt := range []struct {
		p    float64
		band string
	}{{85, "muy fácil"}, {65, "bastante fácil"}, {60, "normal"}, {40, "algo difícil"}, {39.9, "muy difícil"}} {
		if got := InfleszBand(tt.p); got != tt.band {
			t.Errorf("InfleszBand(%.1f) = %q, want %q", tt.p, got, tt.band)
		}
	}
}
