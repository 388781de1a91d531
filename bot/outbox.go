package bot

import (
	"context"
	"time"
)

// Outbox is what the Dispatcher needs from a store beyond Store: an index of
// conversations with replies waiting (so a restarted process sends what was
// committed and not yet sent), a lease so that one process at a time sends a
// conversation's replies (so several replicas never send one twice), and a
// way to record a permanent refusal.
//
// A Commit that queues replies puts the conversation in the ready index.
type Outbox interface {
	Pending(ctx context.Context, conv Conv, limit int) ([]Outgoing, error)
	Ack(ctx context.Context, conv Conv, seq int64) error
	// Ready lists up to limit conversations that entered the ready index at
	// or before 'before', oldest first.
	Ready(ctx context.Context, before time.Time, limit int) ([]Conv, error)
	// Settle takes conv out of the ready index unless replies are pending.
	Settle(ctx context.Context, conv Conv) error
	// Claim takes the send lease on conv for owner, for ttl, and reports
	// whether it got it. The owner that holds it may claim again to extend.
	Claim(ctx context.Context, conv Conv, owner string, ttl time.Duration) (bool, error)
	// Release gives the lease up, if owner holds it.
	Release(ctx context.Context, conv Conv, owner string) error
	// Block records that the platform refused conv for good: its queued
	// replies are dropped and it leaves the ready index. The mark is
	// cleared by her next committed turn (she unblocked the bot and wrote).
	Block(ctx context.Context, conv Conv) error
}
