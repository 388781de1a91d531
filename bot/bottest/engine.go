package bottest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// TestEngineConcurrency proves that no update is lost or applied twice when
// many goroutines, on several Engine instances ("replicas") with stores
// sharing one backend, hammer a single conversation. newStore returns a new
// Store on the same backend each time it is called.
//
// A Handle that returns nil applied its update exactly once; one that
// returns ErrBusy applied nothing, and the update is handled again, as a
// platform delivers again what was not acknowledged. Each applied turn
// queues exactly one reply, so the outbox counts them all: a lost update
// (a commit overwriting another) or a doubled one shows as a wrong count.
// (Redelivery of an update already applied is the watermark's and the
// dedupe key's job, tested in the store contract and the Engine tests.)
func TestEngineConcurrency(t *testing.T, newStore func() bot.Store, replicas, workers, each int) {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := dialog.New(cat)
	engines := make([]*bot.Engine, replicas)
	for i := range engines {
		engines[i] = bot.NewEngine(d, newStore())
	}
	ctx := context.Background()
	conv := bot.Conv(fmt.Sprintf("test:race:%d", replicas))
	// Start the conversation so every later message gets one fallback reply.
	if _, err := engines[0].Handle(ctx, bot.Incoming{Conv: conv, Command: "start"}); err != nil {
		t.Fatal(err)
	}
	before, err := engines[0].Store().Pending(ctx, conv, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := engines[w%replicas]
			for i := range each {
				in := bot.Incoming{Conv: conv, Text: fmt.Sprintf("zzz %d %d", w, i)}
				for {
					_, err := e.Handle(ctx, in)
					if err == nil {
						break
					}
					if !errors.Is(err, bot.ErrBusy) {
						t.Errorf("Handle = %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	after, err := engines[0].Store().Pending(ctx, conv, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(after)-len(before), workers*each; got != want {
		t.Errorf("%d turns queued %d replies, want %d: updates were lost or applied twice", want, got, want)
	}
	seen := map[int64]bool{}
	for i, o := range after {
		if seen[o.Seq] || (i > 0 && o.Seq <= after[i-1].Seq) {
			t.Fatalf("outbox seq %d repeated or out of order", o.Seq)
		}
		seen[o.Seq] = true
	}
	var turns, conflicts int64
	for _, e := range engines {
		turns += e.Stats().Turns
		conflicts += e.Stats().Conflicts
	}
	t.Logf("%d replicas × %d workers × %d updates: %d turns committed, %d conflicts retried", replicas, workers, each, turns, conflicts)
}
