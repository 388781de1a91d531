package content

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// embedded holds the catalogs shipped inside the binary. Each language is a
// folder here; add a folder to the directive when a new one is translated.
//
//go:embed en es
var embedded embed.FS

// The files that make up one language's catalog.
const (
	fileMessages = "messages.yaml"
	fileCommands = "commands.yaml"
	fileTriage   = "triage.yaml"
	fileSteps    = "steps.yaml"
	fileRedFlags = "redflags.yaml"
	fileSources  = "sources.yaml"
	fileSays     = "says.yaml"
	fileLexicon  = "lexicon.yaml"
)

// catalogFiles is every file a catalog needs, in the order problems are reported.
var catalogFiles = []string{fileMessages, fileCommands, fileTriage, fileSteps, fileRedFlags, fileSources, fileSays, fileLexicon}

// The shapes of the files. Every file has one top-level key so that a typo
// in it is caught by strict decoding rather than silently read as empty.
type (
	messagesFile struct {
		Messages map[string]string `yaml:"messages"`
	}
	commandsFile struct {
		Commands []Command `yaml:"commands"`
	}
	triageFile struct {
		Questions []Question `yaml:"questions"`
	}
	stepsFile struct {
		Start    string   `yaml:"start"`
		FollowUp []string `yaml:"follow_up"`
		Steps    []Step   `yaml:"steps"`
	}
	redFlagsFile struct {
		RedFlags []RedFlag `yaml:"redflags"`
	}
	sourcesFile struct {
		Sources []Source `yaml:"sources"`
	}
	saysFile struct {
		Says map[string][]string `yaml:"says"`
	}
	lexiconFile struct {
		Lexicon Lexicon `yaml:"lexicon"`
	}
)

// parsed is a catalog as its files say it, before any check. Sources stay a
// list so that a duplicate id is still visible to the validator.
type parsed struct {
	lang     string
	messages messagesFile
	commands commandsFile
	triage   triageFile
	steps    stepsFile
	redFlags redFlagsFile
	sources  sourcesFile
	says     saysFile
	lexicon  lexiconFile
}

// Embedded returns the catalogs built into the binary, one folder per language.
func Embedded() fs.FS { return embedded }

// Default loads the built-in English catalog.
func Default() (*Catalog, error) { return Load(Embedded(), "en") }

// DefaultLang is the language of Default, and of a conversation whose
// language is not known.
const DefaultLang = "en"

// All loads every built-in language, by folder name, and checks that they
// hold the same ids.
func All() (map[string]*Catalog, error) { return LoadAll(Embedded()) }

// LoadAll loads every language folder of fsys (see Languages) and checks
// their parity; the error is a Problems listing every problem found.
func LoadAll(fsys fs.FS) (map[string]*Catalog, error) {
	langs := Languages(fsys)
	if len(langs) == 0 {
		return nil, errors.New("content: no catalog found")
	}
	cats := make(map[string]*Catalog, len(langs))
	var problems Problems
	for _, lang := range langs {
		cat, err := Load(fsys, lang)
		var ps Problems
		switch {
		case errors.As(err, &ps):
			problems = append(problems, ps...)
		case err != nil:
			return nil, err
		default:
			cats[lang] = cat
		}
	}
	if len(problems) == 0 {
		problems = append(CheckParity(cats), CheckTranslated(cats)...)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return cats, nil
}

// Load reads and validates the catalog in folder lang of fsys. When the
// catalog has problems, the error is a Problems listing every one of them.
func Load(fsys fs.FS, lang string) (*Catalog, error) {
	if !validLang(lang) {
		return nil, fmt.Errorf("content: %q is not a language folder name", lang)
	}
	if !holdsCatalog(fsys, lang) {
		return nil, fmt.Errorf("content: no catalog for language %q", lang)
	}
	p, problems := parse(fsys, lang)
	if len(problems) == 0 {
		problems = append(check(p), numbersProblems()...)
	}
	if len(problems) > 0 {
		return nil, Problems(problems)
	}
	return p.catalog(), nil
}

// Languages lists the folders of fsys that hold a catalog (at least one of
// its files), sorted. A folder with only some of the files is listed so that
// Validate reports what is missing instead of skipping it.
func Languages(fsys fs.FS) []string {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil
	}
	var langs []string
	for _, e := range entries {
		if e.IsDir() && validLang(e.Name()) && holdsCatalog(fsys, e.Name()) {
			langs = append(langs, e.Name())
		}
	}
	return langs
}

// validLang accepts a single folder name, so Load never walks outside fsys's
// top level whatever a caller passes in.
func validLang(lang string) bool {
	return lang != "" && lang != "." && fs.ValidPath(lang) && !strings.Contains(lang, "/")
}

func holdsCatalog(fsys fs.FS, lang string) bool {
	for _, name := range catalogFiles {
		if _, err := fs.Stat(fsys, path.Join(lang, name)); err == nil {
			return true
		}
	}
	return false
}

// parse reads every file of lang's catalog. It carries on past a broken file
// so one run reports every file that fails to read.
func parse(fsys fs.FS, lang string) (*parsed, []Problem) {
	p := &parsed{lang: lang}
	var problems []Problem
	for _, f := range []struct {
		name string
		into any
	}{
		{fileMessages, &p.messages},
		{fileCommands, &p.commands},
		{fileTriage, &p.triage},
		{fileSteps, &p.steps},
		{fileRedFlags, &p.redFlags},
		{fileSources, &p.sources},
		{fileSays, &p.says},
		{fileLexicon, &p.lexicon},
	} {
		file := path.Join(lang, f.name)
		if err := decodeFile(fsys, file, f.into); err != nil {
			problems = append(problems, Problem{File: file, Msg: err.Error()})
		}
	}
	return p, problems
}

// decodeFile decodes the one YAML document in file, refusing unknown keys:
// a misspelt key ("nxet:") would otherwise vanish without a trace.
func decodeFile(fsys fs.FS, file string, into any) error {
	f, err := fsys.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("file is missing")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(into); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("file is empty")
		}
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("file holds more than one YAML document")
	}
	return nil
}

// catalog builds the Catalog the rest of the bot uses. Only called on a
// parsed catalog that passed check, so ids are known to be unique.
func (p *parsed) catalog() *Catalog {
	c := &Catalog{
		Lang:      p.lang,
		Messages:  p.messages.Messages,
		Commands:  p.commands.Commands,
		Questions: p.triage.Questions,
		Start:     p.steps.Start,
		FollowUp:  p.steps.FollowUp,
		Steps:     p.steps.Steps,
		RedFlags:  p.redFlags.RedFlags,
		Sources:   make(map[string]Source, len(p.sources.Sources)),
		Says:      p.says.Says,
		Lexicon:   p.lexicon.Lexicon,
	}
	for _, s := range p.sources.Sources {
		c.Sources[s.ID] = s
	}
	return c
}
