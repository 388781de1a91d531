package textsplit

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		text  string
		limit int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"first paragraph\n\nsecond one", 20, []string{"first paragraph", "second one"}},
		{"line one\nline two", 12, []string{"line one", "line two"}},
		{"aaaa bbbb cccc", 9, []string{"aaaa bbbb", "cccc"}},  // the part ends at a space
		{"aaaa bbbbbb cc", 10, []string{"aaaa", "bbbbbb cc"}}, // it would end inside a word
		{"aaaaaa bb cc", 9, []string{"aaaaaa bb", "cc"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"héllo wörld", 6, []string{"héllo", "wörld"}},
		{"   \n\n  ", 5, nil},
	}
	for _, tt := range tests {
		got := Split(tt.text, tt.limit, Runes)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Split(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
		}
	}
}

func TestSplitWidth(t *testing.T) {
	// Emoji count two where the platform counts UTF-16 units.
	units := func(r rune) int {
		if r > 0xFFFF {
			return 2
		}
		return 1
	}
	parts := Split(strings.Repeat("🍼", 5), 4, units)
	if len(parts) != 3 || strings.Join(parts, "") != strings.Repeat("🍼", 5) {
		t.Errorf("Split(5 emoji, 4 units) = %q, want 2 + 2 + 1 emoji", parts)
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p) > 2 {
			t.Errorf("part %q is wider than 4 units", p)
		}
	}
	// A character wider than the limit still makes progress.
	if got := Split("🍼🍼", 1, units); len(got) != 2 {
		t.Errorf("Split with a limit below one character = %q, want one per part", got)
	}
}
