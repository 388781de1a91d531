package bot

import (
	"context"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

// Marks records where the platform put the messages the bot posted under a
// mark (a Reply's Mark: "ho:<request id>"), so that a Reply's Erase can
// delete them: the platform's references alone (a chat id and a message
// id, a channel and a ts), never any text. A Sender that can delete its
// messages reads it.
type Marks interface {
	// AddMark records ref under mark, after those recorded before, and
	// keeps the mark's records for ttl from now.
	AddMark(ctx context.Context, mark, ref string, ttl time.Duration) error
	// TakeMarks returns the refs recorded under mark, oldest first, and
	// forgets them, in one step: two callers never both get one.
	TakeMarks(ctx context.Context, mark string) ([]string, error)
}

// MarkTTL is how long the records of a mark are kept after its last
// message: as long as her state remembers an ended request for /forget.
const MarkTTL = dialog.EndedTTL
