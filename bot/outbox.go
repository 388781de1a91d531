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
// Claim and Advance are the Dispatcher's whole loop: Claim, send the Queue
// (Next and the replies after it), Advance past the last one sent, send
// the new Queue, and so on until Next is nil, when the store has settled
// the conversation and released the lease. A store does each in one round
// trip where it can: sending a turn's replies then costs two.
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
	// replies are dropped and it leaves the ready index. Marking it
	// blocked changes its Snapshot, so its Version goes up (once: a second
	// Block changes nothing). The mark is
	// cleared by her next committed turn (she unblocked the bot and wrote).
	// Her reminder stays indexed: the Engine's reminder turns for someone
	// blocked ping nobody, and only keep her session log to its retention.
	Block(ctx context.Context, conv Conv) error
}

// ClaimingStore is a Store whose commit can take the send lease for the
// replies it queues, in the same round trip, so that they are sent with no
// Claim: a turn then costs its commit and one Advance.
type ClaimingStore interface {
	// CommitClaim is Commit, and takes the send lease on c.Conv for owner,
	// for ttl, when the replies it queues are all that is pending and no
	// other owner holds it. held reports whether it did.
	CommitClaim(ctx context.Context, c Commit, owner string, ttl time.Duration) (out []Outgoing, held bool, err error)
}

// Claims is what a commit's send lease is taken for: the Dispatcher. With
// WithClaims, an Engine over a ClaimingStore takes the lease on the
// replies a turn queues for Owner, and hands it over with Claimed before
// Handle returns, so they go out without a Claim.
type Claims interface {
	Owner() string           // the owner the lease is taken for
	LeaseTTL() time.Duration // how long it is taken for
	Claimed(conv Conv, l Lease)
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
	// Queue is Next and the replies pending after it, oldest first, as
	// many as the store hands out at once (at most QueueLimit); empty when
	// Next is nil.
	Queue []Outgoing
}

// QueueLimit is the most replies a Lease hands out at once: more than one
// turn's, few enough that a lease's worth is sent well within the lease.
const QueueLimit = 8

// LeaseOf makes the Lease for the pending replies queue (oldest first),
// for stores.
func LeaseOf(queue []Outgoing) Lease {
	if len(queue) == 0 {
		return Lease{Held: true}
	}
	queue = queue[:min(len(queue), QueueLimit)]
	return Lease{Held: true, Next: &queue[0], Queue: queue}
}
