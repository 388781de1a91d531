package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// supportChat is the supporters' group in these tests.
const supportChat = -100777

// replicas is the Telegram side of two replicas of the bot on one Redis:
// two Engines, two Webhooks, one fake Bot API.
type replicas struct {
	t      *testing.T
	api    *tgtest.Server
	cat    *content.Catalog
	stores [2]*redisstore.Store
	hooks  [2]*Webhook
	sender *Sender
	sched  *bot.Scheduler
	clock  *time.Time
	logs   *syncBuffer

	mu       sync.Mutex
	notified []bot.Conv

	nextID atomic.Int64
}

func newReplicas(t *testing.T, wait time.Duration) *replicas {
	t.Helper()
	cats, err := content.All()
	if err != nil {
		t.Fatal(err)
	}
	b := redistest.New(t)
	now := time.Now()
	r := &replicas{t: t, api: tgtest.New(t), cat: cats["en"], clock: &now, logs: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.nextID.Store(5000)
	client, err := NewClient(tgtest.Token, r.api.URL, r.api.HTTPClient())
	if err != nil {
		t.Fatal(err)
	}
	d := dialog.NewLangs(cats, content.DefaultLang).WithHandoffWait(wait)
	support := func(c bot.Conv) bot.Conv {
		if c.Platform() == platform {
			return SupportKey(supportChat)
		}
		return ""
	}
	var engines [2]*bot.Engine
	for i := range r.stores {
		// Each replica its own client, as two processes would have.
		r.stores[i] = redisstore.New(redistest.Client(t), redisstore.WithPrefix(b.Prefix))
		engines[i] = bot.NewEngine(d, r.stores[i], bot.WithSupport(support))
		r.hooks[i], err = NewWebhook(engines[i], client, testSecret, WithUsername(tgtest.Username), WithLogger(log),
			WithNotify(func(c bot.Conv) {
				r.mu.Lock()
				defer r.mu.Unlock()
				r.notified = append(r.notified, c)
			}))
		if err != nil {
			t.Fatal(err)
		}
	}
	r.sender = NewSender(client, WithLogger(log), WithMarks(r.stores[0]))
	r.sched = bot.NewScheduler(engines[1], r.stores[1], bot.WithSchedulerClock(func() time.Time { return *r.clock }))
	return r
}

func (r *replicas) id() int64 { return r.nextID.Add(1) }

// post delivers u to replica i's webhook and wants 200.
func (r *replicas) post(i int, u models.Update) {
	r.t.Helper()
	body, _ := json.Marshal(u)
	req := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SecretHeader, testSecret)
	w := httptest.NewRecorder()
	r.hooks[i].ServeHTTP(w, req)
	r.hooks[i].Wait()
	if w.Code != http.StatusOK {
		r.t.Errorf("update %d on replica %d = %d, want 200", u.ID, i, w.Code)
	}
}

// drain sends what the conversations queued, each reply where it goes,
// as the Dispatcher does.
func (r *replicas) drain(convs ...bot.Conv) {
	r.t.Helper()
	bottest.Deliver(r.t, r.stores[0], r.sender, convs...)
}

const mum = 42

var herConv = ConvKey(mum, mum)

func (r *replicas) say(i int, text string) {
	r.t.Helper()
	r.post(i, tgtest.TextUpdate(r.id(), mum, text))
	r.drain(herConv)
}

// pressHer presses the newest button labelled label in her chat.
func (r *replicas) pressHer(i int, label string) {
	r.t.Helper()
	m, b := r.find(mum, label)
	r.post(i, tgtest.PressUpdate(r.id(), mum, m, b.CallbackData))
	r.drain(herConv)
}

func (r *replicas) find(chat int64, label string) (tgtest.Message, models.InlineKeyboardButton) {
	r.t.Helper()
	sent := r.api.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		if b, ok := sent[i].Button(label); ok {
			return sent[i], b
		}
	}
	r.t.Fatalf("no message in chat %d has a button %q; sent %q", chat, label, texts(sent))
	return tgtest.Message{}, models.InlineKeyboardButton{}
}

// supporterPress is supporter user pressing data under m in the
// supporters' group.
func supporterPress(id, user int64, name string, m tgtest.Message, data string) models.Update {
	return models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
		ID:   "cb" + string(rune('a'+id%26)),
		From: models.User{ID: user, FirstName: name},
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{ID: m.ID, Date: int(time.Now().Unix()),
				Chat: models.Chat{ID: m.ChatID, Type: models.ChatTypeSupergroup}, Text: m.Text},
		},
		ChatInstance: "2",
		Data:         data,
	}}
}

// supporterReply is supporter user replying text to the bot's message m
// in the supporters' group, as Telegram shows it: with m's keyboard.
func supporterReply(id, user int64, name string, m tgtest.Message, text string) models.Update {
	return models.Update{ID: id, Message: &models.Message{
		ID:   int(id),
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: supportChat, Type: models.ChatTypeSupergroup},
		From: &models.User{ID: user, FirstName: name},
		Text: text,
		ReplyToMessage: &models.Message{
			ID: m.ID, Chat: models.Chat{ID: supportChat, Type: models.ChatTypeSupergroup},
			From:        &models.User{ID: tgtest.BotID, IsBot: true, FirstName: "Letdown"},
			Text:        m.Text,
			ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: m.Keyboard},
		},
	}}
}

// ask brings her to a request waiting in the supporters' group, and
// returns the request.
func (r *replicas) ask() tgtest.Message {
	r.t.Helper()
	r.say(0, "/start")
	r.say(1, "can I talk to a real person")
	if got := last(r.api.Sent(mum)).Text; !strings.Contains(got, "Mum") || !strings.Contains(got, "log") {
		r.t.Errorf("consent = %q, want her first name and what is not shared", got)
	}
	if n := len(r.api.Sent(supportChat)); n != 0 {
		r.t.Fatalf("%d messages in the supporters' group before she agreed", n)
	}
	r.pressHer(0, r.cat.Messages["btn_ask_yes"])
	req, _ := r.find(supportChat, r.cat.Messages["btn_take"])
	if !strings.Contains(req.Text, "Mum") {
		r.t.Errorf("request = %q, want her first name", req.Text)
	}
	return req
}

func (r *replicas) supportTexts() []string { return texts(r.api.Sent(supportChat)) }

func containsText(ms []string, sub string) bool {
	for _, m := range ms {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

// TestHandoffRelay: a request taken by one of two supporters racing on
// two replicas, the other told it is taken; messages relayed both ways,
// only the taker's; a warning sign interrupting; the end, and a late
// press answered as closed.
func TestHandoffRelay(t *testing.T) {
	r := newReplicas(t, 15*time.Minute)
	req := r.ask()
	take := req.Buttons()[0].CallbackData

	// The same button data pressed in another group is no press on her
	// request: that group is told it is closed, and nothing of hers changes.
	elsewhere := req
	elsewhere.ChatID = -100999
	n := len(r.api.Sent(mum))
	r.post(0, supporterPress(r.id(), 9, "Eve", elsewhere, take))
	r.drain(herConv, SupportKey(-100999))
	if len(r.api.Sent(mum)) != n || last(r.api.Sent(-100999)).Text != strings.TrimSpace(r.cat.Messages["handoff_closed"]) {
		t.Errorf("a press from another group: her chat %q, that group %q", texts(r.api.Sent(mum))[n:], texts(r.api.Sent(-100999)))
	}

	var wg sync.WaitGroup
	for i, s := range []struct {
		id   int64
		name string
	}{{7, "Ana"}, {8, "Bea"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.post(i, supporterPress(r.id(), s.id, s.name, req, take))
		}()
	}
	wg.Wait()
	r.drain(herConv, SupportKey(supportChat))

	herMsgs := texts(r.api.Sent(mum))
	took := ""
	for _, name := range []string{"Ana", "Bea"} {
		if containsText(herMsgs, name+" from the support team took") {
			if took != "" {
				t.Fatalf("both supporters took it: %q", herMsgs)
			}
			took = name
		}
	}
	if took == "" {
		t.Fatalf("nobody took it; she got %q", herMsgs)
	}
	other, takerID, otherID := "Bea", int64(7), int64(8)
	if took == "Bea" {
		other, takerID, otherID = "Ana", 8, 7
	}
	sup := r.supportTexts()
	if !containsText(sup, took+" took the request from Mum") || !containsText(sup, took+" already took this request") {
		t.Errorf("supporters' group = %q, want it taken by %s and %s told so", sup, took, other)
	}

	// The taker replies to the bot's message: she gets it, named.
	takenMsg, _ := r.find(supportChat, r.cat.Messages["btn_end"])
	r.post(1, supporterReply(r.id(), takerID, took, takenMsg, "Hi Mum, I'm here"))
	r.drain(herConv, SupportKey(supportChat))
	if got := last(r.api.Sent(mum)).Text; got != took+": Hi Mum, I'm here" {
		t.Errorf("her chat got %q, want the taker's words, named", got)
	}
	r.mu.Lock()
	if got := r.notified[len(r.notified)-1]; got != herConv {
		// The dispatcher must hear of her outbox, not the group's.
		t.Errorf("after a supporter's reply the dispatcher was told of %s, want %s", got, herConv)
	}
	r.mu.Unlock()
	// The other supporter is not relayed.
	n = len(r.api.Sent(mum))
	r.post(0, supporterReply(r.id(), otherID, other, takenMsg, "me too"))
	r.drain(herConv, SupportKey(supportChat))
	if len(r.api.Sent(mum)) != n {
		t.Errorf("a supporter who did not take it was relayed: %q", last(r.api.Sent(mum)).Text)
	}

	// Her words go to the supporters' group, with End to reply under.
	r.say(0, "it just won't come and I'm so tired")
	relayed := last(r.api.Sent(supportChat))
	if relayed.Text != "Mum: it just won't come and I'm so tired" {
		t.Errorf("supporters' group got %q, want her words, named", relayed.Text)
	}
	r.post(1, supporterReply(r.id(), takerID, took, relayed, "That is hard. Try a warm drink first."))
	r.drain(herConv, SupportKey(supportChat))
	if got := last(r.api.Sent(mum)).Text; !strings.HasSuffix(got, "Try a warm drink first.") {
		t.Errorf("a reply to her relayed words gave her %q", got)
	}

	// A warning sign: the referral for her, a notice without her words
	// for the supporter.
	r.say(1, "I have a fever and a red hot patch on my breast")
	if got := last(r.api.Sent(mum)).Text; !strings.Contains(got, "mastitis") && !strings.Contains(got, "doctor") {
		t.Errorf("red flag in the relay gave her %q, want the referral", got)
	}
	if got := last(r.api.Sent(supportChat)).Text; strings.Contains(got, "fever") || !strings.Contains(got, "urgent-care") {
		t.Errorf("supporters' group got %q after her red flag, want the notice alone", got)
	}

	// The taker ends it; a late press is closed.
	relayed, end := r.find(supportChat, r.cat.Messages["btn_end"])
	r.post(0, supporterPress(r.id(), takerID, took, relayed, end.CallbackData))
	r.drain(herConv, SupportKey(supportChat))
	if got := last(r.api.Sent(mum)).Text; !strings.Contains(got, "has ended") && !containsText(texts(r.api.Sent(mum)), "has ended") {
		t.Errorf("after End she got %q", got)
	}
	r.post(1, supporterPress(r.id(), otherID, other, req, take))
	r.drain(herConv, SupportKey(supportChat))
	if got := last(r.api.Sent(supportChat)).Text; got != strings.TrimSpace(r.cat.Messages["handoff_closed"]) {
		t.Errorf("a late press got %q, want handoff_closed", got)
	}
	n = len(r.api.Sent(supportChat))
	r.say(0, "thank you")
	if len(r.api.Sent(supportChat)) != n {
		t.Errorf("after the end her words still went to the supporters: %q", last(r.api.Sent(supportChat)).Text)
	}
	for _, words := range []string{"so tired", "warm drink", "Hi Mum", "me too", "fever"} {
		if strings.Contains(r.logs.String(), words) {
			t.Errorf("the logs hold relayed words %q", words)
		}
	}
}

// TestHandoffNobodyCame: nobody takes the request in time; she is told
// honestly, with the numbers to call, and the request is marked expired.
func TestHandoffNobodyCame(t *testing.T) {
	r := newReplicas(t, time.Minute)
	req := r.ask()
	*r.clock = time.Now().Add(2 * time.Minute)
	if n, err := r.sched.Tick(context.Background()); err != nil || n != 1 {
		t.Fatalf("Tick = %d, %v, want the request's wake", n, err)
	}
	r.drain(herConv)
	if got := last(r.api.Sent(mum)).Text; got != strings.TrimSpace(r.cat.FillNumbers(r.cat.Messages["handoff_expired"], "")) || !strings.Contains(got, "112") {
		t.Errorf("she got %q, want handoff_expired with the numbers", got)
	}
	if !containsText(r.supportTexts(), "has expired") {
		t.Errorf("supporters' group = %q, want the request marked expired", r.supportTexts())
	}
	r.post(0, supporterPress(r.id(), 7, "Ana", req, req.Buttons()[0].CallbackData))
	r.drain(herConv, SupportKey(supportChat))
	if got := last(r.api.Sent(supportChat)).Text; got != strings.TrimSpace(r.cat.Messages["handoff_closed"]) {
		t.Errorf("a late press got %q, want handoff_closed", got)
	}
}

// TestHandoffForget: /forget during a relay ends it, erases the index
// entry, deletes the bot's posts about her request from the supporters'
// group (the request, the news it was taken, each message of hers
// relayed) and nothing else there, and the supporter's next message
// reaches nobody.
func TestHandoffForget(t *testing.T) {
	r := newReplicas(t, 15*time.Minute)
	req := r.ask()
	id, _ := bot.HandoffOf(req.Buttons()[0].CallbackData)
	r.post(0, supporterPress(r.id(), 7, "Ana", req, req.Buttons()[0].CallbackData))
	r.drain(herConv, SupportKey(supportChat))
	taken, _ := r.find(supportChat, r.cat.Messages["btn_end"])
	r.post(1, supporterReply(r.id(), 7, "Ana", taken, "how is it going?"))
	r.drain(herConv, SupportKey(supportChat))
	r.say(0, "it will not come")
	r.say(1, "still nothing")
	if got := r.supportTexts(); !containsText(got, "Mum: it will not come") || !containsText(got, "Mum: still nothing") {
		t.Fatalf("supporters' group got %q, want her messages relayed", got)
	}
	if got := last(r.api.Sent(mum)).Text; !strings.Contains(got, "how is it going?") {
		t.Fatalf("she got %q, want the supporter's message relayed", got)
	}
	about := r.api.Sent(supportChat) // every post so far is about her request
	// A post about no request of hers: a press on a request that is gone.
	r.post(0, supporterPress(r.id(), 9, "Eve", req, strings.Replace(req.Buttons()[0].CallbackData, id, "gone00000000001", 1)))
	r.drain(SupportKey(supportChat))

	r.say(1, "/forget")
	r.pressHer(0, r.cat.Messages["btn_forget_yes"])
	if got, err := r.stores[1].Handoff(context.Background(), id); err != nil || got != "" {
		t.Errorf("after /forget the index holds %q, %v", got, err)
	}
	if got := last(r.api.Sent(supportChat)).Text; got != strings.TrimSpace(r.cat.Messages["handoff_forgotten_channel"]) {
		t.Errorf("supporters' group got %q, want handoff_forgotten_channel", got)
	}
	if got, want := ids(r.api.Deleted(supportChat)), ids(about); !slices.Equal(got, want) || len(want) != 4 {
		t.Errorf("deleted from the supporters' group %v %q, want %v %q", got, texts(r.api.Deleted(supportChat)), want, texts(about))
	}
	if got, want := r.supportTexts(), []string{strings.TrimSpace(r.cat.Messages["handoff_closed"]), strings.TrimSpace(r.cat.Messages["handoff_forgotten_channel"])}; !slices.Equal(got, want) {
		t.Errorf("the supporters' group shows %q after /forget, want %q", got, want)
	}
	if n := len(r.api.Calls("deleteMessage")); n != len(about) {
		t.Errorf("%d deleteMessage calls, want %d", n, len(about))
	}
	n := len(r.api.Sent(mum))
	r.post(1, supporterReply(r.id(), 7, "Ana", taken, "are you there?"))
	r.drain(herConv, SupportKey(supportChat))
	if len(r.api.Sent(mum)) != n {
		t.Errorf("after /forget a supporter's message reached her: %q", last(r.api.Sent(mum)).Text)
	}
	if got := last(r.api.Sent(supportChat)).Text; got != strings.TrimSpace(r.cat.Messages["handoff_closed"]) {
		t.Errorf("the supporter got %q, want handoff_closed", got)
	}
	if strings.Contains(r.logs.String(), "it will not come") {
		t.Errorf("her relayed text is in the logs")
	}
}

// TestHandoffForgetAfterEnd: /forget after her request ended still takes
// the bot's posts about it back; a post already gone is passed, and the
// rest are deleted.
func TestHandoffForgetAfterEnd(t *testing.T) {
	r := newReplicas(t, 15*time.Minute)
	req := r.ask()
	r.post(0, supporterPress(r.id(), 7, "Ana", req, req.Buttons()[0].CallbackData))
	r.drain(herConv, SupportKey(supportChat))
	r.say(0, "it will not come")
	r.say(1, "/end")
	about := r.api.Sent(supportChat)
	// The ended notice and the relay: the request itself an admin removed.
	r.api.Delete(supportChat, req.ID)
	r.say(1, "/forget")
	r.pressHer(0, r.cat.Messages["btn_forget_yes"])
	if got, want := ids(r.api.Deleted(supportChat)), ids(about); !slices.Equal(got, want) || len(want) != 4 {
		t.Errorf("deleted from the supporters' group %v %q, want %v %q", got, texts(r.api.Deleted(supportChat)), want, texts(about))
	}
	if got := r.api.Sent(supportChat); len(got) != 0 {
		t.Errorf("the supporters' group still shows %q", texts(got))
	}
}

func ids(ms []tgtest.Message) []int {
	var out []int
	for _, m := range ms {
		out = append(out, m.ID)
	}
	slices.Sort(out)
	return out
}
