package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/content"
)

func runWith(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	getenv := func(string) string { return "" }
	err = run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestChatJSONL(t *testing.T) {
	out, _, err := runWith(t, "/start\n6\n\n", "chat", "--jsonl")
	if err != nil {
		t.Fatalf("run(chat --jsonl) = %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 3 {
		t.Errorf("chat --jsonl wrote %d lines for 3 inputs:\n%s", len(lines), out)
	}
	if !strings.Contains(out, `"data":"1:a:method:pump"`) {
		t.Errorf("pressing 6 (None of these) did not reach the method question:\n%s", out)
	}
}

func TestChatLanguage(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"--lang es", "", []string{"--lang", "es"}, "¿Cómo te sacas la leche?"},
		{"LANG es_MX", "es_MX.UTF-8", nil, "¿Cómo te sacas la leche?"},
		{"--lang wins over LANG", "es_ES.UTF-8", []string{"--lang", "en"}, "How do you express your milk?"},
		{"neither", "", nil, "How do you express your milk?"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			getenv := func(k string) string {
				if k == "LANG" {
					return tt.env
				}
				return ""
			}
			args := append([]string{"chat", "--jsonl"}, tt.args...)
			if err := run(context.Background(), args, getenv, strings.NewReader("/start\n6\n"), &out, &errOut); err != nil {
				t.Fatalf("run(%v) = %v", args, err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("run(%v) with LANG=%q wrote %s, want %q", args, tt.env, out.String(), tt.want)
			}
		})
	}
	if _, _, err := runWith(t, "", "chat", "--lang", "fr"); err == nil {
		t.Error("run(chat --lang fr) = nil error, want no catalog for fr")
	}
}

// TestChatKeepsHerLanguageOnRedis: a mother who began in Spanish is
// answered in Spanish after a restart, with no --lang or LANG to say so.
func TestChatKeepsHerLanguageOnRedis(t *testing.T) {
	redis := startRedis(t, false)
	user := "lang-" + strconv.FormatInt(time.Now().UnixNano(), 36) // her own conversation even on a reused server
	if _, _, err := runWith(t, "/start\n6\n", "chat", "--jsonl", "--redis", redis.url(), "--user", user, "--lang", "es"); err != nil {
		t.Fatalf("first run = %v", err)
	}
	out, _, err := runWith(t, "con extractor\n", "chat", "--jsonl", "--redis", redis.url(), "--user", user)
	if err != nil {
		t.Fatalf("second run = %v", err)
	}
	if want := "¿te sacas de los dos pechos a la vez?"; !strings.Contains(out, want) {
		t.Errorf("after a restart, \"con extractor\" got %s, want %q", out, want)
	}
}

func TestChatInteractiveStartsTheConversation(t *testing.T) {
	out, _, err := runWith(t, "", "chat")
	if err != nil {
		t.Fatalf("run(chat) = %v", err)
	}
	if !strings.Contains(out, "[1] ") {
		t.Errorf("interactive chat shows no numbered buttons:\n%s", out)
	}
}

func TestChatRedisDown(t *testing.T) {
	_, _, err := runWith(t, "", "chat", "--redis", "redis://127.0.0.1:1/0")
	if err == nil {
		t.Fatal("run(chat --redis on a closed port) = nil error")
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("error %q, want one line naming the address", msg)
	}
	if exitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", exitCode(err))
	}
}

func TestContentCheck(t *testing.T) {
	out, _, err := runWith(t, "", "content", "check")
	if err != nil || !strings.Contains(out, "en: ok") {
		t.Fatalf("content check = %v\n%s", err, out)
	}
	// The real catalog with one link broken.
	dir := t.TempDir()
	if err := os.CopyFS(dir, content.Embedded()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "en", "steps.yaml")
	steps, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	broken := regexp.MustCompile(`(?m)^(\s+next:).*$`).ReplaceAll(steps, []byte("$1 nowhere"))
	if err := os.WriteFile(path, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = runWith(t, "", "content", "check", dir)
	if err == nil {
		t.Fatalf("content check on a broken catalog = nil error\n%s", out)
	}
	if !regexp.MustCompile(`en/steps.yaml: [a-z0-9_-]+: .*nowhere`).MatchString(out) {
		t.Errorf("content check did not name the file, the id and the broken link:\n%s", out)
	}
}

func TestContentGraph(t *testing.T) {
	out, _, err := runWith(t, "", "content", "graph")
	if err != nil || !strings.HasPrefix(out, "stateDiagram-v2\n") || !strings.Contains(out, "walk --> done") {
		t.Errorf("content graph = %v\n%s", err, out)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantErr  bool
		wantText string
	}{
		{[]string{"help"}, false, "letdown chat"},
		{[]string{"--help"}, false, "letdown chat"},
		{[]string{"chat", "--help"}, false, "--jsonl"},
		{[]string{}, true, "Usage"},
		{[]string{"fly"}, true, "unknown command"},
		{[]string{"chat", "--nope"}, true, "-nope"},
		{[]string{"content"}, true, "content check"},
	}
	for _, tt := range tests {
		out, errOut, err := runWith(t, "", tt.args...)
		if (err != nil) != tt.wantErr || !strings.Contains(out+errOut, tt.wantText) {
			t.Errorf("run(%q) = %v, output %q; want error %v and %q", tt.args, err, out+errOut, tt.wantErr, tt.wantText)
		}
		if tt.wantErr && exitCode(err) != 2 {
			t.Errorf("run(%q) exit code %d, want 2", tt.args, exitCode(err))
		}
	}
}

// --help prints the usage once, on stdout, and nothing on stderr.
func TestHelpPrintedOnce(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"bench", "--help"}, {"chat", "--help"}, {"content", "check", "--help"}} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if n := strings.Count(stdout.String(), "Usage:"); n != 1 || stderr.Len() != 0 {
			t.Errorf("%v: usage %d times on stdout, %d bytes on stderr; want once, and nothing there", args, n, stderr.Len())
		}
	}
}
