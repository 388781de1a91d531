// Package textsplit cuts long messages into parts a platform accepts, at
// the most natural place: a paragraph break, else a line break, else a
// space, else between two characters, never inside one.
package textsplit

import (
	"strings"
	"unicode/utf8"
)

// Width tells how much of a platform's limit one character uses.
type Width func(r rune) int

// Runes counts every character as one (Slack).
func Runes(rune) int { return 1 }

// Split cuts text into parts of at most limit, measured with width. A cut
// falls in the second half of a part so none comes out tiny. Parts are
// trimmed of the whitespace around the cut; blank ones are dropped, so an
// all-blank text gives none.
func Split(text string, limit int, width Width) []string {
	limit = max(1, limit)
	var parts []string
	for {
		text = strings.TrimSpace(text)
		if text == "" {
			return parts
		}
		end := Fits(text, limit, width)
		if end == len(text) {
			return append(parts, text)
		}
		cut := end
		if next := text[end]; next != ' ' && next != '\n' {
			// The part ends inside a word: step back to a better place.
			cut = cutAt(text[:end])
		}
		if part := strings.TrimSpace(text[:cut]); part != "" {
			parts = append(parts, part)
		}
		text = text[cut:]
	}
}

// cutAt picks where to end a part that must fit in head: at a paragraph
// break, else a line break, else a space, in the second half of head; else
// at the last space anywhere; else at the end.
func cutAt(head string) int {
	for _, sep := range []string{"\n\n", "\n", " "} {
		if i := strings.LastIndex(head, sep); i > len(head)/2 {
			return i
		}
	}
	if i := strings.LastIndexAny(head, " \n"); i > 0 {
		return i
	}
	return len(head)
}

// Fits returns the length in bytes of the longest prefix of s that is at
// most limit wide, ending between two characters. If not even the first
// character fits, it is taken anyway, so a caller never loops forever.
func Fits(s string, limit int, width Width) int {
	n := 0
	for i, r := range s {
		w := width(r)
		if n+w > limit {
			if i == 0 {
				_, size := utf8.DecodeRuneInString(s)
				return size
			}
			return i
		}
		n += w
	}
	return len(s)
}
