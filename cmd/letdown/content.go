package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

func runContent(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, "Usage: letdown content check [DIR] | letdown content graph\n")
		return errUsage
	}
	switch args[0] {
	case "check":
		return contentCheck(args[1:], stdout, stderr)
	case "graph":
		fmt.Fprint(stdout, dialog.Graph())
		return nil
	default:
		fmt.Fprintf(stderr, "letdown content: unknown command %q (want check or graph)\n", args[0])
		return errUsage
	}
}

func contentCheck(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("content check", flag.ContinueOnError)
	fset.Usage = func() {
		fmt.Fprint(fset.Output(), "Usage: letdown content check [DIR]\n\nValidate the built-in content, or DIR (one folder per language, e.g. DIR/en/steps.yaml),\nand prove every asks: and says: example is understood as meant.\n")
	}
	if done, err := parse(fset, args, stdout, stderr); done {
		return err
	}
	var fsys fs.FS = content.Embedded()
	if dir := fset.Arg(0); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return err
		}
		fsys = os.DirFS(dir)
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
	}
	return nil
}
