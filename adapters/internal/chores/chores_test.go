package chores

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunner(t *testing.T) {
	r := New(2, 50*time.Millisecond)
	var running, most, done atomic.Int32
	for range 6 {
		r.Go(func(ctx context.Context) {
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			<-ctx.Done() // each chore runs until its timeout
			running.Add(-1)
			done.Add(1)
		})
	}
	r.Wait()
	if done.Load() != 6 {
		t.Errorf("Wait returned with %d of 6 chores done", done.Load())
	}
	if m := most.Load(); m > 2 {
		t.Errorf("%d chores ran at once, want at most 2", m)
	}
}
