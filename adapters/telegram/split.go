package telegram

import (
	"unicode/utf16"

	"github.com/letdownbot/letdown/adapters/internal/textsplit"
)

// Split cuts text into parts of at most limit characters, counted as
// Telegram counts them (UTF-16 code units), at a paragraph break, else a
// line break, else a space, never inside a character (see textsplit).
func Split(text string, limit int) []string {
	return textsplit.Split(text, limit, utf16Units)
}

// utf16Units is how many UTF-16 code units Telegram counts for r; invalid
// UTF-8 decodes as U+FFFD, one unit.
func utf16Units(r rune) int {
	if w := utf16.RuneLen(r); w > 0 {
		return w
	}
	return 1
}
