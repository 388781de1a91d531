package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
)

// stepRE matches a guidance step's counter: "Get comfy first (1/28)".
var stepRE = regexp.MustCompile(`\((\d+)/(\d+)\)`)

// TestHTTPSeed003 runs the seed 003 mother's whole conversation through
// HTTP mode with signed requests: pumping both sides at once, slow flow,
// less milk, takes longer, already tried warm compresses and
// skin-to-skin; then Next to the end of the walk. Every press is an
// interactivity payload built from the blocks the fake Web API received.
func TestHTTPSeed003(t *testing.T) {
	const user = "U3003"
	dm := slacktest.DM(user)
	h := newHarness(t)
	h.say(user, "hi")
	if got := bodies(h.api.Messages(dm)); len(got) != 2 || got[0] != h.msg("welcome") || got[1] != h.msg("screen") {
		t.Fatalf("after her first message %s received %q, want the welcome and the safety check", dm, got)
	}
	var pressed []slacktest.Message
	for _, label := range []string{"None of these", "Pump", "Both at once", "No, not really", "No, less", "No, it takes longer", "Both"} {
		pressed = append(pressed, h.press(user, label))
	}
	for range 100 {
		if _, ok := last(h.api.Messages(dm)).Button("Start again"); ok {
			break
		}
		pressed = append(pressed, h.press(user, "Next"))
	}
	sent := h.api.Messages(dm)
	if got, want := last(sent).Body(), slashCommands(h.msg("walk_end")); got != want {
		t.Fatalf("last message = %q, want the end of the walk %q", got, want)
	}

	// The walk showed every step once, in order, skipping what she tried.
	var steps []int
	total := 0
	for _, m := range sent {
		body := m.Body()
		if sm := stepRE.FindStringSubmatch(body); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			total, _ = strconv.Atoi(sm[2])
			steps = append(steps, n)
		}
		for _, s := range h.cat.Steps {
			if s.Tried != "" && strings.HasPrefix(body, s.Title+" (") {
				t.Errorf("walk showed %q, which she already tried (%s)", s.Title, s.Tried)
			}
		}
	}
	t.Logf("%d presses, %d messages, %d steps", len(pressed), len(sent), total)
	if total == 0 || len(steps) != total {
		t.Fatalf("walk showed steps %v, want 1 to %d once each", steps, total)
	}
	for i, n := range steps {
		if n != i+1 {
			t.Fatalf("walk showed steps %v, want 1 to %d in order", steps, total)
		}
	}

	// Every post went to her user id (Slack opens the app DM), with a
	// fallback text, sections within the limit and unique action ids.
	for _, c := range h.api.Calls("chat.postMessage") {
		if got := c.Params.Get("channel"); got != user {
			t.Errorf("chat.postMessage channel = %q, want her user id %q", got, user)
		}
		if c.Params.Get("text") == "" {
			t.Errorf("chat.postMessage without a fallback text")
		}
	}
	for _, m := range sent {
		ids := map[string]bool{}
		for _, b := range m.Buttons() {
			if ids[b.ActionID] {
				t.Errorf("message %s has two buttons with action_id %q", m.TS, b.ActionID)
			}
			ids[b.ActionID] = true
		}
	}

	// Every press updated its message: same text, no buttons, the choice
	// noted.
	updates := h.api.Calls("chat.update")
	if len(updates) != len(pressed) {
		t.Errorf("chat.update called %d times, want %d (one per press)", len(updates), len(pressed))
	}
	updated := map[string]bool{}
	for _, c := range updates {
		if c.Params.Get("channel") != dm {
			t.Errorf("chat.update channel = %q, want %q", c.Params.Get("channel"), dm)
		}
		updated[c.Params.Get("ts")] = true
	}
	for _, m := range pressed {
		if !updated[m.TS] {
			t.Errorf("pressed message %s kept its buttons: no chat.update", m.TS)
		}
	}
	for _, m := range sent[:len(sent)-1] {
		if len(m.Buttons()) != 0 {
			t.Errorf("message %s (%q…) still has buttons, want only the last one to", m.TS, firstLine(m.Body()))
		}
	}
	for i, m := range pressed {
		now := h.api.Messages(dm)
		for _, cur := range now {
			if cur.TS == m.TS && cur.Body() != m.Body() {
				t.Errorf("press %d: updated message reads %q, want the same text %q", i, cur.Body(), m.Body())
			}
		}
	}
	// Nothing she was sent, or wrote, shows up in the logs (I8).
	logs := h.logs.String()
	for _, m := range sent {
		if line := firstLine(m.Body()); len(line) > 12 && strings.Contains(logs, line) {
			t.Errorf("logs contain message text %q:\n%s", line, logs)
		}
	}
}

func TestHTTPSignature(t *testing.T) {
	const user = "U42"
	conv := ConvKey(slacktest.Team, user)
	body := dmEvent("EvSig", user, "hello", 1)
	tests := []struct {
		name string
		// hdr signs at the moment of the request, so a slow run
		// cannot age a fresh signature past the window.
		hdr  func(now time.Time) http.Header
		want int
	}{
		{"missing", func(now time.Time) http.Header { return http.Header{} }, http.StatusUnauthorized},
		{"no timestamp", func(now time.Time) http.Header {
			h := sign(testSecret, now, body)
			h.Del("X-Slack-Request-Timestamp")
			return h
		}, http.StatusUnauthorized},
		{"wrong secret", func(now time.Time) http.Header { return sign(testSecret+"x", now, body) }, http.StatusUnauthorized},
		{"other body", func(now time.Time) http.Header { return sign(testSecret, now, dmEvent("EvSig", user, "hellO", 1)) }, http.StatusUnauthorized},
		{"not hex", func(now time.Time) http.Header {
			h := sign(testSecret, now, body)
			h.Set("X-Slack-Signature", "v0=zz")
			return h
		}, http.StatusUnauthorized},
		{"stale timestamp", func(now time.Time) http.Header { return sign(testSecret, now.Add(-6*time.Minute), body) }, http.StatusUnauthorized},
		{"future timestamp", func(now time.Time) http.Header { return sign(testSecret, now.Add(6*time.Minute), body) }, http.StatusUnauthorized},
		{"right", func(now time.Time) http.Header { return sign(testSecret, now, body) }, http.StatusOK},
		{"right, 4 minutes old", func(now time.Time) http.Header { return sign(testSecret, now.Add(-4*time.Minute), body) }, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{EventsPath, InteractivityPath, CommandsPath} {
				h := newHarness(t)
				b := body
				hdr := tt.hdr(time.Now())
				if path != EventsPath && tt.want == http.StatusUnauthorized {
					b = commandBody(user, "C1", "start", 1)
				} else if path != EventsPath {
					continue // the right signature of an event says nothing about the other routes
				}
				w := h.serve(path, b, hdr)
				if w.Code != tt.want {
					t.Fatalf("ServeHTTP(%s %s) = %d, want %d", path, tt.name, w.Code, tt.want)
				}
				want := int64(0)
				if tt.want == http.StatusOK {
					want = 1
				}
				if v := h.version(conv); v != want {
					t.Errorf("after ServeHTTP(%s %s): stored version = %d, want %d", path, tt.name, v, want)
				}
				if tt.want != http.StatusOK {
					if calls := h.api.Calls(""); len(calls) != 0 {
						t.Errorf("after ServeHTTP(%s %s): %d Web API calls, want none", path, tt.name, len(calls))
					}
					if n := h.notifications(); len(n) != 0 {
						t.Errorf("after ServeHTTP(%s %s): notified %v, want nothing", path, tt.name, n)
					}
				}
			}
		})
	}
}

func TestHTTPRefuses(t *testing.T) {
	huge := []byte(`{"type":"event_callback","event":{"type":"message","text":"` + strings.Repeat("a", 2<<20) + `"}}`)
	tests := []struct {
		name   string
		method string
		path   string
		body   []byte
		want   int
	}{
		{"GET", http.MethodGet, EventsPath, nil, http.StatusMethodNotAllowed},
		{"unknown path", http.MethodPost, "/slack/other", []byte(`{}`), http.StatusNotFound},
		{"2 MB body", http.MethodPost, EventsPath, huge, http.StatusRequestEntityTooLarge},
		{"malformed JSON", http.MethodPost, EventsPath, []byte(`{"type":`), http.StatusBadRequest},
		{"no payload", http.MethodPost, InteractivityPath, form("x", "y"), http.StatusBadRequest},
		{"payload not JSON", http.MethodPost, InteractivityPath, form("payload", "{"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		h := newHarness(t)
		r := httptestRequest(tt.method, tt.path, tt.body)
		w := recorder()
		h.handler.ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("ServeHTTP(%s) = %d, want %d", tt.name, w.Code, tt.want)
		}
	}
}

func TestHTTPURLVerification(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"token":"legacy","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	w := h.post(EventsPath, body)
	if got, want := w.Body.String(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"; got != want {
		t.Errorf("url_verification answered %q, want the challenge %q", got, want)
	}
	// Unsigned, it is refused like everything else.
	if w := h.serve(EventsPath, body, nil); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "3eZ") {
		t.Errorf("unsigned url_verification = %d %q, want 401 without the challenge", w.Code, w.Body.String())
	}
}

func TestHTTPRetryOnce(t *testing.T) {
	const user = "U43"
	conv := ConvKey(slacktest.Team, user)
	h := newHarness(t)
	body := dmEvent("EvRetry", user, "hello", 1)
	h.post(EventsPath, body)
	h.drain(conv)
	first := h.api.Messages(slacktest.DM(user))
	if len(first) == 0 {
		t.Fatalf("first message got no reply")
	}
	// Slack retries the same event, with a fresh signature and the retry headers.
	for i := 1; i <= 3; i++ {
		hdr := sign(testSecret, time.Now(), body)
		hdr.Set("X-Slack-Retry-Num", strconv.Itoa(i))
		hdr.Set("X-Slack-Retry-Reason", "http_timeout")
		if w := h.serve(EventsPath, body, hdr); w.Code != http.StatusOK {
			t.Fatalf("ServeHTTP(retry %d) = %d, want %d", i, w.Code, http.StatusOK)
		}
		h.drain(conv)
	}
	if v := h.version(conv); v != 1 {
		t.Errorf("after the same event four times: stored version = %d, want 1", v)
	}
	if got := h.api.Messages(slacktest.DM(user)); len(got) != len(first) {
		t.Errorf("after the same event four times: %d messages, want %d", len(got), len(first))
	}
	if n := h.notifications(); len(n) != 4 {
		t.Errorf("notified %d times, want 4 (a retry may find replies a crashed attempt left)", len(n))
	}
}

func TestHTTPStoreFailure(t *testing.T) {
	const user = "U44"
	conv := ConvKey(slacktest.Team, user)
	h := newHarness(t)
	body := dmEvent("EvFail", user, "hello", 1)
	h.store.failNext(1)
	if w := h.serve(EventsPath, body, sign(testSecret, time.Now(), body)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("ServeHTTP(store down) = %d, want %d", w.Code, http.StatusServiceUnavailable)
	}
	if v := h.version(conv); v != 0 {
		t.Errorf("after a failed commit: stored version = %d, want 0", v)
	}
	if n := h.notifications(); len(n) != 0 {
		t.Errorf("after a failed commit: notified %v, want nothing", n)
	}
	hdr := sign(testSecret, time.Now(), body)
	hdr.Set("X-Slack-Retry-Num", "1")
	if w := h.serve(EventsPath, body, hdr); w.Code != http.StatusOK {
		t.Fatalf("ServeHTTP(retried) = %d, want %d", w.Code, http.StatusOK)
	}
	if v := h.version(conv); v != 1 {
		t.Errorf("after the retry: stored version = %d, want 1", v)
	}
	// A command whose turn cannot be saved gets a kind answer, not a 5xx.
	h.store.failNext(1)
	w := h.post(CommandsPath, commandBody(user, "C1", "help", 9))
	if !strings.Contains(w.Body.String(), SorryText) {
		t.Errorf("command with the store down answered %q, want %q", w.Body.String(), SorryText)
	}
}

func TestHTTPSlashCommand(t *testing.T) {
	const user, channel = "U45", "C0PUMPING"
	conv := ConvKey(slacktest.Team, user)
	dm := slacktest.DM(user)
	h := newHarness(t)

	// From a channel: an answer only she sees, and the dialog starts in her DM.
	w := h.post(CommandsPath, commandBody(user, channel, "", 1))
	var got slack.Msg
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("answer to /letdown %q is not JSON: %v", w.Body.String(), err)
	}
	if got.ResponseType != slack.ResponseTypeEphemeral || got.Text != DMNotice {
		t.Errorf("answer to /letdown in a channel = %+v, want ephemeral %q", got, DMNotice)
	}
	h.drain(conv)
	if sent := h.api.Messages(channel); len(sent) != 0 {
		t.Errorf("channel received %q, want nothing posted there", bodies(sent))
	}
	sent := h.api.Messages(dm)
	if len(sent) < 2 || sent[0].Body() != h.msg("welcome") || sent[1].Body() != h.msg("screen") {
		t.Fatalf("DM after /letdown = %q, want welcome and the safety check", bodies(sent))
	}
	// She carries on in the DM.
	h.press(user, "None of these")
	if got := last(h.api.Messages(dm)).Body(); got == h.msg("screen") {
		t.Errorf("after pressing None of these the DM still shows the safety check")
	}
	before := len(h.api.Messages(dm))
	// A bare /letdown again resumes where she is; it does not start over.
	h.post(CommandsPath, commandBody(user, channel, "", 2))
	h.drain(conv)
	for _, m := range h.api.Messages(dm)[before:] {
		if m.Body() == h.msg("welcome") {
			t.Errorf("a second bare /letdown started over, want it to resume")
		}
	}
	// A subcommand runs as the dialog's command, in the DM.
	before = len(h.api.Messages(dm))
	h.post(CommandsPath, commandBody(user, channel, "Forget", 3))
	h.drain(conv)
	if got := h.api.Messages(dm)[before:]; len(got) != 1 || got[0].Body() != h.msg("forget_confirm") {
		t.Errorf("/letdown forget sent %q, want the forget confirmation", bodies(got))
	}
	// From the DM itself: no ephemeral answer needed.
	w = h.post(CommandsPath, commandBody(user, dm, "help", 4))
	if w.Body.Len() != 0 {
		t.Errorf("answer to /letdown help in the DM = %q, want empty", w.Body.String())
	}
	// The same command delivered twice (one trigger_id) runs once.
	v := h.version(conv)
	h.post(CommandsPath, commandBody(user, dm, "help", 4))
	if got := h.version(conv); got != v {
		t.Errorf("the same trigger_id twice: version %d → %d, want unchanged", v, got)
	}
}

func TestHTTPIgnored(t *testing.T) {
	const user = "U47"
	conv := ConvKey(slacktest.Team, user)
	dm := slacktest.DM(user)
	msg := func(extra map[string]any) []byte {
		inner := map[string]any{"type": "message", "channel": dm, "channel_type": "im", "user": user, "text": "hello", "ts": ts(1), "event_ts": ts(1)}
		for k, v := range extra {
			if v == nil {
				delete(inner, k)
			} else {
				inner[k] = v
			}
		}
		return eventBody(fmt.Sprintf("Ev%v", extra), inner)
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"bot_id set", msg(map[string]any{"bot_id": "B999"})},
		{"bot_message", msg(map[string]any{"subtype": "bot_message", "user": nil, "bot_id": "B999"})},
		{"our own user", msg(map[string]any{"user": slacktest.BotUserID})},
		{"our own post echoed", msg(map[string]any{"user": slacktest.BotUserID, "bot_id": slacktest.BotID})},
		{"edit", msg(map[string]any{"subtype": "message_changed", "user": nil, "message": map[string]any{"type": "message", "user": user, "text": "hello!", "ts": ts(1)}, "previous_message": map[string]any{"type": "message", "user": user, "text": "hello", "ts": ts(1)}})},
		{"deletion", msg(map[string]any{"subtype": "message_deleted", "user": nil, "deleted_ts": ts(1)})},
		{"channel message", msg(map[string]any{"channel": "C0PUMPING", "channel_type": "channel"})},
		{"joined", msg(map[string]any{"subtype": "channel_join"})},
		{"empty text", msg(map[string]any{"text": "  "})},
		{"unknown event", eventBody("EvX", map[string]any{"type": "reaction_added", "user": user})},
		{"mention by a bot", eventBody("EvY", map[string]any{"type": "app_mention", "channel": "C1", "user": "U9", "bot_id": "B9", "text": "hi", "ts": ts(2)})},
	}
	for _, tt := range tests {
		h := newHarness(t)
		h.post(EventsPath, tt.body)
		if v := h.version(conv); v != 0 {
			t.Errorf("%s: stored version = %d, want 0 (ignored)", tt.name, v)
		}
		if calls := h.api.Calls(""); len(calls) != 0 {
			t.Errorf("%s: Web API calls %v, want none", tt.name, calls)
		}
	}
}

func TestHTTPFileAndLongText(t *testing.T) {
	const user = "U48"
	h := newHarness(t)
	h.say(user, "hello")
	n := h.next()
	h.post(EventsPath, eventBody("EvFile", map[string]any{
		"type": "message", "subtype": "file_share", "channel": slacktest.DM(user), "channel_type": "im",
		"user": user, "text": "", "ts": ts(n), "files": []map[string]any{{"id": "F1", "name": "photo.jpg"}},
	}))
	h.drain(ConvKey(slacktest.Team, user))
	if got, want := last(h.api.Messages(slacktest.DM(user))).Body(), h.msg("non_text"); got != want {
		t.Errorf("after a file upload: replied %q, want %q", got, want)
	}
	before := len(h.api.Messages(slacktest.DM(user)))
	h.say(user, strings.Repeat("my milk won't come 😢 &amp; ", 500))
	if got := len(h.api.Messages(slacktest.DM(user))); got == before {
		t.Errorf("after a 10 kB message: nothing sent, want a reply")
	}
	if strings.Contains(h.logs.String(), "milk won't come") {
		t.Errorf("logs contain message text:\n%s", h.logs.String())
	}
}

func TestHTTPStaleAndForgedButtons(t *testing.T) {
	const user = "U49"
	dm := slacktest.DM(user)
	h := newHarness(t)
	h.say(user, "hi")
	screen := h.press(user, "None of these")
	none, _ := screen.Button("None of these")
	tests := []struct {
		name  string
		value string
	}{
		{"stale", none.Value},
		{"forged", "1:w:next:no-such-step"},
		{"garbage", "\x00☃ not a button"},
		{"long", strings.Repeat("x", 3000)},
	}
	for _, tt := range tests {
		before := len(h.api.Messages(dm))
		b := none
		b.ButtonBlockElement = &slack.ButtonBlockElement{ActionID: "b0", Value: tt.value, Text: none.Text}
		h.post(InteractivityPath, pressBody(user, screen, b, h.next()))
		h.drain(ConvKey(slacktest.Team, user))
		sent := h.api.Messages(dm)
		if len(sent) == before {
			t.Errorf("%s button: nothing sent, want a kind reply", tt.name)
		} else if got, want := sent[before].Body(), h.msg("expired"); got != want {
			t.Errorf("%s button: replied %q, want %q", tt.name, got, want)
		}
	}
}

// TestHTTPThroughDispatcher runs the real path of a reply: the handler
// commits the turn and notifies, the Dispatcher sends through the Sender.
func TestHTTPThroughDispatcher(t *testing.T) {
	const user = "U50"
	h := newHarness(t)
	d := bot.NewDispatcher(h.store.Store.(interface {
		bot.Store
		bot.Outbox
	}), h.sender,
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return time.Millisecond, 10 }),
		bot.WithDispatchLogger(h.log))
	handler, err := NewHandler(h.engine, h.client, testSecret, WithNotify(d.Notify), WithLogger(h.log))
	if err != nil {
		t.Fatal(err)
	}
	h.handler = handler
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, time.Second) }()
	defer func() {
		cancel()
		<-done
	}()

	h.post(EventsPath, dmEvent("EvD1", user, "start", 1))
	h.api.WaitCalls(t, "chat.postMessage", 2)
	screen := last(h.api.Messages(slacktest.DM(user)))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("after start the last message is %q, want the safety check", screen.Body())
	}
	h.post(InteractivityPath, pressBody(user, screen, none, 2))
	h.api.WaitCalls(t, "chat.postMessage", 4)
	got := bodies(h.api.Messages(slacktest.DM(user)))
	if len(got) != 4 || got[0] != h.msg("welcome") || got[1] != h.msg("screen") || got[2] != h.msg("screen_clear") {
		t.Errorf("DM received %q, want welcome, safety check, thanks, first question", got)
	}
}

// TestRemindTakesHerTimeZoneFromSlack: /letdown remind sets reminders up
// in the zone users.info gives, without asking for her city.
func TestRemindTakesHerTimeZoneFromSlack(t *testing.T) {
	h := newHarness(t)
	const user = "U0TZ"
	h.api.SetTZ(user, "America/Chicago")
	h.say(user, "hello")
	h.post(CommandsPath, commandBody(user, slacktest.DM(user), "remind", h.next()))
	h.drain(ConvKey(slacktest.Team, user))
	h.press(user, "8 a day (every 3 hours)")
	if m := last(h.api.Messages(slacktest.DM(user))); !hasButton(m, "Yes, nights too") {
		t.Fatalf("after choosing 8 a day the bot said %q, want the question about nights (her zone came from Slack)", m.Body())
	}
	h.press(user, "Yes, nights too")
	if calls := h.api.Calls("users.info"); len(calls) != 1 {
		t.Errorf("users.info called %d times, want 1", len(calls))
	}
}

// TestSpanishFromHerSlackLocale: a person whose Slack is in Spanish is
// answered in Spanish from her first message; her locale comes with her
// time zone, so /letdown remind asks users.info no more.
func TestSpanishFromHerSlackLocale(t *testing.T) {
	h := newHarness(t)
	const user = "U0ES"
	h.api.SetLocale(user, "es-ES")
	h.say(user, "hola")
	if m := last(h.api.Messages(slacktest.DM(user))); !hasButton(m, "Ninguna de estas") {
		t.Fatalf("a person with locale es-ES got %q, want the Spanish safety check", m.Body())
	}
	h.post(CommandsPath, commandBody(user, slacktest.DM(user), "remind", h.next()))
	h.drain(ConvKey(slacktest.Team, user))
	if calls := h.api.Calls("users.info"); len(calls) != 1 {
		t.Errorf("users.info called %d times, want 1", len(calls))
	}
}

func hasButton(m slacktest.Message, label string) bool {
	_, ok := m.Button(label)
	return ok
}

// withTrigger returns an interactivity body with its trigger_id replaced:
// the same press as Slack might deliver it again.
func withTrigger(t *testing.T, body []byte, trigger string) []byte {
	t.Helper()
	cb, err := ParseInteraction(body)
	if err != nil {
		t.Fatalf("ParseInteraction: %v", err)
	}
	var p map[string]any
	form, _ := url.ParseQuery(string(body))
	if err := json.Unmarshal([]byte(form.Get("payload")), &p); err != nil {
		t.Fatalf("payload: %v", err)
	}
	if cb.TriggerID == "" || cb.TriggerID == trigger {
		t.Fatalf("withTrigger(%q): the press has trigger_id %q", trigger, cb.TriggerID)
	}
	p["trigger_id"] = trigger
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// TestHTTPSameMessageNewEventID: Slack's retries and some clients deliver
// one message again under a new event_id, and a press again with a new
// trigger_id. What is answered once is the message, or the press, not the
// envelope it came in (I2).
func TestHTTPSameMessageNewEventID(t *testing.T) {
	const user = "U51"
	conv := ConvKey(slacktest.Team, user)
	dm := slacktest.DM(user)
	h := newHarness(t)

	h.post(EventsPath, dmEvent("EvFirst", user, "hello", 1))
	h.drain(conv)
	v, sent := h.version(conv), len(h.api.Messages(dm))
	if sent == 0 {
		t.Fatalf("her first message got no reply")
	}
	h.post(EventsPath, dmEvent("EvSecond", user, "hello", 1)) // same channel and ts
	h.drain(conv)
	if got := h.version(conv); got != v {
		t.Errorf("the same message under a new event_id: version %d → %d, want unchanged", v, got)
	}
	if got := len(h.api.Messages(dm)); got != sent {
		t.Errorf("the same message under a new event_id: %d messages → %d, want it answered once", sent, got)
	}

	// Her client sends the message again after a network hiccup: Slack
	// posts it under a new ts, with the client_msg_id her client chose.
	h.post(EventsPath, eventBody("EvResend1", map[string]any{
		"type": "message", "channel": dm, "channel_type": "im", "client_msg_id": "c1f4b0e2",
		"user": user, "text": "hi there", "ts": ts(5), "event_ts": ts(5),
	}))
	h.drain(conv)
	v, sent = h.version(conv), len(h.api.Messages(dm))
	h.post(EventsPath, eventBody("EvResend2", map[string]any{
		"type": "message", "channel": dm, "channel_type": "im", "client_msg_id": "c1f4b0e2",
		"user": user, "text": "hi there", "ts": ts(6), "event_ts": ts(6),
	}))
	h.drain(conv)
	if got := h.version(conv); got != v {
		t.Errorf("the same client_msg_id under a new ts: version %d → %d, want unchanged", v, got)
	}
	if got := len(h.api.Messages(dm)); got != sent {
		t.Errorf("the same client_msg_id under a new ts: %d messages → %d, want it answered once", sent, got)
	}

	// The same press, delivered twice with different trigger_ids.
	screen := last(h.api.Messages(dm))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("last message %q has no None of these button", screen.Body())
	}
	press := pressBody(user, screen, none, 2)
	h.post(InteractivityPath, press)
	h.drain(conv)
	v, sent = h.version(conv), len(h.api.Messages(dm))
	h.post(InteractivityPath, withTrigger(t, press, "trig.again"))
	h.drain(conv)
	if got := h.version(conv); got != v {
		t.Errorf("the same press under a new trigger_id: version %d → %d, want unchanged", v, got)
	}
	if got := len(h.api.Messages(dm)); got != sent {
		t.Errorf("the same press under a new trigger_id: %d messages → %d, want it answered once", sent, got)
	}

	// A new message, with the first message's event_id even, is new.
	h.post(EventsPath, dmEvent("EvFirst", user, "help", 3))
	if got := h.version(conv); got != v+1 {
		t.Errorf("a new message: version %d → %d, want %d", v, got, v+1)
	}
}

// TestHTTPSlashCommandWarningSign: "/letdown I have a fever" is what she
// typed, not a command called "i": it gets the warning sign's referral in
// her DM, never "I don't know that command".
func TestHTTPSlashCommandWarningSign(t *testing.T) {
	var fever *content.RedFlag
	h := newHarness(t)
	for i := range h.cat.RedFlags {
		if h.cat.RedFlags[i].ID == "mastitis" {
			fever = &h.cat.RedFlags[i]
		}
	}
	if fever == nil {
		t.Fatalf("catalog has no red flag %q", "mastitis")
	}
	for _, tt := range []struct{ name, user, channel string }{
		{"from a channel", "U53", "C0PUMPING"},
		{"from her DM", "U54", slacktest.DM("U54")},
	} {
		conv := ConvKey(slacktest.Team, tt.user)
		h.post(CommandsPath, commandBody(tt.user, tt.channel, "I have a fever", h.next()))
		h.drain(conv)
		sent := h.api.Messages(slacktest.DM(tt.user))
		if len(sent) == 0 {
			t.Errorf("%s: /letdown I have a fever sent nothing to her DM, want the referral", tt.name)
			continue
		}
		reply := h.cat.FillNumbers(strings.TrimSpace(fever.Reply), "")
		if got := sent[0].Body(); !strings.HasPrefix(got, reply) || !strings.Contains(got, h.msg("referral_next")) {
			t.Errorf("%s: /letdown I have a fever sent %q first, want the %s referral %q", tt.name, got, fever.ID, reply)
		}
		for _, m := range sent {
			if m.Body() == slashCommands(h.msg("unknown_command")) {
				t.Errorf("%s: /letdown I have a fever was answered %q", tt.name, m.Body())
			}
		}
		if got := h.api.Messages(tt.channel); tt.channel != slacktest.DM(tt.user) && len(got) != 0 {
			t.Errorf("%s: channel received %q, want nothing posted there", tt.name, bodies(got))
		}
	}
	if strings.Contains(h.logs.String(), "fever") {
		t.Errorf("logs contain her words:\n%s", h.logs.String())
	}
}
