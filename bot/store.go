package bot

import (
	"context"
	"errors"
	"time"
)

// Errors a Store returns; callers test them with errors.Is.
var (
	// ErrConflict means the conversation changed since it was loaded: the
	// commit was not applied. Load again and retry.
	ErrConflict = errors.New("conversation changed concurrently")
	// ErrDuplicate means the commit's DedupeKey was already committed: the
	// event was handled before, and this commit was not applied.
	ErrDuplicate = errors.New("event already handled")
)

// Snapshot is a conversation as stored. A conversation never seen before
// loads as the zero Snapshot.
type Snapshot struct {
	Version   int64  // increases by one with every commit; 0 when new
	Watermark int64  // highest UpdateID committed
	State     []byte // the dialog state, encoded by the Engine; nil when new
	// Blocked is set when the platform refused the conversation for good
	// (Outbox.Block) and she has not written since.
	Blocked bool
}

// Commit is everything one turn changes, applied atomically or not at all.
type Commit struct {
	Conv Conv
	// Version is the Snapshot.Version the turn was computed from. The commit
	// is refused with ErrConflict unless the stored version still equals it.
	Version int64
	// Watermark becomes the conversation's watermark when it is higher.
	Watermark int64
	// DedupeKey, when set, is remembered for DedupeTTL; a later commit with
	// the same key is refused with ErrDuplicate.
	DedupeKey string
	State     []byte
	Replies   []Reply // appended to the outbox, in order
	// Erase deletes everything stored about the person (state, outbox,
	// dedupe keys, and in later stores session log and reminders) before the
	// rest of this commit is written. With Erase, State is usually nil: then
	// no state is kept and Load returns a nil State (a new conversation),
	// while Version and Watermark carry on so a platform's retry of this very
	// update is still recognised and no stale turn can commit. With no state
	// beside them, version and watermark expire after DedupeTTL; the queued
	// replies stay until acknowledged. Nothing else about her lingers.
	Erase bool
	// TTL is how long an idle conversation is kept; zero keeps it forever.
	TTL time.Duration
	// Remind changes the conversation's pending reminder: nil leaves it as
	// it is, a zero time cancels it, any other time (re)schedules it. An
	// Erase cancels it too. See Reminders.
	Remind *time.Time
}

// DedupeTTL is how long a DedupeKey is remembered: longer than any
// platform's retry window.
const DedupeTTL = 24 * time.Hour

// Store keeps conversations. Implementations must be safe for concurrent
// use by many goroutines and many processes (where they are shared).
type Store interface {
	// Load returns the conversation, or the zero Snapshot if there is none.
	Load(ctx context.Context, conv Conv) (Snapshot, error)
	// Commit applies c atomically and returns the replies it queued, with
	// their sequence numbers. It returns ErrConflict or ErrDuplicate, and
	// changes nothing, when the commit cannot apply.
	Commit(ctx context.Context, c Commit) ([]Outgoing, error)
	// Pending returns up to limit replies of conv's outbox not yet
	// acknowledged, oldest first.
	Pending(ctx context.Context, conv Conv, limit int) ([]Outgoing, error)
	// Ack removes conv's outbox replies with Seq ≤ seq: they were sent, or
	// permanently refused by the platform.
	Ack(ctx context.Context, conv Conv, seq int64) error
}
