package slack

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/internal/golden"
	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// newLangsHarness is a harness on store and the fixed clock, the Engine
// speaking every built-in language as letdown serve runs.
func newLangsHarness(t *testing.T, store bot.Store) *harness {
	t.Helper()
	h := newHarness(t)
	cats, err := content.All()
	if err != nil {
		t.Fatalf("content.All() error: %v", err)
	}
	h.cat = cats["es"]
	h.store = &flakyStore{Store: store}
	h.engine = bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang), h.store, bot.WithClock(func() time.Time { return golden.Clock }))
	h.handler, err = NewHandler(h.engine, h.client, testSecret, WithLogger(h.log), WithBotUserID(slacktest.BotUserID))
	if err != nil {
		t.Fatalf("NewHandler() error: %v", err)
	}
	return h
}

// play sends one line of a console conversation from user: a button's
// number or label taps it on the newest message in her DM, a command goes
// as /letdown with its name, anything else is a DM. It returns the
// messages the turn sent, as she sees them: text, then the buttons.
func (h *harness) play(user, line string) string {
	h.t.Helper()
	dm := slacktest.DM(user)
	sent := h.api.Messages(dm)
	before := len(sent)
	newest := last(sent)
	var labels []string
	for _, b := range newest.Buttons() {
		labels = append(labels, b.Text.Text)
	}
	n := h.next()
	switch i, tap := golden.Tap(line, labels); {
	case tap:
		h.post(InteractivityPath, pressBody(user, newest, newest.Buttons()[i], n))
	case strings.HasPrefix(line, "/"):
		h.post(CommandsPath, commandBody(user, dm, strings.TrimPrefix(line, "/"), n))
	default:
		h.post(EventsPath, dmEvent(fmt.Sprintf("Ev%d", n), user, line, n))
	}
	h.drain(ConvKey(slacktest.Team, user))
	var b strings.Builder
	b.WriteString("> " + line + "\n")
	for _, m := range h.api.Messages(dm)[before:] {
		b.WriteString(m.Body() + "\n")
		for _, btn := range m.Buttons() {
			b.WriteString("  [" + btn.Text.Text + "]\n")
		}
		b.WriteString("---\n")
	}
	return b.String()
}

// TestSpanishConversations holds the console's Spanish conversations
// through the real client and HTTP handler against the fake Web API, for
// a mother whose Slack is in Spanish (users.info locale es-ES or es-MX):
// the seed 003 mother, mastitis signs mid-walk, self-harm, reminders and
// /today.
func TestSpanishConversations(t *testing.T) {
	for _, tt := range []struct {
		name, locale, tz string
		skip             string   // a line the console needs and Slack does not
		want             []string // what the transcript must hold, whatever the golden
	}{
		{"es-seed003", "es-MX", "America/Mexico_City", "", []string{"Mañana a esta hora", "Revisa la talla del embudo"}},
		{"es-mastitis-midwalk", "es-ES", "Europe/Madrid", "", []string{"mastitis", "nada de calor"}},
		{"es-self-harm-triage", "es-MX", "America/Mexico_City", "", []string{"Llama ahora a tu número de emergencias", "Ya estoy a salvo"}},
		// Slack gives her time zone: the set-up does not ask her city, and
		// the emergency numbers are Mexico's from then on.
		{"es-reminders", "es-MX", "America/Mexico_City", "Ciudad de Mexico", []string{"sesiones", "avisos"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newLangsHarness(t, memstore.New())
			const user = "U3434"
			h.api.SetLocale(user, tt.locale)
			h.api.SetTZ(user, tt.tz)
			_, lines := golden.Conversation(t, "..", tt.name)
			lines = slices.DeleteFunc(lines, func(l string) bool { return l == tt.skip })
			var b strings.Builder
			// /letdown start, as the console begins.
			for _, line := range append([]string{"/start"}, lines...) {
				b.WriteString(h.play(user, line))
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("%s through Slack never said %q", tt.name, w)
				}
			}
			golden.Compare(t, filepath.Join("testdata", tt.name+".golden"), b.String(), *update)
		})
	}
}

// TestSpanishNumbersForHerZone: once her reminders take her Slack time
// zone, Mexico City, the self-harm reply names 911 alone.
func TestSpanishNumbersForHerZone(t *testing.T) {
	h := newLangsHarness(t, memstore.New())
	const user = "U3636"
	h.api.SetLocale(user, "es-MX")
	h.api.SetTZ(user, "America/Mexico_City")
	for _, line := range []string{"/start", "/remind", "8 al día (cada 3 horas)", "no, de noche no"} {
		h.play(user, line)
	}
	got := h.play(user, "a veces pienso que mi bebé estaría mejor sin mí")
	if !strings.Contains(got, "Llama ahora a tu número de emergencias: 911.") || strings.Contains(got, "112") || strings.Contains(got, "988") {
		t.Errorf("self-harm in Mexico City = %q, want 911 alone", got)
	}
}

// TestSpanishKeptAcrossRestarts: a mother whose Slack is in Spanish starts
// in Spanish; a new Engine and handler over the same Redis prefix, as after
// a deploy, go on in Spanish even when users.info now says English, and
// keep her place.
func TestSpanishKeptAcrossRestarts(t *testing.T) {
	b := redistest.New(t)
	const user = "U3535"
	first := newLangsHarness(t, redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix)))
	first.api.SetLocale(user, "es-ES")
	first.play(user, "hola")
	first.play(user, "Ninguna de estas")

	again := newLangsHarness(t, redisstore.New(b.Client, redisstore.WithPrefix(b.Prefix)))
	again.api.SetLocale(user, "en-US")
	again.seq = first.seq // event ids stay unique, as Slack's are
	got := again.play(user, "a mano")
	if want := "¿sale de forma bastante constante?"; !strings.Contains(got, want) {
		t.Errorf("after the restart her answer got %q, want the next question in Spanish (%q)", got, want)
	}
	got = again.play(user, "/help")
	if !strings.Contains(got, again.msg("help")) {
		t.Errorf("after the restart /help = %q, want it in Spanish", got)
	}
}
