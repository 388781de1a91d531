package bot_test

import (
	"testing"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// TestPlanFollowUpThroughTheScheduler runs the next-day check-in through
// bot.Scheduler on the memory store with a fake clock; redisstore runs the
// same on real Redis.
func TestPlanFollowUpThroughTheScheduler(t *testing.T) {
	bottest.TestPlanFollowUp(t, func(t *testing.T, clock *bottest.Clock) func() bot.Store {
		store := memstore.New(memstore.WithNow(clock.Now))
		return func() bot.Store { return store }
	})
}
