package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

type deadStore struct{ *memstore.Store }

func (deadStore) Ping(context.Context) error { return errors.New("connection refused") }

type liveStore struct{ *memstore.Store }

func (liveStore) Ping(context.Context) error { return nil }

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

func TestAdminEndpoints(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	mem := memstore.New()
	engine := bot.NewEngine(dialog.New(cat), mem)
	d := bot.NewDispatcher(mem, &bottest.Sender{})
	ctx := context.Background()
	for _, in := range []bot.Incoming{
		{Conv: "tg:1:1", Command: "start"},
		{Conv: "tg:1:1", Text: "blorp zxqv"}, // nothing anyone could understand
		{Conv: "tg:1:1", Text: "I have a fever and a hot lump"},
	} {
		if _, err := engine.Handle(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	// The seed 003 mother's triage, then her plan's first idea skipped,
	// the second marked as helping, the third as bringing the milk.
	var shown []string
	if _, err := engine.Handle(ctx, bot.Incoming{Conv: "tg:2:2", Command: "start"}); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"1:clear", "1:a:method:pump", "1:a:double:double", "1:a:steady:no", "1:a:amount:no", "1:a:time:no", "1:a:tried:both", "next", "done", "flow"} {
		if len(shown) > 0 && len(b) < 5 {
			b = "1:w:" + b + ":" + shown[len(shown)-1]
		}
		res, err := engine.Handle(ctx, bot.Incoming{Conv: "tg:2:2", Button: b})
		if err != nil {
			t.Fatal(err)
		}
		if id := res.Outcome.Shown; id != "" {
			shown = append(shown, id)
		}
	}
	if len(shown) != 3 {
		t.Fatalf("the walk showed %v, want three steps", shown)
	}
	h := adminHandler(engine, map[string]*bot.Dispatcher{"telegram": d}, bot.NewScheduler(engine, mem), liveStore{mem})
	if code, _ := get(t, h, "/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz = %d, want 200", code)
	}
	if code, _ := get(t, h, "/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz = %d, want 200", code)
	}
	code, body := get(t, h, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		"letdown_turns_total 14",
		"letdown_fallbacks_total 1",
		`letdown_fallbacks_by_state_total{state="screen"} 1`,
		"letdown_red_flag_referrals_total 1",
		`letdown_send_errors_total{kind="refused",platform="telegram"} 0`,
		`letdown_dispatch_queue{platform="telegram"} 0`,
		`letdown_reminder_lag_seconds_bucket{le="1"} 0`,
		`letdown_reminders_total{outcome="handled"} 0`,
		`letdown_guidance_steps_total{event="shown",step="` + shown[0] + `"} 1`,
		`letdown_guidance_steps_total{event="skipped",step="` + shown[0] + `"} 1`,
		`letdown_guidance_steps_total{event="helped",step="` + shown[1] + `"} 1`,
		`letdown_guidance_steps_total{event="flowing",step="` + shown[2] + `"} 1`,
		`letdown_guidance_steps_total{event="helped",step="` + shown[2] + `"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "fever") || strings.Contains(body, "dishwasher") {
		t.Error("/metrics contains message text")
	}
	dead := adminHandler(engine, nil, nil, deadStore{mem})
	if code, _ := get(t, dead, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the store down = %d, want 503", code)
	}
}

func TestHealthcheck(t *testing.T) {
	cat, _ := content.Default()
	mem := memstore.New()
	srv := httptest.NewServer(adminHandler(bot.NewEngine(dialog.New(cat), mem), nil, nil, liveStore{mem}))
	defer srv.Close()
	if out, _, err := runWith(t, "", "healthcheck", "--url", srv.URL+"/healthz"); err != nil || !strings.Contains(out, "healthy") {
		t.Errorf("healthcheck against a live server = %v, %q", err, out)
	}
	if _, _, err := runWith(t, "", "healthcheck", "--url", srv.URL+"/nothing-here"); err == nil {
		t.Error("healthcheck against a 404 = nil error")
	}
	srv.Close()
	if _, _, err := runWith(t, "", "healthcheck", "--url", srv.URL+"/healthz"); err == nil {
		t.Error("healthcheck against a closed server = nil error")
	}
}
