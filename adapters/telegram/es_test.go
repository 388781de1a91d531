package telegram

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/internal/golden"
	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// newLangsHarness is a harness whose Engine speaks every built-in
// language, as letdown serve runs, on store and the fixed clock.
func newLangsHarness(t *testing.T, store backend) *harness {
	t.Helper()
	h := newHarnessOn(t, store)
	cats, err := content.All()
	if err != nil {
		t.Fatalf("content.All() error: %v", err)
	}
	h.cat = cats["es"]
	h.engine = bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang), h.store, bot.WithClock(func() time.Time { return golden.Clock }))
	h.hook, err = NewWebhook(h.engine, h.client, testSecret, WithLogger(h.log))
	if err != nil {
		t.Fatalf("NewWebhook() error: %v", err)
	}
	return h
}

// play sends one line of a console conversation from user, whose Telegram
// is in language lang: a button's number or label taps it on the newest
// message, anything else is typed. It returns the messages the turn sent,
// as she sees them: text, then the buttons.
func (h *harness) play(user int64, lang, line string) string {
	h.t.Helper()
	sent := h.api.Sent(user)
	before := len(sent)
	newest := last(sent)
	var labels []string
	for _, b := range newest.Buttons() {
		labels = append(labels, b.Text)
	}
	if i, ok := golden.Tap(line, labels); ok {
		u := tgtest.PressUpdate(h.id(), user, newest, newest.Buttons()[i].CallbackData)
		u.CallbackQuery.From.LanguageCode = lang
		h.post(u)
	} else {
		u := tgtest.TextUpdate(h.id(), user, line)
		u.Message.From.LanguageCode = lang
		u.Message.Date = int(golden.Clock.Unix())
		h.post(u)
	}
	h.drain(ConvKey(user, user))
	var b strings.Builder
	b.WriteString("> " + line + "\n")
	for _, m := range h.api.Sent(user)[before:] {
		b.WriteString(m.Text + "\n")
		for _, btn := range m.Buttons() {
			b.WriteString("  [" + btn.Text + "]\n")
		}
		b.WriteString("---\n")
	}
	return b.String()
}

// TestSpanishConversations holds the console's Spanish conversations
// through the real client and webhook against the fake Bot API, for a
// mother whose Telegram is in Spanish (language_code es): the seed 003
// mother, mastitis signs mid-walk, self-harm, reminders and /today.
func TestSpanishConversations(t *testing.T) {
	for _, tt := range []struct {
		name string
		want []string // what the transcript must hold, whatever the golden
	}{
		{"es-seed003", []string{"Mañana a esta hora", "Revisa la talla del embudo"}},
		{"es-mastitis-midwalk", []string{"mastitis", "nada de calor"}},
		{"es-self-harm-triage", []string{"Llama ahora a tu número de emergencias: 112, 911 o 999.", "988"}},
		{"es-reminders", []string{"Ciudad de México", "sesiones"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newLangsHarness(t, memstore.New())
			const user = 3434
			_, lines := golden.Conversation(t, "..", tt.name)
			var b strings.Builder
			// Telegram's Start button, as the console begins.
			for _, line := range append([]string{"/start"}, lines...) {
				b.WriteString(h.play(user, "es", line))
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("%s through Telegram never said %q", tt.name, w)
				}
			}
			golden.Compare(t, filepath.Join("testdata", tt.name+".golden"), b.String(), *update)
		})
	}
}

// TestSpanishKeptAcrossRestarts: a mother whose Telegram is in Spanish
// starts in Spanish; a new Engine and webhook over the same Redis prefix,
// as after a deploy, go on in Spanish even when her language_code now
// says English, and keep her place.
func TestSpanishKeptAcrossRestarts(t *testing.T) {
	b := redistest.New(t)
	const user = 3535
	first := newLangsHarness(t, redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix)))
	first.play(user, "es", "hola")
	first.play(user, "es", "Ninguna de estas")

	again := newLangsHarness(t, redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix)))
	again.nextID = first.nextID // Telegram's update ids go on rising
	got := again.play(user, "en", "A mano")
	if want := "¿sale de forma bastante constante?"; !strings.Contains(got, want) {
		t.Errorf("after the restart her answer got %q, want the next question in Spanish (%q)", got, want)
	}
	got = again.play(user, "en", "/help")
	if !strings.Contains(got, again.msg("help")) {
		t.Errorf("after the restart /help = %q, want it in Spanish", got)
	}
}

// TestSpanishNumbersForHerZone: once her reminders know she is in Mexico
// City, the self-harm reply names 911 alone; Telegram itself gives no
// time zone.
func TestSpanishNumbersForHerZone(t *testing.T) {
	h := newLangsHarness(t, memstore.New())
	const user = 3636
	_, lines := golden.Conversation(t, "..", "es-reminders")
	for _, line := range append([]string{"/start"}, lines[:4]...) {
		h.play(user, "es", line)
	}
	got := h.play(user, "es", "a veces pienso que mi bebé estaría mejor sin mí")
	if !strings.Contains(got, "Llama ahora a tu número de emergencias: 911.") || strings.Contains(got, "112") || strings.Contains(got, "988") {
		t.Errorf("self-harm in Mexico City = %q, want 911 alone", got)
	}
}
