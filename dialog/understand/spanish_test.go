package understand_test

import (
	"testing"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

func loadES(t *testing.T) (*understand.Analyzer, *understand.Flags) {
	t.Helper()
	cat, err := content.Load(content.Embedded(), "es")
	if err != nil {
		t.Fatal(err)
	}
	var vocab []string
	for _, f := range cat.RedFlags {
		vocab = append(vocab, f.Phrases...)
	}
	a := understand.NewFor("es", cat.Lexicon, vocab, nil)
	return a, understand.NewFlags(a, cat.RedFlags)
}

func TestSpanishStemsAndAccents(t *testing.T) {
	a, _ := loadES(t)
	stem := func(s string) string { return a.Analyze(s)[0].Stem }
	for _, pair := range [][2]string{
		{"pezón", "pezones"}, {"pezon", "pezón"}, {"sí", "si"}, {"duele", "duelen"}, {"sangran", "sangra"},
	} {
		if stem(pair[0]) != stem(pair[1]) {
			t.Errorf("stems of %q and %q = %q, %q, want the same", pair[0], pair[1], stem(pair[0]), stem(pair[1]))
		}
	}
}

func TestSpanishAsking(t *testing.T) {
	a, _ := loadES(t)
	for _, s := range []string{"¿la música ayuda", "cuantas veces al dia"} {
		if !a.Asking(a.Analyze(s), s) {
			t.Errorf("Asking(%q) = false, want true", s)
		}
	}
}

func TestSpanishMinutes(t *testing.T) {
	a, _ := loadES(t)
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"una hora", 60}, {"media hora", 30}, {"veinte minutos", 20}, {"como 45 min", 45}, {"2 horas", 120},
	} {
		if got, ok := a.Minutes(a.Analyze(tc.in)); !ok || got != tc.want {
			t.Errorf("Minutes(%q) = %v, %v, want %v", tc.in, got, ok, tc.want)
		}
	}
}

func TestSpanishNegation(t *testing.T) {
	_, f := loadES(t)
	a, _ := loadES(t)
	if m, ok := f.Detect(a.Analyze("no tengo fiebre")); ok {
		t.Errorf("Detect(no tengo fiebre) = %s, want none", m.ID)
	}
	if _, ok := f.Detect(a.Analyze("tengo fiebre")); !ok {
		t.Error("Detect(tengo fiebre) = none, want mastitis")
	}
	// A recovery said with "no" is none: the fever is still there.
	if _, ok := f.Detect(a.Analyze("la fiebre no se me quitó")); !ok {
		t.Error("Detect(la fiebre no se me quitó) = none, want mastitis")
	}
	if m, ok := f.Detect(a.Analyze("la fiebre ya se me quitó")); ok {
		t.Errorf("Detect(la fiebre ya se me quitó) = %s, want none", m.ID)
	}
}
