package dialog

import (
	"strings"
	"unicode"

	"github.com/letdownbot/letdown/content"
)

// normalize lower-cases text and turns everything but letters and digits
// into single spaces, with a space at each end, so phrases match on word
// boundaries: " no fever " contains " fever ".
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// negations are words that, shortly before a phrase, mean she is saying she
// does NOT have the sign ("no fever", "I don't have a red patch").
var negations = map[string]bool{
	"no": true, "not": true, "never": true, "without": true, "none": true,
	"don": true, "dont": true, "didn": true, "doesn": true, "isn": true,
	"haven": true, "hasn": true, "aren": true, "wasn": true, "nor": true,
}

// negationWindow is how many words before a phrase are checked for a negation.
const negationWindow = 4

// clauseBreaks end the reach of a negation: in "no milk and a red patch"
// the "no" belongs to the milk, not to the patch.
var clauseBreaks = map[string]bool{
	"and": true, "but": true, "so": true, "because": true, "though": true,
	"although": true, "however": true, "yet": true, "also": true, "plus": true,
}

// redFlagIn returns the rule that fits text best: the most urgent level
// with a match, and within it the rule whose matching phrase is longest, so
// "my baby has a fever" is about the baby, not about her own "fever".
func (d *Dialog) redFlagIn(text string) *content.RedFlag {
	norm := normalize(text)
	if norm == " " {
		return nil
	}
	for _, level := range []string{content.LevelEmergency, content.LevelToday, content.LevelSoon} {
		var best *content.RedFlag
		bestLen := 0
		for i := range d.cat.RedFlags {
			f := &d.cat.RedFlags[i]
			if f.Level != level {
				continue
			}
			if n := matchLen(f, d.phrases[i], norm); n > bestLen {
				best, bestLen = f, n
			}
		}
		if best != nil {
			return best
		}
	}
	return nil
}

// matchLen is the length of the longest of f's phrases (normalized) found
// in norm and not negated, or 0.
func matchLen(f *content.RedFlag, phrases []string, norm string) int {
	longest := 0
	for _, phrase := range phrases {
		if len(phrase) <= longest {
			continue
		}
		for from := 0; ; {
			i := strings.Index(norm[from:], phrase)
			if i < 0 {
				break
			}
			at := from + i
			if !f.Negatable || !negated(norm[:at]) {
				longest = len(phrase)
				break
			}
			from = at + 1
		}
	}
	return longest
}

// negated reports whether one of the last few words of before, within the
// same clause, is a negation.
func negated(before string) bool {
	words := strings.Fields(before)
	for i := len(words) - 1; i >= 0 && i >= len(words)-negationWindow; i-- {
		if clauseBreaks[words[i]] {
			return false
		}
		if negations[words[i]] {
			return true
		}
	}
	return false
}

// matchLabel lets typed text stand for a button: the whole label ("Tell me
// more"), or whole words of exactly one label ("more", "no" for "No, not
// really"). Case and punctuation don't matter.
func matchLabel(text string, buttons []Button) (string, bool) {
	typed := normalize(text)
	if len(strings.TrimSpace(typed)) < 2 {
		return "", false
	}
	for _, b := range buttons {
		if normalize(b.Label) == typed {
			return b.Data, true
		}
	}
	found := ""
	for _, b := range buttons {
		if strings.Contains(normalize(b.Label), typed) {
			if found != "" {
				return "", false
			}
			found = b.Data
		}
	}
	return found, found != ""
}
