package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sender delivers replies to one platform. The Dispatcher calls it for one
// conversation at a time, in order.
//
// Send's error tells the Dispatcher what to do next:
//   - nil: delivered;
//   - a *RetryAfterError: the platform asked to wait (HTTP 429); everything
//     to that platform pauses for After, then the reply is sent again;
//   - an error wrapping ErrRefused: the platform refused for good (the person
//     blocked the bot, the chat is gone): the conversation is marked blocked
//     and its queued replies are dropped, and recorded as refused;
//   - an error wrapping ErrUndeliverable: this one reply can never be
//     delivered (the platform rejects it as malformed): it is dropped and
//     recorded in the log, and the replies after it go on;
//   - any other error: transient; retried with backoff.
type Sender interface {
	Send(ctx context.Context, conv Conv, r Reply) error
}

// ErrRefused marks a permanent refusal of the conversation by the platform.
var ErrRefused = errors.New("refused by the platform")

// ErrUndeliverable marks a permanent refusal of one reply, which retrying
// cannot fix; the conversation itself is fine.
var ErrUndeliverable = errors.New("reply rejected by the platform")

// RetryAfterError is a platform's request to wait before sending again.
type RetryAfterError struct {
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.After)
}
