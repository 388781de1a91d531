// Package understand turns what she types into something the dialog can act
// on: warning signs, the answer to the question on screen, or the guidance
// step a question is about. It knows nothing of the dialog's states; its
// word lists come from the content catalog, so a second language is data.
//
// The pipeline is small stages, each testable alone (as in Rasa's NLU):
// tokenize and fold case, expand contractions, stem (Snowball), correct
// spelling slips against the content's own vocabulary, split into clauses.
// Every decision returns the words it rested on, so a test failure, a log
// line (without her text) and a content author's question get one answer.
package understand

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"
	"github.com/letdownbot/letdown/content"
)

// Token is one word of a message after analysis.
type Token struct {
	Word     string  // the word as folded and spelled right: "mastitis"
	Stem     string  // its stem: "mastit"
	Sentence int     // sentences end at punctuation
	Clause   int     // clauses end there and at terminators ("but", "and")
	Num      float64 // the value, when the word is a number ("39.5", "ten")
	IsNum    bool
}

// Text is an analysed message.
type Text []Token

// Analyzer holds one language's lexicon and vocabulary.
type Analyzer struct {
	lex          content.Lexicon
	contractions map[string][]string
	known        map[string]bool   // words never corrected
	knownStems   map[string]bool   // their stems: "smelling" is known by "smell"
	vocab        map[byte][]string // words slips are corrected to, by first letter
	stems        map[string]string // cache of stems for the lexicon and vocabulary
	terminators  []Phrase
	units        map[string]string // unit word -> unit kind
	numbers      map[string]int
	neg          negation
	stemmer      func(string) string // Snowball for the analyzer's language
}

// New returns an analyzer for lex. vocab are the words worth correcting a
// slip to (the words of warning signs, says and asks); known are words of
// the language that are never corrected (every word of the content).
func New(lex content.Lexicon, vocab, known []string) *Analyzer {
	return NewFor("en", lex, vocab, known)
}

// NewFor is New for language lang: Spanish ("es") words are stemmed with
// Snowball's Spanish rules, every other language's with its English ones.
// Accents are folded before stemming in every language (see fold).
func NewFor(lang string, lex content.Lexicon, vocab, known []string) *Analyzer {
	a := &Analyzer{
		stemmer:      stemmerFor(lang),
		lex:          lex,
		contractions: make(map[string][]string, len(lex.Contractions)),
		known:        make(map[string]bool, len(known)+len(lex.Keep)),
		vocab:        map[byte][]string{},
		stems:        map[string]string{},
		units:        map[string]string{},
		numbers:      lex.Numbers,
	}
	for k, v := range lex.Contractions {
		a.contractions[k] = strings.Fields(v)
	}
	for _, w := range append(append([]string(nil), known...), lex.Keep...) {
		for _, f := range words(w) {
			a.known[f] = true
		}
	}
	seen := map[string]bool{}
	for _, w := range vocab {
		for _, f := range words(w) {
			a.known[f] = true
			if len([]rune(f)) >= 4 && !seen[f] && !isDigits(f) {
				seen[f] = true
				a.vocab[f[0]] = append(a.vocab[f[0]], f)
			}
		}
	}
	a.knownStems = make(map[string]bool, len(a.known))
	for w := range a.known {
		a.knownStems[a.stemmer(w)] = true
	}
	for kind, ws := range lex.Units {
		for _, w := range ws {
			a.units[w] = kind
		}
	}
	for _, t := range lex.Terminators {
		a.terminators = append(a.terminators, a.Phrase(t))
	}
	a.neg = negation{before: a.phrases(lex.NegationBefore), after: a.phrases(lex.NegationAfter), pseudo: a.phrases(lex.Pseudo)}
	return a
}

// Phrase is a content phrase analysed the same way as her text, as stems.
type Phrase []string

// Phrase analyses a phrase from the content (no spelling correction: the
// content is spelt right).
func (a *Analyzer) Phrase(s string) Phrase {
	var p Phrase
	for _, w := range a.expand(words(s)) {
		p = append(p, a.stem(w))
	}
	return p
}

// Analyze runs the whole pipeline over one message.
func (a *Analyzer) Analyze(s string) Text {
	var t Text
	clause := 0
	for _, piece := range pieces(s) {
		if piece == "" {
			clause++
			continue
		}
		for _, w := range a.expand([]string{piece}) {
			tok := Token{Word: w, Sentence: clause, Clause: clause}
			if n, ok := a.number(w); ok {
				tok.Num, tok.IsNum = n, true
			} else if !a.known[w] && !a.knownStems[a.stem(w)] {
				tok.Word = a.correct(w)
			}
			tok.Stem = a.stem(tok.Word)
			t = append(t, tok)
		}
	}
	return a.splitClauses(t)
}

// splitClauses starts a new clause at each terminator ("but", "and"), so
// a negation or a "fine now" reaches only its own part of the sentence.
func (a *Analyzer) splitClauses(t Text) Text {
	shift := 0
	for i := 0; i < len(t); {
		k := 0
		for _, term := range a.terminators {
			if t.matchAt(term, i) {
				k = len(term)
				break
			}
		}
		if k > 0 {
			shift++
		} else {
			k = 1
		}
		for j := i; j < i+k; j++ {
			t[j].Clause += shift
		}
		i += k
	}
	return t
}

func (a *Analyzer) stem(w string) string {
	if s, ok := a.stems[w]; ok {
		return s
	}
	return a.stemmer(w)
}

// stemmerFor is the Snowball stemmer of lang.
func stemmerFor(lang string) func(string) string {
	if lang == "es" {
		return func(w string) string { return spanish.Stem(w, false) }
	}
	return func(w string) string { return english.Stem(w, false) }
}

// Prime caches the stems of the words given, so that analysing content
// phrases at start-up makes later lookups cheap. Not safe to call while
// other goroutines analyse.
func (a *Analyzer) Prime(ws []string) {
	for _, w := range ws {
		for _, f := range a.expand(words(w)) {
			if _, ok := a.stems[f]; !ok {
				a.stems[f] = a.stemmer(f)
			}
		}
	}
}

func (a *Analyzer) expand(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if e, ok := a.contractions[w]; ok {
			out = append(out, e...)
			continue
		}
		// "45min", "39.5c", "2oz": a number glued to its unit.
		if i := numberPrefix(w); i > 0 && i < len(w) {
			if _, ok := a.units[w[i:]]; ok {
				out = append(out, w[:i], w[i:])
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

func (a *Analyzer) number(w string) (float64, bool) {
	if n, ok := a.numbers[w]; ok {
		return float64(n), true
	}
	if numberPrefix(w) == len(w) {
		f, err := strconv.ParseFloat(w, 64)
		return f, err == nil
	}
	return 0, false
}

// UnitOf returns the kind of unit a word names ("ml", "minutes"), or "".
func (a *Analyzer) UnitOf(w string) string { return a.units[w] }

// numberPrefix is the length of the run of digits (with one decimal point)
// at the start of w.
func numberPrefix(w string) int {
	dot := false
	for i, r := range w {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0:
			dot = true
		default:
			return i
		}
	}
	return len(w)
}

func isDigits(w string) bool { return numberPrefix(w) == len(w) }

// correct returns the vocabulary word w is a slip of, or w. Only words of
// four letters or more are corrected, to words with the same first letter:
// one edit for short words, two from eight letters on.
func (a *Analyzer) correct(w string) string {
	n := len(w)
	if n < 4 || isDigits(w) {
		return w
	}
	limit := 1
	if n >= 8 {
		limit = 2
	}
	best, bestD := w, limit+1
	for _, v := range a.vocab[w[0]] {
		if d := len(v) - n; d > limit || -d > limit {
			continue
		}
		if d := distance(w, v, limit); d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

// distance is the optimal-string-alignment edit distance between a and b
// (a swap of two letters counts once), or limit+1 once it exceeds limit.
func distance(a, b string, limit int) int {
	if a == b {
		return 0
	}
	var rows [3][40]int
	if len(b) >= 40 || len(a) >= 40 {
		return limit + 1
	}
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// words folds s into lower-case words of letters and digits, dropping
// apostrophes inside words ("don't" -> "dont"); a decimal point between
// digits stays ("39.5").
func words(s string) []string {
	var out []string
	for _, p := range pieces(s) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// pieces splits s into words, with an empty string wherever a clause ends
// (sentence punctuation, a comma, a line break, an emoji).
func pieces(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(fold(r))
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			// inside a word: "don't"; otherwise nothing.
		case r == '.' && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			b.WriteRune(r)
		case r == '°':
			flush()
			out = append(out, "degrees")
		case r == '.' || r == '!' || r == '?' || r == ';' || r == ',' || r == ':' || r == '\n' || r == '(' || r == ')' ||
			unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r):
			flush()
			out = append(out, "")
		default:
			flush()
		}
	}
	flush()
	return out
}

// FoldAccents lower-cases s and drops the accents of its letters, as the
// analyzer does: "Español" is "espanol".
func FoldAccents(s string) string { return strings.Map(fold, s) }

// fold lower-cases r and drops its accent, so "pezón" and "pezon" are one
// word, as are "Sí" and "si".
func fold(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'á', 'à', 'â', 'ä', 'ã':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'í', 'ì', 'î', 'ï':
		return 'i'
	case 'ó', 'ò', 'ô', 'ö', 'õ':
		return 'o'
	case 'ú', 'ù', 'û', 'ü':
		return 'u'
	}
	return r
}
