package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

// Handoffs is the index of her requests to talk to a person: request id →
// her conversation, so that a supporter's press or message in the
// supporters' channel runs as a turn of hers. Entries expire on their own;
// nothing in them says anything about her beyond the key.
type Handoffs interface {
	// PutHandoff maps id to conv for ttl, replacing what id mapped to.
	PutHandoff(ctx context.Context, id string, conv Conv, ttl time.Duration) error
	// Handoff returns the conversation id maps to, "" when none does.
	Handoff(ctx context.Context, id string) (Conv, error)
	// DeleteHandoff forgets id; forgetting an unknown id is no error.
	DeleteHandoff(ctx context.Context, id string) error
}

// HandoffTTL is how long the index keeps a request: while it waits and
// for the relay that may follow.
const HandoffTTL = dialog.HandoffTTL

// WithSupport sets where the supporters of each conversation are: f
// returns the conversation key of the supporters' channel for her
// platform, "" when there is none. The dialog offers "Talk to a person"
// only where there is one.
func WithSupport(f func(Conv) Conv) Option { return func(e *Engine) { e.support = f } }

// WithTogether sets how a platform opens a conversation of her and a
// supporter (a Slack group DM): f returns its key, "" when the platform
// cannot, and the bot relays their messages instead.
func WithTogether(f func(her Conv, supporter string) Conv) Option {
	return func(e *Engine) { e.together = f }
}

// HandoffOf returns the request id a handoff button's data names ("I'll
// take it", "End"), for an adapter telling which request a supporter's
// reply answers.
func HandoffOf(buttonData string) (string, bool) { return dialog.HandoffOf(buttonData) }

func (e *Engine) supportOf(conv Conv) Conv {
	if e.support == nil {
		return ""
	}
	return e.support(conv)
}

// handoffs is the store's index of requests, nil when it keeps none.
func (e *Engine) handoffs() Handoffs {
	h, _ := e.store.(Handoffs)
	return h
}

// nonce is a fresh request id: 16 letters and digits, 80 random bits.
func nonce() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var b [16]byte
	rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b[:])
}

// input is the dialog's input for in on conv, with where her supporters
// are and, for a turn that may ask them, a fresh request id.
func (e *Engine) inputOf(in Incoming, id string) dialog.Input {
	inp := in.input()
	inp.Support = string(e.supportOf(in.Conv))
	if inp.Support != "" && e.handoffs() != nil {
		inp.Nonce = id
	}
	if in.Handoff != "" && in.From != "" && e.together != nil {
		inp.Together = string(e.together(in.Conv, in.From))
	}
	return inp
}

// routeHandoff turns a supporter's press or message about request
// in.Handoff, which arrives on the supporters' channel, into a turn of her
// conversation. ok is false when there is no such request here (ended,
// expired, erased, forged, or from another channel than hers): the
// supporter is answered so, and nothing of hers changes.
func (e *Engine) routeHandoff(ctx context.Context, in Incoming) (_ Incoming, ok bool, err error) {
	idx := e.handoffs()
	if idx == nil || in.From == "" {
		return in, false, nil
	}
	her, err := idx.Handoff(ctx, in.Handoff)
	if err != nil {
		return in, false, fmt.Errorf("handoff %s: %w", in.Conv, err)
	}
	if her == "" || e.supportOf(her) != in.Conv {
		return in, false, nil
	}
	in.Conv, in.Locale = her, ""
	return in, true, nil
}

// closed answers a supporter whose request is gone, in the supporters'
// channel: a reply committed on the channel's own key, which holds no
// state.
func (e *Engine) closed(ctx context.Context, in Incoming) (Result, error) {
	for attempt := 0; ; attempt++ {
		snap, err := e.load(ctx, in.Conv, false)
		if err != nil {
			return Result{}, err
		}
		if in.UpdateID != 0 && snap.Handled(in.UpdateID) {
			return Result{Duplicate: true}, nil
		}
		c := Commit{Conv: in.Conv, Version: snap.Version, DedupeKey: in.DedupeKey, State: snap.State,
			Replies: []Reply{e.dialog.Closed()}, TTL: DedupeTTL}
		c.Watermark, c.Seen = snap.Remember(in.UpdateID)
		out, err := e.store.Commit(ctx, c)
		switch {
		case err == nil:
			e.cache.put(in.Conv, afterCommit(snap, c))
			return Result{Replies: out}, nil
		case errors.Is(err, ErrDuplicate):
			e.cache.drop(in.Conv)
			return Result{Duplicate: true}, nil
		case !errors.Is(err, ErrConflict):
			e.cache.drop(in.Conv)
			return Result{}, fmt.Errorf("commit %s: %w", in.Conv, err)
		}
		e.cache.drop(in.Conv)
		if attempt == maxAttempts {
			return Result{}, ErrBusy
		}
		if err := backoff(ctx, attempt); err != nil {
			return Result{}, err
		}
	}
}

// indexHandoff puts a request the turn opened in the index before the
// turn commits, so that the request's button finds her the moment it is
// posted. A commit that then fails leaves an entry naming her
// conversation and a request her state does not hold: a press on it is
// answered as closed, and the entry expires.
func (e *Engine) indexHandoff(ctx context.Context, conv Conv, before, after dialog.State) error {
	id := dialog.HandoffID(after)
	if id == "" || id == dialog.HandoffID(before) || e.handoffs() == nil {
		return nil
	}
	if err := e.handoffs().PutHandoff(ctx, id, conv, HandoffTTL+time.Hour); err != nil {
		return fmt.Errorf("index handoff %s: %w", conv, err)
	}
	return nil
}

// unindexHandoff forgets a request the committed turn ended, or that
// /forget erased. It is best effort: an entry left behind names a request
// her state no longer holds, which a press answers as closed, and it
// expires with HandoffTTL.
func (e *Engine) unindexHandoff(ctx context.Context, before, after dialog.State, erased bool) {
	id := dialog.HandoffID(before)
	if id == "" || e.handoffs() == nil || (!erased && dialog.HandoffID(after) == id) {
		return
	}
	_ = e.handoffs().DeleteHandoff(ctx, id)
}
