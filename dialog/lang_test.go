package dialog

import (
	"strings"
	"testing"

	"github.com/letdownbot/letdown/content"
)

func newLangs(t testing.TB) *Dialog {
	t.Helper()
	cats, err := content.All()
	if err != nil {
		t.Fatalf("content.All() = %v", err)
	}
	return NewLangs(cats, content.DefaultLang)
}

// startIn begins a conversation on the multi-language dialog from a
// platform locale.
func startIn(t testing.TB, locale string) *convo {
	t.Helper()
	c := &convo{t: t, d: newLangs(t)}
	c.do(Input{Text: "hola", Locale: locale})
	return c
}

func (c *convo) last() string { return c.replies[len(c.replies)-1].Text }

func TestLocaleChoosesTheLanguageOfANewConversation(t *testing.T) {
	d := newLangs(t)
	for _, tt := range []struct{ locale, want string }{
		{"es", "es"}, {"es-MX", "es"}, {"es_ES.UTF-8", "es"}, {"ES", "es"},
		{"en", "en"}, {"en-GB", "en"}, {"fr", "en"}, {"", "en"},
	} {
		c := &convo{t: t, d: d}
		c.do(Input{Command: "start", Locale: tt.locale})
		if c.st.Data.Lang != tt.want {
			t.Errorf("Step(new, locale %q).Lang = %q, want %q", tt.locale, c.st.Data.Lang, tt.want)
		}
		if want := d.For(tt.want).msg("screen"); c.last() != want {
			t.Errorf("Step(new, locale %q) ends %q, want the %s safety check", tt.locale, c.last(), tt.want)
		}
		// Once chosen, the locale no longer decides.
		c.do(Input{Command: "help", Locale: "fr"})
		if c.st.Data.Lang != tt.want {
			t.Errorf("after /help, Lang = %q, want %q kept", c.st.Data.Lang, tt.want)
		}
	}
}

func TestSwitchLanguageKeepsHerPlace(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   Input
		want string
	}{
		{"typed español", Input{Text: "Español"}, "es"},
		{"typed espanol", Input{Text: "espanol!"}, "es"},
		{"typed spanish", Input{Text: "spanish"}, "es"},
		{"/lang es", Input{Command: "lang", Args: "es"}, "es"},
		{"button", Input{Button: data("lang", "es")}, "es"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := startIn(t, "en")
			c.press(data("clear"))
			c.wantState(stateAskMethod)
			c.do(tt.in)
			c.wantState(stateAskMethod)
			if c.st.Data.Lang != tt.want {
				t.Fatalf("Lang = %q, want %q", c.st.Data.Lang, tt.want)
			}
			es := c.d.For("es")
			if got := c.replies[0].Text; got != es.msg("lang_switched") {
				t.Errorf("first reply = %q, want lang_switched", got)
			}
			if want := es.questions["method"].Text; !strings.Contains(c.last(), want) {
				t.Errorf("last reply = %q, want the method question in Spanish %q", c.last(), want)
			}
			// And back.
			c.do(Input{Text: "inglés"})
			if c.st.Data.Lang != "en" || !strings.Contains(c.last(), c.d.For("en").questions["method"].Text) {
				t.Errorf("after inglés: Lang %q, last %q, want the English method question", c.st.Data.Lang, c.last())
			}
		})
	}
}

func TestLangCommandOffersEveryLanguage(t *testing.T) {
	c := startIn(t, "es")
	c.do(Input{Command: "lang"})
	var labels []string
	for _, b := range c.replies[len(c.replies)-1].Buttons {
		labels = append(labels, b.Label)
	}
	if got := strings.Join(labels, ","); got != "English,Español" {
		t.Fatalf("/lang buttons = %s, want English,Español", got)
	}
	c.press(data("lang", "en"))
	if c.st.Data.Lang != "en" || c.st.Name != stateScreen {
		t.Errorf("after English: Lang %q state %s, want en at the screen", c.st.Data.Lang, c.st.Name)
	}
}

func TestSpanishRedFlagFirst(t *testing.T) {
	c := startIn(t, "es")
	c.do(Input{Text: "tengo fiebre de 39.5 y el pecho rojo y caliente"})
	if !strings.HasPrefix(c.out.Understood, "flag:") {
		t.Errorf("Understood = %q, want a red flag", c.out.Understood)
	}
	c = startIn(t, "es")
	c.press(data("clear"))
	c.do(Input{Text: "no tengo fiebre, solo no me sale la leche"})
	if strings.HasPrefix(c.out.Understood, "flag:") {
		t.Errorf("Understood = %q, want no red flag for a denied fever", c.out.Understood)
	}
}
