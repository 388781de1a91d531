package content

import (
	"slices"
	"strings"
	"testing"
)

// evidence pins each claim a step makes from a study to the record it rests
// on: the step must cite the source, say the claim in these words, and the
// source's record (its citation or note, which a reviewer checks against the
// paper) must say the figure behind it. Rewording a step, changing a figure
// on either side, or dropping the source fails this test, so a change to
// what the bot says about the evidence is always a change to this table too.
var evidence = []struct {
	step, source string
	claim        string // in the step's text, more or why
	record       string // in the source's cite or note
}{
	{"comfort-warm-hands", "kent2011", "nothing has tested warm hands", "breast shields"},
	{"comfort-warm-shields", "kent2011", "does not show that warm shields make the milk come faster", "does not show that warm shields make milk come faster"},
	{"comfort-relax", "mohdshukri2018", "only 5 small studies", "5 small studies"},
	{"comfort-relax", "mohdshukri2018", "In 2 trials, mothers of premature babies", "2 randomised trials, both in mothers of preterm babies"},
	{"comfort-relax", "mohdshukri2018", "calls the evidence limited", "calls the evidence limited"},
	{"comfort-music", "keith2012", "mothers of 162 premature babies", "mothers of 162 preterm infants"},
	{"comfort-music", "duzgun2020", "pooled 5 trials found music had a small, positive effect", "5 randomised trials, 554 mothers: a low, positive effect"},
	{"comfort-music", "sefidhaji2022", "100 mothers of premature babies", "100 first-time mothers of preterm babies"},
	{"comfort-music", "sefidhaji2022", "held a photo of her baby", "holding a photo of the baby"},
	{"comfort-smile", "neuhoff2002", "didn't measure milk", "nothing about milk"},
	{"letdown-baby", "lundstrom2013", "looked at the brain, not at milk", "not a study of milk flow"},
	{"letdown-baby", "bendixen2023", "The proof is not strong", "narrative review"},
	{"letdown-apart", "sefidhaji2022", "100 mothers of premature babies", "100 first-time mothers of preterm babies"},
	{"letdown-apart", "sefidhaji2022", "holding a photo of their baby made the most milk", "holding a photo of the baby"},
	{"letdown-apart", "lundstrom2013", "Lundström (2013)", "Lundström JN"},
	{"letdown-warm-compress", "gardner2019", "nipple warmth in 30 mothers", "30 mothers"},
	{"letdown-warm-compress", "gardner2019", "That shows a link", "an association, not a trial of applied warmth"},
	{"letdown-massage", "jones2001", "added breast massage to pumping got more milk", "adding breast massage, each gave more milk"},
	{"letdown-massage", "jones2001", "The fat in the milk did not change", "the fat in the milk did not change"},
	{"letdown-massage", "becker2016", "could not pool most of its trials", "too much to pool most results"},
	{"tech-two-phase", "kent2008", "strongest comfortable suction, milk flowed faster and more came out", "strongest comfortable suction and at softer ones"},
	{"tech-two-phase", "kent2008", "Suction stronger than comfortable was not tested", "strongest comfortable suction and at softer ones"},
	{"tech-two-phase", "gardner2019pump", "A small study of 10 mothers", "crossover of 10 mothers"},
	{"tech-two-phase", "gardner2019pump", "found no difference", "did not differ between the two pump patterns"},
	{"tech-compression", "kent2008", "about 4 let-downs in 15 minutes", "4.3 ± 0.4 let-downs in 15 minutes"},
	{"tech-compression", "kent2008", "That study did not test breast compression", "strongest comfortable suction and at softer ones"},
	{"tech-massage-pumping", "jones2001", "It did not make the milk richer", "the fat in the milk did not change"},
	{"tech-massage-pumping", "jones2001", "pumping both sides at once gave more milk too", "pumping both sides at once"},
	{"tech-hands-on", "morton2009", "67 mothers of very premature babies", "67 mothers of babies born before 31 weeks"},
	{"tech-hands-on", "morton2009", "rose by 48%", "milk rose 48% after hands-on pumping was taught"},
	{"tech-hands-on", "morton2009", "there was no group to compare with", "no comparison group"},
	{"tech-try-pump", "becker2016", "found no single way that works best for all", "may depend on the mother"},
	{"tech-try-hand", "becker2016", "found no single way best for everyone", "may depend on the mother"},
	{"tech-try-hand", "morton2009", "Hand expressing after pumping was part of what helped", "taught hand expression and hands-on pumping"},
	{"plan-sessions", "nhs-lothian-expressing", "8 to 10 times in 24 hours, at least once at night", "8 to 10 times in 24 hours, at least once overnight"},
	{"plan-sessions", "nhs-lothian-expressing", "never more than 5 to 6 hours apart at night", "never more than 5 to 6 hours apart at night"},
	{"plan-sessions", "morton2009", "expressed by hand more than 5 times a day in the first 3 days", "hand expressed more than 5 times a day in the first 3 days"},
	{"plan-mastitis-rhythm", "abm36", "written for mothers who make more milk than their baby needs", "written for hyperlactation (oversupply)"},
	{"plan-mastitis-rhythm", "douglas2023", "A 2023 commentary (Douglas) disputes this advice", "disputing parts of ABM #36, among them keeping or lowering the usual milk removal"},
	{"plan-double", "jones2001", "36 mothers of premature babies", "36 mothers of preterm babies"},
	{"plan-double", "jones2001", "pumped both sides at once got more milk", "pumping both sides at once"},
	{"plan-double", "becker2016", "could not pool the trials", "too much to pool most results"},
	{"plan-shield-fit", "bendixen2023", "(Bendixen 2023) both say a shield that fits well gets more milk", "Bendixen MM"},
	{"plan-pump-type", "becker2016", "no one type of pump best for everyone", "may depend on the mother"},
	{"plan-warm-during", "gardner2019", "a link, not proof", "an association"},
	{"plan-warm-during", "kent2011", "does not show they make milk come faster", "does not show that warm shields make milk come faster"},
	{"plan-habits", "tomerak2010", "46 babies who fussed at the breast", "46 babies who fussed at the breast"},
	{"plan-habits", "tomerak2010", "all 8 who had formula stopped breastfeeding", "all 8 formula-fed babies"},
	{"plan-habits", "tomerak2010", "about half of those with a dummy", "6 of 13 with a dummy"},
	{"plan-habits", "tomerak2010", "4 of the 5 whose mothers smoked", "4 of 5 with smoking mothers"},
	{"plan-habits", "tomerak2010", "did not compare timing", "without a control group"},
	{"support-early-help", "tomerak2010", "about 1 in 5 of 46 babies", "9 of 46 (19.5%)"},
	{"support-early-help", "tomerak2010", "Counselling helped these mothers less", "it did least well"},
	{"support-medicines", "abm9", "the evidence for these medicines is limited", "ABM Clinical Protocol #9"},
	{"support-medicines", "lactmed", "free site from the US National Institutes of Health", "National Institute of Child Health and Human Development"},
	{"support-medicines", "fewtrell2006", "made no real difference in a randomised trial", "total milk did not differ from placebo"},
	{"support-medicines", "ruis1981", "An older, smaller trial", "small, older"},
	{"support-dmer", "ureno2019", "about 9 in 100 (9.1%)", "9.1% found in a chart review"},
	{"support-dmer", "ureno2019", "6 to 8 weeks after birth", "6- to 8-week postnatal visits"},
	{"support-dmer", "schildkrout2024", "more research is needed", "more research is needed"},
	{"support-dmer", "schildkrout2024", "care starts with explaining what it is", "care centres on explaining the condition"},
	{"plan-sessions", "morton2009", "That is a link, not proof", "no comparison group"},
}

// oneLine folds line breaks and runs of spaces, so a claim may wrap.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestEvidence(t *testing.T) {
	cat := loadDefault(t)
	pinned := map[[2]string]bool{}
	for _, e := range evidence {
		pinned[[2]string{e.step, e.source}] = true
		s := stepByID(t, cat, e.step)
		src, ok := cat.Sources[e.source]
		if !ok || !slices.Contains(s.Sources, e.source) {
			t.Errorf("step %s does not cite %s, but says %q from it", e.step, e.source, e.claim)
			continue
		}
		if says := oneLine(s.Text + " " + s.More + " " + s.Why); !strings.Contains(says, e.claim) {
			t.Errorf("step %s no longer says %q (from %s): update the claim and this table together\nwhy: %s", e.step, e.claim, e.source, oneLine(s.Why))
		}
		if record := oneLine(src.Cite + " " + src.Note); !strings.Contains(record, e.record) {
			t.Errorf("source %s's record no longer says %q, which step %s's %q rests on\nrecord: %s", e.source, e.record, e.step, e.claim, record)
		}
	}
	// Every study a step cites has its claim pinned here: a new citation
	// of research cannot slip in without one.
	for _, s := range cat.Steps {
		for _, id := range s.Sources {
			switch cat.Sources[id].Kind {
			case KindTrial, KindReview, KindObservational:
				if !pinned[[2]string{s.ID, id}] {
					t.Errorf("step %s cites the study %s, but no claim of it is pinned in the evidence table", s.ID, id)
				}
			}
		}
	}
}

// weakWords are the ways a why says its evidence is thin.
var weakWords = []string{"thin", "weak", "not strong", "limited", "not been tested", "no study", "no trial", "not proof"}

// TestWeakStepsSaySo keeps the weak mark honest: a step marked weak tells
// her so in its why.
func TestWeakStepsSaySo(t *testing.T) {
	cat := loadDefault(t)
	for _, s := range cat.Steps {
		if !s.Weak {
			continue
		}
		why := strings.ToLower(oneLine(s.Why))
		if !slices.ContainsFunc(weakWords, func(w string) bool { return strings.Contains(why, w) }) {
			t.Errorf("step %s is weak, but its why does not say the evidence is thin (want one of %q):\n%s", s.ID, weakWords, s.Why)
		}
	}
}

// TestSourcesFindable checks that every source of the shipped catalog has
// a kind and a link, and that the two seed documents are labelled for what
// they are.
func TestSourcesFindable(t *testing.T) {
	cat := loadDefault(t)
	for _, id := range sortedKeys(cat.Sources) {
		s := cat.Sources[id]
		if l := s.Link(); !strings.HasPrefix(l, "https://") {
			t.Errorf("source %s has link %q, want an https address", id, l)
		}
		if !slices.Contains(Kinds, s.Kind) {
			t.Errorf("source %s has kind %q", id, s.Kind)
		}
	}
	for id, kind := range map[string]string{"seed-letdown": KindExpertGuide, "seed-inhibited": KindAISummary} {
		if got := cat.Sources[id].Kind; got != kind {
			t.Errorf("source %s kind = %q, want %q", id, got, kind)
		}
	}
}
