package content

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

// fixture is a small catalog in Go values; tests break one thing in it and
// turn it into files with files().
type fixture struct {
	messages  map[string]string
	commands  []Command
	questions []Question
	start     string
	followUp  []string
	steps     []Step
	redFlags  []RedFlag
	sources   []Source
}

// validFixture is the smallest catalog that passes every rule: one step per
// phase, one red flag, one source, one command.
func validFixture() *fixture {
	f := &fixture{messages: map[string]string{}}
	for id := range RequiredMessages {
		f.messages[id] = "Text for " + id + "."
	}
	f.messages["welcome"] = "In an emergency, call {emergency}."
	f.messages["crisis_after"] = "Call {emergency} now. {crisis}"
	f.messages["crisis_line"] = "Or text {line}."
	f.messages["crisis_line_anywhere"] = "In the US, text {line}."
	f.commands = []Command{{Name: "start", Summary: "Begin", Help: "Starts the chat."}}
	for _, id := range RequiredQuestions {
		q := Question{ID: id, Text: "What do you think?"}
		for _, v := range RequiredOptions[id] {
			q.Options = append(q.Options, Option{Label: "Answer " + v, Value: v})
		}
		f.questions = append(f.questions, q)
	}
	f.start = "s-comfort"
	f.followUp = []string{"s-support"}
	for i, phase := range Phases {
		theme := phase
		if phase == "plan" {
			theme = "equipment"
		}
		s := Step{
			ID: "s-" + phase, Phase: phase, Title: "Title " + phase,
			Text: "Do this.", More: "Like so.", Why: "Because.", Sources: []string{"src"},
			Theme: theme, Helps: []string{YardAmount}, Acts: ActsRemoval, Evidence: EvidenceSome,
		}
		if i+1 < len(Phases) {
			s.Next = "s-" + Phases[i+1]
		}
		f.steps = append(f.steps, s)
	}
	f.redFlags = []RedFlag{{
		ID: "fever", Level: LevelToday, Label: "Fever", Phrases: []string{"fever"},
		Negatable: true, Reply: "See a doctor today.", Sources: []string{"src"}, Mastitis: true,
	}}
	f.sources = []Source{{ID: "src", Kind: KindTrial, Cite: "Author A, et al. 2020. A study. J 1(1):1-2", DOI: "10.1000/xyz123", Note: "trial"}}
	return f
}

// files writes the fixture as the "en" catalog of a MapFS.
func (f *fixture) files(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	put := func(name string, v any) {
		t.Helper()
		b, err := yaml.Marshal(v)
		if err != nil {
			t.Fatalf("yaml.Marshal(%s) = %v", name, err)
		}
		fsys["en/"+name] = &fstest.MapFile{Data: b}
	}
	put(fileMessages, messagesFile{Messages: f.messages})
	put(fileCommands, commandsFile{Commands: f.commands})
	put(fileTriage, triageFile{Questions: f.questions})
	put(fileSteps, stepsFile{Start: f.start, FollowUp: f.followUp, Steps: f.steps})
	put(fileRedFlags, redFlagsFile{RedFlags: f.redFlags})
	put(fileSources, sourcesFile{Sources: f.sources})
	put(fileSays, saysFile{Says: map[string][]string{"btn_next": {"next"}}})
	put(fileLexicon, lexiconFile{Lexicon: Lexicon{Yes: []string{"yes"}, No: []string{"no"}}})
	return fsys
}

func (f *fixture) step(id string) *Step {
	for i := range f.steps {
		if f.steps[i].ID == id {
			return &f.steps[i]
		}
	}
	panic("fixture has no step " + id)
}

func (f *fixture) question(id string) *Question {
	for i := range f.questions {
		if f.questions[i].ID == id {
			return &f.questions[i]
		}
	}
	panic("fixture has no question " + id)
}

// addStep inserts a valid extra step after the step after, in its phase.
func (f *fixture) addStep(after string, s Step) {
	prev := f.step(after)
	s.Phase = prev.Phase
	s.Title, s.Text, s.More, s.Why, s.Sources = "Extra", "Extra.", "More.", "Why.", []string{"src"}
	s.Theme, s.Acts, s.Evidence = prev.Theme, prev.Acts, prev.Evidence
	s.Next, prev.Next = prev.Next, s.ID
	f.steps = append(f.steps, s)
}

// hasProblem reports whether problems holds one in file about id whose
// message contains msg.
func hasProblem(problems []Problem, file, id, msg string) bool {
	return slices.ContainsFunc(problems, func(p Problem) bool {
		return p.File == file && p.ID == id && strings.Contains(p.Msg, msg)
	})
}

func TestValidateValidFixture(t *testing.T) {
	fsys := validFixture().files(t)
	if got := Validate(fsys); len(got) != 0 {
		t.Errorf("Validate(valid fixture) = %v, want no problems", got)
	}
	cat, err := Load(fsys, "en")
	if err != nil {
		t.Fatalf("Load(valid fixture, en) = %v, want no error", err)
	}
	if cat.Lang != "en" || cat.Start != "s-comfort" || len(cat.Steps) != len(Phases) || cat.Sources["src"].Note != "trial" {
		t.Errorf("Load(valid fixture, en) = %+v, want the fixture's catalog", cat)
	}
}

func TestValidateRules(t *testing.T) {
	long := strings.Repeat("a", MaxMessage+1)
	// hard reads far above grade 9 (about 27).
	hard := "Notwithstanding institutional considerations, administrators characteristically overcomplicate documentation procedures unnecessarily."
	longLabel := strings.Repeat("b", MaxLabel+1)
	keyA, keyB := keyCollision()
	tests := []struct {
		name    string
		edit    func(f *fixture)
		editFS  func(fsys fstest.MapFS) // for what Go values cannot express
		file    string
		id      string
		msgPart string
	}{
		// Files.
		{name: "missing file", editFS: func(m fstest.MapFS) { delete(m, "en/sources.yaml") },
			file: "en/sources.yaml", msgPart: "missing"},
		{name: "broken yaml", editFS: func(m fstest.MapFS) { m["en/steps.yaml"] = &fstest.MapFile{Data: []byte("start: [\n")} },
			file: "en/steps.yaml", msgPart: "yaml"},
		{name: "unknown field", editFS: func(m fstest.MapFS) {
			m["en/sources.yaml"] = &fstest.MapFile{Data: []byte("sources:\n  - id: src\n    cite: X\n    year: 2020\n")}
		}, file: "en/sources.yaml", msgPart: "field year not found"},
		{name: "duplicate message key", editFS: func(m fstest.MapFS) {
			m["en/messages.yaml"] = &fstest.MapFile{Data: []byte("messages:\n  welcome: Hi\n  welcome: Hello\n")}
		}, file: "en/messages.yaml", msgPart: "already defined"},
		{name: "empty file", editFS: func(m fstest.MapFS) { m["en/commands.yaml"] = &fstest.MapFile{} },
			file: "en/commands.yaml", msgPart: "empty"},

		// Duplicate ids.
		{name: "duplicate step id", edit: func(f *fixture) { f.step("s-letdown").ID = "s-comfort" },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "duplicate step id"},
		{name: "duplicate question id", edit: func(f *fixture) { f.questions = append(f.questions, f.questions[0]) },
			file: "en/triage.yaml", id: "method", msgPart: "duplicate question id"},
		{name: "duplicate red flag id", edit: func(f *fixture) { f.redFlags = append(f.redFlags, f.redFlags[0]) },
			file: "en/redflags.yaml", id: "fever", msgPart: "duplicate red-flag id"},
		{name: "duplicate source id", edit: func(f *fixture) { f.sources = append(f.sources, f.sources[0]) },
			file: "en/sources.yaml", id: "src", msgPart: "duplicate source id"},
		{name: "duplicate command", edit: func(f *fixture) { f.commands = append(f.commands, f.commands[0]) },
			file: "en/commands.yaml", id: "start", msgPart: "duplicate command"},
		{name: "duplicate option value", edit: func(f *fixture) {
			q := f.question("steady")
			q.Options = append(q.Options, q.Options[0])
		}, file: "en/triage.yaml", id: "steady", msgPart: `duplicate option value "yes"`},

		// Links and the shape of the walk.
		{name: "next to missing step", edit: func(f *fixture) { f.step("s-plan").Next = "nowhere" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `next step "nowhere" does not exist`},
		{name: "start to missing step", edit: func(f *fixture) { f.start = "nowhere" },
			file: "en/steps.yaml", id: "start", msgPart: `start step "nowhere" does not exist`},
		{name: "empty start", edit: func(f *fixture) { f.start = "" },
			file: "en/steps.yaml", id: "start", msgPart: "start is empty"},
		{name: "cycle", edit: func(f *fixture) { f.step("s-support").Next = "s-technique" },
			file: "en/steps.yaml", id: "s-technique", msgPart: "loops: s-technique → s-plan → s-support → s-technique"},
		{name: "unreachable step", edit: func(f *fixture) {
			f.steps = append(f.steps, Step{ID: "lost", Phase: "plan", Title: "T", Text: "T", More: "M", Why: "W", Sources: []string{"src"}, Theme: "comfort", Acts: ActsCare, Evidence: EvidenceThin})
		}, file: "en/steps.yaml", id: "lost", msgPart: "not reachable from start"},
		{name: "phases out of order", edit: func(f *fixture) { f.step("s-technique").Phase = "comfort" },
			file: "en/steps.yaml", id: "s-technique", msgPart: `phase "comfort" comes after "letdown"`},
		{name: "walk lacks a phase", edit: func(f *fixture) { f.step("s-plan").Phase = "technique" },
			file: "en/steps.yaml", id: "start", msgPart: "the walk has no plan step"},
		{name: "walk does not end with support", edit: func(f *fixture) {
			f.step("s-support").Next = "tail"
			f.steps = append(f.steps, Step{ID: "tail", Phase: "plan", Title: "T", Text: "T", More: "M", Why: "W", Sources: []string{"src"}, Theme: "comfort", Acts: ActsCare, Evidence: EvidenceThin})
		}, file: "en/steps.yaml", id: "tail", msgPart: "must end with the support steps"},
		{name: "no plan step for a reader", edit: func(f *fixture) { f.step("s-plan").For = "pump" },
			file: "en/steps.yaml", id: "start", msgPart: "expresses by hand sees no plan step"},

		// Sources.
		{name: "step without source", edit: func(f *fixture) { f.step("s-letdown").Sources = nil },
			file: "en/steps.yaml", id: "s-letdown", msgPart: "has no source"},
		{name: "step with unknown source", edit: func(f *fixture) { f.step("s-letdown").Sources = []string{"ghost"} },
			file: "en/steps.yaml", id: "s-letdown", msgPart: `source "ghost" does not exist`},
		{name: "red flag with unknown source", edit: func(f *fixture) { f.redFlags[0].Sources = []string{"ghost"} },
			file: "en/redflags.yaml", id: "fever", msgPart: `source "ghost" does not exist`},
		{name: "source without cite", edit: func(f *fixture) { f.sources[0].Cite = "" },
			file: "en/sources.yaml", id: "src", msgPart: "cite is empty"},
		{name: "source without kind", edit: func(f *fixture) { f.sources[0].Kind = "" },
			file: "en/sources.yaml", id: "src", msgPart: `unknown kind ""`},
		{name: "source of unknown kind", edit: func(f *fixture) { f.sources[0].Kind = "blog" },
			file: "en/sources.yaml", id: "src", msgPart: `unknown kind "blog"`},
		{name: "source without identifier", edit: func(f *fixture) { f.sources[0].DOI = "" },
			file: "en/sources.yaml", id: "src", msgPart: "has no identifier"},
		{name: "doi with its resolver", edit: func(f *fixture) { f.sources[0].DOI = "https://doi.org/10.1000/xyz" },
			file: "en/sources.yaml", id: "src", msgPart: "is not a DOI"},
		{name: "pmid not digits", edit: func(f *fixture) { f.sources[0].PMID = "PMID 123" },
			file: "en/sources.yaml", id: "src", msgPart: "is not a PubMed id"},
		{name: "pmcid without PMC", edit: func(f *fixture) { f.sources[0].PMCID = "6694124" },
			file: "en/sources.yaml", id: "src", msgPart: "is not a PubMed Central id"},
		{name: "url not https", edit: func(f *fixture) { f.sources[0].URL = "nhs.uk/conditions/mastitis" },
			file: "en/sources.yaml", id: "src", msgPart: "is not an https address"},
		{name: "guideline number unknown", edit: func(f *fixture) { f.sources[0].Guideline = "CG192" },
			file: "en/sources.yaml", id: "src", msgPart: "is not a guideline number"},
		{name: "step on expert guides alone", edit: func(f *fixture) { f.sources[0].Kind = KindExpertGuide },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "cites only expert guides or AI-written summaries"},
		{name: "step on an AI summary alone", edit: func(f *fixture) { f.sources[0].Kind = KindAISummary },
			file: "en/steps.yaml", id: "s-plan", msgPart: "mark it weak: true"},
		{name: "list of every source too long", edit: func(f *fixture) {
			for i := range 60 {
				f.sources = append(f.sources, Source{ID: fmt.Sprintf("s%d", i), Kind: KindReview, Cite: strings.Repeat("Long author name, ", 5) + "2020. T. J", URL: "https://example.org/" + strings.Repeat("x", 40)})
			}
		}, file: "en/sources.yaml", msgPart: "the list of every source is"},

		// Text length and presence.
		{name: "step text too long", edit: func(f *fixture) { f.step("s-comfort").Text = long },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "text is 4097 characters"},
		{name: "step text counts UTF-16 units", edit: func(f *fixture) { f.step("s-comfort").Text = strings.Repeat("🤱", MaxMessage/2+1) },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "text is 4098 characters"},
		{name: "step text empty", edit: func(f *fixture) { f.step("s-comfort").Text = " " },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "text is empty"},
		{name: "step more empty", edit: func(f *fixture) { f.step("s-comfort").More = "" },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "more is empty"},
		{name: "step why too long", edit: func(f *fixture) { f.step("s-comfort").Why = long },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "why is 4097 characters"},
		{name: "step why with citations too long", edit: func(f *fixture) { f.step("s-comfort").Why = long[:MaxMessage-5] },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "why with its citations"},
		{name: "step title empty", edit: func(f *fixture) { f.step("s-comfort").Title = "" },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "title is empty"},
		{name: "message too long", edit: func(f *fixture) { f.messages["welcome"] = long },
			file: "en/messages.yaml", id: "welcome", msgPart: "message is 4097 characters"},
		{name: "message empty", edit: func(f *fixture) { f.messages["welcome"] = "" },
			file: "en/messages.yaml", id: "welcome", msgPart: "message is empty"},
		{name: "question text too long", edit: func(f *fixture) { f.question("time").Text = long },
			file: "en/triage.yaml", id: "time", msgPart: "text is 4097 characters"},
		{name: "question text empty", edit: func(f *fixture) { f.question("time").Text = "" },
			file: "en/triage.yaml", id: "time", msgPart: "text is empty"},
		{name: "red flag reply too long", edit: func(f *fixture) { f.redFlags[0].Reply = long },
			file: "en/redflags.yaml", id: "fever", msgPart: "reply is 4097 characters"},
		{name: "command help too long", edit: func(f *fixture) { f.commands[0].Help = long },
			file: "en/commands.yaml", id: "start", msgPart: "help is 4097 characters"},
		{name: "command help empty", edit: func(f *fixture) { f.commands[0].Help = "" },
			file: "en/commands.yaml", id: "start", msgPart: "help is empty"},

		// Reading level.
		{name: "step text too hard", edit: func(f *fixture) { f.step("s-comfort").Text = hard },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "text reads at Flesch–Kincaid grade"},
		{name: "step more too hard", edit: func(f *fixture) { f.step("s-comfort").More = hard },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "more reads at Flesch–Kincaid grade"},
		{name: "step why too hard", edit: func(f *fixture) { f.step("s-comfort").Why = hard },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "over the limit of 9"},
		{name: "question too hard", edit: func(f *fixture) { f.question("steady").Text = hard },
			file: "en/triage.yaml", id: "steady", msgPart: "text reads at Flesch–Kincaid grade"},
		{name: "question more too hard", edit: func(f *fixture) { f.question("steady").More = hard },
			file: "en/triage.yaml", id: "steady", msgPart: "over the limit of 7"},
		{name: "referral too hard", edit: func(f *fixture) { f.redFlags[0].Reply = hard },
			file: "en/redflags.yaml", id: "fever", msgPart: "reply reads at Flesch–Kincaid grade"},

		// Button labels.
		{name: "option label too long", edit: func(f *fixture) { f.question("method").Options[0].Label = longLabel },
			file: "en/triage.yaml", id: "method/pump", msgPart: "label is 65 bytes"},
		{name: "option label empty", edit: func(f *fixture) { f.question("method").Options[0].Label = "" },
			file: "en/triage.yaml", id: "method/pump", msgPart: "label is empty"},
		{name: "red flag label too long", edit: func(f *fixture) { f.redFlags[0].Label = longLabel },
			file: "en/redflags.yaml", id: "fever", msgPart: "label is 65 bytes"},
		{name: "button message too long", edit: func(f *fixture) { f.messages["btn_next"] = longLabel },
			file: "en/messages.yaml", id: "btn_next", msgPart: "button label is 65 bytes"},
		{name: "label counts bytes", edit: func(f *fixture) { f.messages["btn_next"] = strings.Repeat("é", MaxLabel/2+1) },
			file: "en/messages.yaml", id: "btn_next", msgPart: "button label is 66 bytes"},

		// Ids and option values.
		{name: "id too long", edit: func(f *fixture) { f.sources[0].ID = strings.Repeat("s", MaxID+1) },
			file: "en/sources.yaml", id: strings.Repeat("s", MaxID+1), msgPart: "over the limit of 32"},
		{name: "id with capitals", edit: func(f *fixture) { f.redFlags[0].ID = "Fever" },
			file: "en/redflags.yaml", id: "Fever", msgPart: "must match"},
		{name: "id with a colon", edit: func(f *fixture) { f.step("s-support").ID = "s:support"; f.step("s-plan").Next = "s:support" },
			file: "en/steps.yaml", id: "s:support", msgPart: "must match"},
		{name: "empty id", edit: func(f *fixture) { f.question("tried").ID = "" },
			file: "en/triage.yaml", id: "questions[5]", msgPart: "id is empty"},
		{name: "option value bad", edit: func(f *fixture) { f.question("method").Options[0].Value = "Pump it" },
			file: "en/triage.yaml", id: "method/Pump it", msgPart: "must match"},

		// Red flags.
		{name: "red flag without reply", edit: func(f *fixture) { f.redFlags[0].Reply = "" },
			file: "en/redflags.yaml", id: "fever", msgPart: "has no reply"},
		{name: "red flag unknown level", edit: func(f *fixture) { f.redFlags[0].Level = "urgent" },
			file: "en/redflags.yaml", id: "fever", msgPart: `unknown level "urgent"`},
		{name: "red flag without trigger", edit: func(f *fixture) { f.redFlags[0].Phrases, f.redFlags[0].Label = nil, "" },
			file: "en/redflags.yaml", id: "fever", msgPart: "neither phrases nor a label"},
		{name: "emergency negatable", edit: func(f *fixture) { f.redFlags[0].Level = LevelEmergency },
			file: "en/redflags.yaml", id: "fever", msgPart: "must not be negatable"},
		{name: "unless on a rule that is not negatable", edit: func(f *fixture) {
			f.redFlags[0].Negatable, f.redFlags[0].Unless = false, []string{"poo"}
		}, file: "en/redflags.yaml", id: "fever", msgPart: "has unless: words but is not negatable"},
		{name: "phrase not lower-case", edit: func(f *fixture) { f.redFlags[0].Phrases = []string{"Fever"} },
			file: "en/redflags.yaml", id: "fever", msgPart: `phrase "Fever" is not lower-case`},
		{name: "phrase empty", edit: func(f *fixture) { f.redFlags[0].Phrases = []string{""} },
			file: "en/redflags.yaml", id: "fever", msgPart: "empty phrase"},

		// Step fields.
		{name: "unknown phase", edit: func(f *fixture) { f.step("s-plan").Phase = "later" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `unknown phase "later"`},
		{name: "unknown for", edit: func(f *fixture) { f.step("s-plan").For = "both" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `unknown for "both"`},
		{name: "unknown tried", edit: func(f *fixture) { f.step("s-letdown").Tried = "massage" },
			file: "en/steps.yaml", id: "s-letdown", msgPart: `unknown tried "massage"`},
		{name: "avoid and only with mastitis", edit: func(f *fixture) {
			f.addStep("s-plan", Step{ID: "never", AvoidWithMastitis: true, OnlyWithMastitis: true})
		}, file: "en/steps.yaml", id: "never", msgPart: "both avoid_with_mastitis and only_with_mastitis"},

		// Ranking inputs.
		{name: "unknown theme", edit: func(f *fixture) { f.step("s-plan").Theme = "plan" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `unknown theme "plan"`},
		{name: "a theme with no step", edit: func(f *fixture) { f.step("s-plan").Theme = "technique" },
			file: "en/steps.yaml", msgPart: "no step has the theme equipment"},
		{name: "helps what is no yardstick", edit: func(f *fixture) { f.step("s-plan").Helps = []string{"supply"} },
			file: "en/steps.yaml", id: "s-plan", msgPart: `helps "supply", which is not a yardstick`},
		{name: "helps twice", edit: func(f *fixture) { f.step("s-plan").Helps = []string{YardFlow, YardFlow} },
			file: "en/steps.yaml", id: "s-plan", msgPart: `helps "flow" twice`},
		{name: "unknown acts", edit: func(f *fixture) { f.step("s-plan").Acts = "oxytocin" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `unknown acts "oxytocin"`},
		{name: "unknown evidence", edit: func(f *fixture) { f.step("s-plan").Evidence = "great" },
			file: "en/steps.yaml", id: "s-plan", msgPart: `unknown evidence "great"`},
		{name: "strong on an observation", edit: func(f *fixture) {
			f.sources[0].Kind = KindObservational
			f.step("s-plan").Evidence = EvidenceStrong
		}, file: "en/steps.yaml", id: "s-plan", msgPart: "evidence is strong, but it cites no guideline, review or trial"},
		{name: "some on a guide", edit: func(f *fixture) {
			f.sources = append(f.sources, Source{ID: "guide", Kind: KindExpertGuide, Cite: "A guide. 2020", URL: "https://example.org/guide"})
			s := f.step("s-plan")
			s.Sources, s.Weak = []string{"guide"}, true
		}, file: "en/steps.yaml", id: "s-plan", msgPart: "evidence is some, but it cites no research or guideline"},
		{name: "weak but not thin", edit: func(f *fixture) { f.step("s-plan").Weak = true },
			file: "en/steps.yaml", id: "s-plan", msgPart: "is weak, so its evidence must be thin, not some"},
		{name: "fits an unknown condition", edit: func(f *fixture) { f.step("s-plan").Fits = map[string]int{"tired": 2} },
			file: "en/steps.yaml", id: "s-plan", msgPart: `fits "tired", which is not a condition`},
		{name: "fits with weight 0", edit: func(f *fixture) { f.step("s-plan").Fits = map[string]int{"nicu": 0} },
			file: "en/steps.yaml", id: "s-plan", msgPart: `fits "nicu" with weight 0`},
		{name: "fits too heavily", edit: func(f *fixture) { f.step("s-plan").Fits = map[string]int{"nicu": MaxFit + 1} },
			file: "en/steps.yaml", id: "s-plan", msgPart: `fits "nicu" with weight 7, beyond ±6`},
		{name: "fits what rules the step out", edit: func(f *fixture) {
			s := f.step("s-plan")
			s.For, s.Fits = "pump", map[string]int{"hand": 2}
		}, file: "en/steps.yaml", id: "s-plan", msgPart: `fits "hand", which never holds`},
		{name: "fits what she tried, on the step for it", edit: func(f *fixture) {
			s := f.step("s-letdown")
			s.Tried, s.Fits = "warm_compress", map[string]int{"tried_warm_compress": 2}
		}, file: "en/steps.yaml", id: "s-letdown", msgPart: `fits "tried_warm_compress", which never holds`},
		{name: "fits mastitis, avoided with it", edit: func(f *fixture) {
			s := f.step("s-letdown")
			s.AvoidWithMastitis, s.Fits = true, map[string]int{"mastitis": 2}
		}, file: "en/steps.yaml", id: "s-letdown", msgPart: `fits "mastitis", which never holds`},
		{name: "two steps with one stored key", edit: func(f *fixture) {
			f.addStep("s-plan", Step{ID: keyA})
			f.addStep(keyA, Step{ID: keyB})
		}, file: "en/steps.yaml", id: keyB, msgPart: "has the same stored key"},
		{name: "no follow-up", edit: func(f *fixture) { f.followUp = nil },
			file: "en/steps.yaml", id: "follow_up", msgPart: "follow_up is empty"},
		{name: "follow-up to a missing step", edit: func(f *fixture) { f.followUp = []string{"nowhere"} },
			file: "en/steps.yaml", id: "follow_up", msgPart: `step "nowhere" does not exist`},
		{name: "follow-up not for everyone", edit: func(f *fixture) { f.step("s-support").For = "pump" },
			file: "en/steps.yaml", id: "follow_up", msgPart: "is not for everyone"},
		{name: "lexicon apart key unknown", editFS: func(m fstest.MapFS) {
			m["en/lexicon.yaml"] = &fstest.MapFile{Data: []byte("lexicon:\n  yes: [yes]\n  no: [no]\n  apart:\n    hospital: [in hospital]\n")}
		}, file: "en/lexicon.yaml", id: "apart", msgPart: `unknown key "hospital"`},

		// What the dialog requires.
		{name: "missing required message", edit: func(f *fixture) { delete(f.messages, "fallback") },
			file: "en/messages.yaml", id: "fallback", msgPart: "required message is missing"},
		{name: "missing required question", edit: func(f *fixture) { f.questions = f.questions[1:] },
			file: "en/triage.yaml", id: "method", msgPart: "required question is missing"},
		{name: "missing required option", edit: func(f *fixture) {
			q := f.question("tried")
			q.Options = q.Options[:len(q.Options)-1]
		}, file: "en/triage.yaml", id: "tried", msgPart: `required option value "neither" is missing`},
		{name: "option the dialog does not know", edit: func(f *fixture) {
			q := f.question("amount")
			q.Options = append(q.Options, Option{Label: "Maybe", Value: "maybe"})
		}, file: "en/triage.yaml", id: "amount", msgPart: `option value "maybe" is not one the dialog knows`},

		// Placeholders and the numbers to call.
		{name: "unknown placeholder", edit: func(f *fixture) { f.step("s-comfort").More = "Call {emergncy} now." },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "unknown placeholder {emergncy}"},
		{name: "placeholder where it is not filled", edit: func(f *fixture) { f.step("s-comfort").Text = "Do this {n} times." },
			file: "en/steps.yaml", id: "s-comfort", msgPart: "{n}, which is only filled in messages.yaml"},
		{name: "number written out", edit: func(f *fixture) { f.redFlags[0].Reply = "See a doctor today, or call 911." },
			file: "en/redflags.yaml", id: "fever", msgPart: "writes the number 911"},
		{name: "emergency reply names no number", edit: func(f *fixture) { f.redFlags[0].Level, f.redFlags[0].Negatable = LevelEmergency, false },
			file: "en/redflags.yaml", id: "fever", msgPart: "names no number to call"},
		{name: "crisis reply names no crisis line", edit: func(f *fixture) {
			f.redFlags[0].Crisis, f.redFlags[0].Reply = true, "Call {emergency} now."
		}, file: "en/redflags.yaml", id: "fever", msgPart: "names no crisis line"},
		{name: "crisis reply names no number", edit: func(f *fixture) { f.redFlags[0].Crisis = true },
			file: "en/redflags.yaml", id: "fever", msgPart: "names no number to call"},
		{name: "crisis line alone", edit: func(f *fixture) { f.redFlags[0].Reply = "See a doctor today. {crisis}" },
			file: "en/redflags.yaml", id: "fever", msgPart: "has {crisis} but not {emergency}"},
		{name: "disclaimer names no number", edit: func(f *fixture) { f.messages["welcome"] = "Hi, I'm Letdown." },
			file: "en/messages.yaml", id: "welcome", msgPart: "names no number to call"},
		{name: "crisis message names no crisis line", edit: func(f *fixture) { f.messages["crisis_after"] = "Call {emergency} now." },
			file: "en/messages.yaml", id: "crisis_after", msgPart: "names no crisis line"},
		{name: "crisis line message without the line", edit: func(f *fixture) { f.messages["crisis_line"] = "Or text the crisis line." },
			file: "en/messages.yaml", id: "crisis_line", msgPart: "does not name the crisis line"},

		// Commands.
		{name: "command summary too long", edit: func(f *fixture) { f.commands[0].Summary = strings.Repeat("c", MaxSummary+1) },
			file: "en/commands.yaml", id: "start", msgPart: "summary is 257 characters"},
		{name: "command summary empty", edit: func(f *fixture) { f.commands[0].Summary = "" },
			file: "en/commands.yaml", id: "start", msgPart: "summary is empty"},
		{name: "command name bad", edit: func(f *fixture) { f.commands[0].Name = "Start-Now" },
			file: "en/commands.yaml", id: "Start-Now", msgPart: "must match"},
		{name: "command name too long", edit: func(f *fixture) { f.commands[0].Name = strings.Repeat("x", 33) },
			file: "en/commands.yaml", id: strings.Repeat("x", 33), msgPart: "must match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFixture()
			if tt.edit != nil {
				tt.edit(f)
			}
			fsys := f.files(t)
			if tt.editFS != nil {
				tt.editFS(fsys)
			}
			got := Validate(fsys)
			if !hasProblem(got, tt.file, tt.id, tt.msgPart) {
				t.Errorf("Validate(fixture with %s) = %v, want a problem %s: %s: …%s…", tt.name, got, tt.file, tt.id, tt.msgPart)
			}
			if _, err := Load(fsys, "en"); err == nil {
				t.Errorf("Load(fixture with %s) = nil error, want the problem", tt.name)
			}
		})
	}
}

// keyCollision finds two step ids with one StepKey: 24 bits collide within
// a few thousand names.
func keyCollision() (string, string) {
	seen := map[string]string{}
	for i := 0; ; i++ {
		id := fmt.Sprintf("k%d", i)
		k := StepKey(id)
		if other, ok := seen[k]; ok {
			return other, id
		}
		seen[k] = id
	}
}

func TestStepKey(t *testing.T) {
	cat := loadDefault(t)
	seen := map[string]string{}
	for _, s := range cat.Steps {
		k := StepKey(s.ID)
		if len(k) != StepKeyLen || strings.ContainsAny(k, `"\\`) {
			t.Errorf("StepKey(%q) = %q, want %d characters safe in JSON", s.ID, k, StepKeyLen)
		}
		if other, dup := seen[k]; dup {
			t.Errorf("StepKey(%q) = StepKey(%q) = %q", s.ID, other, k)
		}
		seen[k] = s.ID
	}
	if StepKey("tech-hands-on") != StepKey("tech-hands-on") || StepKey("a") == StepKey("b") {
		t.Error("StepKey is not a stable function of the id")
	}
}

func TestValidateNoCatalog(t *testing.T) {
	got := Validate(fstest.MapFS{"README.md": &fstest.MapFile{Data: []byte("hi")}})
	if !hasProblem(got, ".", "", "no catalog found") {
		t.Errorf("Validate(empty fs) = %v, want a problem .: no catalog found", got)
	}
}

func TestValidateEveryLanguage(t *testing.T) {
	fsys := validFixture().files(t)
	// A second language folder with only one file: the rest must be reported.
	fsys["pt/messages.yaml"] = fsys["en/messages.yaml"]
	got := Validate(fsys)
	for _, name := range []string{fileCommands, fileTriage, fileSteps, fileRedFlags, fileSources} {
		if !hasProblem(got, "pt/"+name, "", "missing") {
			t.Errorf("Validate(en + half-made pt) = %v, want pt/%s: file is missing", got, name)
		}
	}
	if slices.ContainsFunc(got, func(p Problem) bool { return strings.HasPrefix(p.File, "en/") }) {
		t.Errorf("Validate(en + half-made pt) = %v, want no problems in en", got)
	}
}

func TestLoadListsEveryProblem(t *testing.T) {
	f := validFixture()
	f.step("s-plan").Next = "nowhere"
	f.redFlags[0].Level = "urgent"
	_, err := Load(f.files(t), "en")
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load(two problems) = %v, want a Problems error", err)
	}
	for _, want := range []string{
		`en/steps.yaml: s-plan: next step "nowhere" does not exist`,
		`en/redflags.yaml: fever: unknown level "urgent"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load(two problems) error = %q, want it to contain %q", err, want)
		}
	}
}

func TestLoadBadLanguage(t *testing.T) {
	fsys := validFixture().files(t)
	for _, lang := range []string{"", ".", "../en", "en/x", "de"} {
		if cat, err := Load(fsys, lang); err == nil {
			t.Errorf("Load(fixture, %q) = %v, nil; want an error", lang, cat)
		}
	}
}

func TestLanguages(t *testing.T) {
	fsys := validFixture().files(t)
	fsys["de/steps.yaml"] = fsys["en/steps.yaml"]
	fsys["testdata/notes.txt"] = &fstest.MapFile{Data: []byte("x")}
	fsys["top.yaml"] = &fstest.MapFile{Data: []byte("x")}
	if got, want := Languages(fsys), []string{"de", "en"}; !slices.Equal(got, want) {
		t.Errorf("Languages(fixture) = %v, want %v", got, want)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "en/steps.yaml", ID: "warm", Msg: "has no source"}, "en/steps.yaml: warm: has no source"},
		{Problem{File: "en/steps.yaml", Msg: "file is missing"}, "en/steps.yaml: file is missing"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// TestValidateWeakStepOnGuides checks that a step may rest on guides or an
// AI-written summary alone once it is marked weak.
func TestValidateWeakStepOnGuides(t *testing.T) {
	for _, kind := range []string{KindExpertGuide, KindAISummary} {
		f := validFixture()
		f.sources[0].Kind = kind
		for i := range f.steps {
			f.steps[i].Weak = true
			f.steps[i].Evidence = EvidenceThin
		}
		if got := Validate(f.files(t)); len(got) != 0 {
			t.Errorf("Validate(weak steps on a %s) = %v, want no problems", kind, got)
		}
	}
}

func TestSourceLink(t *testing.T) {
	tests := []struct {
		src      Source
		link     string
		label    string
		listLine string
	}{
		{Source{Cite: "Kent JC, Mitoulas LR, et al. 2008. Importance of vacuum. Breastfeed Med 3(1):11-9", DOI: "10.1089/bfm.2007.0028", PMID: "18333764"},
			"https://doi.org/10.1089/bfm.2007.0028", "Kent 2008", "Kent 2008 https://doi.org/10.1089/bfm.2007.0028"},
		{Source{Cite: "Tomerak RH. 2010. Infants' fussiness. J Egypt Public Health Assoc 85:317-35", PMID: "22054105"},
			"https://pubmed.ncbi.nlm.nih.gov/22054105/", "Tomerak 2010", ""},
		{Source{Cite: "Mohd Shukri NH, Wells JCK. 2018. Relaxation. Matern Child Nutr", PMCID: "PMC5901002"},
			"https://pmc.ncbi.nlm.nih.gov/articles/PMC5901002/", "Mohd Shukri 2018", ""},
		{Source{Cite: "NHS. Mastitis. nhs.uk", URL: "https://www.nhs.uk/conditions/mastitis/"},
			"https://www.nhs.uk/conditions/mastitis/", "NHS: Mastitis", ""},
		{Source{Cite: "NICE. 2014 (updated 2020). Antenatal and postnatal mental health", Guideline: "NICE CG192"},
			"https://www.nice.org.uk/guidance/cg192", "NICE 2014", ""},
		{Source{Cite: "Academy. ABM Protocol #9", Guideline: "ABM Protocol #9"}, "", "Academy: ABM Protocol #9", "Academy: ABM Protocol #9"},
	}
	for _, tt := range tests {
		if got := tt.src.Link(); got != tt.link {
			t.Errorf("Link(%q) = %q, want %q", tt.src.Cite, got, tt.link)
		}
		if got := tt.src.Label(); got != tt.label {
			t.Errorf("Label(%q) = %q, want %q", tt.src.Cite, got, tt.label)
		}
		if tt.listLine != "" {
			if got := tt.src.ListLine(); got != tt.listLine {
				t.Errorf("ListLine(%q) = %q, want %q", tt.src.Cite, got, tt.listLine)
			}
		}
		if got, want := tt.src.Line(), strings.TrimSpace(tt.src.Cite+" "+tt.link); got != want {
			t.Errorf("Line(%q) = %q, want %q", tt.src.Cite, got, want)
		}
	}
}
