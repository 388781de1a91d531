// Package console runs Letdown in a terminal: an interactive chat where
// buttons are numbered options, and a JSON-lines mode for scripts and tests.
// It goes through the same Engine and store as every other platform.
package console

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/letdownbot/letdown/bot"
)

// MaxLine is the longest input line read; the rest of a longer line is
// dropped, as a platform would refuse it.
const MaxLine = 64 << 10

// Chat is one terminal conversation.
type Chat struct {
	engine *bot.Engine
	conv   bot.Conv
	// last holds the buttons of the most recent reply, so a number or a
	// label typed next presses one of them.
	last []bot.Reply
	// locale is sent with every input, as a platform sends her language
	// code: a new conversation starts in its language.
	locale string
}

// New returns a chat for conv on engine.
func New(engine *bot.Engine, conv bot.Conv) *Chat {
	return &Chat{engine: engine, conv: conv}
}

// WithLocale returns the chat sending locale ("es", "en_US.UTF-8") with
// every input, so a new conversation starts in its language.
func (c *Chat) WithLocale(locale string) *Chat {
	c.locale = locale
	return c
}

// incoming turns a typed line into what she meant: a command, a press of
// one of the last buttons (by number or label), or text.
func (c *Chat) incoming(line string) bot.Incoming {
	in := bot.Incoming{Conv: c.conv, Locale: c.locale}
	trimmed := strings.TrimSpace(line)
	if cmd, ok := strings.CutPrefix(trimmed, "/"); ok && cmd != "" {
		name, args, _ := strings.Cut(cmd, " ")
		in.Command, in.Args = strings.ToLower(name), strings.TrimSpace(args)
		return in
	}
	if data, ok := c.pressed(trimmed); ok {
		in.Button = data
		return in
	}
	in.Text = line
	return in
}

// pressed finds the button a line names among the last reply's buttons.
func (c *Chat) pressed(line string) (string, bool) {
	if len(c.last) == 0 || line == "" {
		return "", false
	}
	last := c.last[len(c.last)-1]
	buttons := last.Buttons
	// Where the question asks for a number, a typed "8" is eight, not
	// the eighth button.
	if n, err := strconv.Atoi(line); err == nil && !last.Number && n >= 1 && n <= len(buttons) {
		return buttons[n-1].Data, true
	}
	for _, b := range buttons {
		if strings.EqualFold(b.Label, line) {
			return b.Data, true
		}
	}
	return "", false
}

// turn handles one line and returns the replies to show. Replies are
// acknowledged once returned: showing them is delivering them.
func (c *Chat) turn(ctx context.Context, line string) ([]bot.Reply, error) {
	res, err := c.engine.Handle(ctx, c.incoming(line))
	if err != nil {
		return nil, err
	}
	return c.deliver(ctx, res.Replies)
}

// pending returns replies committed earlier but never shown, for instance
// because the process died between commit and print.
func (c *Chat) pending(ctx context.Context) ([]bot.Reply, error) {
	out, err := c.engine.Store().Pending(ctx, c.conv, 100)
	if err != nil {
		return nil, err
	}
	return c.deliver(ctx, out)
}

func (c *Chat) deliver(ctx context.Context, out []bot.Outgoing) ([]bot.Reply, error) {
	if len(out) == 0 {
		return nil, nil
	}
	if err := c.engine.Store().Ack(ctx, c.conv, out[len(out)-1].Seq); err != nil {
		return nil, err
	}
	replies := make([]bot.Reply, len(out))
	for i, o := range out {
		replies[i] = o.Reply
	}
	c.last = replies
	return replies, nil
}

// readLine reads one line of at most MaxLine bytes, without its newline.
func readLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, err := r.ReadSlice('\n')
		if b.Len() < MaxLine {
			b.Write(chunk[:min(len(chunk), MaxLine-b.Len())])
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && b.Len() > 0:
			return strings.TrimRight(b.String(), "\r\n"), nil
		case err != nil:
			return "", err
		}
		return strings.TrimRight(b.String(), "\r\n"), nil
	}
}
