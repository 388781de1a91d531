package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/adapters/console"
	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

type jsonlReply struct {
	Text    string `json:"text"`
	Buttons []struct {
		Label string `json:"label"`
		Data  string `json:"data"`
	} `json:"buttons"`
}

type jsonlLine struct {
	Replies []jsonlReply `json:"replies"`
	Error   string       `json:"error"`
}

func runJSONL(t *testing.T, chat *console.Chat, input string) []jsonlLine {
	t.Helper()
	var out strings.Builder
	if err := chat.RunJSONL(context.Background(), strings.NewReader(input), &out); err != nil {
		t.Fatalf("RunJSONL = %v", err)
	}
	var lines []jsonlLine
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l jsonlLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("output line %q is not JSON: %v", sc.Text(), err)
		}
		if l.Replies == nil {
			t.Fatalf("output line %q has no replies array", sc.Text())
		}
		for _, r := range l.Replies {
			if r.Buttons == nil {
				t.Fatalf("output line %q has a reply without a buttons array", sc.Text())
			}
		}
		lines = append(lines, l)
	}
	return lines
}

func TestJSONLOneLinePerInput(t *testing.T) {
	chat, _ := newChat(t, "")
	input := "/start\n\n2\nnone of these\n  \n" + strings.Repeat("x", 10<<10) + "\n\xff\xfe\n🍼\nPUMP"
	lines := runJSONL(t, chat, input)
	if want := strings.Count(input, "\n") + 1; len(lines) != want {
		t.Fatalf("RunJSONL wrote %d lines for %d input lines", len(lines), want)
	}
	for i, l := range lines {
		if len(l.Replies) == 0 {
			t.Errorf("line %d: no replies", i+1)
		}
	}
}

func TestJSONLPressesByNumberAndLabel(t *testing.T) {
	chat, _ := newChat(t, "")
	lines := runJSONL(t, chat, "/start\nNONE OF THESE\n1\n")
	screen := lines[0].Replies[len(lines[0].Replies)-1]
	if n := len(screen.Buttons); n < 2 {
		t.Fatalf("/start offers %d buttons, want the safety check", n)
	}
	method := lines[1].Replies[len(lines[1].Replies)-1]
	if len(method.Buttons) == 0 {
		t.Fatalf("after 'none of these': %+v, want the method question", lines[1])
	}
	// "1" presses the first button of the method question.
	next := lines[2].Replies[len(lines[2].Replies)-1]
	if next.Text == method.Text || next.Text == "" {
		t.Errorf("pressing 1 did not move on from %q (got %q)", method.Text, next.Text)
	}
}

func TestJSONLNumbersOutOfRangeAreText(t *testing.T) {
	chat, engine := newChat(t, "")
	runJSONL(t, chat, "/start\n99\n")
	if got := engine.Stats().Fallbacks; got != 1 {
		t.Errorf("Fallbacks = %d after '99' with 6 buttons, want 1", got)
	}
}

// failingStore refuses every commit, as a Redis that went away would.
type failingStore struct{ bot.Store }

func (failingStore) Commit(context.Context, bot.Commit) ([]bot.Outgoing, error) {
	return nil, errors.New("store down")
}

func TestJSONLStoreFailureStillAnswersEveryLine(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	engine := bot.NewEngine(dialog.New(cat), failingStore{memstore.New()})
	chat := console.New(engine, "console:test")
	var out strings.Builder
	err = chat.RunJSONL(context.Background(), strings.NewReader("hi\nthere\n"), &out)
	if err == nil {
		t.Fatal("RunJSONL with a failing store = nil error, want the store's")
	}
	if n := strings.Count(out.String(), "\n"); n != 2 {
		t.Errorf("wrote %d lines for 2 inputs:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), `"error":"`) {
		t.Errorf("output %q does not report the error", out.String())
	}
}

func TestInteractiveResumesWhereSheWas(t *testing.T) {
	store := memstore.New()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	engine := bot.NewEngine(dialog.New(cat), store)
	var first strings.Builder
	if err := console.New(engine, "console:me").RunInteractive(context.Background(), strings.NewReader("None of these\nPump\n"), &first); err != nil {
		t.Fatal(err)
	}
	// A new process on the same store: the double-pumping question again,
	// and "1" answers it.
	var second strings.Builder
	engine2 := bot.NewEngine(dialog.New(cat), store)
	again := console.New(engine2, "console:me")
	if err := again.RunInteractive(context.Background(), strings.NewReader("1\n"), &second); err != nil {
		t.Fatal(err)
	}
	out := second.String()
	question := cat.Questions[1].Text // "double"
	if cat.Questions[1].ID != "double" || !strings.Contains(out, question) {
		t.Fatalf("resumed chat does not show the double-pumping question %q:\n%s", question, out)
	}
	if !strings.Contains(out, cat.Questions[2].Text) {
		t.Errorf("typing 1 after resuming did not answer it:\n%s", out)
	}
	if f := engine2.Stats().Fallbacks; f != 0 {
		t.Errorf("resuming cost %d fallbacks", f)
	}
}
