package redisstore

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/redis/go-redis/v9"
)

var echoScript = redis.NewScript(`return ARGV[1] .. redis.call("INCR", KEYS[1])`)

// TestBatcher runs scripts from many goroutines at once through one
// batcher: each gets its own answer, after its server lost its scripts
// too, and one whose context ends stops waiting and leaves the queue.
func TestBatcher(t *testing.T) {
	be := redistest.New(t)
	ctx := context.Background()
	b := &batcher{client: be.Client}
	key := be.Prefix + "n"
	be.Client.ScriptFlush(ctx) // the first calls meet NOSCRIPT
	const goroutines, calls = 16, 50
	var wg sync.WaitGroup
	seen := make([]map[int]bool, goroutines)
	for g := range goroutines {
		wg.Add(1)
		seen[g] = map[int]bool{}
		go func() {
			defer wg.Done()
			for i := range calls {
				arg := strconv.Itoa(g) + ":" + strconv.Itoa(i) + ":"
				got, err := b.run(ctx, echoScript, []string{key}, arg).Text()
				if err != nil {
					t.Errorf("run(%s) = %v", arg, err)
					return
				}
				n, err := strconv.Atoi(got[len(arg):])
				if got[:len(arg)] != arg || err != nil {
					t.Errorf("run(%s) = %q, want it and a count", arg, got)
					return
				}
				seen[g][n] = true
			}
		}()
	}
	wg.Wait()
	all := map[int]bool{}
	for _, s := range seen {
		for n := range s {
			if all[n] {
				t.Errorf("count %d answered twice", n)
			}
			all[n] = true
		}
	}
	if n, _ := be.Client.Get(ctx, key).Int(); n != goroutines*calls || len(all) != n {
		t.Errorf("the script ran %d times, %d answers; want %d of each", n, len(all), goroutines*calls)
	}
	b.mu.Lock()
	left, flushes := len(b.queue), b.flushes
	b.mu.Unlock()
	if left != 0 || flushes != 0 {
		t.Errorf("after every call: %d queued, %d flushes in flight; want none", left, flushes)
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	b.mu.Lock()
	b.flushes = maxFlushes // every pipeline busy: the call must wait
	b.mu.Unlock()
	if err := b.run(done, echoScript, []string{key}, "x").Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("run with an ended context = %v, want context.Canceled", err)
	}
	b.mu.Lock()
	left = len(b.queue)
	b.mu.Unlock()
	if left != 0 {
		t.Errorf("%d calls queued after the only one waiting gave up, want none: it must never run", left)
	}
}
