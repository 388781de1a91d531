package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const contentUsage = "Usage: letdown content check [DIR] | letdown content sources [DIR] | letdown content graph\n"

func runContent(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, contentUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		return contentCheck(args[1:], stdout, stderr)
	case "sources":
		return contentSources(args[1:], stdout, stderr)
	case "graph":
		fmt.Fprint(stdout, dialog.Graph())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, contentUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "letdown content: unknown command %q (want check, sources or graph)\n", args[0])
		return errUsage
	}
}

// contentFS is the built-in catalog, or DIR when one is given.
func contentFS(dir string) (fs.FS, error) {
	if dir == "" {
		return content.Embedded(), nil
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	return os.DirFS(dir), nil
}

// worstReadings is how many texts content check lists by reading level.
const worstReadings = 10

func contentCheck(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("content check", flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprintf(fset.Output(), `Usage: letdown content check [DIR]

Validate the built-in content, or DIR (one folder per language, e.g. DIR/en/steps.yaml),
prove every asks: and says: example is understood as meant, check that every
language has the ids the others have, and list the %d texts that read hardest
against their limits (grade: text and questions %.0f, more %.0f, why %.0f;
Flesch–Kincaid for English, Fernández Huerta read as a grade for Spanish).
`, worstReadings, content.MaxGradeText, content.MaxGradeMore, content.MaxGradeWhy)
	}
	if done, err := parse(fset, args, stdout, stderr); done {
		return err
	}
	fsys, err := contentFS(fset.Arg(0))
	if err != nil {
		return err
	}
	problems := content.Validate(fsys)
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d content problems", len(problems))
	}
	for _, lang := range content.Languages(fsys) {
		cat, err := content.Load(fsys, lang)
		if err != nil {
			return err
		}
		if misses := dialog.New(cat).CheckUnderstanding(); len(misses) > 0 {
			for _, m := range misses {
				fmt.Fprintf(stdout, "content/%s/%s\n", lang, m)
			}
			return fmt.Errorf("%d asks: or says: examples are not understood", len(misses))
		}
		fmt.Fprintf(stdout, "%s: ok — %d guidance steps, %d red-flag rules, %d sources, %d triage questions, %d commands\n",
			lang, len(cat.Steps), len(cat.RedFlags), len(cat.Sources), len(cat.Questions), len(cat.Commands))
		fmt.Fprintf(stdout, "%s: hardest to read (%s grade / limit):\n", lang, content.MeasureName(lang))
		rs := content.Readings(cat)
		for _, r := range rs[:min(worstReadings, len(rs))] {
			fmt.Fprintf(stdout, "  %5.1f / %.0f  %s/%s: %s: %s\n", r.Grade, r.Max, lang, r.File, r.ID, r.Field)
		}
	}
	return nil
}

func contentSources(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("content sources", flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), `Usage: letdown content sources [DIR]

Print the bibliography of the built-in content, or of DIR, for a clinician to review:
each source's id, kind, citation, identifiers and link, and the steps and red flags
that cite it, strongest kind of evidence first.
`)
	}
	if done, err := parse(fset, args, stdout, stderr); done {
		return err
	}
	fsys, err := contentFS(fset.Arg(0))
	if err != nil {
		return err
	}
	for i, lang := range content.Languages(fsys) {
		cat, err := content.Load(fsys, lang)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		writeBibliography(stdout, cat)
	}
	return nil
}

// writeBibliography prints every source of cat, grouped by kind.
func writeBibliography(w io.Writer, cat *content.Catalog) {
	citedBy := content.CitedBy(cat)
	fmt.Fprintf(w, "Sources of the %q catalog: %d, strongest kind of evidence first.\n", cat.Lang, len(cat.Sources))
	kind := ""
	for _, s := range content.SourcesByKind(cat) {
		if s.Kind != kind {
			kind = s.Kind
			fmt.Fprintf(w, "\n== %s ==\n", kind)
		}
		fmt.Fprintf(w, "\n%s  [%s]\n", s.ID, s.Kind)
		fmt.Fprintf(w, "  %s\n", s.Cite)
		fmt.Fprintf(w, "  link: %s\n", s.Link())
		if ids := s.Identifiers(); len(ids) > 1 {
			fmt.Fprintf(w, "  ids:  %s\n", strings.Join(ids, " · "))
		}
		if s.Note != "" {
			fmt.Fprintf(w, "  note: %s\n", s.Note)
		}
		if by := citedBy[s.ID]; len(by) > 0 {
			fmt.Fprintf(w, "  cited by: %s\n", strings.Join(by, ", "))
		} else {
			fmt.Fprintln(w, "  cited by: nothing")
		}
	}
}
