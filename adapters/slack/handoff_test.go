package slack

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const supportChannel = "C0SUPPORT"

// TestHandoffGroupDM: on two replicas over one Redis, she asks for a
// person; two supporters race for the request; the winner gets a group DM
// with her, opened with conversations.open and begun with an intro; the
// other is told it is taken, and a forged press changes nothing. Her
// /forget then deletes the bot's posts about her request from the
// supporters' channel (chat.delete), and nothing else there.
func TestHandoffGroupDM(t *testing.T) {
	cats, err := content.All()
	if err != nil {
		t.Fatal(err)
	}
	cat := cats["en"]
	b := redistest.New(t)
	api := slacktest.New(t)
	api.SetName("U4242", "Maria")
	api.SetName("U7", "Ana")
	api.SetName("U8", "Bea")
	client := api.Client()
	d := dialog.NewLangs(cats, content.DefaultLang)
	support := func(c bot.Conv) bot.Conv {
		if c.Platform() == platform {
			return SupportKey(slacktest.Team, supportChannel)
		}
		return ""
	}
	var (
		stores   [2]*redisstore.Store
		handlers [2]*Handler
	)
	for i := range stores {
		stores[i] = redisstore.New(redistest.Client(t), redisstore.WithPrefix(b.Prefix))
		engine := bot.NewEngine(d, stores[i], bot.WithSupport(support), bot.WithTogether(Together))
		handlers[i], err = NewHandler(engine, client, testSecret, WithBotUserID(slacktest.BotUserID))
		if err != nil {
			t.Fatal(err)
		}
	}
	sender := NewSender(client, WithMarks(stores[0]))
	var mu sync.Mutex
	seq := 0
	next := func() int {
		mu.Lock()
		defer mu.Unlock()
		seq++
		return seq
	}
	post := func(i int, path string, body []byte) {
		t.Helper()
		h := &harness{t: t, handler: handlers[i]}
		if w := h.serve(path, body, sign(testSecret, time.Now(), body)); w.Code != http.StatusOK {
			t.Errorf("ServeHTTP(%s) on replica %d = %d", path, i, w.Code)
		}
	}
	her := ConvKey(slacktest.Team, "U4242")
	drain := func() {
		t.Helper()
		bottest.Deliver(t, stores[0], sender, her, SupportKey(slacktest.Team, supportChannel))
	}
	say := func(i int, text string) {
		n := next()
		post(i, EventsPath, dmEvent(fmt.Sprintf("Ev%d", n), "U4242", text, n))
		drain()
	}
	find := func(channel, label string) (slacktest.Message, slacktest.Button) {
		t.Helper()
		ms := api.Messages(channel)
		for i := len(ms) - 1; i >= 0; i-- {
			if b, ok := ms[i].Button(label); ok {
				return ms[i], b
			}
		}
		t.Fatalf("no message in %s has %q", channel, label)
		return slacktest.Message{}, slacktest.Button{}
	}
	bodies := func(channel string) []string {
		var out []string
		for _, m := range api.Messages(channel) {
			out = append(out, m.Body())
		}
		return out
	}

	say(0, "/start")
	say(1, "i want to talk to a real person")
	if got := last(api.Messages(slacktest.DM("U4242"))).Body(); !strings.Contains(got, "Maria") {
		t.Errorf("consent = %q, want her first name", got)
	}
	m, yes := find(slacktest.DM("U4242"), cat.Messages["btn_ask_yes"])
	post(0, InteractivityPath, pressBody("U4242", m, yes, next()))
	drain()
	req, take := find(supportChannel, cat.Messages["btn_take"])
	if !strings.Contains(req.Body(), "Maria") {
		t.Errorf("request = %q, want her first name", req.Body())
	}

	// A forged press: a made-up request id.
	value := take.Value
	take.Value = "1:ho:take:zzzzzzzzzzzzzzzz"
	post(1, InteractivityPath, pressBody("U9", req, take, next()))
	take.Value = value
	drain()
	if got := last(api.Messages(supportChannel)).Body(); got != strings.TrimSpace(cat.Messages["handoff_closed"]) {
		t.Errorf("a forged press got %q, want handoff_closed", got)
	}

	var wg sync.WaitGroup
	for i, user := range []string{"U7", "U8"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(i, InteractivityPath, pressBody(user, req, take, next()))
		}()
	}
	wg.Wait()
	drain()

	opens := api.Calls("conversations.open")
	var pair []string
	for _, c := range opens {
		if strings.Contains(c.Params.Get("users"), ",") {
			pair = append(pair, c.Params.Get("users"))
		}
	}
	if len(pair) != 1 || (pair[0] != "U4242,U7" && pair[0] != "U4242,U8") {
		t.Fatalf("conversations.open for a pair = %q, want one, of her and one supporter", pair)
	}
	winner, loser := "Ana", "Bea"
	if pair[0] == "U4242,U8" {
		winner, loser = "Bea", "Ana"
	}
	intro := api.Messages(slacktest.DM(pair[0]))
	if len(intro) != 1 || !strings.Contains(intro[0].Body(), "Maria") || !strings.Contains(intro[0].Body(), winner) {
		t.Errorf("group DM = %+v, want one intro naming both", intro)
	}
	if got := bodies(slacktest.DM("U4242")); !containsBody(got, winner+" from the support team took") || containsBody(got, loser+" from") {
		t.Errorf("her DM = %q, want %s alone named as taking it", got, winner)
	}
	if got := bodies(supportChannel); !containsBody(got, winner+" took the request") || !containsBody(got, winner+" already took this request") {
		t.Errorf("supporters' channel = %q, want it taken by %s and %s told so", got, winner, loser)
	}

	closed := api.Messages(supportChannel)[1] // the forged press's answer
	var about []string
	for _, m := range api.Messages(supportChannel) {
		if m.TS != closed.TS {
			about = append(about, m.TS)
		}
	}
	say(0, "/forget")
	m, yes = find(slacktest.DM("U4242"), cat.Messages["btn_forget_yes"])
	post(1, InteractivityPath, pressBody("U4242", m, yes, next()))
	drain()
	var deleted []string
	for _, c := range api.Calls("chat.delete") {
		if c.Params.Get("channel") != supportChannel {
			t.Errorf("chat.delete in %s", c.Params.Get("channel"))
		}
		deleted = append(deleted, c.Params.Get("ts"))
	}
	slices.Sort(deleted)
	if !slices.Equal(deleted, about) || len(about) < 3 || about[0] != req.TS {
		t.Errorf("chat.delete of %q, want the request and the posts about it %q", deleted, about)
	}
	if got, want := bodies(supportChannel), []string{closed.Body(), strings.TrimSpace(cat.Messages["handoff_forgotten_channel"])}; !slices.Equal(got, want) {
		t.Errorf("after /forget the supporters' channel shows %q, want %q", got, want)
	}
}

func containsBody(bodies []string, sub string) bool {
	for _, b := range bodies {
		if strings.Contains(b, sub) {
			return true
		}
	}
	return false
}
