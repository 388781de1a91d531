package bot

import (
	"context"
	"time"
)

// Reminders is the due-time index of reminder pings: at most one pending
// reminder per conversation. Commit writes it (Commit.Remind), so the plan
// in the dialog state and the index never disagree after a crash; the
// Scheduler claims what is due.
type Reminders interface {
	// ClaimDue claims up to limit reminders due at or before now for
	// owner. A claimed reminder is hidden from other claims for lease; if
	// it is neither Done nor rescheduled by then, it comes due again.
	ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Due, error)
	// Done removes a claimed reminder, unless the conversation has been
	// rescheduled since the claim (then the new time stands).
	Done(ctx context.Context, d Due) error
	// Requeue moves a claimed reminder to at, unless the conversation has
	// been rescheduled or claimed again since the claim: the turn found
	// her state due at another time than the index said (a crash between
	// a commit and its index write leaves the index behind the state).
	Requeue(ctx context.Context, d Due, at time.Time) error
	// NextReminder returns conv's pending reminder time, or the zero time.
	NextReminder(ctx context.Context, conv Conv) (time.Time, error)
}

// Due is one claimed reminder.
type Due struct {
	Conv Conv
	At   time.Time // when it was due: the slot it stands for
	// Claim identifies this claim for Done; opaque to callers.
	Claim int64
}
