package telegram

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// errKind names what went wrong with a Bot API call, in a word fit for
// logs and metrics. The library's own error text can quote a response body
// (and so a message she wrote or one sent to her); a kind never does.
func errKind(err error) string {
	var tooMany *tgbot.TooManyRequestsError
	var migrate *tgbot.MigrateError
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &tooMany):
		return "rate_limited"
	case errors.As(err, &migrate):
		return "chat_migrated"
	case errors.Is(err, tgbot.ErrorForbidden):
		return "forbidden"
	case errors.Is(err, tgbot.ErrorBadRequest):
		return "bad_request"
	case errors.Is(err, tgbot.ErrorUnauthorized):
		return "unauthorized"
	case errors.Is(err, tgbot.ErrorNotFound):
		return "not_found"
	case errors.Is(err, tgbot.ErrorConflict):
		return "conflict"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &netErr):
		if netErr.Timeout() {
			return "timeout"
		}
		return "network"
	case strings.Contains(err.Error(), "error response from telegram"):
		return "server_error"
	}
	return "unexpected_response"
}

// apiError is a failed Bot API call, reduced to what is safe to print:
// the method, the kind of failure, and Telegram's own description for the
// errors Telegram reports (it never quotes message text). Unwrap keeps
// errors.Is and errors.As working on the library's error.
type apiError struct {
	method string
	kind   string
	desc   string
	err    error
}

func (e *apiError) Error() string {
	s := "telegram " + e.method + ": " + e.kind
	if e.desc != "" {
		s += " (" + e.desc + ")"
	}
	return s
}

func (e *apiError) Unwrap() error { return e.err }

// wrapErr makes a library error safe to log and return.
func wrapErr(method string, err error) error {
	if err == nil {
		return nil
	}
	kind := errKind(err)
	e := &apiError{method: method, kind: kind, err: err}
	switch kind {
	case "forbidden", "bad_request", "unauthorized", "not_found", "conflict":
		// The library formats these as "<sentinel>, <Telegram's description>".
		if _, desc, ok := strings.Cut(err.Error(), ", "); ok {
			e.desc = desc
		}
	}
	return e
}

// retryAfter returns how long Telegram asked to wait, if it did.
func retryAfter(err error) (time.Duration, bool) {
	var tooMany *tgbot.TooManyRequestsError
	if !errors.As(err, &tooMany) {
		return 0, false
	}
	return max(time.Duration(tooMany.RetryAfter)*time.Second, time.Second), true
}
