package slack

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/adapters/internal/unpost"
	"github.com/letdownbot/letdown/bot"
)

// record notes where a message of marked reply r went (its channel and
// ts), so that an Erase of its mark can delete it. A record that fails is
// logged and the reply counts as sent: sending it again would post it
// twice.
func (s *Sender) record(ctx context.Context, conv bot.Conv, r bot.Reply, channel, ts string) {
	if r.Mark == "" || s.marks == nil || channel == "" || ts == "" {
		return
	}
	if err := s.marks.AddMark(ctx, r.Mark, channel+":"+ts, bot.MarkTTL); err != nil {
		s.log.Error("slack: where a marked message went is not recorded", "conv", conv, "mark", r.Mark, "channel", channel, "ts", ts, "err", err)
	}
}

// eraseRetried are the errors of chat.delete that a retry may get past.
var eraseRetried = map[string]bool{
	"internal_error":      true,
	"fatal_error":         true,
	"request_timeout":     true,
	"service_unavailable": true,
}

// erase deletes the messages recorded under mark with chat.delete (the
// bot token may delete the bot's own messages). A message already gone,
// or that Slack otherwise will not delete, is logged by its ids and
// passed; a transient failure puts back what is left and returns, so the
// Dispatcher retries.
func (s *Sender) erase(ctx context.Context, conv bot.Conv, mark string) error {
	if s.marks == nil {
		s.log.Warn("slack: nothing records marked messages, none erased", "conv", conv, "mark", mark)
		return nil
	}
	return unpost.Erase(ctx, s.marks, mark, func(ref string) error {
		channel, ts, ok := strings.Cut(ref, ":")
		if !ok || channel == "" || ts == "" {
			s.log.Error("slack: bad message reference, not erased", "conv", conv, "mark", mark)
			return nil
		}
		_, _, err := s.api.DeleteMessageContext(ctx, channel, ts)
		if err == nil {
			return nil
		}
		var limited *slack.RateLimitedError
		if errors.As(err, &limited) {
			return &bot.RetryAfterError{After: max(limited.RetryAfter, time.Second)}
		}
		var resp slack.SlackErrorResponse
		if errors.As(err, &resp) && !eraseRetried[resp.Err] {
			s.log.Info("slack: message not erased, Slack refused", "conv", conv, "channel", channel, "ts", ts, "err", wrapErr("chat.delete", err))
			return nil
		}
		return wrapErr("chat.delete", err)
	})
}
