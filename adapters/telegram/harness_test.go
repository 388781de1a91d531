package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const testSecret = "s3cret_token-for-tests"

// backend is what a harness's store is: a memstore, or a redisstore.
type backend interface {
	bot.Store
	bot.Outbox
	bot.Reminders
}

// flakyStore is a store whose next writes (commits and blocks) can be made
// to fail, as a Redis outage would.
type flakyStore struct {
	backend
	mu       sync.Mutex
	failures int
	failConv map[bot.Conv]int
	// gate, when set, holds every commit until it is closed; entered gets
	// a value as each commit arrives at the gate.
	gate    chan struct{}
	entered chan bot.Conv
}

// failNext makes the next n writes fail.
func (s *flakyStore) failNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = n
}

// failFor makes the next n writes to conv fail.
func (s *flakyStore) failFor(conv bot.Conv, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failConv == nil {
		s.failConv = make(map[bot.Conv]int)
	}
	s.failConv[conv] = n
}

// failing takes one of the failures planned for a write to conv, and
// reports whether there was one.
func (s *flakyStore) failing(conv bot.Conv) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := s.failures > 0 || s.failConv[conv] > 0
	if s.failures > 0 {
		s.failures--
	} else if s.failConv[conv] > 0 {
		s.failConv[conv]--
	}
	return fail
}

func (s *flakyStore) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	if s.failing(c.Conv) {
		return nil, errors.New("store unavailable")
	}
	s.mu.Lock()
	gate, entered := s.gate, s.entered
	s.mu.Unlock()
	if gate != nil {
		entered <- c.Conv
		<-gate
	}
	return s.backend.Commit(ctx, c)
}

func (s *flakyStore) Block(ctx context.Context, conv bot.Conv) error {
	if s.failing(conv) {
		return errors.New("store unavailable")
	}
	return s.backend.Block(ctx, conv)
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

// harness is the whole Telegram side of the bot against a fake Bot API:
// the real client, the real Engine and dialog on a memstore (or the store
// given to newHarnessOn), the Webhook and the Sender.
type harness struct {
	t      testing.TB
	api    *tgtest.Server
	client *tgbot.Bot
	cat    *content.Catalog
	store  *flakyStore
	engine *bot.Engine
	sender *Sender
	hook   *Webhook
	logs   *syncBuffer
	log    *slog.Logger

	mu       sync.Mutex
	notified []bot.Conv
	answers  []string // callback query ids answered on the webhook's responses
	nextID   int64
}

func newHarness(t testing.TB, opts ...Option) *harness {
	t.Helper()
	return newHarnessOn(t, memstore.New(), opts...)
}

// newHarnessOn is newHarness with the Engine on store.
func newHarnessOn(t testing.TB, store backend, opts ...Option) *harness {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatalf("content.Default() error: %v", err)
	}
	h := &harness{t: t, api: tgtest.New(t), cat: cat, store: &flakyStore{backend: store}, logs: &syncBuffer{}, nextID: 1000}
	h.log = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.client, err = NewClient(tgtest.Token, h.api.URL, h.api.HTTPClient())
	if err != nil {
		t.Fatalf("NewClient() error: %v", err)
	}
	h.engine = bot.NewEngine(dialog.New(cat), h.store)
	h.sender = NewSender(h.client, WithLogger(h.log))
	opts = append([]Option{WithLogger(h.log), WithNotify(func(c bot.Conv) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.notified = append(h.notified, c)
	})}, opts...)
	h.hook, err = NewWebhook(h.engine, h.client, testSecret, opts...)
	if err != nil {
		t.Fatalf("NewWebhook() error: %v", err)
	}
	return h
}

// id returns a fresh update id, higher than every earlier one.
func (h *harness) id() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	return h.nextID
}

// request sends body to the webhook as Telegram would and returns the
// status, once the webhook's background calls are done.
func (h *harness) request(method string, body []byte, secret string) int {
	h.t.Helper()
	return h.respond(method, body, secret).Code
}

// respond sends body to the webhook as Telegram would and returns the
// status (Code) and the Bot API call riding on the response, once the
// webhook's background calls are done. It keeps the button presses a 200
// answers, for answered.
func (h *harness) respond(method string, body []byte, secret string) tgtest.Call {
	h.t.Helper()
	r := httptest.NewRequest(method, "/telegram", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if secret != "" {
		r.Header.Set(SecretHeader, secret)
	}
	w := httptest.NewRecorder()
	h.hook.ServeHTTP(w, r)
	h.hook.Wait()
	call, err := tgtest.WebhookCall(w.Result())
	if err != nil {
		h.t.Errorf("ServeHTTP: %v", err)
	}
	switch {
	case call.Method == "":
	case call.Code == http.StatusOK && call.Method == "answerCallbackQuery":
		h.mu.Lock()
		h.answers = append(h.answers, call.Params["callback_query_id"])
		h.mu.Unlock()
	default:
		h.t.Errorf("ServeHTTP = %d with %s(%v), want only answerCallbackQuery, only on a 200", call.Code, call.Method, call.Params)
	}
	return call
}

// post delivers u, wants 200, and returns the call riding on the
// response: see respond.
func (h *harness) post(u models.Update) tgtest.Call {
	h.t.Helper()
	body, err := json.Marshal(u)
	if err != nil {
		h.t.Fatalf("json.Marshal(update): %v", err)
	}
	call := h.respond(http.MethodPost, body, testSecret)
	if call.Code != http.StatusOK {
		h.t.Fatalf("ServeHTTP(update %d) = %d, want %d", u.ID, call.Code, http.StatusOK)
	}
	return call
}

// answered returns the callback query ids the webhook answered on its
// 200s so far, in order.
func (h *harness) answered() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.answers...)
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

// say delivers a private text from user and sends the replies.
func (h *harness) say(user int64, text string) {
	h.t.Helper()
	h.post(tgtest.TextUpdate(h.id(), user, text))
	h.drain(ConvKey(user, user))
}

// press finds the newest message in user's chat with a button labelled
// label, presses it, and sends the replies. It returns the pressed message.
func (h *harness) press(user int64, label string) tgtest.Message {
	h.t.Helper()
	sent := h.api.Sent(user)
	for i := len(sent) - 1; i >= 0; i-- {
		if b, ok := sent[i].Button(label); ok {
			h.post(tgtest.PressUpdate(h.id(), user, sent[i], b.CallbackData))
			h.drain(ConvKey(user, user))
			return sent[i]
		}
	}
	h.t.Fatalf("no message in chat %d has a button %q; last message: %q", user, label, last(sent).Text)
	return tgtest.Message{}
}

// version is the conversation's stored version: 0 means nothing was ever
// committed for it.
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

func last(ms []tgtest.Message) tgtest.Message {
	if len(ms) == 0 {
		return tgtest.Message{}
	}
	return ms[len(ms)-1]
}

func texts(ms []tgtest.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
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
