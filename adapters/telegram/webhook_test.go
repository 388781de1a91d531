package telegram

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

func TestWebhookRefuses(t *testing.T) {
	const user = 42
	conv := ConvKey(user, user)
	start, err := json.Marshal(tgtest.TextUpdate(7, user, "/start"))
	if err != nil {
		t.Fatal(err)
	}
	huge := append(append([]byte(`{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false},"text":"`),
		bytes.Repeat([]byte("a"), 5<<20)...), `"}}`...)
	tests := []struct {
		name   string
		method string
		body   []byte
		secret string
		want   int
	}{
		{"GET", http.MethodGet, nil, testSecret, http.StatusMethodNotAllowed},
		{"no secret", http.MethodPost, start, "", http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, start, testSecret + "x", http.StatusUnauthorized},
		{"secret prefix", http.MethodPost, start, testSecret[:5], http.StatusUnauthorized},
		{"5 MB body", http.MethodPost, huge, testSecret, http.StatusRequestEntityTooLarge},
		{"malformed JSON", http.MethodPost, []byte(`{"update_id":7,"message":`), testSecret, http.StatusBadRequest},
		{"not an object", http.MethodPost, []byte(`[1,2,3]`), testSecret, http.StatusBadRequest},
		{"no update_id", http.MethodPost, []byte(`{"message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42},"text":"/start"}}`), testSecret, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if got := h.request(tt.method, tt.body, tt.secret); got != tt.want {
				t.Fatalf("ServeHTTP(%s) = %d, want %d", tt.name, got, tt.want)
			}
			if v := h.version(conv); v != 0 {
				t.Errorf("after ServeHTTP(%s): stored version = %d, want 0 (nothing committed)", tt.name, v)
			}
			if calls := h.api.Calls(""); len(calls) != 0 {
				t.Errorf("after ServeHTTP(%s): %d Bot API calls, want none", tt.name, len(calls))
			}
			if n := h.notifications(); len(n) != 0 {
				t.Errorf("after ServeHTTP(%s): notified %v, want nothing", tt.name, n)
			}
			// The same update, authenticated and whole, goes through.
			if got := h.request(http.MethodPost, start, testSecret); got != http.StatusOK {
				t.Fatalf("ServeHTTP(/start) = %d, want %d", got, http.StatusOK)
			}
			if v := h.version(conv); v != 1 {
				t.Errorf("after ServeHTTP(/start): stored version = %d, want 1", v)
			}
		})
	}
}

func TestNewWebhookChecksSecret(t *testing.T) {
	h := newHarness(t)
	for _, secret := range []string{"", "has space", "ünïcode", strings.Repeat("a", 257)} {
		if _, err := NewWebhook(h.engine, h.client, secret); err == nil {
			t.Errorf("NewWebhook(secret %q) = nil error, want one", secret)
		}
	}
}

func TestWebhookDuplicate(t *testing.T) {
	const user = 43
	conv := ConvKey(user, user)
	h := newHarness(t)
	u := tgtest.TextUpdate(h.id(), user, "/start")
	h.post(u)
	h.drain(conv)
	first := h.api.Sent(user)
	if len(first) == 0 {
		t.Fatalf("/start sent nothing")
	}
	h.post(u) // Telegram delivers it again
	h.drain(conv)
	if v := h.version(conv); v != 1 {
		t.Errorf("after the same update twice: stored version = %d, want 1", v)
	}
	if got := h.api.Sent(user); len(got) != len(first) {
		t.Errorf("after the same update twice: %d messages sent, want %d", len(got), len(first))
	}
	// Both deliveries notify: the first had replies, the second may find
	// some an earlier crashed attempt committed.
	if n := h.notifications(); len(n) != 2 || n[0] != conv || n[1] != conv {
		t.Errorf("notified %v, want [%s %s]", n, conv, conv)
	}
}

func TestWebhookStoreFailure(t *testing.T) {
	const user = 44
	conv := ConvKey(user, user)
	h := newHarness(t)
	body, err := json.Marshal(tgtest.TextUpdate(h.id(), user, "/start"))
	if err != nil {
		t.Fatal(err)
	}
	h.store.failNext(1)
	if got := h.request(http.MethodPost, body, testSecret); got != http.StatusServiceUnavailable {
		t.Fatalf("ServeHTTP(/start, store down) = %d, want %d", got, http.StatusServiceUnavailable)
	}
	if v := h.version(conv); v != 0 {
		t.Errorf("after a failed commit: stored version = %d, want 0", v)
	}
	if n := h.notifications(); len(n) != 0 {
		t.Errorf("after a failed commit: notified %v, want nothing", n)
	}
	// Telegram retries.
	if got := h.request(http.MethodPost, body, testSecret); got != http.StatusOK {
		t.Fatalf("ServeHTTP(/start, retried) = %d, want %d", got, http.StatusOK)
	}
	h.drain(conv)
	if got := h.request(http.MethodPost, body, testSecret); got != http.StatusOK {
		t.Fatalf("ServeHTTP(/start, again) = %d, want %d", got, http.StatusOK)
	}
	h.drain(conv)
	sent := texts(h.api.Sent(user))
	want := []string{h.msg("welcome"), h.msg("screen")}
	if fmt.Sprint(sent) != fmt.Sprint(want) {
		t.Errorf("sent %q, want exactly one welcome and one safety check %q", sent, want)
	}
}

// stepRE matches a guidance step's counter: "Get comfy first (1/28)".
var stepRE = regexp.MustCompile(`\((\d+)/(\d+)\)`)

// TestWebhookSeed003 runs the seed 003 mother's whole conversation through
// the webhook: pumping both sides at once, slow flow, less milk, takes
// longer, already tried warm compresses and skin-to-skin; then Next to
// the end of the walk. Every button press is a callback query built from
// the keyboards the fake API received.
func TestWebhookSeed003(t *testing.T) {
	const user = 3003
	h := newHarness(t)
	h.say(user, "/start")
	var pressed []tgtest.Message
	for _, label := range []string{"None of these", "Pump", "Both at once", "No, not really", "No, less", "No, it takes longer", "Both"} {
		pressed = append(pressed, h.press(user, label))
	}
	for range 100 {
		if _, ok := last(h.api.Sent(user)).Button("Start again"); ok {
			break
		}
		pressed = append(pressed, h.press(user, "Next"))
	}
	sent := h.api.Sent(user)
	if got, want := last(sent).Text, h.msg("walk_end"); got != want {
		t.Fatalf("last message = %q, want the end of the walk %q", got, want)
	}

	// The walk showed every step once, in order, and skipped what she had
	// already tried.
	var steps []int
	total := 0
	for _, m := range sent {
		if sm := stepRE.FindStringSubmatch(m.Text); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			total, _ = strconv.Atoi(sm[2])
			steps = append(steps, n)
		}
		for _, s := range h.cat.Steps {
			if s.Tried != "" && strings.HasPrefix(m.Text, s.Title+" (") {
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

	// Every message with buttons has one button per row, each a callback.
	for _, c := range h.api.Calls("sendMessage") {
		for _, row := range c.Keyboard() {
			if len(row) != 1 || row[0].CallbackData == "" {
				t.Fatalf("sendMessage keyboard row %+v, want one callback button", row)
			}
		}
	}
	// Every press was answered on its webhook response, none over HTTP,
	// and its message lost its keyboard.
	if answers := h.answered(); len(answers) != len(pressed) {
		t.Errorf("webhook answered %d presses, want %d (one per press)", len(answers), len(pressed))
	}
	if answers := h.api.Calls("answerCallbackQuery"); len(answers) != 0 {
		t.Errorf("answerCallbackQuery called %d times over HTTP, want 0 (answered on the webhook response)", len(answers))
	}
	edited := map[int64]bool{}
	for _, c := range h.api.Calls("editMessageReplyMarkup") {
		if c.Int("chat_id") != user || len(c.Keyboard()) != 0 {
			t.Errorf("editMessageReplyMarkup(%v), want chat %d and an empty keyboard", c.Params, user)
		}
		edited[c.Int("message_id")] = true
	}
	for _, m := range pressed {
		if !edited[int64(m.ID)] {
			t.Errorf("pressed message %d kept its keyboard: no editMessageReplyMarkup", m.ID)
		}
	}
	// So only the newest message still offers buttons.
	for _, m := range sent[:len(sent)-1] {
		if len(m.Keyboard) != 0 {
			t.Errorf("message %d (%q…) still has buttons, want only the last one to", m.ID, firstLine(m.Text))
		}
	}
	// Nothing she was sent shows up in the logs (I8).
	logs := h.logs.String()
	for _, m := range sent {
		if line := firstLine(m.Text); len(line) > 12 && strings.Contains(logs, line) {
			t.Errorf("logs contain message text %q:\n%s", line, logs)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestWebhookStaleAndForgedButtons(t *testing.T) {
	const user = 45
	conv := ConvKey(user, user)
	h := newHarness(t)
	h.say(user, "/start")
	screen := last(h.api.Sent(user))
	h.press(user, "None of these")
	// The safety check's keyboard is gone from the chat, but an old client
	// could still press it: build the press from what was first sent.
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("safety check %q has no None of these button", screen.Text)
	}
	tests := []struct {
		name string
		data string
	}{
		{"stale", none.CallbackData},
		{"forged", "1:w:next:no-such-step"},
		{"garbage", "\x00☃ not a button"},
		{"long", strings.Repeat("x", 300)},
	}
	for _, tt := range tests {
		before := len(h.api.Sent(user))
		u := tgtest.PressUpdate(h.id(), user, screen, tt.data)
		answer := h.post(u)
		h.drain(conv)
		sent := h.api.Sent(user)
		if len(sent) == before {
			t.Errorf("%s button: nothing sent, want a kind reply", tt.name)
		} else if got, want := sent[before].Text, h.msg("expired"); got != want {
			t.Errorf("%s button: replied %q, want %q", tt.name, got, want)
		}
		if answer.Method != "answerCallbackQuery" || answer.Params["callback_query_id"] != u.CallbackQuery.ID {
			t.Errorf("%s button: webhook answered %q %v, want answerCallbackQuery for %s", tt.name, answer.Method, answer.Params, u.CallbackQuery.ID)
		}
	}
	if got := h.api.Calls("answerCallbackQuery"); len(got) != 0 {
		t.Errorf("answerCallbackQuery called %d times over HTTP, want 0 (answered on the webhook response)", len(got))
	}
}

func TestWebhookNonTextAndLongText(t *testing.T) {
	const user = 46
	conv := ConvKey(user, user)
	h := newHarness(t)
	h.say(user, "/start")
	sticker := tgtest.TextUpdate(h.id(), user, "")
	sticker.Message.Sticker = &models.Sticker{FileID: "x", Type: "regular", Width: 512, Height: 512}
	h.post(sticker)
	h.drain(conv)
	if got, want := last(h.api.Sent(user)).Text, h.msg("non_text"); got != want {
		t.Errorf("after a sticker: replied %q, want %q", got, want)
	}
	before := len(h.api.Sent(user))
	h.say(user, strings.Repeat("my milk won't come 😢 ", 500)) // about 10 kB
	if got := len(h.api.Sent(user)); got == before {
		t.Errorf("after a 10 kB message: nothing sent, want a reply")
	}
	if strings.Contains(h.logs.String(), "milk won't come") {
		t.Errorf("logs contain message text:\n%s", h.logs.String())
	}
}

func TestWebhookIgnored(t *testing.T) {
	const user = 47
	conv := ConvKey(user, user)
	edited := tgtest.TextUpdate(1, user, "/start")
	edited.EditedMessage, edited.Message = edited.Message, nil
	channel := tgtest.TextUpdate(2, -100123, "/start")
	channel.ChannelPost, channel.Message = channel.Message, nil
	channel.ChannelPost.Chat.Type = models.ChatTypeChannel
	fromBot := tgtest.TextUpdate(3, user, "/start")
	fromBot.Message.From.IsBot = true
	reaction := models.Update{ID: 4, MessageReaction: &models.MessageReactionUpdated{Chat: models.Chat{ID: user, Type: models.ChatTypePrivate}}}
	for _, u := range []models.Update{edited, channel, fromBot, reaction} {
		h := newHarness(t)
		h.post(u)
		if v := h.version(conv); v != 0 {
			t.Errorf("update %d: stored version = %d, want 0 (ignored)", u.ID, v)
		}
		if calls := h.api.Calls(""); len(calls) != 0 {
			t.Errorf("update %d: Bot API calls %v, want none", u.ID, calls)
		}
	}
}

func TestWebhookCallbackOutsidePrivateChat(t *testing.T) {
	h := newHarness(t)
	u := tgtest.PressUpdate(h.id(), 77, tgtest.Message{ID: 5, ChatID: -300}, "1:clear")
	u.CallbackQuery.Message.Message.Chat.Type = models.ChatTypeSupergroup
	answer := h.post(u)
	if v := h.version(ConvKey(-300, 77)); v != 0 {
		t.Errorf("press in a group: stored version = %d, want 0", v)
	}
	if answer.Method != "answerCallbackQuery" || answer.Params["callback_query_id"] != u.CallbackQuery.ID {
		t.Errorf("press in a group: webhook answered %q %v, want answerCallbackQuery for %s", answer.Method, answer.Params, u.CallbackQuery.ID)
	}
	if got := h.api.Calls(""); len(got) != 0 {
		t.Errorf("press in a group: Bot API calls %v, want none (answered on the webhook response)", got)
	}
}

// TestWebhookAnswersOnResponse: a button press is answered in the body of
// the webhook's 200, not with a call of its own; a press not committed
// gets no answer until Telegram delivers it again; a duplicate is answered
// again, which does no harm.
func TestWebhookAnswersOnResponse(t *testing.T) {
	const user = 50
	conv := ConvKey(user, user)
	h := newHarness(t)
	h.say(user, "/start")
	screen := last(h.api.Sent(user))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("after /start the last message is %q, want the safety check", screen.Text)
	}
	u := tgtest.PressUpdate(h.id(), user, screen, none.CallbackData)
	body, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	h.store.failNext(1)
	tests := []struct {
		delivery string
		code     int
		answered bool
	}{
		{"store down", http.StatusServiceUnavailable, false},
		{"retried", http.StatusOK, true},
		{"duplicate", http.StatusOK, true},
	}
	for _, tt := range tests {
		got := h.respond(http.MethodPost, body, testSecret)
		if got.Code != tt.code {
			t.Fatalf("ServeHTTP(press, %s) = %d, want %d", tt.delivery, got.Code, tt.code)
		}
		switch {
		case !tt.answered && got.Method != "":
			t.Errorf("ServeHTTP(press, %s) = %d with %s(%v), want no call", tt.delivery, got.Code, got.Method, got.Params)
		case tt.answered && (got.Method != "answerCallbackQuery" || len(got.Params) != 1 || got.Params["callback_query_id"] != u.CallbackQuery.ID):
			t.Errorf("ServeHTTP(press, %s) = %d with %q %v, want answerCallbackQuery(callback_query_id: %s)", tt.delivery, got.Code, got.Method, got.Params, u.CallbackQuery.ID)
		}
	}
	h.drain(conv)
	if v := h.version(conv); v != 2 {
		t.Errorf("after /start and one press delivered three times: stored version = %d, want 2", v)
	}
	if got := h.api.Calls("answerCallbackQuery"); len(got) != 0 {
		t.Errorf("answerCallbackQuery called %d times over HTTP, want 0 (answered on the webhook response)", len(got))
	}
	// The keyboard still goes with a call of its own.
	edits := h.api.Calls("editMessageReplyMarkup")
	if len(edits) == 0 || edits[0].Int("message_id") != int64(screen.ID) || len(edits[0].Keyboard()) != 0 {
		t.Errorf("editMessageReplyMarkup calls %v, want the keyboard of message %d removed", edits, screen.ID)
	}
	if kb := h.api.Sent(user)[1].Keyboard; len(kb) != 0 {
		t.Errorf("pressed message %d kept its keyboard %v", screen.ID, kb)
	}
}

// TestWebhookThroughDispatcher runs the real path of a reply: the webhook
// commits the turn and notifies, the Dispatcher sends through the Sender.
func TestWebhookThroughDispatcher(t *testing.T) {
	const user = 49
	h := newHarness(t)
	outbox := h.store.backend.(*memstore.Store)
	d := bot.NewDispatcher(outbox, h.sender,
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return time.Millisecond, 10 }),
		bot.WithDispatchLogger(h.log))
	hook, err := NewWebhook(h.engine, h.client, testSecret, WithNotify(d.Notify), WithLogger(h.log))
	if err != nil {
		t.Fatal(err)
	}
	h.hook = hook
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, time.Second) }()
	defer func() {
		cancel()
		<-done
	}()

	h.post(tgtest.TextUpdate(h.id(), user, "/start"))
	h.api.WaitCalls(t, "sendMessage", 2)
	screen := last(h.api.Sent(user))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("after /start the last message is %q, want the safety check", screen.Text)
	}
	h.post(tgtest.PressUpdate(h.id(), user, screen, none.CallbackData))
	h.api.WaitCalls(t, "sendMessage", 4)
	got := texts(h.api.Sent(user))
	if len(got) != 4 || got[0] != h.msg("welcome") || got[1] != h.msg("screen") || got[2] != h.msg("screen_clear") {
		t.Errorf("chat received %q, want welcome, safety check, thanks, first question", got)
	}
}

// TestWebhookRefusedBodyNotRead checks that a request without the secret
// is answered and its connection closed at once, however slowly its body
// comes: net/http would otherwise read the rest of the body first, at the
// sender's pace, and the connection would stay busy for that long.
func TestWebhookRefusedBodyNotRead(t *testing.T) {
	h := newHarness(t)
	srv := httptest.NewServer(h.hook)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers for a 200 kB body, and only its first bytes.
	fmt.Fprintf(conn, "POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n{\"update_id\":")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to a request without the secret: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
		t.Errorf("answer = %d, close %v; want 401 and the connection closed", resp.StatusCode, resp.Close)
	}
}
