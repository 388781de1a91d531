// Package chores runs the best-effort platform calls that follow a turn
// (answering a button press, removing its keyboard, an ephemeral notice)
// in the background, so the platform's acknowledgement never waits on
// calls that only tidy up.
package chores

import (
	"context"
	"sync"
	"time"
)

// Runner runs chores, at most a fixed number at once, each with a timeout.
type Runner struct {
	wg      sync.WaitGroup
	slots   chan struct{}
	timeout time.Duration
}

// New returns a Runner running at most max chores at once, each for at
// most timeout.
func New(max int, timeout time.Duration) *Runner {
	return &Runner{slots: make(chan struct{}, max), timeout: timeout}
}

// Go runs f in the background with a context that ends after the timeout.
func (r *Runner) Go(f func(ctx context.Context)) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.slots <- struct{}{}
		defer func() { <-r.slots }()
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		defer cancel()
		f(ctx)
	}()
}

// Wait blocks until every chore started so far has finished.
func (r *Runner) Wait() { r.wg.Wait() }
