package dialog

import (
	"slices"
	"strings"
	"unicode"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

// NewLangs returns a Dialog speaking every catalog of cats, one sub-dialog
// per language: each turn is run by the one her state's language names. A
// new conversation starts in the language of her platform's locale when
// there is a catalog for it, else in def. The catalogs must have passed
// content validation and parity (content.LoadAll does both).
func NewLangs(cats map[string]*content.Catalog, def string) *Dialog {
	langs := make(map[string]*Dialog, len(cats))
	for lang, cat := range cats {
		langs[lang] = New(cat)
	}
	for _, d := range langs {
		d.langs, d.def = langs, def
	}
	return langs[def]
}

// Langs lists the languages the dialog speaks, sorted.
func (d *Dialog) Langs() []string {
	if len(d.langs) == 0 {
		return []string{d.cat.Lang}
	}
	var ls []string
	for l := range d.langs {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// For returns the sub-dialog that speaks lang, or d when there is none.
func (d *Dialog) For(lang string) *Dialog {
	if sub, ok := d.langs[lang]; ok {
		return sub
	}
	return d
}

// speaker is the sub-dialog for st: her stored language, or for a new
// conversation the one her locale names; else d itself (NewLangs returns
// the default language's).
func (d *Dialog) speaker(st State, in Input) *Dialog {
	if len(d.langs) < 2 {
		return d
	}
	if sub, ok := d.langs[st.Data.Lang]; ok {
		return sub
	}
	if st.Name == stateNew || st.Name == "" {
		if sub, ok := d.langs[LocaleLang(in.Locale)]; ok {
			return sub
		}
	}
	return d
}

// LocaleLang is the language a platform's locale names: "es", "es-MX",
// "es_ES.UTF-8" are "es"; anything else is its first two letters, lower case.
func LocaleLang(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "-_.@"); i >= 0 {
		l = l[:i]
	}
	return l
}

// langWords are what she may type, alone, to change language at any point.
// Language names are the same whatever language the bot speaks, so they are
// code, not catalog text. Matched lower case, accents folded.
var langWords = map[string]string{
	"espanol": "es", "en espanol": "es", "spanish": "es", "in spanish": "es", "castellano": "es",
	"english": "en", "in english": "en", "ingles": "en", "en ingles": "en",
}

// typedLang is the language her whole message names, if it names one.
func typedLang(text string) string {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
	s = strings.ReplaceAll(foldAccents(s), "ñ", "n")
	return langWords[strings.Join(strings.Fields(s), " ")]
}

// foldAccents takes the accents off letters: "español" is "espanol".
func foldAccents(s string) string { return understand.FoldAccents(s) }

// switchTo is the language this input asks for: a /lang command naming one,
// a language button, or a message that is only a language's name.
func switchTo(in Input) (string, bool) {
	switch {
	case in.Command != "":
		if strings.EqualFold(in.Command, "lang") && in.Args != "" {
			if l := typedLang(in.Args); l != "" {
				return l, true
			}
			return LocaleLang(in.Args), true
		}
	case in.Button != "":
		if l, ok := strings.CutPrefix(in.Button, data("lang")+":"); ok {
			return l, true
		}
	case in.Text != "":
		if l := typedLang(in.Text); l != "" {
			return l, true
		}
	}
	return "", false
}

// offerLang asks which language, one button per language.
func (t *turn) offerLang() {
	var buttons []Button
	for _, l := range t.d.Langs() {
		buttons = append(buttons, Button{Label: t.d.msg("btn_lang_" + l), Data: data("lang", l)})
	}
	t.reply(t.d.msg("lang_choose"), buttons)
}

// switchLang carries on in lang from where she is: the rest of the turn,
// and every turn after it, is spoken by lang's sub-dialog.
func (t *turn) switchLang(lang string) {
	t.out.Understood = "lang:" + lang
	sub, ok := t.d.langs[lang]
	if !ok {
		// Not a language we have: say which we do.
		t.offerLang()
		return
	}
	t.d = sub
	t.st.Data.Lang = lang
	if t.st.Name == stateNew {
		t.begin(true)
		return
	}
	t.say(sub.msg("lang_switched"))
	t.prompt()
}
