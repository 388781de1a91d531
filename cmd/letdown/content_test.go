package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/content"
)

func TestContentCheckListsHardestTexts(t *testing.T) {
	out, _, err := runWith(t, "", "content", "check")
	if err != nil {
		t.Fatalf("content check = %v\n%s", err, out)
	}
	lines := regexp.MustCompile(`(?m)^ +-?\d+\.\d / \d  en/(steps|triage|redflags)\.yaml: [a-z0-9_-]+: (text|more|why|reply)$`).FindAllString(out, -1)
	if len(lines) != worstReadings {
		t.Errorf("content check listed %d graded texts, want %d:\n%s", len(lines), worstReadings, out)
	}
}

func TestContentCheckRefusesHardText(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, content.Embedded()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "en", "triage.yaml")
	triage, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	hard := strings.Replace(string(triage), `text: "How do you express your milk?"`,
		`text: "Which methodology characterises your predominant lactational expression technique?"`, 1)
	if hard == string(triage) {
		t.Fatal("the method question's text is not where the test expects it")
	}
	if err := os.WriteFile(path, []byte(hard), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runWith(t, "", "content", "check", dir)
	if err == nil || !strings.Contains(out, "en/triage.yaml: method: text reads at Flesch–Kincaid grade") {
		t.Errorf("content check on a hard question = %v, want its grade named:\n%s", err, out)
	}
}

func TestContentSources(t *testing.T) {
	out, _, err := runWith(t, "", "content", "sources")
	if err != nil {
		t.Fatalf("content sources = %v\n%s", err, out)
	}
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range cat.Sources {
		if !strings.Contains(out, "\n"+id+"  ["+s.Kind+"]\n  "+s.Cite+"\n  link: "+s.Link()+"\n") {
			t.Errorf("content sources does not show %s with its kind, citation and link", id)
		}
	}
	for _, want := range []string{
		"== guideline ==", "== ai-summary ==",
		"cited by: step tech-two-phase, step tech-compression",
		"red flag sepsis",
		"ids:  doi:10.1089/bfm.2007.0028 · PMID 18333764",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("content sources has no %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cited by: nothing") {
		t.Errorf("content sources lists a source nothing cites:\n%s", out)
	}
	// Guidelines come before studies, and the AI-written summary last.
	if g, a := strings.Index(out, "== guideline =="), strings.Index(out, "== ai-summary =="); g > a {
		t.Errorf("content sources lists kinds out of order:\n%s", out)
	}
}

func TestContentUsage(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
		want    string
	}{
		{[]string{"content"}, true, "letdown content sources"},
		{[]string{"content", "--help"}, false, "letdown content sources"},
		{[]string{"content", "sources", "--help"}, false, "cite it"},
		{[]string{"content", "check", "--help"}, false, "Flesch–Kincaid"},
		{[]string{"content", "fly"}, true, "want check, sources or graph"},
		{[]string{"content", "sources", "/no/such/dir"}, true, ""},
	}
	for _, tt := range tests {
		out, errOut, err := runWith(t, "", tt.args...)
		if (err != nil) != tt.wantErr || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("run(%q) = %v, output %q; want error %v and %q", tt.args, err, out+errOut, tt.wantErr, tt.want)
		}
	}
}
