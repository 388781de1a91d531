package content

import (
	"math"
	"strings"
	"testing"
)

// near reports whether got rounds to want at one decimal, as published
// grades are given.
func near(got, want float64) bool { return math.Abs(got-want) < 0.05 }

// TestGradePublished checks the formula and the counting against values
// published for the Flesch–Kincaid tests.
func TestGradePublished(t *testing.T) {
	tests := []struct {
		text       string
		grade      float64 // Flesch–Kincaid grade level
		ease       float64 // Flesch reading ease
		words, syl int
	}{
		// Wikipedia's worked example: 13 words, 24 syllables, grade 11.3
		// and reading ease 37.5.
		{"The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.", 11.3, 37.5, 13, 24},
		// Six one-syllable words: reading ease 116.1 and grade -1.45 (below
		// first grade, the scale goes negative).
		{"The cat sat on the mat.", -1.45, 116.1, 6, 6},
	}
	for _, tt := range tests {
		st := countText(tt.text)
		if st.words != tt.words || st.syllables != tt.syl || st.sentences != 1 {
			t.Errorf("countText(%q) = %d words, %d syllables, %d sentences; want %d, %d, 1", tt.text, st.words, st.syllables, st.sentences, tt.words, tt.syl)
		}
		if g := Grade(tt.text); !near(g, tt.grade) {
			t.Errorf("Grade(%q) = %.2f, want %.1f", tt.text, g, tt.grade)
		}
		if e := ReadingEase(tt.text); !near(e, tt.ease) {
			t.Errorf("ReadingEase(%q) = %.2f, want %.1f", tt.text, e, tt.ease)
		}
	}
	// Green Eggs and Ham averages 5.7 words a sentence and 1.02 syllables a
	// word, published as grade -1.3.
	if g := fkGrade(textStats{sentences: 500, words: 2850, syllables: 2907}); !near(g, -1.3) {
		t.Errorf("fkGrade(Green Eggs and Ham) = %.2f, want -1.3", g)
	}
}

func TestSyllables(t *testing.T) {
	tests := []struct {
		word string
		want int
	}{
		{"the", 1}, {"cat", 1}, {"milk", 1}, {"breast", 1}, {"you", 1}, {"they", 1},
		{"make", 1}, {"smile", 1}, {"there", 1}, {"while", 1}, {"free", 1}, {"eyes", 1},
		{"pumped", 1}, {"used", 1}, {"tried", 1}, {"makes", 1}, {"times", 1}, {"shields", 1},
		{"baby", 2}, {"table", 2}, {"gentle", 2}, {"little", 2}, {"people", 2}, {"needed", 2},
		{"started", 2}, {"nipples", 2}, {"boxes", 2}, {"pages", 2}, {"washes", 2}, {"mammal", 2},
		{"hybrid", 2}, {"creature", 2}, {"yellow", 2}, {"because", 2}, {"expressed", 2},
		{"platypus", 3}, {"seemingly", 3}, {"australian", 3}, {"reptilian", 3}, {"lactation", 3},
		{"oxytocin", 4}, {"consultant", 3}, {"comfortable", 4},
	}
	for _, tt := range tests {
		if got := syllables(tt.word); got != tt.want {
			t.Errorf("syllables(%q) = %d, want %d", tt.word, got, tt.want)
		}
	}
}

// TestGradeLeavesOut checks that links, citations and numbers do not
// change the grade: a reader does not sound them out.
func TestGradeLeavesOut(t *testing.T) {
	base := "Warm the shields before you pump. It can help you relax."
	for _, s := range []string{
		"Warm the shields before you pump (Kent 2011). It can help you relax.",
		"Warm the shields before you pump. It can help you relax. https://doi.org/10.1177/0890334411",
		"Warm the 2 shields before you pump. It can help you relax 100%.",
		"Warm the shields before you pump (Adv Neonatal Care 2023). It can help you relax.",
	} {
		if got, want := Grade(s), Grade(base); got != want {
			t.Errorf("Grade(%q) = %.2f, want %.2f as for %q", s, got, want, base)
		}
	}
	// Each line of a list is a sentence, with or without a full stop.
	list := "Try one:\n• Stroke the breast lightly\n• Tap it with your fingertips\n1. Roll the nipple gently"
	if st := countText(list); st.sentences != 4 {
		t.Errorf("countText(list) = %d sentences, want 4", st.sentences)
	}
	if Grade("") != 0 || Grade("12, 24. 38 °") != 0 {
		t.Errorf("Grade of no words = %.2f, %.2f; want 0", Grade(""), Grade("12, 24. 38"))
	}
}

// TestReadingsWorstFirst checks that the embedded catalog's texts are
// graded and listed furthest over their limit first.
func TestReadingsWorstFirst(t *testing.T) {
	cat := loadDefault(t)
	rs := Readings(cat)
	if want := 3*len(cat.Steps) + len(cat.RedFlags); len(rs) < want {
		t.Fatalf("Readings(Default()) = %d readings, want at least %d", len(rs), want)
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].Over() > rs[i-1].Over() {
			t.Fatalf("Readings not worst first: %+v before %+v", rs[i-1], rs[i])
		}
	}
	limits := map[string]float64{"text": MaxGradeText, "more": MaxGradeMore, "why": MaxGradeWhy, "reply": MaxGradeText}
	for _, r := range rs {
		want := limits[r.Field]
		if r.File == fileTriage && r.Field == "more" {
			want = MaxGradeMore
		}
		if r.Max != want {
			t.Errorf("reading %s %s %s has limit %.0f, want %.0f", r.File, r.ID, r.Field, r.Max, want)
		}
		if strings.TrimSpace(r.ID) == "" {
			t.Errorf("reading %+v has no id", r)
		}
	}
}
