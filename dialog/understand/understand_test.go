package understand_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

func load(t *testing.T) (*understand.Analyzer, *understand.Flags) {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	var vocab []string
	for _, f := range cat.RedFlags {
		vocab = append(vocab, f.Phrases...)
	}
	a := understand.New(cat.Lexicon, vocab, []string{"fewer", "pump", "by hand", "electric", "hands on", "nicu", "often"})
	return a, understand.NewFlags(a, cat.RedFlags)
}

func TestAnalyze(t *testing.T) {
	a, _ := load(t)
	for _, tc := range []struct{ in, want string }{
		{"I don't", "i do not"},
		{"dont", "do not"},
		{"ive got MASTITUS", "i have got mastitis"}, // a slip, corrected
		{"fewer", "fewer"},                          // a real word near "fever", kept
		{"39.5C", "39.5 c"},                         // a number glued to its unit
		{"pezón", "pezon"},                          // accents fold
	} {
		var got []string
		for _, tok := range a.Analyze(tc.in) {
			got = append(got, tok.Word)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("Analyze(%q) = %q, want %q", tc.in, strings.Join(got, " "), tc.want)
		}
	}
}

func TestDetect(t *testing.T) {
	_, fl := load(t)
	for _, tc := range []struct{ in, want string }{
		// Numbers.
		{"my temp is 38.6", "mastitis"},
		{"temp of 39", "mastitis"},
		{"101F", "mastitis"},
		{"temp 37.2 so fine", ""},
		{"only 2 wet diapers today", "baby"},
		{"10 wet diapers today", ""},
		// Negation with a scope, and clauses that end it.
		{"i dont have a fever or redness", ""},
		{"no fever and a red patch", "mastitis"},
		{"the baby has no fever we checked", ""},
		{"im tired but not depressed", ""},
		// A sign said to be still there is not one long past.
		{"the baby blues have not gone", "low-mood"},
		{"the baby blues have gone", ""},
		// Words that make a sign ordinary in its clause (unless:).
		{"baby poo is yellow and seedy", ""},
		{"my baby is yellow", "baby"},
		{"red light on the pump is blinking", ""},
		// History, recovery, other people.
		{"had a sore lump last week but its fine now", ""},
		{"my sister had mastitis", ""},
		// Co-occurrence in a sentence.
		{"my baby is so sleepy and wont feed", "baby"},
		{"the redness is spreading up my chest", "sepsis"},
		// Indirect self-harm wins over the medicines rule.
		{"ive thought about taking all my pills at once", "self-harm"},
		{"sometimes i think about ending it", "self-harm"},
		{"i dont want to be alive anymore", "self-harm"},
		{"they would be better off without me", "self-harm"},
		// Spelling slips.
		{"i think i have mastitus", "mastitis"},
		{"can i take domperidon", "medicines"},
		// Ordinary pumping talk.
		{"this pump is killing me lol", ""},
		{"my boobs feel really full", ""},
	} {
		f, ok := fl.Detect(load2(t, tc.in))
		got := ""
		if ok {
			got = f.ID
		}
		if got != tc.want {
			t.Errorf("Detect(%q) = %q (%v), want %q", tc.in, got, f.Words, tc.want)
		}
	}
}

var analyzer *understand.Analyzer

func load2(t *testing.T, s string) understand.Text {
	if analyzer == nil {
		analyzer, _ = load(t)
	}
	return analyzer.Analyze(s)
}

func TestMinutes(t *testing.T) {
	a, _ := load(t)
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"takes me 45 min", 45, true},
		{"an hour", 60, true},
		{"half an hour", 30, true},
		{"1.5 hours", 90, true},
		{"under 20", 19.5, true},
		{"forever", 120, true},
		{"yes", 0, false},
	} {
		got, ok := a.Minutes(a.Analyze(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("Minutes(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestChoose(t *testing.T) {
	a, _ := load(t)
	choices := []understand.Choice{
		{Key: "pump", Says: []understand.Phrase{a.Phrase("pump"), a.Phrase("electric pump")}},
		{Key: "hand", Says: []understand.Phrase{a.Phrase("by hand"), a.Phrase("hand")}},
	}
	for _, tc := range []struct {
		in, want string
		guesses  []string
	}{
		{"i use an electric pump", "pump", nil},
		{"i dont pump, by hand", "hand", nil}, // a negated choice is not chosen
		{"pump or hand", "pump", nil},         // what she says first
		{"bananas", "", nil},                  // nothing
	} {
		got, ok, guesses := a.Choose(a.Analyze(tc.in), choices)
		if got.Key != tc.want || ok != (tc.want != "") || !slices.Equal(guesses, tc.guesses) {
			t.Errorf("Choose(%q) = %q, %v, %v, want %q, %v", tc.in, got.Key, ok, guesses, tc.want, tc.guesses)
		}
	}
}

func TestSearch(t *testing.T) {
	a, _ := load(t)
	ix := understand.NewIndex(a, []understand.Doc{
		{Target: "hands-on", Text: "what is hands on pumping"},
		{Target: "sessions", Text: "how often should i pump"},
		{Target: "apart", Text: "my baby is in the nicu"},
		{Target: "hands", Text: "warm your cold hands"},
	}, []string{"what", "is", "how", "should", "i", "my", "the", "in", "your"}, map[string]string{"icy": "cold", "preemie": "nicu"})
	for _, tc := range []struct{ in, want string }{
		{"hands-on pumping?", "hands-on"},
		// A word alike one a doc uses finds it.
		{"my preemie", "apart"},
		{"icy", "hands"},
		{"how often do i need to pump", "sessions"},
		{"baby in nicu what now", "apart"},
	} {
		hits := ix.Search(a.Analyze(tc.in), 1)
		if len(hits) == 0 || hits[0].Target != tc.want {
			t.Errorf("Search(%q) = %+v, want %s first", tc.in, hits, tc.want)
		}
	}
}
