// Package golden holds what the platform adapters' golden tests share: the
// conversation held entirely by typing, and comparing with a golden file.
package golden

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// TypedInput is the console's conversation held entirely by typing
// (adapters/console/testdata/typed.txtar), so the same words go through
// every platform. dir is the adapters folder as seen from the test.
func TypedInput(t testing.TB, dir string) []string {
	t.Helper()
	_, lines := Conversation(t, dir, "typed")
	return lines
}

// Conversation is the locale and the input lines of the console's
// transcript name (adapters/console/testdata/name.txtar), so the same
// words go through every platform. A line that is a button's number or
// label taps it (see Tap), as on the console.
func Conversation(t testing.TB, dir, name string) (locale string, lines []string) {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join(dir, "console", "testdata", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Files {
		switch f.Name {
		case "locale":
			locale = strings.TrimSpace(string(f.Data))
		case "input":
			lines = strings.Split(strings.TrimSpace(string(f.Data)), "\n")
		}
	}
	if lines == nil {
		t.Fatalf("%s.txtar has no input", name)
	}
	return locale, lines
}

// Tap reports which of the last message's button labels a line of a
// console conversation taps: its number ("2"), or its label in any case.
func Tap(line string, labels []string) (int, bool) {
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(labels) {
		return n - 1, true
	}
	for i, l := range labels {
		if strings.EqualFold(l, line) {
			return i, true
		}
	}
	return 0, false
}

// Clock is the fixed clock of the conversations, the console's: her week
// and the reminders' times read the same on every run.
var Clock = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

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
