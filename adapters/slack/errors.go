package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/bot"
)

// Slack's error codes that mean the conversation is gone for good: no
// retry can deliver to it. The dispatcher marks it blocked.
var refused = map[string]bool{
	"channel_not_found":     true,
	"not_in_channel":        true,
	"account_inactive":      true,
	"is_archived":           true,
	"user_not_found":        true,
	"user_disabled":         true,
	"cannot_dm_bot":         true,
	"messages_tab_disabled": true,
}

// Slack's error codes that reject one message, which sending again cannot
// fix. The dispatcher drops it and goes on.
var undeliverable = map[string]bool{
	"invalid_blocks":        true,
	"invalid_blocks_format": true,
	"msg_too_long":          true,
	"no_text":               true,
	"too_many_attachments":  true,
	"invalid_arguments":     true,
	"invalid_attachments":   true,
}

// Slack's error codes that refuse a file upload for good: the app lacks
// files:write, or the workspace allows no uploads. The reply's text has
// gone by then; the file is dropped.
var uploadRefused = map[string]bool{
	"missing_scope":                       true,
	"not_allowed_token_type":              true,
	"file_uploads_disabled":               true,
	"file_uploads_except_images_disabled": true,
	"restricted_action":                   true,
}

// apiError is a failed Web API call reduced to what is safe to print: the
// method and Slack's error code (or a kind), never a request or response
// body. Unwrap keeps errors.Is and errors.As working on the library's error.
type apiError struct {
	method string
	kind   string
	err    error
}

func (e *apiError) Error() string { return "slack " + e.method + ": " + e.kind }

func (e *apiError) Unwrap() error { return e.err }

// wrapErr makes a library error safe to log and return.
func wrapErr(method string, err error) error {
	if err == nil {
		return nil
	}
	return &apiError{method: method, kind: errKind(err), err: err}
}

// errKind names what went wrong, in a word fit for logs and metrics.
func errKind(err error) string {
	var resp slack.SlackErrorResponse
	var limited *slack.RateLimitedError
	var status slack.StatusCodeError
	var netErr net.Error
	switch {
	case errors.As(err, &limited):
		return "rate_limited"
	case errors.As(err, &resp):
		return resp.Err
	case errors.As(err, &status):
		return fmt.Sprintf("http_%d", status.Code)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &netErr):
		if netErr.Timeout() {
			return "timeout"
		}
		return "network"
	}
	return "unexpected_response"
}

// sendErr maps a failed chat.postMessage onto what bot.Sender promises.
func sendErr(err error) error {
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) {
		return &bot.RetryAfterError{After: max(limited.RetryAfter, time.Second)}
	}
	wrapped := wrapErr("chat.postMessage", err)
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) {
		switch {
		case refused[resp.Err]:
			return fmt.Errorf("%w: %w", bot.ErrRefused, wrapped)
		case undeliverable[resp.Err]:
			return fmt.Errorf("%w: %w", bot.ErrUndeliverable, wrapped)
		}
	}
	return wrapped
}
