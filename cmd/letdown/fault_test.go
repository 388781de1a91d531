package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

// TestRedisStopsMidRun: while Redis is down the webhook answers 503 (so
// Telegram retries), /readyz fails and nothing panics; when Redis is back
// the bot recovers by itself and the retried update is applied once.
func TestRedisStopsMidRun(t *testing.T) {
	redis := startRedis(t, true)
	api := tgtest.New(t)
	admin := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := startServe(t, api, "webhook", io.Discard, func(c *serveConfig) {
		c.RedisURL, c.RedisPrefix = redis.url(), redis.prefix
		c.AdminAddr = admin
	})
	const user = 424242
	ready := func() int {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(t, base, secret, tgtest.TextUpdate(1, user, "/start")); code != http.StatusOK {
		t.Fatalf("POST /start = %d", code)
	}
	api.WaitCalls(t, "sendMessage", 2)
	if code := ready(); code != http.StatusOK {
		t.Fatalf("/readyz with Redis up = %d", code)
	}

	redis.kill()
	screen := lastWithButtons(t, api, user)
	none, _ := screen.Button("None of these")
	press := tgtest.PressUpdate(2, user, screen, none.CallbackData)
	if code := post(t, base, secret, press); code != http.StatusServiceUnavailable {
		t.Errorf("POST while Redis is down = %d, want 503 so Telegram retries", code)
	}
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down = %d, want 503", code)
	}

	redis.start()
	// Telegram delivers the update again, maybe more than once.
	var code int
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if code = post(t, base, secret, press); code == http.StatusOK {
			break
		}
	}
	if code != http.StatusOK {
		t.Fatalf("POST after Redis came back = %d, want 200", code)
	}
	post(t, base, secret, press)
	calls := api.WaitCalls(t, "sendMessage", 4)
	time.Sleep(200 * time.Millisecond) // room for a wrong extra send
	if n := len(api.Calls("sendMessage")); n != len(calls) || n != 4 {
		var texts []string
		for _, m := range api.Sent(user) {
			texts = append(texts, fmt.Sprintf("%.30q", m.Text))
		}
		t.Errorf("%d messages after the retries, want 4: welcome, check, thanks, question; got %v", n, texts)
	}
	if code := ready(); code != http.StatusOK {
		t.Errorf("/readyz after Redis came back = %d, want 200", code)
	}
}

// TestRedisRestartWithAOF: conversations and reminders committed before
// Redis died are all there after it restarts on the same append-only file.
func TestRedisRestartWithAOF(t *testing.T) {
	redis := startRedis(t, true)
	ctx := context.Background()
	open := func() *redisstore.Store {
		s, err := redisstore.Open(ctx, redis.url(), redisstore.WithPrefix(redis.prefix))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	const n = 200
	due := func(i int) time.Time { return time.Date(2026, 11, 23, 3, i%60, 0, 0, time.UTC) }
	for i := range n {
		conv := bot.Conv(fmt.Sprintf("tg:%d:%d", i, i))
		remind := due(i)
		_, err := s.Commit(ctx, bot.Commit{Conv: conv, State: []byte(fmt.Sprintf(`{"n":%d}`, i)), Watermark: int64(i + 1), Replies: []bot.Reply{{Text: "hi"}}, TTL: time.Hour, Remind: &remind})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	redis.kill() // as a crash: no SHUTDOWN, no final save
	redis.start()
	s = open()
	defer s.Close()
	for i := range n {
		conv := bot.Conv(fmt.Sprintf("tg:%d:%d", i, i))
		snap, err := s.Load(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		if string(snap.State) != fmt.Sprintf(`{"n":%d}`, i) || snap.Watermark != int64(i+1) {
			t.Fatalf("after the restart %s = %+v, want its state and watermark", conv, snap)
		}
		if p, _ := s.Pending(ctx, conv, 10); len(p) != 1 {
			t.Fatalf("after the restart %s has %d queued replies, want 1", conv, len(p))
		}
		if at, err := s.NextReminder(ctx, conv); err != nil || !at.Equal(due(i)) {
			t.Fatalf("after the restart %s's reminder is %v (%v), want %v", conv, at, err, due(i))
		}
	}
	if ready, err := s.Ready(ctx, time.Now(), 2*n); err != nil || len(ready) != n {
		t.Errorf("ready index after the restart holds %d conversations (%v), want %d", len(ready), err, n)
	}
}
