package content

import (
	"fmt"
	"path"
	"slices"
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
