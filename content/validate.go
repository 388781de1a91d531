package content

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
)

// Problem is one thing wrong with a catalog: where it is and what is wrong.
type Problem struct {
	File string // path inside the fs.FS, such as "en/steps.yaml"
	ID   string // the step, question, rule, source, command or message; empty for the whole file
	Msg  string
}

// String reads "file: id: msg", or "file: msg" when the problem is the whole file's.
func (p Problem) String() string {
	if p.ID == "" {
		return p.File + ": " + p.Msg
	}
	return p.File + ": " + p.ID + ": " + p.Msg
}

// Problems is the error Load returns for a catalog that fails validation.
type Problems []Problem

// Error lists every problem, one per line, so a failed start-up shows all
// of them at once instead of one per deploy.
func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "content: %d problem(s) in the catalog:", len(ps))
	for _, p := range ps {
		b.WriteString("\n\t")
		b.WriteString(p.String())
	}
	return b.String()
}

// Validate checks every language folder of fsys and returns all problems
// found; none means every catalog loads.
func Validate(fsys fs.FS) []Problem {
	langs := Languages(fsys)
	if len(langs) == 0 {
		return []Problem{{File: ".", Msg: "no catalog found (expected a folder such as en/ holding " + strings.Join(catalogFiles, ", ") + ")"}}
	}
	var problems []Problem
	cats := make(map[string]*Catalog, len(langs))
	for _, lang := range langs {
		p, parseProblems := parse(fsys, lang)
		if len(parseProblems) > 0 {
			// Cross-file checks on a half-read catalog would only add noise.
			problems = append(problems, parseProblems...)
			continue
		}
		problems = append(problems, check(p)...)
		cats[lang] = p.catalog()
	}
	problems = append(problems, numbersProblems()...)
	if len(cats) == len(langs) {
		problems = append(problems, CheckParity(cats)...)
		problems = append(problems, CheckTranslated(cats)...)
	}
	return problems
}

// Limits that are not the platforms' message and button limits.
const (
	// MaxSummary is Telegram's limit for a command's description in the menu.
	MaxSummary = 256
)

var (
	// idPattern keeps ids and option values safe inside button data.
	idPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)
	// commandPattern is what Telegram accepts as a bot command name.
	commandPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
)

// checker collects problems for one catalog.
type checker struct {
	lang     string
	problems []Problem
}

func (c *checker) add(file, id, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: path.Join(c.lang, file), ID: id, Msg: fmt.Sprintf(format, args...)})
}

// check runs every rule on a catalog whose files all parsed.
func check(p *parsed) []Problem {
	c := &checker{lang: p.lang}
	sources := c.checkSources(p.sources.Sources)
	c.checkMessages(p.messages.Messages)
	c.checkSourceList(p.messages.Messages["why_general"], sources)
	c.checkCommands(p.commands.Commands)
	c.checkQuestions(p.triage.Questions)
	c.checkSteps(p.steps, sources)
	c.checkRedFlags(p.redFlags.RedFlags, sources)
	c.checkLexicon(p.lexicon.Lexicon)
	c.checkNumbers(p)
	c.checkReadability(readings(p.lang, p.steps.Steps, p.triage.Questions, p.redFlags.RedFlags))
	// Report in the order of the files, whatever order the rules ran in.
	slices.SortStableFunc(c.problems, func(a, b Problem) int {
		return slices.Index(catalogFiles, path.Base(a.File)) - slices.Index(catalogFiles, path.Base(b.File))
	})
	return c.problems
}

// textLen counts as Telegram does: in UTF-16 code units, so an emoji
// outside the Basic Multilingual Plane counts twice.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// text checks a message the bot sends: not over MaxMessage and, when
// required, not empty.
func (c *checker) text(file, id, field, s string, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			c.add(file, id, "%s is empty", field)
		}
	case textLen(s) > MaxMessage:
		c.add(file, id, "%s is %d characters, over the limit of %d", field, textLen(s), MaxMessage)
	}
}

// label checks button text. Bytes, not characters, to stay well inside
// every platform's limit whatever the script.
func (c *checker) label(file, id, field, s string, required bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			c.add(file, id, "%s is empty", field)
		}
	case len(s) > MaxLabel:
		c.add(file, id, "%s is %d bytes, over the button limit of %d", field, len(s), MaxLabel)
	}
}

// id checks an id or option value that travels in button data.
func (c *checker) id(file, where, field, id string) {
	switch {
	case id == "":
		c.add(file, where, "%s is empty", field)
	case len(id) > MaxID:
		c.add(file, where, "%s %q is %d bytes, over the limit of %d", field, id, len(id), MaxID)
	case !idPattern.MatchString(id):
		c.add(file, where, "%s %q must match %s", field, id, idPattern)
	}
}

// unique reports an id seen before in the same list.
func (c *checker) unique(file, what, id string, seen map[string]bool) {
	if id == "" {
		return
	}
	if seen[id] {
		c.add(file, id, "duplicate %s", what)
	}
	seen[id] = true
}

// where names an item in problems: its id, or its place when the id is missing.
func where(list string, i int, id string) string {
	if id != "" {
		return id
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

// refs checks that an item cites at least one source and only sources that
// exist, so every tip and referral can show where it comes from.
func (c *checker) refs(file, id string, refs []string, sources map[string]Source) {
	if len(refs) == 0 {
		c.add(file, id, "has no source")
	}
	for _, ref := range refs {
		if _, ok := sources[ref]; !ok {
			c.add(file, id, "source %q does not exist in %s", ref, fileSources)
		}
	}
}

func (c *checker) checkSources(list []Source) map[string]Source {
	sources := make(map[string]Source, len(list))
	seen := map[string]bool{}
	for i, s := range list {
		w := where("sources", i, s.ID)
		c.id(fileSources, w, "id", s.ID)
		c.unique(fileSources, "source id", s.ID, seen)
		if strings.TrimSpace(s.Cite) == "" {
			c.add(fileSources, w, "cite is empty")
		}
		if !slices.Contains(Kinds, s.Kind) {
			c.add(fileSources, w, "unknown kind %q (want one of %s)", s.Kind, strings.Join(Kinds, ", "))
		}
		for _, msg := range identifierProblems(s) {
			c.add(fileSources, w, "%s", msg)
		}
		sources[s.ID] = s
	}
	return sources
}

func (c *checker) checkMessages(msgs map[string]string) {
	for _, id := range sortedKeys(RequiredMessages) {
		if _, ok := msgs[id]; !ok {
			c.add(fileMessages, id, "required message is missing (%s)", RequiredMessages[id])
		}
	}
	for _, id := range sortedKeys(msgs) {
		c.id(fileMessages, id, "message id", id)
		if strings.HasPrefix(id, "btn_") {
			c.label(fileMessages, id, "button label", msgs[id], true)
		} else {
			c.text(fileMessages, id, "message", msgs[id], true)
		}
	}
}

func (c *checker) checkCommands(cmds []Command) {
	seen := map[string]bool{}
	for i, cmd := range cmds {
		w := where("commands", i, cmd.Name)
		if !commandPattern.MatchString(cmd.Name) {
			c.add(fileCommands, w, "command name %q must match %s", cmd.Name, commandPattern)
		}
		c.unique(fileCommands, "command", cmd.Name, seen)
		switch {
		case strings.TrimSpace(cmd.Summary) == "":
			c.add(fileCommands, w, "summary is empty")
		case textLen(cmd.Summary) > MaxSummary:
			c.add(fileCommands, w, "summary is %d characters, over the limit of %d", textLen(cmd.Summary), MaxSummary)
		}
		c.text(fileCommands, w, "help", cmd.Help, true)
	}
}

func (c *checker) checkQuestions(qs []Question) {
	seen := map[string]bool{}
	byID := map[string]Question{}
	for i, q := range qs {
		w := where("questions", i, q.ID)
		c.id(fileTriage, w, "id", q.ID)
		c.unique(fileTriage, "question id", q.ID, seen)
		byID[q.ID] = q
		c.text(fileTriage, w, "text", q.Text, true)
		c.text(fileTriage, w, "more", q.More, false)
		if len(q.Options) < 2 {
			c.add(fileTriage, w, "has %d option(s); a question needs at least 2", len(q.Options))
		}
		values := map[string]bool{}
		for j, o := range q.Options {
			ow := fmt.Sprintf("%s/%s", w, where("options", j, o.Value))
			c.label(fileTriage, ow, "label", o.Label, true)
			c.id(fileTriage, ow, "value", o.Value)
			if values[o.Value] && o.Value != "" {
				c.add(fileTriage, w, "duplicate option value %q", o.Value)
			}
			values[o.Value] = true
		}
	}
	for _, id := range RequiredQuestions {
		q, ok := byID[id]
		if !ok {
			c.add(fileTriage, id, "required question is missing")
			continue
		}
		want := RequiredOptions[id]
		for _, v := range want {
			if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Value == v }) {
				c.add(fileTriage, id, "required option value %q is missing", v)
			}
		}
		// The dialog switches on these values; any other would be a button
		// it cannot act on.
		for _, o := range q.Options {
			if o.Value != "" && !slices.Contains(want, o.Value) {
				c.add(fileTriage, id, "option value %q is not one the dialog knows (%s)", o.Value, strings.Join(want, ", "))
			}
		}
	}
}

func (c *checker) checkRedFlags(flags []RedFlag, sources map[string]Source) {
	seen := map[string]bool{}
	for i, f := range flags {
		w := where("redflags", i, f.ID)
		c.id(fileRedFlags, w, "id", f.ID)
		c.unique(fileRedFlags, "red-flag id", f.ID, seen)
		if !slices.Contains([]string{LevelEmergency, LevelToday, LevelSoon}, f.Level) {
			c.add(fileRedFlags, w, "unknown level %q (want %s, %s or %s)", f.Level, LevelEmergency, LevelToday, LevelSoon)
		}
		if strings.TrimSpace(f.Reply) == "" {
			c.add(fileRedFlags, w, "has no reply: a red flag must say what to do and who to contact")
		} else {
			c.text(fileRedFlags, w, "reply", f.Reply, true)
		}
		c.label(fileRedFlags, w, "label", f.Label, false)
		if len(f.Phrases) == 0 && strings.TrimSpace(f.Label) == "" {
			c.add(fileRedFlags, w, "has neither phrases nor a label, so nothing can trigger it")
		}
		if f.Level == LevelEmergency && f.Negatable {
			c.add(fileRedFlags, w, "an emergency rule must not be negatable: \"not\" near a crisis phrase is no reason to stay silent")
		}
		if len(f.Unless) > 0 && !f.Negatable {
			c.add(fileRedFlags, w, "has unless: words but is not negatable: only a rule that may stay silent may have them")
		}
		for _, ph := range f.Phrases {
			switch {
			case strings.TrimSpace(ph) == "":
				c.add(fileRedFlags, w, "has an empty phrase")
			case ph != strings.ToLower(ph):
				c.add(fileRedFlags, w, "phrase %q is not lower-case", ph)
			case ph != strings.TrimSpace(ph):
				c.add(fileRedFlags, w, "phrase %q has spaces at an end", ph)
			}
		}
		c.refs(fileRedFlags, w, f.Sources, sources)
	}
}

// checkLexicon checks the lexicon's lists the dialog switches on.
func (c *checker) checkLexicon(lex Lexicon) {
	for _, k := range sortedKeys(lex.Apart) {
		if !slices.Contains(ApartValues, k) {
			c.add(fileLexicon, "apart", "unknown key %q (want %s)", k, strings.Join(ApartValues, ", "))
		}
		for _, ph := range lex.Apart[k] {
			if ph == "" || ph != strings.ToLower(strings.TrimSpace(ph)) {
				c.add(fileLexicon, "apart", "phrase %q must be lower-case, without spaces at an end", ph)
			}
		}
	}
}

var (
	// placeholderPattern finds a {name} in a text.
	placeholderPattern = regexp.MustCompile(`\{([^{}\s]*)\}`)
	// numberPattern finds an emergency or crisis number written out, which
	// would be wrong for someone elsewhere.
	numberPattern = regexp.MustCompile(`\b(112|911|999|988)\b`)
)

// checkNumbers makes sure every placeholder is one the dialog fills where
// it stands, that no text writes an emergency number itself, and that
// every emergency, crisis and disclaimer text names the number to call.
func (c *checker) checkNumbers(p *parsed) {
	for _, t := range catalogTexts(p.catalog()) {
		for _, m := range placeholderPattern.FindAllStringSubmatch(t.text, -1) {
			file, ok := Placeholders[m[1]]
			switch {
			case !ok:
				c.add(t.file, t.id, "%s has an unknown placeholder %s", t.field, m[0])
			case file != "" && file != t.file:
				c.add(t.file, t.id, "%s has the placeholder %s, which is only filled in %s", t.field, m[0], file)
			}
		}
		if m := numberPattern.FindString(t.text); m != "" {
			c.add(t.file, t.id, "%s writes the number %s: use {emergency} or {crisis}, which name the numbers of her country", t.field, m)
		}
		if strings.Contains(t.text, "{crisis}") && !strings.Contains(t.text, "{emergency}") {
			c.add(t.file, t.id, "%s has {crisis} but not {emergency}: where no crisis line is known, it would name no number", t.field)
		}
	}
	calls := func(file, id, text string, crisis bool) {
		if !strings.Contains(text, "{emergency}") {
			c.add(file, id, "names no number to call: write {emergency}, filled with the emergency numbers of her country")
		}
		if crisis && !strings.Contains(text, "{crisis}") {
			c.add(file, id, "names no crisis line: write {crisis}, filled with her country's crisis line where there is one")
		}
	}
	for _, id := range sortedKeys(CallMessages) {
		if text, ok := p.messages.Messages[id]; ok {
			calls(fileMessages, id, text, CallMessages[id])
		}
	}
	for i, f := range p.redFlags.RedFlags {
		if f.Level == LevelEmergency || f.Crisis {
			calls(fileRedFlags, where("redflags", i, f.ID), f.Reply, f.Crisis)
		}
	}
	for _, id := range []string{"crisis_line", "crisis_line_anywhere"} {
		if text, ok := p.messages.Messages[id]; ok && !strings.Contains(text, "{line}") {
			c.add(fileMessages, id, "does not name the crisis line: write {line}")
		}
	}
}

// checkSourceList makes sure the list of every source, as /why shows it
// away from a step, fits one message: the dialog would cut it short.
func (c *checker) checkSourceList(intro string, sources map[string]Source) {
	n := textLen(intro) + 1
	for _, id := range sortedKeys(sources) {
		n += textLen("\n• " + sources[id].ListLine())
	}
	if n > MaxMessage {
		c.add(fileSources, "", "the list of every source is %d characters with the why_general message, over the limit of %d: shorten the citations' first author or title", n, MaxMessage)
	}
}

// checkReadability reports every text that reads above its grade.
func (c *checker) checkReadability(rs []Reading) {
	for _, r := range rs {
		if r.Over() > 0 {
			c.add(r.File, r.ID, "%s reads at %s grade %.1f, over the limit of %.0f: use shorter sentences and plainer words", r.Field, MeasureName(c.lang), r.Grade, r.Max)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
