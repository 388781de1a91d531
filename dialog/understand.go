package dialog

import (
	"strings"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

// maxTyped bounds how much of one message is read: a 10 kB paste is read
// as far as Telegram's own message limit.
const maxTyped = content.MaxMessage

// Thresholds for a typed question, on the share of its weight the best
// match holds: above answer, the step is shown; above guess, it is offered
// as "Did you mean …?".
const (
	answerCover  = 0.3
	commandCover = 0.6
	guessCover   = 0.2
)

// understanding is the catalog compiled for reading typed text.
type understanding struct {
	an      *understand.Analyzer
	flags   *understand.Flags
	index   *understand.Index
	options map[string][]understand.Phrase // "question:value" -> says
	labels  map[string][]understand.Phrase // a fixed button's label -> says
	// bare maps a whole message to the command it names: any command's
	// ask said exactly ("show me the commands", "stop reminders"), and
	// for the commands that only show something, a single word that is
	// their name or one of their asks ("help", "menu", "today").
	bare map[string]string
	// exact holds, by the key choices reads says with, each button's
	// label and says in bareForm: what a message must be to be exactly
	// that button rather than a bare command.
	exact map[string]map[string]bool
	// apart are the ways of saying where her baby is, when they are apart
	// (content.ApartValues), as choices keyed by the place.
	apart []understand.Choice
	// greetings are the lexicon's hellos, analysed: a message that is
	// exactly one is greeted back.
	greetings []understand.Phrase
}

// changing are the commands that start over, stop or erase something: a
// single word must not run them ("stop" may mean the tip, "start" that she
// is starting to pump). She types them with the slash, or asks in words.
var changing = map[string]bool{"start": true, "restart": true, "stop": true, "forget": true}

func newUnderstanding(cat *content.Catalog) *understanding {
	var vocab, known []string
	for _, f := range cat.RedFlags {
		vocab = append(vocab, f.Phrases...)
		for _, row := range f.Together {
			for _, g := range row {
				vocab = append(vocab, g...)
			}
		}
	}
	for _, q := range cat.Questions {
		known = append(known, q.Text, q.More)
		for _, o := range q.Options {
			vocab = append(vocab, o.Says...)
			known = append(known, o.Label)
		}
	}
	for _, ss := range cat.Says {
		vocab = append(vocab, ss...)
	}
	for _, s := range cat.Steps {
		vocab = append(vocab, s.Asks...)
		vocab = append(vocab, s.Title)
		known = append(known, unnumbered.Replace(s.Text), unnumbered.Replace(s.More), s.Why)
	}
	for _, c := range cat.Commands {
		vocab = append(vocab, c.Asks...)
		known = append(known, c.Summary, c.Help)
	}
	for _, m := range cat.Messages {
		known = append(known, m)
	}
	// Places are vocabulary: "chicgo" is a slip of "chicago".
	for _, z := range content.Zones() {
		vocab = append(vocab, strings.ReplaceAll(z[strings.LastIndex(z, "/")+1:], "_", " "))
	}
	for place := range cat.Lexicon.Places {
		vocab = append(vocab, place)
	}
	for _, ss := range cat.Lexicon.Apart {
		vocab = append(vocab, ss...)
	}
	lex := cat.Lexicon
	known = append(known, lex.Yes...)
	known = append(known, lex.No...)
	known = append(known, lex.Stop...)
	for _, ws := range lex.Measures {
		vocab = append(vocab, ws...)
	}
	for w := range lex.Numbers {
		known = append(known, w)
	}
	for w := range lex.Contractions {
		known = append(known, w)
	}
	// Hellos are vocabulary too: "helo" is a slip of "hello", not "help".
	vocab = append(vocab, lex.Greetings...)
	an := understand.NewFor(cat.Lang, lex, vocab, known)
	an.Prime(vocab)
	an.Prime(known)

	u := &understanding{
		an:      an,
		flags:   understand.NewFlags(an, cat.RedFlags),
		options: map[string][]understand.Phrase{},
		labels:  map[string][]understand.Phrase{},
		bare:    map[string]string{},
		exact:   map[string]map[string]bool{},
	}
	exactly := func(key, label string, ss []string) {
		set := map[string]bool{bareForm(label): true}
		for _, s := range ss {
			set[bareForm(s)] = true
		}
		u.exact[key] = set
	}
	for _, g := range lex.Greetings {
		u.greetings = append(u.greetings, an.Phrase(g))
	}
	for _, c := range cat.Commands {
		for _, w := range append([]string{c.Name}, c.Asks...) {
			if w = bareForm(w); strings.ContainsRune(w, ' ') || !changing[c.Name] {
				u.bare[w] = c.Name
			}
		}
	}
	yes, no := an.YesNo()
	says := func(label string, ss []string) []understand.Phrase {
		ps := []understand.Phrase{an.Phrase(label)}
		for _, s := range ss {
			p := an.Phrase(s)
			ps = append(ps, p)
			switch strings.Join(p, " ") {
			case "yes", "si": // "si" is Spanish's yes, accent folded
				ps = append(ps, yes...)
			case "no":
				ps = append(ps, no...)
			}
		}
		return ps
	}
	for _, q := range cat.Questions {
		for _, o := range q.Options {
			u.options[q.ID+":"+o.Value] = says(o.Label, o.Says)
			exactly(q.ID+":"+o.Value, o.Label, o.Says)
		}
	}
	for id, ss := range cat.Says {
		if label, ok := cat.Messages[id]; ok {
			u.labels[label] = says(label, ss)
			exactly(label, label, ss)
		}
	}
	var docs []understand.Doc
	for _, s := range cat.Steps {
		for _, a := range s.Asks {
			docs = append(docs, understand.Doc{Target: s.ID, Text: a})
		}
		docs = append(docs, understand.Doc{Target: s.ID, Text: unnumbered.Replace(s.Title + " " + s.Text + " " + s.More)})
	}
	for _, c := range cat.Commands {
		for _, a := range c.Asks {
			docs = append(docs, understand.Doc{Target: "/" + c.Name, Text: a})
		}
	}
	u.index = understand.NewIndex(an, docs, lex.Stop, lex.Alike)
	for _, where := range content.ApartValues {
		var ps []understand.Phrase
		for _, s := range lex.Apart[where] {
			ps = append(ps, an.Phrase(s))
		}
		if len(ps) > 0 {
			u.apart = append(u.apart, understand.Choice{Key: where, Says: ps})
		}
	}
	return u
}

// apartIn returns where her text says her baby is, when not with her
// ("nicu" or "apart"), or "" when it says neither, denies it ("he is not
// in the nicu") or names both.
// unnumbered takes the placeholders of the numbers out of a text: their
// names are no words she would type.
var unnumbered = strings.NewReplacer("{emergency}", "", "{crisis}", "")

func (u *understanding) apartIn(tx understand.Text) string {
	ch, ok, _ := u.an.Choose(tx, u.apart)
	if !ok {
		return ""
	}
	return ch.Key
}

// greeting reports whether a message is only a hello ("hi!", "Buenos
// días"), spelling slips and accents as the analyser takes them.
func (u *understanding) greeting(tx understand.Text) bool {
	for _, g := range u.greetings {
		if len(g) != len(tx) || len(tx) == 0 {
			continue
		}
		same := true
		for i := range g {
			same = same && g[i] == tx[i].Stem
		}
		if same {
			return true
		}
	}
	return false
}

// saysExactly reports whether a message is exactly one of the buttons'
// labels or says ("why" under a tip, "set reminders" at the end).
func (u *understanding) saysExactly(buttons []Button, raw string) bool {
	msg := bareForm(raw)
	for _, b := range buttons {
		key := b.Label
		if parts := strings.Split(b.Data, ":"); len(parts) == 4 && parts[1] == "a" {
			key = parts[2] + ":" + parts[3]
		}
		if u.exact[key][msg] || bareForm(b.Label) == msg {
			return true
		}
	}
	return false
}

// choices turns the buttons on screen into what typed text can name.
func (u *understanding) choices(buttons []Button) []understand.Choice {
	out := make([]understand.Choice, 0, len(buttons))
	for _, b := range buttons {
		var ps []understand.Phrase
		if parts := strings.Split(b.Data, ":"); len(parts) == 4 && parts[1] == "a" {
			ps = u.options[parts[2]+":"+parts[3]]
		} else if ss, ok := u.labels[b.Label]; ok {
			ps = ss
		} else {
			ps = []understand.Phrase{u.an.Phrase(b.Label)}
		}
		out = append(out, understand.Choice{Key: b.Data, Says: ps})
	}
	return out
}
