// Package content holds everything Letdown says, as data: guidance steps,
// triage questions, red-flag rules, command help and the evidence behind each
// tip. Catalogs are YAML files under a language folder (en/…), embedded into
// the binary and read through fs.FS so tests can hand in an fstest.MapFS.
package content

// Catalog is the whole text of the bot in one language.
type Catalog struct {
	Lang      string
	Messages  map[string]string // fixed phrases the dialog needs, by id (see RequiredMessages)
	Commands  []Command         // in the order /help lists them
	Questions []Question        // triage questions, by id
	Start     string            // id of the first step of the guidance walk
	Steps     []Step            // guidance steps; the walk follows Step.Next from Start
	// FollowUp are the steps the next-day check-in brings when it is still
	// slow, in order: help from people, then medicines (seed 003).
	FollowUp []string
	RedFlags []RedFlag         // checked before any tip and on every typed message
	Sources  map[string]Source // citations, by id
	// Says maps the message id of a fixed button's label (btn_next, …) to
	// what people type for it.
	Says map[string][]string
	// Lexicon is the language's word lists for understanding typed text.
	Lexicon Lexicon
}

// Lexicon holds the words the understanding of typed text needs for one
// language, so that a second language is data, not code.
type Lexicon struct {
	// Contractions expand a typed word ("dont", "im") into words.
	Contractions map[string]string `yaml:"contractions"`
	// Yes and No are what people type for a yes or a no.
	Yes []string `yaml:"yes"`
	No  []string `yaml:"no"`
	// Numbers are number words: "ten" -> 10.
	Numbers map[string]int `yaml:"numbers"`
	// NegationBefore are NegEx triggers that negate a finding after them
	// ("no", "do not have"); NegationAfter those that negate one before
	// them ("is gone"); Pseudo are look-alikes that negate nothing ("not
	// only"); Terminators end a negation's reach ("but").
	NegationBefore []string `yaml:"negation_before"`
	NegationAfter  []string `yaml:"negation_after"`
	Pseudo         []string `yaml:"pseudo"`
	Terminators    []string `yaml:"terminators"`
	// History marks a sign as past ("last week"), Recovery as over ("fine
	// now"); together in a clause they mean it no longer holds.
	History  []string `yaml:"history"`
	Recovery []string `yaml:"recovery"`
	// Others are people other than her and her baby ("my sister"): a sign
	// said of them is not hers.
	Others []string `yaml:"others"`
	// Keep are real words never corrected as spelling slips, though they are
	// near a word of the content ("fewer" is not "fever").
	Keep []string `yaml:"keep"`
	// Measures name the words a number must stand with to count as a
	// measure: "temperature" (fever, temp, thermometer) and "wet_nappies".
	Measures map[string][]string `yaml:"measures"`
	// Less are words that put a number just under ("fewer than 6").
	Less []string `yaml:"less"`
	// More are words that put a number just over ("over 20").
	More []string `yaml:"more"`
	// Places are common names and abbreviations of places, with their
	// IANA time zone: "nyc" -> America/New_York.
	Places map[string]string `yaml:"places"`
	// Alike are words that mean the same to a question about the guidance
	// ("icy" asks what "cold" asks), each mapped to the word the steps use.
	// Only questions are matched with them, never warning signs.
	Alike map[string]string `yaml:"alike"`
	// Greetings are what people type to say hello ("hi", "good morning"):
	// a message that is only a greeting is greeted back, with where she is.
	Greetings []string `yaml:"greetings"`
	// Asking are words that open a question ("how", "should").
	Asking []string `yaml:"asking"`
	// Wh are the words that make a question wherever they stand.
	Wh []string `yaml:"wh"`
	// Stop are words too common to weigh in a question's match.
	Stop []string `yaml:"stop"`
	// Units name the words of measures: minutes, hours, ml, oz, celsius, fahrenheit.
	Units map[string][]string `yaml:"units"`
	// Vague maps words of an unmeasured amount or duration to a kind:
	// "forever" -> "long", "barely" -> "little".
	Vague map[string]string `yaml:"vague"`
	// Apart are what people type to say where her baby is when they are
	// not together: "nicu" (in hospital, a neonatal unit) and "apart"
	// (away from her for another reason: work, another carer). Said in any
	// message, not negated, it shapes her plan.
	Apart map[string][]string `yaml:"apart"`
}

// Command is one slash command as /help and the platforms' command menus show it.
type Command struct {
	Name    string `yaml:"name"`    // without the slash: "start"
	Summary string `yaml:"summary"` // one line for the menu (Telegram allows 256 characters)
	Help    string `yaml:"help"`    // what /help says about it
	// Asks are typed requests that mean this command ("remind me to pump").
	Asks []string `yaml:"asks"`
}

// Question is a triage question answered with buttons.
type Question struct {
	ID      string   `yaml:"id"`
	Text    string   `yaml:"text"`
	More    string   `yaml:"more"` // optional: why the bot asks
	Options []Option `yaml:"options"`
	// Minutes, for a question answered by a duration, is the longest one
	// that means the option valued "yes": "takes me 45 min" is a no to
	// "done within 20 minutes?".
	Minutes int `yaml:"minutes"`
}

// Option is one answer button of a Question. Value is what the dialog switches on.
type Option struct {
	Label string `yaml:"label"`
	Value string `yaml:"value"`
	// Says are what people type for this option ("nope", "just drips").
	Says []string `yaml:"says"`
}

// Step is one piece of guidance: one message, with more detail and the
// evidence a tap away.
type Step struct {
	ID    string `yaml:"id"`
	Phase string `yaml:"phase"` // one of Phases
	Title string `yaml:"title"`
	// Asks are questions she might type whose answer is this step.
	Asks    []string `yaml:"asks"`
	Text    string   `yaml:"text"`    // the first message: reads in about ten seconds
	More    string   `yaml:"more"`    // "Tell me more": how to do it
	Why     string   `yaml:"why"`     // "Why?": the evidence in plain words; says so when it is thin
	Sources []string `yaml:"sources"` // ids into Catalog.Sources; at least one
	Weak    bool     `yaml:"weak"`    // the evidence is thin
	// For limits the step to one way of expressing: "pump" or "hand"
	// (someone who does both sees both). Empty means everyone.
	For string `yaml:"for"`
	// Tried names what the step is about when triage asks whether she already
	// tried it ("warm_compress" or "skin_to_skin"); such a step is skipped then.
	Tried string `yaml:"tried"`
	// AvoidWithMastitis marks heat, deep massage and extra or power pumping:
	// skipped once she reports signs of mastitis.
	AvoidWithMastitis bool `yaml:"avoid_with_mastitis"`
	// OnlyWithMastitis marks advice meant for the mastitis path alone.
	OnlyWithMastitis bool `yaml:"only_with_mastitis"`
	// Next is the id of the step after this one; empty ends the walk. The
	// walk's order is the reading order: it breaks ties in the ranking.
	Next string `yaml:"next"`

	// What the ranking of her plan reads (see Ranking inputs below).
	//
	// Theme is the "More ideas" group the step belongs to: one of Themes.
	Theme string `yaml:"theme"`
	// Helps names the yardsticks of expressing well the step addresses:
	// any of Yardsticks (flow, amount, time). A step that addresses none
	// (where to get help, cleaning) ranks on its evidence and fits alone.
	Helps []string `yaml:"helps"`
	// Acts says what the step works on: the let-down reflex, removing the
	// milk, or neither (care: safety, feelings, who can help). One of Acts.
	Acts string `yaml:"acts"`
	// Evidence is how strong the evidence for the step is: one of
	// Strengths. It may be no stronger than its sources allow, and a weak
	// step is thin.
	Evidence string `yaml:"evidence"`
	// Fits are what makes the step more (a positive weight) or less (a
	// negative one) relevant to her: keys are Conditions, weights at most
	// MaxFit either way.
	Fits map[string]int `yaml:"fits"`
}

// RedFlag is a sign that stops the tips and refers her elsewhere.
type RedFlag struct {
	ID    string `yaml:"id"`
	Level string `yaml:"level"` // one of Levels
	// Label is the button text in the safety check before tips. Empty keeps
	// the rule to typed phrases only.
	Label string `yaml:"label"`
	// Phrases are lower-case words or phrases that trigger the rule when she
	// types them at any point.
	Phrases []string `yaml:"phrases"`
	// Together are signs made of words that need not stand side by side:
	// every group of a row must have a word (or phrase) in one clause
	// ("baby" … "very sleepy"; "red" … "spreading").
	Together [][][]string `yaml:"together"`
	// Measure names a number check: "temperature" (38 °C / 100.4 °F or
	// more) or "wet_nappies" (fewer than 6 a day).
	Measure string `yaml:"measure"`
	// Negatable rules are not triggered when a phrase follows a negation
	// ("no fever"). Emergency rules are never negatable.
	Negatable bool `yaml:"negatable"`
	// Unless are words that, in the same clause as the sign, show it is
	// something ordinary ("baby poo is yellow" is no jaundice). Only a
	// negatable rule may have them.
	Unless  []string `yaml:"unless"`
	Reply   string   `yaml:"reply"` // the referral: what to do, and who to contact
	Sources []string `yaml:"sources"`
	// Mastitis changes the advice afterwards: no heat, no deep massage, no
	// extra or power pumping.
	Mastitis bool `yaml:"mastitis"`
	// Crisis marks a sign of a mental health crisis: the reply names the
	// crisis line ({crisis}) as well as the emergency number.
	Crisis bool `yaml:"crisis"`
}

// Source is one citation, with what kind of evidence it is and at least
// one identifier that finds the record.
type Source struct {
	ID   string `yaml:"id"`
	Kind string `yaml:"kind"` // one of Kinds
	Cite string `yaml:"cite"` // authors, year, title, journal or publisher
	// Identifiers: at least one. Link uses the first of DOI, PMID, PMCID and
	// URL; Guideline ("NICE CG192", "ABM Protocol #36") names the record
	// for a reader and only links for NICE.
	DOI       string `yaml:"doi"`       // "10.1089/bfm.2007.0028"
	PMID      string `yaml:"pmid"`      // "18333764"
	PMCID     string `yaml:"pmcid"`     // "PMC6694124"
	URL       string `yaml:"url"`       // a stable https address
	Guideline string `yaml:"guideline"` // a NICE or ABM number
	Note      string `yaml:"note"`      // what the source is and how big, for reviewers
}

// Kinds of evidence a source can be, strongest first as reviewers read
// them. A step whose every source is an ExpertGuide or an AISummary must be
// marked weak.
var Kinds = []string{KindGuideline, KindReview, KindTrial, KindObservational, KindExpertGuide, KindAISummary}

// The kinds of evidence.
const (
	KindGuideline     = "guideline"     // advice from a health body or a professional academy
	KindReview        = "review"        // a review of studies, or a reviewed reference such as LactMed
	KindTrial         = "trial"         // researchers gave or compared a treatment
	KindObservational = "observational" // researchers watched or measured and changed nothing
	KindExpertGuide   = "expert-guide"  // practical advice, not research
	KindAISummary     = "ai-summary"    // written by AI, not yet checked by people
)

// Thin reports whether the kind is no evidence on its own: a guide or an
// AI-written summary.
func Thin(kind string) bool { return kind == KindExpertGuide || kind == KindAISummary }

// Phases of the guidance walk, in the order it visits them.
var Phases = []string{"comfort", "letdown", "technique", "plan", "support"}

// Ranking inputs. The dialog orders the steps for her answers from these
// fields alone; the validator checks every one of them.
var (
	// Themes group the steps under "More ideas", in the order offered.
	Themes = []string{"comfort", "letdown", "technique", "equipment", "support"}
	// Yardsticks are the three signs of expressing well (seed 000, B): the
	// milk flows fairly steadily, the expected amount comes, and a session
	// is done within about 20 minutes.
	Yardsticks = []string{YardFlow, YardAmount, YardTime}
	// Acts are what a step works on.
	Acts = []string{ActsLetdown, ActsRemoval, ActsCare}
	// Strengths are the strengths of evidence, strongest first.
	Strengths = []string{EvidenceStrong, EvidenceSome, EvidenceThin}
	// Conditions are what a step's Fits may weigh: how she expresses
	// (pump, hand, both), whether she pumps both sides at once (double,
	// single), where her baby is (nicu: in hospital; apart: away from her
	// for another reason), little milk despite long sessions (full_little:
	// the seed 003 picture of full breasts that give little), what she
	// already tried (tried_warm_compress, tried_skin_to_skin), and signs of
	// mastitis.
	Conditions = []string{
		"pump", "hand", "both", "double", "single", "nicu", "apart",
		"full_little", "tried_warm_compress", "tried_skin_to_skin", "mastitis",
	}
)

// The yardsticks, what steps act on, and the strengths of evidence.
const (
	YardFlow   = "flow"   // the milk flows fairly steadily
	YardAmount = "amount" // the expected amount comes
	YardTime   = "time"   // done within about 20 minutes

	ActsLetdown = "letdown" // sets off or eases the let-down reflex
	ActsRemoval = "removal" // gets the milk out: technique, how often, equipment
	ActsCare    = "care"    // neither: safety, feelings, who can help

	// EvidenceStrong: a guideline, or a trial or review that shows the
	// effect. It needs a guideline, review or trial among the sources.
	EvidenceStrong = "strong"
	// EvidenceSome: a small trial, a link seen in a study, a review that
	// calls the proof weak. It needs at least one source that is research
	// or a guideline.
	EvidenceSome = "some"
	// EvidenceThin: practice and common sense more than research. Every
	// weak step is thin.
	EvidenceThin = "thin"
)

// ApartValues are the keys of Lexicon.Apart: where her baby is.
var ApartValues = []string{"nicu", "apart"}

// MaxFit bounds a fit's weight either way: about three yardsticks' worth.
const MaxFit = 6

// Levels of red flags, most urgent first.
const (
	LevelEmergency = "emergency" // call emergency services now
	LevelToday     = "today"     // see a doctor or midwife today
	LevelSoon      = "soon"      // see a lactation consultant or clinician
)

// Limits every catalog must respect.
const (
	MaxMessage = 4096 // Telegram's limit for one message's text
	MaxLabel   = 64   // a button label; Slack allows 75
	// MaxID keeps ids short so button data such as "1:step:next:<id>" fits
	// Telegram's 64 bytes of callback_data.
	MaxID = 32
)
