package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Split cuts text into parts of at most limit characters, counted as
// Telegram counts them (UTF-16 code units). It cuts at a paragraph break,
// else a line break, else a space (see cutAt), else between two
// characters, never inside one. Parts are trimmed of the
// whitespace around the cut; blank parts are dropped, so an all-blank text
// gives none.
func Split(text string, limit int) []string {
	var parts []string
	for {
		text = strings.TrimSpace(text)
		if text == "" {
			return parts
		}
		end := fits(text, limit)
		if end == len(text) {
			return append(parts, text)
		}
		cut := cutAt(text[:end])
		if part := strings.TrimSpace(text[:cut]); part != "" {
			parts = append(parts, part)
		}
		text = text[cut:]
	}
}

// cutAt picks where to end a part that must fit in head: at a paragraph
// break, else a line break, else a space, in the second half of head so no
// part comes out tiny; else at the last space anywhere; else at the end.
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

// fits returns the length in bytes of the longest prefix of s that is at
// most limit UTF-16 code units, ending between two characters.
func fits(s string, limit int) int {
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1 // invalid UTF-8 decodes as U+FFFD, one unit
		}
		if n+w > limit {
			if i == 0 {
				// Not even one character fits (limit < 2 and a wide one):
				// take it anyway rather than loop forever.
				_, size := utf8.DecodeRuneInString(s)
				return size
			}
			return i
		}
		n += w
	}
	return len(s)
}
