package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/dialog"
)

const secret = "serve-test-secret"

// startServe runs serve against the fake Bot API until the test ends and
// returns the webhook's base URL (empty in polling mode).
func startServe(t *testing.T, api *tgtest.Server, mode string, logs io.Writer, tweaks ...func(*serveConfig)) string {
	t.Helper()
	addr, err := launchServe(t, testConfig(t, api, mode, tweaks...), logs)
	if err != nil {
		t.Fatalf("serve = %v before it was ready", err)
	}
	if addr == "" {
		return ""
	}
	return "http://" + addr
}

// testConfig is serve's configuration against the fake Bot API, on
// loopback, with the test's own Redis key prefix: another serve on the
// same Redis never sees this test's conversations, nor this one theirs.
func testConfig(t *testing.T, api *tgtest.Server, mode string, tweaks ...func(*serveConfig)) serveConfig {
	t.Helper()
	redis := redistest.New(t)
	cfg := serveConfig{
		TelegramToken:  tgtest.Token,
		TelegramMode:   mode,
		WebhookURL:     "https://bot.example.org/telegram",
		WebhookSecret:  secret,
		TelegramAPIURL: api.URL,
		RedisURL:       redis.URL,
		RedisPrefix:    redis.Prefix,
		ListenAddr:     "127.0.0.1:0",
		GlobalRate:     1000,
		ShutdownWait:   5 * time.Second,
		TTL:            time.Hour,
		LogRetention:   dialog.DefaultRetention,
	}
	for _, tweak := range tweaks {
		tweak(&cfg)
	}
	return cfg
}

// launchServe runs serve with cfg until the test ends and returns the HTTP
// listener's address once it is ready ("" when nothing listens), or the
// error serve returned before it was ready.
func launchServe(t *testing.T, cfg serveConfig, logs io.Writer) (string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewJSONHandler(logs, nil)), ready) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve returned %v after shutdown, want nil", err)
			}
		})
		return addr, nil
	case err := <-done:
		cancel()
		return "", err
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not become ready")
	}
	return "", nil
}

func post(t *testing.T, base, secretToken string, u models.Update) int {
	t.Helper()
	code, err := postWith(base, secretToken, u)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// postWith delivers u to the webhook as Telegram does.
func postWith(base, secretToken string, u any) (int, error) {
	call, err := postCall(base, secretToken, u)
	return call.Code, err
}

// postCall delivers u to the webhook as Telegram does and returns the
// status (Code) and the Bot API call riding on the response, if any.
func postCall(base, secretToken string, u any) (tgtest.Call, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return tgtest.Call{}, err
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/telegram", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secretToken != "" {
		req.Header.Set(telegram.SecretHeader, secretToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return tgtest.Call{}, err
	}
	defer resp.Body.Close()
	return tgtest.WebhookCall(resp)
}

// lastWithButtons is the newest message chat received that has buttons.
func lastWithButtons(t *testing.T, api *tgtest.Server, chat int64) tgtest.Message {
	t.Helper()
	sent := api.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		if len(sent[i].Buttons()) > 0 {
			return sent[i]
		}
	}
	t.Fatalf("chat %d received no message with buttons", chat)
	return tgtest.Message{}
}

func TestServeWebhook(t *testing.T) {
	api := tgtest.New(t)
	var logs syncBuffer
	base := startServe(t, api, "webhook", &logs)
	hooks := api.Calls("setWebhook")
	if len(hooks) != 1 || hooks[0].Params["secret_token"] != secret || hooks[0].Params["url"] != "https://bot.example.org/telegram" {
		t.Fatalf("setWebhook calls = %+v", hooks)
	}
	if len(api.Calls("setMyCommands")) == 0 {
		t.Error("serve did not set the command menu")
	}
	spanishMenu := false
	for _, c := range api.Calls("setMyCommands") {
		spanishMenu = spanishMenu || c.Params["language_code"] == "es"
	}
	if !spanishMenu {
		t.Errorf("setMyCommands calls %+v, want one with language_code es", api.Calls("setMyCommands"))
	}
	user := time.Now().UnixNano() % 1e9 // a fresh conversation even on a shared Redis

	if code := post(t, base, "wrong", tgtest.TextUpdate(1, user, "/start")); code != http.StatusUnauthorized {
		t.Errorf("POST with a wrong secret = %d, want 401", code)
	}
	if code := post(t, base, secret, tgtest.TextUpdate(2, user, "/start")); code != http.StatusOK {
		t.Fatalf("POST /start = %d, want 200", code)
	}
	api.WaitCalls(t, "sendMessage", 2)
	screen := lastWithButtons(t, api, user)
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("the safety check has no 'None of these': %+v", screen.Buttons())
	}
	// The second time is Telegram retrying: answered 200, applied once.
	// The press is answered on the response both times.
	press := tgtest.PressUpdate(3, user, screen, none.CallbackData)
	for _, delivery := range []string{"press", "press again"} {
		got, err := postCall(base, secret, press)
		if err != nil {
			t.Fatalf("POST %s: %v", delivery, err)
		}
		if got.Code != http.StatusOK || got.Method != "answerCallbackQuery" || got.Params["callback_query_id"] != press.CallbackQuery.ID {
			t.Fatalf("POST %s = %d with %q %v, want 200 with answerCallbackQuery for %s", delivery, got.Code, got.Method, got.Params, press.CallbackQuery.ID)
		}
	}
	api.WaitCalls(t, "editMessageReplyMarkup", 1)
	calls := api.WaitCalls(t, "sendMessage", 4)
	time.Sleep(100 * time.Millisecond) // room for a wrong extra send
	if n := len(api.Calls("sendMessage")); n != len(calls) {
		t.Errorf("the repeated update sent %d more messages", n-len(calls))
	}
	if n := len(api.Calls("answerCallbackQuery")); n != 0 {
		t.Errorf("answerCallbackQuery called %d times over HTTP, want 0 (answered on the webhook response)", n)
	}
	method := lastWithButtons(t, api, user)
	if _, ok := method.Button("Pump"); !ok {
		t.Errorf("after 'None of these' the last question is %q, want the method question", method.Text)
	}
	if strings.Contains(logs.String(), "quick safety check") {
		t.Error("the logs contain message text")
	}
}

// TestServeSpanish: a mother whose Telegram is in Spanish is answered in
// Spanish from her first message, through the real serve.
func TestServeSpanish(t *testing.T) {
	api := tgtest.New(t)
	user := time.Now().UnixNano()%1e9 + 7
	start := tgtest.TextUpdate(20, user, "/start")
	start.Message.From.LanguageCode = "es-MX"
	api.Queue(start)
	startServe(t, api, "polling", io.Discard)
	api.WaitCalls(t, "sendMessage", 2)
	screen := lastWithButtons(t, api, user)
	if _, ok := screen.Button("Ninguna de estas"); !ok || !strings.Contains(screen.Text, "revisión rápida de seguridad") {
		t.Errorf("the safety check for language_code es-MX is %q %+v, want it in Spanish", screen.Text, screen.Buttons())
	}
}

func TestServePolling(t *testing.T) {
	api := tgtest.New(t)
	user := time.Now().UnixNano()%1e9 + 1
	api.Queue(tgtest.TextUpdate(10, user, "/start"))
	startServe(t, api, "polling", io.Discard)
	api.WaitCalls(t, "sendMessage", 2)
	if len(api.Calls("deleteWebhook")) == 0 {
		t.Error("polling did not delete the webhook first")
	}
	if sent := api.Sent(user); len(sent) < 2 {
		t.Errorf("chat received %d messages, want the welcome and the safety check", len(sent))
	}
}

func TestServeConfigErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "TELEGRAM_TOKEN is missing"},
		{map[string]string{"TELEGRAM_TOKEN": "nope"}, "TELEGRAM_TOKEN is malformed"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_MODE": "carrier-pigeon"}, "TELEGRAM_MODE"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_MODE": "webhook"}, "TELEGRAM_WEBHOOK_URL is missing"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_WEBHOOK_URL": "http://insecure.example/x"}, "not an https URL"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/t"}, "TELEGRAM_WEBHOOK_SECRET is missing"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/t", "TELEGRAM_WEBHOOK_SECRET": "has space"}, "TELEGRAM_WEBHOOK_SECRET must be"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "SHUTDOWN_TIMEOUT": "soon"}, "SHUTDOWN_TIMEOUT"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "TELEGRAM_RATE": "-1"}, "TELEGRAM_RATE"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "LOG_RETENTION": "forever"}, "LOG_RETENTION"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "HTTP_READ_TIMEOUT": "soon"}, "HTTP_READ_TIMEOUT"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "HTTP_WRITE_TIMEOUT": "0s"}, "HTTP_WRITE_TIMEOUT"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "HTTP_IDLE_TIMEOUT": "-1s"}, "HTTP_IDLE_TIMEOUT"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "HTTP_MAX_CONNS": "lots"}, "HTTP_MAX_CONNS"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "STARTUP_TIMEOUT": "0"}, "STARTUP_TIMEOUT"},
		{map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "REDIS_URL": "redis://127.0.0.1:1/0"}, "redis at 127.0.0.1:1"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN (Socket Mode"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is malformed"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN is malformed"},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is missing"},
	}
	for _, tt := range tests {
		var out, errOut strings.Builder
		getenv := func(k string) string { return tt.env[k] }
		err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("serve with %v = %v, want one line containing %q", tt.env, err, tt.want)
		}
	}
}

func TestServeFlagsOverrideEnvironment(t *testing.T) {
	fs := newServeFlags()
	env := map[string]string{"TELEGRAM_TOKEN": tgtest.Token, "LISTEN_ADDR": ":1111"}
	cfg, err := parseServe([]string{"--listen", "127.0.0.1:2222"}, func(k string) string { return env[k] }, fs)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ListenAddr != "127.0.0.1:2222" || cfg.TelegramMode != "polling" {
		t.Errorf("parseServe = %+v, want the flag's address and polling by default", cfg)
	}
	if want := (serveConfig{}).withDefaults(); cfg.HTTP != want.HTTP || cfg.StartupTimeout != want.StartupTimeout {
		t.Errorf("parseServe limits = %+v, startup %v; want the defaults %+v, %v", cfg.HTTP, cfg.StartupTimeout, want.HTTP, want.StartupTimeout)
	}
	env["HTTP_MAX_CONNS"] = "300"
	cfg, err = parseServe([]string{"--http-max-conns", "200", "--http-read-timeout", "3s"}, func(k string) string { return env[k] }, newServeFlags())
	if err != nil || cfg.HTTP.MaxConns != 200 || cfg.HTTP.ReadTimeout != 3*time.Second {
		t.Errorf("parseServe(--http-max-conns 200 --http-read-timeout 3s) = %+v, %v; want the flags' values", cfg.HTTP, err)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
