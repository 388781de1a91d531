// Package golden holds what the platform adapters' golden tests share: the
// conversation held entirely by typing, and comparing with a golden file.
package golden

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TypedInput is the console's conversation held entirely by typing
// (adapters/console/testdata/typed.txtar), so the same words go through
// every platform. dir is the adapters folder as seen from the test.
func TypedInput(t testing.TB, dir string) []string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join(dir, "console", "testdata", "typed.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		if f.Name == "input" {
			return strings.Split(strings.TrimSpace(string(f.Data)), "\n")
		}
	}
	t.Fatal("typed.txtar has no input")
	return nil
}

// clock masks times of day: harnesses on the wall clock name a reminder's
// time, which varies from run to run.
var clock = regexp.MustCompile(`\b\d\d:\d\d\b`)

// Compare checks got against the golden file, rewriting it first when
// update is set.
func Compare(t testing.TB, file, got string, update bool) {
	t.Helper()
	got = clock.ReplaceAllString(got, "HH:MM")
	if update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s changed; review it and rerun the test with -update:\n%s", file, got)
	}
}
