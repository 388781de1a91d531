package bot

import (
	"context"
	"errors"
	"slices"
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

// ConflictError is ErrConflict (errors.Is) with the conversation as it
// stands, for stores that can tell it in the same answer: the Engine then
// runs the turn again without a Load.
type ConflictError struct {
	Current Snapshot
}

func (e *ConflictError) Error() string        { return ErrConflict.Error() }
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Snapshot is a conversation as stored. A conversation never seen before
// loads as the zero Snapshot.
type Snapshot struct {
	Version int64 // increases by one with every commit; 0 when new
	// Watermark and Seen say which UpdateIDs were committed: every one at
	// or below Watermark, and those in Seen (ascending, above Watermark, at
	// most RecentUpdates of them). Updates may arrive out of order; only
	// when more than RecentUpdates newer ones commit first does an older
	// one fall below the watermark and count as handled.
	Watermark int64
	Seen      []int64
	State     []byte // the dialog state, encoded by the Engine; nil when new
	// Log is her session log, encoded by the Engine, kept apart from the
	// state so that it can expire on its own; nil when there is none.
	Log []byte
	// Blocked is set when the platform refused the conversation for good
	// (Outbox.Block) and she has not written since.
	Blocked bool
	// LastSeq is the Seq of the last reply ever queued (0: none), for
	// Commit.LastSeq; a store that does not tell leaves it 0.
	LastSeq int64
}

// Commit is everything one turn changes, applied atomically or not at all.
type Commit struct {
	Conv Conv
	// Version is the Snapshot.Version the turn was computed from. The commit
	// is refused with ErrConflict unless the stored version still equals it.
	Version int64
	// Watermark and Seen replace the conversation's (see Snapshot); a nil
	// Seen keeps none. The Engine computes them from the Snapshot it
	// loaded (Remember), which the Version check makes current.
	Watermark int64
	Seen      []int64
	// LastSeq is the Snapshot's LastSeq: a store may number the replies
	// from it once it has checked it is still its own, and must number
	// them from its own count when it is not.
	LastSeq int64
	// DedupeKey, when set, is remembered for DedupeTTL; a later commit with
	// the same key is refused with ErrDuplicate.
	DedupeKey string
	State     []byte
	Replies   []Reply // appended to the outbox, in order
	// Erase deletes everything stored about the person (state, outbox,
	// dedupe keys, session log and reminder) before the
	// rest of this commit is written. With Erase, State is usually nil: then
	// no state is kept and Load returns a nil State (a new conversation),
	// while Version, Watermark and Seen carry on so a platform's retry of this very
	// update is still recognised and no stale turn can commit. With no state
	// beside them, version and watermark expire after DedupeTTL; the queued
	// replies stay until acknowledged. Nothing else about her lingers.
	Erase bool
	// TTL is how long an idle conversation is kept; zero keeps it forever.
	TTL time.Duration
	// Log, when not nil, replaces the session log; an empty, non-nil Log
	// deletes it. A nil Log leaves the log as it is. The log is erased with
	// everything else by Erase, before a Log of the same commit is written.
	Log []byte
	// LogTTL is how long the log written by this commit lives: the
	// retention left for its newest session. Zero keeps it forever.
	LogTTL time.Duration
	// Housekeeping marks a commit that is the bot's own, not a turn of
	// hers (pruning the log of someone who blocked the bot): it leaves the
	// blocked mark, which any other commit clears.
	Housekeeping bool
	// Remind changes the conversation's pending reminder: nil leaves it as
	// it is, a zero time cancels it, any other time (re)schedules it. An
	// Erase cancels it too. See Reminders.
	Remind *time.Time
}

// RecentUpdates is how many update ids above the watermark a
// conversation remembers: how far out of order one chat's updates may
// arrive and each still be applied exactly once. Out of order means in
// flight at once, and one person has few updates in flight: a double tap,
// a message sent while the last one is answered. Each id costs a few bytes
// of every conversation (Telegram's ids count every update of the bot).
const RecentUpdates = 4

// Handled reports whether update id was committed before.
func (s Snapshot) Handled(id int64) bool {
	_, found := slices.BinarySearch(s.Seen, id)
	return id <= s.Watermark || found
}

// Remember returns the watermark and recent ids once update id is
// committed too: id joins Seen in order, and when Seen outgrows
// RecentUpdates its lowest ids fall below the watermark.
func (s Snapshot) Remember(id int64) (watermark int64, seen []int64) {
	if id <= 0 || s.Handled(id) {
		return s.Watermark, slices.Clone(s.Seen)
	}
	i, _ := slices.BinarySearch(s.Seen, id)
	seen = slices.Insert(slices.Clone(s.Seen), i, id)
	watermark = s.Watermark
	if over := len(seen) - RecentUpdates; over > 0 {
		watermark = seen[over-1]
		seen = seen[over:]
	}
	return watermark, seen
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

// Lister finds the conversations whose keys begin with a prefix, so that
// everything one Slack workspace held can be erased when it uninstalls the
// app. Stores that can are expected to implement it.
type Lister interface {
	// Conversations returns every conversation whose key begins with
	// prefix and that has anything stored, in no set order.
	Conversations(ctx context.Context, prefix Conv) ([]Conv, error)
}
