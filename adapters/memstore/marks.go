package memstore

import (
	"context"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var _ bot.Marks = (*Store)(nil)

// AddMark implements bot.Marks.
func (s *Store) AddMark(ctx context.Context, name, ref string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.marks.set(s.now(), name, ttl, func(refs []string) []string { return append(refs, ref) })
	return nil
}

// TakeMarks implements bot.Marks.
func (s *Store) TakeMarks(ctx context.Context, name string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	refs, _ := s.marks.take(s.now(), name)
	return refs, nil
}
