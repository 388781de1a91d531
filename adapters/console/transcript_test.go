package console_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/tools/txtar"

	"github.com/letdownbot/letdown/adapters/console"
	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

var update = flag.Bool("update", false, "rewrite the transcripts under testdata")

// newChat is a chat on every built-in language, as letdown chat runs,
// sending locale with each input.
func newChat(t *testing.T, locale string) (*console.Chat, *bot.Engine) {
	t.Helper()
	cats, err := content.All()
	if err != nil {
		t.Fatalf("content.All() = %v", err)
	}
	// A fixed clock: transcripts show reminder times.
	at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	engine := bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang), memstore.New(), bot.WithClock(func() time.Time { return at }))
	return console.New(engine, "console:test").WithLocale(locale), engine
}

// echoReader hands the chat one line per Read, and writes each line to the
// transcript as a terminal would echo it, so the golden file reads as a
// conversation. Very long or binary lines are shown shortened.
type echoReader struct {
	lines []string
	rest  string // what is left of a line longer than one Read
	out   io.Writer
}

func (r *echoReader) Read(p []byte) (int, error) {
	if r.rest == "" {
		if len(r.lines) == 0 {
			return 0, io.EOF
		}
		r.rest, r.lines = r.lines[0], r.lines[1:]
		fmt.Fprintf(r.out, "%s\n", shorten(strings.TrimSuffix(r.rest, "\n")))
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

func shorten(s string) string {
	if len(s) <= 80 && utf8.ValidString(s) {
		return s
	}
	return fmt.Sprintf("%.40q… (%d bytes)", s, len(s))
}

// expand turns "<<N×TEXT>>" in an input line into TEXT repeated N times,
// so a 10 kB line needs no 10 kB of testdata.
func expand(line string) string {
	var n int
	var text string
	if _, err := fmt.Sscanf(line, "<<%d×%s", &n, &text); err == nil && strings.HasSuffix(text, ">>") {
		return strings.Repeat(strings.TrimSuffix(text, ">>"), n)
	}
	return line
}

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts in testdata (%v)", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var input, want *txtar.File
			locale := "" // a "locale" section is the platform's language code, as --lang
			for i := range ar.Files {
				switch ar.Files[i].Name {
				case "locale":
					locale = strings.TrimSpace(string(ar.Files[i].Data))
				case "input":
					input = &ar.Files[i]
				case "transcript":
					want = &ar.Files[i]
				}
			}
			if input == nil {
				t.Fatalf("%s has no input section", file)
			}
			var lines []string
			for _, l := range strings.SplitAfter(string(input.Data), "\n") {
				if l != "" {
					lines = append(lines, expand(strings.TrimSuffix(l, "\n"))+"\n")
				}
			}
			var got bytes.Buffer
			chat, _ := newChat(t, locale)
			if err := chat.RunInteractive(context.Background(), &echoReader{lines: lines, out: &got}, &got); err != nil {
				t.Fatalf("RunInteractive = %v", err)
			}
			if *update {
				if want == nil {
					ar.Files = append(ar.Files, txtar.File{Name: "transcript"})
					want = &ar.Files[len(ar.Files)-1]
				}
				want.Data = got.Bytes()
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want == nil {
				t.Fatalf("%s has no transcript section; run go test ./adapters/console -update", file)
			}
			if got.String() != string(want.Data) {
				t.Errorf("transcript changed; review the diff and run go test ./adapters/console -update\n%s", diff(string(want.Data), got.String()))
			}
		})
	}
}

// diff shows the first line where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, wl, gl)
		}
	}
	return ""
}
