package content

import (
	"fmt"
	"path"
	"slices"
	"unicode"
)

// CheckParity reports every id one language of cats has and another lacks:
// messages, commands, triage questions and their options, steps, red flags
// and says: keys. A mother switched to another language must find the same
// place, buttons and warnings there.
func CheckParity(cats map[string]*Catalog) []Problem {
	langs := make([]string, 0, len(cats))
	for lang := range cats {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	ids := make(map[string]map[string][]string, len(langs)) // lang → file → ids
	for _, lang := range langs {
		ids[lang] = catalogIDs(cats[lang])
	}
	var problems []Problem
	for _, lang := range langs {
		for _, other := range langs {
			if other == lang {
				continue
			}
			for _, file := range catalogFiles {
				for _, id := range ids[other][file] {
					if !slices.Contains(ids[lang][file], id) {
						problems = append(problems, Problem{File: path.Join(lang, file), ID: id, Msg: fmt.Sprintf("missing: %s/%s has it", other, file)})
					}
				}
			}
		}
	}
	return problems
}

// catalogIDs lists the ids of c by the file they live in, sorted.
func catalogIDs(c *Catalog) map[string][]string {
	m := map[string][]string{}
	add := func(file, id string) { m[file] = append(m[file], id) }
	for id := range c.Messages {
		add(fileMessages, id)
	}
	for _, cmd := range c.Commands {
		add(fileCommands, cmd.Name)
	}
	for _, q := range c.Questions {
		add(fileTriage, q.ID)
		for _, o := range q.Options {
			add(fileTriage, q.ID+"/"+o.Value)
		}
	}
	for _, s := range c.Steps {
		add(fileSteps, s.ID)
	}
	for _, f := range c.RedFlags {
		add(fileRedFlags, f.ID)
	}
	for key := range c.Says {
		add(fileSays, key)
	}
	for _, ids := range m {
		slices.Sort(ids)
	}
	return m
}

// sameEverywhere are the messages that read the same in every language:
// the names of the languages on /lang's buttons.
var sameEverywhere = map[string]bool{"btn_lang_en": true, "btn_lang_es": true}

// CheckTranslated reports every text of another language that is exactly
// its English (DefaultLang) text of the same id: a text left untranslated.
// Texts without a letter ("8", "✅") may be the same.
func CheckTranslated(cats map[string]*Catalog) []Problem {
	base, ok := cats[DefaultLang]
	if !ok {
		return nil
	}
	want := catalogTexts(base)
	langs := make([]string, 0, len(cats))
	for lang := range cats {
		if lang != DefaultLang {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)
	var problems []Problem
	for _, lang := range langs {
		for _, t := range catalogTexts(cats[lang]) {
			for _, w := range want {
				if w.file == t.file && w.id == t.id && w.field == t.field && w.text == t.text && hasLetter(t.text) {
					problems = append(problems, Problem{File: path.Join(lang, t.file), ID: t.id, Msg: fmt.Sprintf("%s is the same as in %s/%s: translate it", t.field, DefaultLang, t.file)})
				}
			}
		}
	}
	return problems
}

type catalogText struct{ file, id, field, text string }

// catalogTexts lists every text of c that a person reads, by file and id.
func catalogTexts(c *Catalog) []catalogText {
	var ts []catalogText
	add := func(file, id, field, text string) {
		if text != "" {
			ts = append(ts, catalogText{file, id, field, text})
		}
	}
	for _, id := range sortedKeys(c.Messages) {
		if !sameEverywhere[id] {
			add(fileMessages, id, "text", c.Messages[id])
		}
	}
	for _, cmd := range c.Commands {
		add(fileCommands, cmd.Name, "summary", cmd.Summary)
		add(fileCommands, cmd.Name, "help", cmd.Help)
	}
	for _, q := range c.Questions {
		add(fileTriage, q.ID, "text", q.Text)
		add(fileTriage, q.ID, "more", q.More)
		for _, o := range q.Options {
			add(fileTriage, q.ID+"/"+o.Value, "label", o.Label)
		}
	}
	for _, s := range c.Steps {
		add(fileSteps, s.ID, "title", s.Title)
		add(fileSteps, s.ID, "text", s.Text)
		add(fileSteps, s.ID, "more", s.More)
		add(fileSteps, s.ID, "why", s.Why)
	}
	for _, f := range c.RedFlags {
		add(fileRedFlags, f.ID, "label", f.Label)
		add(fileRedFlags, f.ID, "reply", f.Reply)
	}
	return ts
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
