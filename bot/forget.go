package bot

import (
	"context"
	"errors"
	"fmt"
)

// ErrCannotList means the Engine's store cannot find conversations by
// prefix (it is no Lister), so ForgetAll cannot run.
var ErrCannotList = errors.New("store cannot list conversations")

// ForgetAll erases every conversation whose key begins with prefix, as
// /forget erases one: state, outbox, dedupe keys, session log and reminder,
// keeping only what recognises a retried update for a day. Nothing is sent
// to anyone. It returns how many conversations it erased; a conversation
// that cannot be erased stops it with the error (what was erased stays
// erased, and running it again finishes the rest).
//
// For a Slack workspace that uninstalled the app or revoked its tokens.
func (e *Engine) ForgetAll(ctx context.Context, prefix Conv) (int, error) {
	if prefix == "" {
		return 0, errors.New("forget all: empty prefix")
	}
	l, ok := e.store.(Lister)
	if !ok {
		return 0, ErrCannotList
	}
	convs, err := l.Conversations(ctx, prefix)
	if err != nil {
		return 0, fmt.Errorf("forget all: %w", err)
	}
	n := 0
	for _, conv := range convs {
		if err := e.erase(ctx, conv); err != nil {
			return n, fmt.Errorf("forget all: %s: %w", conv, err)
		}
		n++
	}
	return n, nil
}

// erase commits an Erase with no reply for conv, retrying lost races.
func (e *Engine) erase(ctx context.Context, conv Conv) error {
	for attempt := 0; ; attempt++ {
		snap, err := e.load(ctx, conv, false)
		if err != nil {
			return err
		}
		c := Commit{Conv: conv, Version: snap.Version, Watermark: snap.Watermark, Seen: snap.Seen, Erase: true, TTL: e.ttl}
		_, err = e.store.Commit(ctx, c)
		if err == nil {
			e.cache.put(conv, afterCommit(snap, c))
		}
		if !errors.Is(err, ErrConflict) {
			return err
		}
		if attempt == maxAttempts {
			return ErrBusy
		}
		if err := backoff(ctx, attempt); err != nil {
			return err
		}
	}
}

// Block records that the platform refused conv for good (she blocked the
// bot, or left the chat): its queued replies are dropped and no reminder
// pings her until she writes again. It needs a store that is an Outbox.
func (e *Engine) Block(ctx context.Context, conv Conv) error {
	o, ok := e.store.(Outbox)
	if !ok {
		return errors.New("block: store has no outbox")
	}
	e.cache.drop(conv)
	return o.Block(ctx, conv)
}
