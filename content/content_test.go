package content

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// These tests check the shipped English catalog: that it loads, and that it
// says what the product promises (safety rules, coverage, no doses).

func loadDefault(t *testing.T) *Catalog {
	t.Helper()
	cat, err := Default()
	if err != nil {
		t.Fatalf("Default() = %v", err)
	}
	return cat
}

func TestEmbeddedValidates(t *testing.T) {
	if got := Validate(Embedded()); len(got) != 0 {
		t.Errorf("Validate(Embedded()) = %v, want no problems", got)
	}
	if got, want := Languages(Embedded()), []string{"en", "es"}; !slices.Equal(got, want) {
		t.Errorf("Languages(Embedded()) = %v, want %v", got, want)
	}
}

func TestDefaultLoads(t *testing.T) {
	cat := loadDefault(t)
	if cat.Lang != "en" {
		t.Errorf("Default().Lang = %q, want en", cat.Lang)
	}
	if n := len(cat.Steps); n < 25 || n > 40 {
		t.Errorf("Default() has %d steps, want roughly 25 to 35", n)
	}
	for _, id := range RequiredQuestions {
		if !slices.ContainsFunc(cat.Questions, func(q Question) bool { return q.ID == id }) {
			t.Errorf("Default() has no question %q", id)
		}
	}
}

// byID finds the item with id in the shipped catalog, or fails the test.
func byID[T any](t *testing.T, items []T, id string, idOf func(T) string) T {
	t.Helper()
	for _, it := range items {
		if idOf(it) == id {
			return it
		}
	}
	var zero T
	t.Fatalf("Default() has no %T %q", zero, id)
	return zero
}

func stepByID(t *testing.T, cat *Catalog, id string) Step {
	t.Helper()
	return byID(t, cat.Steps, id, func(s Step) string { return s.ID })
}

func flagByID(t *testing.T, cat *Catalog, id string) RedFlag {
	t.Helper()
	return byID(t, cat.RedFlags, id, func(f RedFlag) string { return f.ID })
}

// TestStepMarks pins the flags the dialog relies on to skip or keep steps.
func TestStepMarks(t *testing.T) {
	cat := loadDefault(t)
	tests := []struct {
		id, phase, forWho, tried string
		avoid, only              bool
	}{
		{id: "mastitis-gentle", phase: "comfort", only: true},
		{id: "comfort-warm-hands", phase: "comfort", forWho: "hand"},
		{id: "comfort-warm-shields", phase: "comfort", forWho: "pump", avoid: true},
		{id: "letdown-skin", phase: "letdown", tried: "skin_to_skin"},
		{id: "letdown-warm-compress", phase: "letdown", tried: "warm_compress", avoid: true},
		{id: "letdown-massage", phase: "letdown", avoid: true},
		{id: "tech-compression", phase: "technique", avoid: true},
		{id: "tech-hands-on", phase: "technique", forWho: "pump", avoid: true},
		{id: "tech-two-phase", phase: "technique", forWho: "pump"},
		{id: "tech-try-pump", phase: "technique", forWho: "hand"},
		{id: "tech-try-hand", phase: "technique", forWho: "pump"},
		{id: "tech-power", phase: "technique", avoid: true},
		{id: "plan-sessions", phase: "plan", avoid: true},
		{id: "plan-mastitis-rhythm", phase: "plan", only: true},
		{id: "plan-double", phase: "plan", forWho: "pump", tried: "double_pumping"},
		{id: "plan-shield-fit", phase: "plan", forWho: "pump"},
		{id: "plan-warm-during", phase: "plan", forWho: "pump", avoid: true},
		{id: "support-lc", phase: "support"},
		{id: "support-medicines", phase: "support"},
		{id: "support-dmer", phase: "support"},
		{id: "support-when-to-call", phase: "support"},
	}
	for _, tt := range tests {
		s := stepByID(t, cat, tt.id)
		if s.Phase != tt.phase || s.For != tt.forWho || s.Tried != tt.tried || s.AvoidWithMastitis != tt.avoid || s.OnlyWithMastitis != tt.only {
			t.Errorf("step %s = phase %q, for %q, tried %q, avoid %v, only %v; want %q, %q, %q, %v, %v",
				tt.id, s.Phase, s.For, s.Tried, s.AvoidWithMastitis, s.OnlyWithMastitis,
				tt.phase, tt.forWho, tt.tried, tt.avoid, tt.only)
		}
	}
}

// TestRedFlagRules pins the safety promises: who to contact, and the
// numbers for an emergency.
func TestRedFlagRules(t *testing.T) {
	cat := loadDefault(t)
	tests := []struct {
		id, level string
		labelled  bool
		mastitis  bool
		replyHas  []string
	}{
		{"mastitis", LevelToday, true, true, []string{"doctor or midwife today", "usual", "Don't pump extra", "Cool, not heat", "Gentle touch only"}},
		{"sepsis", LevelEmergency, false, false, []string{"112", "999", "911"}},
		{"abscess", LevelToday, false, true, []string{"today"}},
		{"nipple", LevelSoon, true, false, []string{"lactation consultant"}},
		{"baby", LevelToday, true, false, []string{"midwife", "6 heavy wet nappies"}},
		{"baby-urgent", LevelEmergency, false, false, []string{"112", "999", "911", "breathe"}},
		{"low-mood", LevelSoon, true, false, []string{"doctor", "988"}},
		{"self-harm", LevelEmergency, true, false, []string{"112", "999", "911", "988"}},
		{"medicines", LevelSoon, false, false, []string{"pharmacist", "LactMed"}},
	}
	if len(cat.RedFlags) != len(tests) {
		t.Errorf("Default() has %d red flags, want %d", len(cat.RedFlags), len(tests))
	}
	for _, tt := range tests {
		f := flagByID(t, cat, tt.id)
		if f.Level != tt.level || (f.Label != "") != tt.labelled || f.Mastitis != tt.mastitis {
			t.Errorf("red flag %s = level %q, label %q, mastitis %v; want level %q, labelled %v, mastitis %v",
				tt.id, f.Level, f.Label, f.Mastitis, tt.level, tt.labelled, tt.mastitis)
		}
		for _, want := range tt.replyHas {
			// Where her country is not known, every number is named.
			if reply := cat.FillNumbers(f.Reply, ""); !strings.Contains(reply, want) {
				t.Errorf("red flag %s reply = %q, want it to contain %q", tt.id, reply, want)
			}
		}
	}
}

// norm is a word-boundary form like the dialog's matcher uses: lower case,
// letters and digits only, single spaces, a space at each end.
func norm(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return " " + strings.Join(f, " ") + " "
}

// firstFlag is the most urgent rule with a phrase in text, ignoring
// negation (that is the dialog's business).
func firstFlag(cat *Catalog, text string) string {
	t := norm(text)
	for _, level := range []string{LevelEmergency, LevelToday, LevelSoon} {
		for _, f := range cat.RedFlags {
			if f.Level != level {
				continue
			}
			for _, p := range f.Phrases {
				if strings.Contains(t, norm(p)) {
					return f.ID
				}
			}
		}
	}
	return ""
}

func TestRedFlagPhrases(t *testing.T) {
	cat := loadDefault(t)
	tests := []struct {
		text string
		want string // rule id, or "" for none
	}{
		// Ordinary let-down talk must not stop the tips.
		{"My breasts feel full but nothing comes out", ""},
		{"It's been 40 minutes and only 10 ml", ""},
		{"the pump hurts a bit and the let-down is painful", ""},
		{"I'm so tired, very sleepy, it's 3am", ""},
		{"I tried a warm compress and skin to skin already", ""},
		{"Pushing harder doesn't help", ""},
		{"I'm confused about the pump settings", ""},
		{"I feel the let down but then it stops", ""},
		{"can I take a break between sessions?", ""},
		{"my supply is so low", ""},
		{"the milk looks yellow and thick", ""},
		{"what is oxytocin?", ""},
		{"the milk is at room temperature", ""},
		{"I watch videos on my tablet while I pump", ""},
		{"I feel sad for a minute when the milk comes", ""},
		{"I hurt myself on the flange edge", ""},
		{"will pumping this much hurt my baby's feeding?", ""},
		{"I keep seeing things online about power pumping", ""},
		{"how do I clean the shields", ""},
		// Signs a tired mother would type.
		{"I have a fever and a red patch on my left breast", "mastitis"},
		{"there's a hot lump near my armpit", "mastitis"},
		{"I feel like I've got flu and my boob is hot", "mastitis"},
		{"the redness is spreading fast and I feel faint", "sepsis"},
		{"I can't breathe properly", "sepsis"},
		{"the lump is still there after a week", "abscess"},
		{"I'm no better on antibiotics", "abscess"},
		{"my nipple is bleeding", "nipple"},
		{"my nipple goes white after pumping", "nipple"},
		{"there's pus on the shield", "nipple"},
		{"baby has had very few wet nappies today", "baby"},
		{"my baby looks yellow", "baby"},
		{"I can't wake my baby for feeds", "baby"},
		{"I've been feeling low for weeks", "low-mood"},
		{"I can't stop crying", "low-mood"},
		{"I want to kill myself", "self-harm"},
		{"I just want to end it all", "self-harm"},
		{"I don't want to be here anymore", "self-harm"},
		{"I dont want to be here", "self-harm"},
		{"I’m scared I might hurt the baby", "self-harm"},
		{"I keep hearing voices", "self-harm"},
		{"what dose of domperidone should I take?", "medicines"},
		{"how much medicine can I take", "medicines"},
		{"is fenugreek safe to take", "medicines"},
	}
	for _, tt := range tests {
		if got := firstFlag(cat, tt.text); got != tt.want {
			t.Errorf("first red flag in %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// doseRE finds an amount of a medicine: the bot never gives a dose.
var doseRE = regexp.MustCompile(`(?i)\d+(\.\d+)?\s*(mg|mcg|µg|milligrams?|micrograms?|tablets?|pills?|capsules?|drops?)\b`)

func TestNoDoses(t *testing.T) {
	cat := loadDefault(t)
	check := func(where, text string) {
		t.Helper()
		if m := doseRE.FindString(text); m != "" {
			t.Errorf("%s contains %q, which reads like a dose", where, m)
		}
	}
	for _, s := range cat.Steps {
		check("step "+s.ID, s.Text+"\n"+s.More+"\n"+s.Why)
	}
	for _, f := range cat.RedFlags {
		check("red flag "+f.ID, f.Reply)
	}
	for id, m := range cat.Messages {
		check("message "+id, m)
	}
}

// TestEverySourceCited keeps sources.yaml free of entries nothing points to.
func TestEverySourceCited(t *testing.T) {
	cat := loadDefault(t)
	cited := map[string]bool{}
	for _, s := range cat.Steps {
		for _, id := range s.Sources {
			cited[id] = true
		}
	}
	for _, f := range cat.RedFlags {
		for _, id := range f.Sources {
			cited[id] = true
		}
	}
	for _, id := range sortedKeys(cat.Sources) {
		if !cited[id] {
			t.Errorf("source %q is cited by no step or red flag", id)
		}
	}
}

// TestFirstMessagesAreShort keeps each step's first message readable in
// about ten seconds.
func TestFirstMessagesAreShort(t *testing.T) {
	const maxWords = 40
	cat := loadDefault(t)
	for _, s := range cat.Steps {
		if n := len(strings.Fields(s.Text)); n > maxWords {
			t.Errorf("step %s text has %d words, want at most %d", s.ID, n, maxWords)
		}
	}
}

func TestCommands(t *testing.T) {
	cat := loadDefault(t)
	var names []string
	for _, c := range cat.Commands {
		names = append(names, c.Name)
	}
	want := []string{"start", "help", "restart", "why", "stop", "forget", "remind", "log", "today", "week", "export", "plan", "session", "timezone", "lang", "person", "end"}
	if !slices.Equal(names, want) {
		t.Errorf("Default() commands = %v, want %v", names, want)
	}
}

// later finds a promise for later, however the words are broken over lines.
var later = regexp.MustCompile(`(?i)coming\s+soon|not\s+ready\s+yet`)

// TestNothingComingSoon keeps every promise the bot makes: no message or
// step says a feature is coming later.
func TestNothingComingSoon(t *testing.T) {
	cat := loadDefault(t)
	texts := []string{}
	for _, m := range cat.Messages {
		texts = append(texts, m)
	}
	for _, c := range cat.Commands {
		texts = append(texts, c.Summary, c.Help)
	}
	for _, s := range cat.Steps {
		texts = append(texts, s.Text, s.More, s.Why)
	}
	for _, x := range texts {
		if later.MatchString(x) {
			t.Errorf("content promises something for later: %q", x)
		}
	}
}

// TestRankingMarks pins the ranking inputs the promises rest on:
// a warm compress tried skips the compress, not warmth during pumping
// (which rises for her); skin-to-skin tried skips that, not expressing
// near her baby; a baby in hospital or away lifts the steps for mothers
// apart; medicines never rank on the yardsticks and come, after a
// lactation consultant, only from the next-day check-in (seed 003).
func TestRankingMarks(t *testing.T) {
	cat := loadDefault(t)
	tests := []struct {
		id, tried string
		fits      map[string]int // the sign of each weight that must be there
	}{
		{"letdown-warm-compress", "warm_compress", nil},
		{"plan-warm-during", "", map[string]int{"tried_warm_compress": 1}},
		{"letdown-skin", "skin_to_skin", map[string]int{"apart": -1}},
		{"letdown-baby", "", map[string]int{"tried_skin_to_skin": 1, "nicu": 1, "apart": -1}},
		{"letdown-apart", "", map[string]int{"nicu": 1, "apart": 1}},
		{"tech-hands-on", "", map[string]int{"full_little": 1, "nicu": 1}},
		{"tech-massage-pumping", "", map[string]int{"double": 1, "full_little": 1}},
		{"plan-sessions", "", map[string]int{"full_little": 1}},
		{"mastitis-gentle", "", map[string]int{"mastitis": 1}},
	}
	for _, tt := range tests {
		s := stepByID(t, cat, tt.id)
		if s.Tried != tt.tried {
			t.Errorf("step %s tried = %q, want %q", tt.id, s.Tried, tt.tried)
		}
		for cond, sign := range tt.fits {
			if w := s.Fits[cond]; w*sign <= 0 {
				t.Errorf("step %s fits %s = %d, want a weight of sign %d", tt.id, cond, w, sign)
			}
		}
	}
	if s := stepByID(t, cat, "plan-sessions"); s.Evidence != EvidenceStrong || !slices.Contains(s.Helps, YardAmount) {
		t.Errorf("plan-sessions evidence %q helps %v, want strong evidence for the amount", s.Evidence, s.Helps)
	}
	if s := stepByID(t, cat, "support-medicines"); len(s.Helps) != 0 || len(s.Fits) != 0 {
		t.Errorf("support-medicines helps %v fits %v, want nothing that ranks it into a first plan", s.Helps, s.Fits)
	}
	if !slices.Equal(cat.FollowUp, []string{"support-lc", "support-medicines"}) {
		t.Errorf("follow_up = %v, want a lactation consultant, then medicines", cat.FollowUp)
	}
	// The dialog stores the themes she has begun by their first letters.
	initials := map[byte]string{}
	for _, th := range Themes {
		if other, dup := initials[th[0]]; dup {
			t.Errorf("themes %s and %s share their first letter", other, th)
		}
		initials[th[0]] = th
	}
}
