// Package bottest holds what tests of the bot and its adapters share: a fake
// clock and the contract suite every bot.Store implementation must pass.
package bottest

import (
	"sync"
	"time"
)

// Clock is a fake clock that moves only when told to. It is safe for
// concurrent use; pass its Now method wherever a func() time.Time is injected.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
