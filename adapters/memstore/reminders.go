package memstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/letdownbot/letdown/bot"
)

// reminder is one conversation's entry in the due-time index, in Unix
// milliseconds as the Redis store keeps it, so both stores round alike.
type reminder struct {
	due   int64 // the slot: when it was scheduled for
	score int64 // when it is next due: due, or the end of a claim's lease
	claim int64 // the claim holding it, 0 when none
}

// remind schedules conv's reminder at 'at', or cancels it when at is
// zero. The caller holds s.mu.
func (s *Store) remind(conv bot.Conv, at time.Time) {
	if at.IsZero() {
		delete(s.due, conv)
		return
	}
	ms := at.UnixMilli()
	s.due[conv] = reminder{due: ms, score: ms}
}

// ClaimDue claims up to limit reminders due at or before now, oldest
// first, hiding each until now+lease.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]bot.Due, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	nowMs := now.UnixMilli()
	var due []bot.Conv
	for conv, r := range s.due {
		if r.score <= nowMs {
			due = append(due, conv)
		}
	}
	slices.SortFunc(due, func(a, b bot.Conv) int {
		return cmp.Or(cmp.Compare(s.due[a].score, s.due[b].score), cmp.Compare(a, b))
	})
	until := nowMs + max(lease.Milliseconds(), 1)
	out := make([]bot.Due, 0, min(limit, len(due)))
	for _, conv := range due[:min(limit, len(due))] {
		s.claims++
		r := s.due[conv]
		r.score, r.claim = until, s.claims
		s.due[conv] = r
		out = append(out, bot.Due{Conv: conv, At: time.UnixMilli(r.due).UTC(), Claim: r.claim})
	}
	return out, nil
}

// Done removes a claimed reminder unless it was rescheduled or claimed
// again since.
func (s *Store) Done(ctx context.Context, d bot.Due) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.due[d.Conv]; ok && r.claim != 0 && r.claim == d.Claim {
		delete(s.due, d.Conv)
	}
	return nil
}

// Requeue moves a claimed reminder to at unless it was rescheduled or
// claimed again since.
func (s *Store) Requeue(ctx context.Context, d bot.Due, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.due[d.Conv]; ok && r.claim != 0 && r.claim == d.Claim {
		s.remind(d.Conv, at)
	}
	return nil
}

// NextReminder returns conv's pending reminder time, or the zero time.
func (s *Store) NextReminder(ctx context.Context, conv bot.Conv) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.due[conv]
	if !ok {
		return time.Time{}, nil
	}
	return time.UnixMilli(r.due).UTC(), nil
}
