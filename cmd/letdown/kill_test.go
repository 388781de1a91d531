package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// script is what each simulated mother types, one update at a time.
var script = []string{
	"/start", "None of these", "pump", "Both at once", "no", "no",
	"No, it takes longer", "Both", "Next", "Tell me more", "Next", "Why?",
	"Next", "bananas", "Next", "/help", "Next",
}

// expectedTexts is what a mother typing script receives from an
// undisturbed bot.
func expectedTexts(t *testing.T) []string {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := bot.NewEngine(dialog.New(cat), memstore.New())
	var texts []string
	for _, line := range script {
		in := bot.Incoming{Conv: "tg:1:1", Text: line}
		if line[0] == '/' {
			in = bot.Incoming{Conv: "tg:1:1", Command: line[1:]}
		}
		res, err := e.Handle(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Replies {
			texts = append(texts, o.Reply.Text)
		}
	}
	return texts
}

// botProcess is letdown serve running as a real process.
type botProcess struct {
	t    *testing.T
	bin  string
	env  []string
	cmd  *exec.Cmd
	logs syncBuffer
}

func (p *botProcess) start(addr string) {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, "serve")
	p.cmd.Env = p.env
	p.cmd.Stderr = &p.logs
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	p.t.Fatalf("letdown serve did not start:\n%s", p.logs.String())
}

func (p *botProcess) kill() {
	if p.cmd != nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
		p.cmd = nil
	}
}

// TestKilledMidRun: the bot process is killed with SIGKILL while five
// mothers are talking to it, and started again on the same Redis.
// Telegram delivers again every update that was not answered 200. No
// update answered 200 is lost and every committed reply arrives; the only
// repeat allowed is a reply that was being sent at the moment of the kill
// (sent, not yet acknowledged: at most one per chat).
func TestKilledMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	redis := startRedis(t, false)
	api := tgtest.New(t)
	bin := filepath.Join(t.TempDir(), "letdown")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := &botProcess{t: t, bin: bin, env: append(os.Environ(),
		"TELEGRAM_TOKEN="+tgtest.Token,
		"TELEGRAM_API_URL="+api.URL,
		"TELEGRAM_WEBHOOK_URL=https://bot.example.org/telegram",
		"TELEGRAM_WEBHOOK_SECRET="+secret,
		"REDIS_URL="+redis.url(),
		"REDIS_PREFIX="+redis.prefix,
		"LISTEN_ADDR="+addr,
		"ADMIN_ADDR=off",
		"TELEGRAM_RATE=1000",
	)}
	p.start(addr)
	defer p.kill()
	base := "http://" + addr

	const people = 5
	var acked atomic.Int64
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for acked.Load() < people*int64(len(script))/3 {
			time.Sleep(time.Millisecond)
		}
		p.kill()
		time.Sleep(100 * time.Millisecond)
		p.start(addr)
	}()
	var wg sync.WaitGroup
	for person := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := int64(9000 + person)
			for i, line := range script {
				u := tgtest.TextUpdate(int64(i+1), user, line)
				for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Errorf("update %d of %d never answered 200", i+1, user)
						return
					}
					if code, err := tryPost(base, u); err == nil && code == 200 {
						acked.Add(1)
						break
					}
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	<-killed

	want := expectedTexts(t)
	for person := range people {
		user := int64(9000 + person)
		var got []string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			got = got[:0]
			for _, m := range api.Sent(user) {
				got = append(got, m.Text)
			}
			if len(got) >= len(want) {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
		got = got[:0]
		for _, m := range api.Sent(user) {
			got = append(got, m.Text)
		}
		if err := sameAllowingOneRepeat(got, want); err != nil {
			t.Errorf("chat %d: %v\nprocess logs:\n%s", user, err, p.logs.String())
		}
	}
}

// sameAllowingOneRepeat checks that got is want, except that one message
// may appear twice in a row (the one in flight at the kill).
func sameAllowingOneRepeat(got, want []string) error {
	repeats := 0
	j := 0
	for i, g := range got {
		switch {
		case j < len(want) && g == want[j]:
			j++
		case i > 0 && g == got[i-1] && repeats == 0:
			repeats++
		default:
			return fmt.Errorf("message %d is %.40q, want %.40q (received %d of %d)", i+1, g, at(want, j), len(got), len(want))
		}
	}
	if j != len(want) {
		return fmt.Errorf("received %d messages, %d of the %d expected: replies were lost", len(got), j, len(want))
	}
	return nil
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(nothing more)"
}

func tryPost(base string, u any) (int, error) { return postWith(base, secret, u) }
