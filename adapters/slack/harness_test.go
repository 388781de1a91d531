package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// flakyStore is a memstore whose next commits can be made to fail, as a
// Redis outage would, and whose listing of conversations can be held up,
// as a big workspace's would take long.
type flakyStore struct {
	bot.Store
	mu       sync.Mutex
	failures int
	skip     int           // commits to let through before the failures
	hold     chan struct{} // Conversations waits until it is closed
	listed   int           // Conversations calls
}

var _ bot.Lister = (*flakyStore)(nil)

// holdLists makes Conversations wait until the returned func is called.
func (s *flakyStore) holdLists() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hold := make(chan struct{})
	s.hold = hold
	return sync.OnceFunc(func() { close(hold) })
}

func (s *flakyStore) Conversations(ctx context.Context, prefix bot.Conv) ([]bot.Conv, error) {
	s.mu.Lock()
	s.listed++
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.Store.(bot.Lister).Conversations(ctx, prefix)
}

func (s *flakyStore) lists() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listed
}

func (s *flakyStore) failNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = n
}

// failNextAfter lets the next skip commits through, then fails n.
func (s *flakyStore) failNextAfter(skip, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skip, s.failures = skip, n
}

func (s *flakyStore) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	s.mu.Lock()
	fail := s.failures > 0 && s.skip == 0
	if s.skip > 0 {
		s.skip--
	} else if fail {
		s.failures--
	}
	s.mu.Unlock()
	if fail {
		return nil, errors.New("store unavailable")
	}
	return s.Store.Commit(ctx, c)
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// harness is the whole Slack side of the bot against a fake Web API: the
// real slack-go client, the real Engine and dialog on a memstore, the
// HTTP Handler and the Sender.
type harness struct {
	t       testing.TB
	api     *slacktest.Server
	client  *slack.Client
	cat     *content.Catalog
	store   *flakyStore
	engine  *bot.Engine
	sender  *Sender
	handler *Handler
	tally   *memstore.Tally
	logs    *syncBuffer
	log     *slog.Logger

	mu       sync.Mutex
	notified []bot.Conv
	seq      int
}

func newHarness(t testing.TB, opts ...Option) *harness {
	t.Helper()
	cats, err := content.All()
	if err != nil {
		t.Fatalf("content.All() error: %v", err)
	}
	cat := cats[content.DefaultLang]
	h := &harness{t: t, api: slacktest.New(t), cat: cat, store: &flakyStore{Store: memstore.New()}, logs: &syncBuffer{}}
	h.log = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.client = h.api.Client()
	h.tally = memstore.NewTally()
	h.engine = bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang), h.store, bot.WithTally(h.tally, TallyScope, h.log))
	h.sender = NewSender(h.client, WithLogger(h.log))
	opts = append([]Option{WithLogger(h.log), WithTally(h.tally), WithBotUserID(slacktest.BotUserID), WithNotify(func(c bot.Conv) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.notified = append(h.notified, c)
	})}, opts...)
	h.handler, err = NewHandler(h.engine, h.client, testSecret, opts...)
	if err != nil {
		t.Fatalf("NewHandler() error: %v", err)
	}
	return h
}

// next returns a fresh number for event ids, timestamps and trigger ids.
func (h *harness) next() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	return h.seq
}

// sign returns the headers Slack sends: a timestamp and the signature of
// body made with secret at that time.
func sign(secret string, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	hdr := http.Header{}
	hdr.Set("X-Slack-Request-Timestamp", ts)
	hdr.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return hdr
}

// serve sends a request to the handler with the given headers and returns
// the response, once the handler's background calls are done.
func (h *harness) serve(path string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	h.t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	if path == EventsPath {
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.handler.ServeHTTP(w, r)
	h.handler.Wait()
	return w
}

// post sends a signed request and wants 200.
func (h *harness) post(path string, body []byte) *httptest.ResponseRecorder {
	h.t.Helper()
	w := h.serve(path, body, sign(testSecret, time.Now(), body))
	if w.Code != http.StatusOK {
		h.t.Fatalf("ServeHTTP(%s) = %d, want %d", path, w.Code, http.StatusOK)
	}
	return w
}

// ts makes a Slack timestamp.
func ts(n int) string { return fmt.Sprintf("%d.%06d", 1700000000+n, n%1000000) }

// eventBody is an Events API event_callback around inner.
func eventBody(eventID string, inner map[string]any) []byte {
	return teamEventBody(slacktest.Team, eventID, inner)
}

// teamEventBody is eventBody from another workspace.
func teamEventBody(team, eventID string, inner map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"token": "legacy", "team_id": team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": inner,
	})
	if err != nil {
		panic(err)
	}
	return b
}

// dmEvent is a message.im event from user.
func dmEvent(eventID, user, text string, n int) []byte {
	return eventBody(eventID, map[string]any{
		"type": "message", "channel": slacktest.DM(user), "channel_type": "im",
		"user": user, "text": text, "ts": ts(n), "event_ts": ts(n),
	})
}

// form is a form body with one field.
func form(kv ...string) []byte {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return []byte(v.Encode())
}

// pressBody is the interactivity request for pressing b under m, as user.
func pressBody(user string, m slacktest.Message, b slacktest.Button, n int) []byte {
	blocks := m.RawBlocks
	if blocks == nil {
		blocks = json.RawMessage("[]")
	}
	label := ""
	if b.Text != nil {
		label = b.Text.Text
	}
	message := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "blocks": blocks, "bot_id": slacktest.BotID, "user": slacktest.BotUserID}
	if m.ThreadTS != "" {
		message["thread_ts"] = m.ThreadTS
	}
	p, err := json.Marshal(map[string]any{
		"type":       "block_actions",
		"team":       map[string]any{"id": slacktest.Team, "domain": "example"},
		"user":       map[string]any{"id": user, "team_id": slacktest.Team, "username": "mum"},
		"api_app_id": "A0APP",
		"trigger_id": fmt.Sprintf("trig.%d", n),
		"container":  map[string]any{"type": "message", "message_ts": m.TS, "channel_id": m.Channel, "is_ephemeral": false},
		"channel":    map[string]any{"id": m.Channel, "name": "directmessage"},
		"message":    message,
		"actions": []map[string]any{{
			"action_id": b.ActionID, "block_id": b.BlockID, "type": "button", "value": b.Value,
			"text": map[string]any{"type": "plain_text", "text": label}, "action_ts": ts(n),
		}},
	})
	if err != nil {
		panic(err)
	}
	return form("payload", string(p))
}

// commandBody is a /letdown request.
func commandBody(user, channel, text string, n int) []byte {
	return form("token", "legacy", "team_id", slacktest.Team, "team_domain", "example", "channel_id", channel,
		"channel_name", "pumping", "user_id", user, "user_name", "mum", "command", "/letdown", "text", text,
		"response_url", "https://hooks.slack.invalid/commands/1", "trigger_id", fmt.Sprintf("cmdtrig.%d", n), "api_app_id", "A0APP")
}

// drain does what the dispatcher will: sends conv's outbox, in order,
// through the Sender, acknowledging each reply once sent.
func (h *harness) drain(conv bot.Conv) {
	h.t.Helper()
	ctx := context.Background()
	for {
		out, err := h.store.Pending(ctx, conv, 10)
		if err != nil {
			h.t.Fatalf("Pending(%s): %v", conv, err)
		}
		if len(out) == 0 {
			return
		}
		for _, o := range out {
			if err := h.sender.Send(ctx, conv, o.Reply); err != nil {
				h.t.Fatalf("Send(%s, reply %d): %v", conv, o.Seq, err)
			}
			if err := h.store.Ack(ctx, conv, o.Seq); err != nil {
				h.t.Fatalf("Ack(%s, %d): %v", conv, o.Seq, err)
			}
		}
	}
}

// say delivers a DM from user and sends the replies.
func (h *harness) say(user, text string) {
	h.t.Helper()
	n := h.next()
	h.post(EventsPath, dmEvent(fmt.Sprintf("Ev%d", n), user, text, n))
	h.drain(ConvKey(slacktest.Team, user))
}

// press finds the newest message in user's DM with a button labelled
// label, presses it, and sends the replies. It returns the pressed message.
func (h *harness) press(user, label string) slacktest.Message {
	h.t.Helper()
	sent := h.api.Messages(slacktest.DM(user))
	for i := len(sent) - 1; i >= 0; i-- {
		if b, ok := sent[i].Button(label); ok {
			h.post(InteractivityPath, pressBody(user, sent[i], b, h.next()))
			h.drain(ConvKey(slacktest.Team, user))
			return sent[i]
		}
	}
	h.t.Fatalf("no message in %s's DM has a button %q; last message: %q", user, label, last(sent).Body())
	return slacktest.Message{}
}

func (h *harness) version(conv bot.Conv) int64 {
	h.t.Helper()
	snap, err := h.store.Load(context.Background(), conv)
	if err != nil {
		h.t.Fatalf("Load(%s): %v", conv, err)
	}
	return snap.Version
}

func (h *harness) notifications() []bot.Conv {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Conv(nil), h.notified...)
}

// msg returns the catalog's fixed text id, trimmed as a sent message is,
// with the numbers to call where her zone is not known.
func (h *harness) msg(id string) string {
	h.t.Helper()
	s, ok := h.cat.Messages[id]
	if !ok {
		h.t.Fatalf("catalog has no message %q", id)
	}
	return h.cat.FillNumbers(strings.TrimSpace(s), "")
}

func last(ms []slacktest.Message) slacktest.Message {
	if len(ms) == 0 {
		return slacktest.Message{}
	}
	return ms[len(ms)-1]
}

func bodies(ms []slacktest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Body()
	}
	return out
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func httptestRequest(method, path string, body []byte) *http.Request {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range sign(testSecret, time.Now(), body) {
		r.Header[k] = v
	}
	return r
}

func recorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
