package console

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/letdownbot/letdown/adapters/internal/logcsv"
	"github.com/letdownbot/letdown/bot"
)

// RunInteractive chats on a terminal until r ends or ctx is done. A new
// conversation starts with /start; an existing one picks up where it was.
func (c *Chat) RunInteractive(ctx context.Context, r io.Reader, w io.Writer) error {
	fmt.Fprintln(w, "Letdown — type a number or a button's name to tap it, or type freely. /help lists commands; Ctrl-D quits.")
	replies, err := c.pending(ctx)
	if err != nil {
		return err
	}
	snap, err := c.engine.Store().Load(ctx, c.conv)
	if err != nil {
		return err
	}
	switch {
	case snap.State == nil:
		if replies, err = c.turn(ctx, "/start"); err != nil {
			return err
		}
	case len(replies) == 0:
		fmt.Fprintln(w, "(Welcome back: here is where you were. /restart begins again.)")
		if replies, err = c.engine.Prompt(ctx, c.conv); err != nil {
			return err
		}
		c.last = replies
	}
	show(w, replies)
	in := bufio.NewReader(r)
	for ctx.Err() == nil {
		fmt.Fprint(w, "> ")
		line, err := readLine(in)
		if errors.Is(err, io.EOF) {
			fmt.Fprintln(w)
			return nil
		}
		if err != nil {
			return err
		}
		replies, err := c.turn(ctx, line)
		if err != nil {
			return err
		}
		show(w, replies)
	}
	return ctx.Err()
}

// show prints replies as a person reads them: text, then numbered buttons.
func show(w io.Writer, replies []bot.Reply) {
	for _, r := range replies {
		fmt.Fprintln(w)
		for _, line := range strings.Split(r.Text, "\n") {
			fmt.Fprintln(w, "  "+line)
		}
		attachment(w, r)
		if len(r.Buttons) > 0 {
			fmt.Fprintln(w)
		}
		for i, b := range r.Buttons {
			fmt.Fprintf(w, "   [%d] %s\n", i+1, b.Label)
		}
	}
	fmt.Fprintln(w)
}

// attachment prints what a chat platform would send as a file: her week
// as a sparkline of sessions a day over the day labels, her log as CSV.
func attachment(w io.Writer, r bot.Reply) {
	if wk := r.Week; wk != nil {
		fmt.Fprintln(w)
		var labels []string
		for _, d := range wk.Days {
			labels = append(labels, d.Label)
		}
		target := cmp.Or(wk.Words.Target, "target")
		fmt.Fprintf(w, "  %s  (%s … %s, %s %d)\n", wk.Sparkline(), labels[0], labels[len(labels)-1], target, wk.Target)
	}
	if r.Export != nil {
		name, data, err := logcsv.File(*r.Export)
		if err != nil {
			fmt.Fprintln(w, "  (the log could not be written as a file)")
			return
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  -- %s --\n", name)
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			fmt.Fprintln(w, "  "+line)
		}
	}
}
