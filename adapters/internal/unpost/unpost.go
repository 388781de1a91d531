// Package unpost deletes the messages a Sender recorded under a mark
// (bot.Marks), for a reply's Erase: the loop both platforms share, with
// what to put back when a deletion must be retried.
package unpost

import (
	"context"
	"errors"
	"fmt"

	"github.com/letdownbot/letdown/bot"
)

// Erase takes the refs recorded under mark and calls del on each, oldest
// first. del returns nil when the message is gone (deleted, or one the
// platform will never delete, which del logs), or an error that stops:
// that ref and the ones after it are recorded under mark again, so that
// the Dispatcher's retry of the reply finds them, and the error is
// returned.
func Erase(ctx context.Context, m bot.Marks, mark string, del func(ref string) error) error {
	refs, err := m.TakeMarks(ctx, mark)
	if err != nil {
		return fmt.Errorf("take marks: %w", err)
	}
	for i, ref := range refs {
		err := del(ref)
		if err == nil {
			continue
		}
		for _, left := range refs[i:] {
			if perr := m.AddMark(ctx, mark, left, bot.MarkTTL); perr != nil {
				return errors.Join(err, fmt.Errorf("put back marks: %w", perr))
			}
		}
		return err
	}
	return nil
}
