package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
)

// benchJSON runs letdown bench with args and returns its one JSON object.
func benchJSON(t *testing.T, args ...string) map[string]float64 {
	t.Helper()
	return benchJSONEnv(t, func(string) string { return "" }, args...)
}

// benchJSONEnv is benchJSON with an environment.
func benchJSONEnv(t *testing.T, getenv func(string) string, args ...string) map[string]float64 {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runBench(context.Background(), args, getenv, &out, &errOut)
	if err != nil {
		t.Fatalf("bench %q = %v\nstderr:\n%s", args, err, errOut.String())
	}
	dec := json.NewDecoder(&out)
	var got map[string]float64
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("bench --json stdout is not a JSON object: %v\n%s", err, out.String())
	}
	if dec.More() {
		t.Fatalf("bench --json printed more than one JSON value:\n%s", out.String())
	}
	keys := []string{"turns", "seconds", "turns_per_sec", "ack_p50_ms", "ack_p99_ms", "replies_delivered", "duplicates_sent", "errors", "redis_bytes_per_conversation",
		"redis_calls_per_turn", "redis_cpu_us_per_turn", "redis_set_cpu_us", "redis_cpu_per_set", "bot_cpu_us_per_turn"}
	for _, k := range keys {
		if _, ok := got[k]; !ok {
			t.Errorf("bench --json has no %q: %v", k, got)
		}
	}
	for k := range got {
		if !slices.Contains(keys, k) {
			t.Errorf("bench --json has an unknown key %q", k)
		}
	}
	if !strings.Contains(errOut.String(), "turns/s") {
		t.Errorf("bench --json wrote no human summary on stderr:\n%s", errOut.String())
	}
	switch {
	case got["turns"] <= 0, got["replies_delivered"] <= 0, got["seconds"] <= 0:
		t.Errorf("bench = %v, want turns, replies and seconds above 0", got)
	case got["errors"] != 0, got["duplicates_sent"] != 0:
		t.Errorf("bench = %v, want no errors and no duplicates\nstderr:\n%s", got, errOut.String())
	case got["replies_delivered"] < got["turns"]:
		t.Errorf("bench = %v: every turn has at least one reply", got)
	}
	return got
}

func TestBenchMemory(t *testing.T) {
	got := benchJSON(t, "--json", "--people", "20", "--duration", "2s", "--warmup", "0")
	for _, k := range []string{"redis_bytes_per_conversation", "redis_calls_per_turn", "redis_cpu_us_per_turn", "redis_set_cpu_us", "redis_cpu_per_set", "bot_cpu_us_per_turn"} {
		if got[k] != 0 {
			t.Errorf("%s = %v without Redis or --serve-pid, want 0 (not measured)", k, got[k])
		}
	}
}

func TestBenchRedis(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL is not set")
	}
	got := benchJSON(t, "--json", "--people", "20", "--duration", "2s", "--warmup", "0", "--redis", url)
	if got["redis_bytes_per_conversation"] <= 0 {
		t.Errorf("redis_bytes_per_conversation = %v, want the state's size", got["redis_bytes_per_conversation"])
	}
	checkRedisLoad(t, got)
	if got["bot_cpu_us_per_turn"] != 0 {
		t.Errorf("bot_cpu_us_per_turn = %v in one process, want 0 (not measured)", got["bot_cpu_us_per_turn"])
	}
}

// checkRedisLoad checks the Redis load figures are measured. A turn is at
// least one request (its commit); the figures' sizes depend on the
// machine and on whoever else uses that Redis.
func checkRedisLoad(t *testing.T, got map[string]float64) {
	t.Helper()
	if got["redis_calls_per_turn"] < 1 {
		t.Errorf("redis_calls_per_turn = %v, want at least 1", got["redis_calls_per_turn"])
	}
	for _, k := range []string{"redis_cpu_us_per_turn", "redis_set_cpu_us", "redis_cpu_per_set"} {
		if got[k] <= 0 {
			t.Errorf("%s = %v, want more than 0", k, got[k])
		}
	}
}

// TestBenchRedelivers shows the repeated deliveries are made, and made
// harmless by the bot: with every update delivered twice, still no
// duplicate reply and no error.
func TestBenchRedelivers(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runBench(context.Background(), []string{"--people", "20", "--turns", "40", "--duration", "20s", "--redeliver", "1"},
		func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("bench = %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "40 repeated deliveries") {
		t.Errorf("bench --redeliver 1 --turns 40 did not repeat all 40 updates:\n%s", out.String())
	}
}

func TestBenchHumanSummary(t *testing.T) {
	var out, errOut bytes.Buffer
	// "turns 10" in the summary is what proves it stopped at 10 turns; no
	// clock is read, since a loaded machine is slow.
	err := runBench(context.Background(), []string{"--people", "10", "--turns", "10", "--warmup", "0"}, func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("bench = %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"turns       10 in", "duplicates  0", "errors      0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

// TestBenchWarmup: turns in the warm-up are counted apart, not in the
// figures. People arrive within the first second, so with a warm-up of
// several seconds a run of one turn each is all warm-up.
func TestBenchWarmup(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runBench(context.Background(), []string{"--people", "10", "--turns", "10", "--duration", "20s", "--warmup", "15s"}, func(string) string { return "" }, &out, &errOut)
	if err != nil {
		t.Fatalf("bench = %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"turns       0 in", "warm-up     10 turns in the first 15s", "errors      0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestBenchFlags(t *testing.T) {
	const hook = "http://127.0.0.1:1/telegram"
	for _, args := range [][]string{{"--people", "0"}, {"--duration", "-1s"}, {"--redeliver", "2"}, {"--warmup", "-1s"}, {"--duration", "2s", "--warmup", "2s"}, {"extra"}, {"--nope"},
		// A serve in another process: --webhook with all it needs, and
		// nothing of it without.
		{"--serve-pid", "1"}, {"--api-listen", "127.0.0.1:0"}, {"--secret", "s"}, {"--redis-prefix", "x:"},
		{"--webhook", hook, "--secret", "s"},
		{"--webhook", hook, "--api-listen", "127.0.0.1:0"},
		{"--webhook", "ftp://127.0.0.1/telegram", "--api-listen", "127.0.0.1:0", "--secret", "s"},
		{"--webhook", hook, "--api-listen", "127.0.0.1:0", "--secret", "not secret"},
		{"--webhook", hook, "--api-listen", "127.0.0.1:0", "--secret", "s", "--redis-prefix", "{x}:"},
		{"--webhook", hook, "--api-listen", "127.0.0.1:0", "--secret", "s", "--serve-pid", "-2"},
	} {
		var out, errOut bytes.Buffer
		if err := runBench(context.Background(), args, func(string) string { return "" }, &out, &errOut); err == nil {
			t.Errorf("bench %q = nil error", args)
		}
	}
	var out bytes.Buffer
	if err := runBench(context.Background(), []string{"--help"}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "-people") {
		t.Errorf("bench --help = %v\n%s", err, out.String())
	}
}

func TestReplyCheck(t *testing.T) {
	a := apiMessage{Text: "Welcome"}
	b := apiMessage{Text: "Any of these?", Buttons: []apiButton{{Text: "None of these", Data: "1:clear"}}}
	c := apiMessage{Text: "How do you express?", Buttons: []apiButton{{Text: "Pump", Data: "1:a:method:pump"}}}
	bOtherData := apiMessage{Text: b.Text, Buttons: []apiButton{{Text: "None of these", Data: "1:stop"}}}
	tests := []struct {
		name                          string
		want, got                     []apiMessage
		missing, duplicates, unexpect int
	}{
		{"all in order", []apiMessage{a, b}, []apiMessage{a, b}, 0, 0, 0},
		{"a reply sent twice", []apiMessage{a, b}, []apiMessage{a, b, b}, 0, 1, 0},
		{"a turn's replies sent twice before the next turn's", []apiMessage{a, b, c}, []apiMessage{a, b, a, b, c}, 0, 2, 0},
		{"one missing", []apiMessage{a, b}, []apiMessage{a}, 1, 0, 0},
		{"out of order", []apiMessage{a, b}, []apiMessage{b, a}, 1, 0, 1},
		{"same text, other buttons", []apiMessage{b}, []apiMessage{bOtherData}, 1, 0, 1},
		{"nothing owed", nil, []apiMessage{c}, 0, 0, 1},
		// Two turns that each owe the same message (two fallbacks in a
		// row) are not a duplicate.
		{"the same reply to two turns", []apiMessage{a, a}, []apiMessage{a, a}, 0, 0, 0},
	}
	for _, tt := range tests {
		var rc replyCheck
		rc.expect(tt.want...)
		for _, m := range tt.got {
			rc.receive(m)
		}
		if len(rc.want) != tt.missing || rc.duplicates != tt.duplicates || rc.unexpected != tt.unexpect {
			t.Errorf("%s: missing %d, duplicates %d, unexpected %d; want %d, %d, %d",
				tt.name, len(rc.want), rc.duplicates, rc.unexpected, tt.missing, tt.duplicates, tt.unexpect)
		}
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * 10 * time.Microsecond) // 10 µs … 10 ms
	}
	for _, tt := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.99, 9900 * time.Microsecond}, {1, 10 * time.Millisecond}} {
		got := h.quantile(tt.q)
		if diff := float64(got-tt.want) / float64(tt.want); diff < -0.02 || diff > 0.02 {
			t.Errorf("quantile(%v) = %v, want %v within 2%%", tt.q, got, tt.want)
		}
	}
	for us := int64(0); us < 1<<30; us = us*9/8 + 1 {
		if i := histBucket(us); histLow(i) > us || histLow(i+1) <= us {
			t.Fatalf("histBucket(%d) = %d, which holds [%d, %d)", us, i, histLow(i), histLow(i+1))
		}
	}
}

// TestBenchExternalServe: the bench drives a letdown serve running in
// another process, started before it as --help says (its getMe retries
// until the fake API is up). The checks are the same as in one process,
// and the serve process's CPU is measured apart from the bench's.
func TestBenchExternalServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts a process")
	}
	rb := redistest.New(t)
	bin := filepath.Join(t.TempDir(), "letdown")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const token, hookSecret = "4711:external-bench-token", "external-bench-secret"
	apiAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"TELEGRAM_TOKEN="+token,
		"TELEGRAM_API_URL=http://"+apiAddr,
		"TELEGRAM_WEBHOOK_URL=https://bench.invalid/telegram",
		"TELEGRAM_WEBHOOK_SECRET="+hookSecret,
		"TELEGRAM_RATE=1000000",
		"CONVERSATION_TTL=1h",
		"REDIS_URL="+rb.URL,
		"REDIS_PREFIX="+rb.Prefix,
		"LISTEN_ADDR="+addr,
		"ADMIN_ADDR=off",
	)
	var logs syncBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("letdown serve's log:\n%s", logs.String())
		}
	})

	// The token and the secret from the environment, as serve's.
	env := map[string]string{"TELEGRAM_TOKEN": token, "TELEGRAM_WEBHOOK_SECRET": hookSecret}
	args := []string{"--json", "--people", "100", "--duration", "4s", "--warmup", "1s",
		"--webhook", "http://" + addr + "/telegram", "--api-listen", apiAddr, "--serve-pid", strconv.Itoa(cmd.Process.Pid)}
	if rb.Mini == nil {
		// miniredis has no INFO counters.
		args = append(args, "--redis", rb.URL, "--redis-prefix", rb.Prefix)
	}
	got := benchJSONEnv(t, func(k string) string { return env[k] }, args...)
	if got["bot_cpu_us_per_turn"] <= 0 {
		t.Errorf("bot_cpu_us_per_turn = %v, want serve's CPU time a turn", got["bot_cpu_us_per_turn"])
	}
	if rb.Mini == nil {
		checkRedisLoad(t, got)
	}
}

// TestBenchAwaitServe: before a run against a serve in another process,
// the bench tells a webhook that takes its secret from one that does not,
// and from something else at that URL.
func TestBenchAwaitServe(t *testing.T) {
	tests := []struct {
		name string
		code int
		want string // in the error; "" for none
	}{
		{"serve, the secret right", http.StatusBadRequest, ""},
		{"serve, another secret", http.StatusUnauthorized, "refused the secret"},
		{"another path", http.StatusNotFound, "answered 404"},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tt.code) }))
		b := &bench{hook: srv.URL + "/telegram", client: srv.Client(), slots: make(chan struct{}, 1), api: &benchAPI{}}
		err := b.awaitServe(context.Background(), io.Discard)
		srv.Close()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("awaitServe(%s) = %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}
