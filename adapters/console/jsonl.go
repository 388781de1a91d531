package console

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/letdownbot/letdown/bot"
)

// jsonlLine is the one object written per input line.
type jsonlLine struct {
	Replies []bot.Reply `json:"replies"`
	Error   string      `json:"error,omitempty"`
}

// RunJSONL reads one input per line from r and writes exactly one JSON
// object per line to w: {"replies":[{"text":…,"buttons":[{"label":…,"data":…}]}]}.
// A line equal to a label of the last reply's buttons (any case) or to its
// 1-based number presses that button; anything else is text. Replies left
// unsent by an earlier run come first, in the first line's object. A turn
// that fails still writes its line, with "error" set, and RunJSONL returns
// the first such error once r ends.
func (c *Chat) RunJSONL(ctx context.Context, r io.Reader, w io.Writer) error {
	in := bufio.NewReader(r)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	carried, firstErr := c.pending(ctx)
	for {
		line, err := readLine(in)
		if errors.Is(err, io.EOF) {
			return firstErr
		}
		if err != nil {
			return fmt.Errorf("read input: %w", err)
		}
		replies, err := c.turn(ctx, line)
		out := jsonlLine{Replies: append(carried, replies...)}
		carried = nil
		if err != nil {
			out.Error = err.Error()
			if firstErr == nil {
				firstErr = err
			}
		}
		if out.Replies == nil {
			out.Replies = []bot.Reply{}
		}
		for i := range out.Replies {
			if out.Replies[i].Buttons == nil {
				out.Replies[i].Buttons = []bot.Button{}
			}
		}
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
}
