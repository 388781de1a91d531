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
//
// Claim and Advance are the Dispatcher's whole loop: Claim, send Next,
// Advance past it, send the new Next, and so on until Next is nil, when
// the store has settled the conversation and released the lease. A store
// does each in one round trip where it can: sending a turn's n replies
// then costs n+1 round trips.
type Outbox interface {
	Pending(ctx context.Context, conv Conv, limit int) ([]Outgoing, error)
	Ack(ctx context.Context, conv Conv, seq int64) error
	// Ready lists up to limit conversations that entered the ready index at
	// or before 'before', oldest first.
	Ready(ctx context.Context, before time.Time, limit int) ([]Conv, error)
	// Settle takes conv out of the ready index unless replies are pending.
	Settle(ctx context.Context, conv Conv) error
	// Claim takes the send lease on conv for owner, for ttl, if it is free
	// or already owner's, and reports the oldest reply pending. When none
	// is pending it settles conv (as Settle does) and releases the lease:
	// there is nothing to hold it for. When another owner holds the lease
	// it changes nothing.
	Claim(ctx context.Context, conv Conv, owner string, ttl time.Duration) (Lease, error)
	// Advance acknowledges conv's replies with Seq ≤ seq, as Ack does (they
	// were delivered, or refused for good), then does what Claim does.
	Advance(ctx context.Context, conv Conv, seq int64, owner string, ttl time.Duration) (Lease, error)
	// Release gives the lease up, if owner holds it.
	Release(ctx context.Context, conv Conv, owner string) error
	// Block records that the platform refused conv for good: its queued
	// replies are dropped and it leaves the ready index. The mark is
	// cleared by her next committed turn (she unblocked the bot and wrote).
	// Her reminder stays indexed: the Engine's reminder turns for someone
	// blocked ping nobody, and only keep her session log to its retention.
	Block(ctx context.Context, conv Conv) error
}

// Lease is what Claim and Advance report.
type Lease struct {
	// Held is false when another owner holds the send lease: nothing
	// may be sent, and Next is nil.
	Held bool
	// Next is the oldest reply pending, to be sent under the lease. Nil
	// when Held and nothing is pending: the conversation has been settled
	// and the lease released.
	Next *Outgoing
}
