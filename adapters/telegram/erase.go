package telegram

import (
	"context"
	"errors"
	"strconv"
	"strings"

	tgbot "github.com/go-telegram/bot"

	"github.com/letdownbot/letdown/adapters/internal/unpost"
	"github.com/letdownbot/letdown/bot"
)

// sent is what the Sender reads of a message Telegram sent: its id, for
// a reply's Mark.
type sent struct {
	MessageID int `json:"message_id"`
}

// record notes where a part of marked reply r went, so that an Erase of
// its mark can delete it. A record that fails is logged and the reply
// counts as sent: sending it again would post it twice.
func (s *Sender) record(ctx context.Context, conv bot.Conv, chat int64, r bot.Reply, m sent) {
	if r.Mark == "" || s.marks == nil || m.MessageID == 0 {
		return
	}
	ref := strconv.FormatInt(chat, 10) + ":" + strconv.Itoa(m.MessageID)
	if err := s.marks.AddMark(ctx, r.Mark, ref, bot.MarkTTL); err != nil {
		s.log.Error("telegram: where a marked message went is not recorded", "conv", conv, "mark", r.Mark, "message_id", m.MessageID, "err", err)
	}
}

// erase deletes the messages recorded under mark (the bot may delete its
// own messages in a group for 48 hours). A message already gone, too old
// or otherwise refused is logged, by its ids, and passed; a transient
// failure puts back what is left and returns, so the Dispatcher retries.
func (s *Sender) erase(ctx context.Context, conv bot.Conv, mark string) error {
	if s.marks == nil {
		s.log.Warn("telegram: nothing records marked messages, none erased", "conv", conv, "mark", mark)
		return nil
	}
	return unpost.Erase(ctx, s.marks, mark, func(ref string) error {
		chat, id, ok := parseRef(ref)
		if !ok {
			s.log.Error("telegram: bad message reference, not erased", "conv", conv, "mark", mark)
			return nil
		}
		err := s.api.call(ctx, "deleteMessage", deleteMessageParams{ChatID: chat, MessageID: id}, nil)
		if after, ok := retryAfter(err); ok {
			return &bot.RetryAfterError{After: after}
		}
		if errors.Is(err, tgbot.ErrorBadRequest) || errors.Is(err, tgbot.ErrorForbidden) {
			s.log.Info("telegram: message not erased, Telegram refused", "conv", conv, "chat", chat, "message_id", id, "err", wrapErr("deleteMessage", err))
			return nil
		}
		return wrapErr("deleteMessage", err)
	})
}

// parseRef reads a record's "<chat id>:<message id>".
func parseRef(ref string) (chat int64, id int, ok bool) {
	c, m, found := strings.Cut(ref, ":")
	if !found {
		return 0, 0, false
	}
	chat, err1 := strconv.ParseInt(c, 10, 64)
	id, err2 := strconv.Atoi(m)
	return chat, id, err1 == nil && err2 == nil && chat != 0 && id > 0
}

type deleteMessageParams struct {
	ChatID    int64 `json:"chat_id"`
	MessageID int   `json:"message_id"`
}
