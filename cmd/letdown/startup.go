package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	tgbot "github.com/go-telegram/bot"
	slackapi "github.com/slack-go/slack"
)

// Backoff between attempts of a start-up call: the first waits about
// firstRetryDelay, each next twice as long, none more than maxRetryDelay.
// One attempt may take at most attemptTimeout, so a network that drops
// packets still leaves time for several within STARTUP_TIMEOUT.
const (
	firstRetryDelay = 250 * time.Millisecond
	maxRetryDelay   = 10 * time.Second
	attemptTimeout  = 10 * time.Second
)

// startupCall is a platform call serve cannot start without: the bot's
// identity, asked once at start-up.
type startupCall struct {
	name    string                      // for logs and errors: "telegram getMe"
	do      func(context.Context) error // the call
	refused func(error) bool            // a failure no retry can fix
	hint    string                      // what to tell the operator then
}

// retryStartup makes call until it succeeds, fails in a way no retry can
// fix, or has kept failing for within; it waits between attempts with
// exponential backoff and jitter, so replicas booting together do not
// call in step. Each failure is logged with the call's error, which names
// the method and the kind of failure and never a token. A cancelled ctx
// stops it at once.
func retryStartup(ctx context.Context, within time.Duration, log *slog.Logger, call startupCall) error {
	bounded, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	var last error
	delay := firstRetryDelay
	for attempt := 1; ; attempt++ {
		actx, cancelAttempt := context.WithTimeout(bounded, attemptTimeout)
		err := call.do(actx)
		cancelAttempt()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("%s: start-up interrupted: %w", call.name, ctx.Err())
		case call.refused(err):
			return fmt.Errorf("%w: %s", err, call.hint)
		}
		// A failure only because time ran out says less than the one
		// before it.
		if last == nil || bounded.Err() == nil {
			last = err
		}
		// Equal jitter: half the delay for certain, the rest at random.
		wait := delay/2 + rand.N(delay/2)
		if deadline, _ := bounded.Deadline(); time.Until(deadline) < wait {
			return fmt.Errorf("giving up after %d attempts over STARTUP_TIMEOUT %v: %w", attempt, within, last)
		}
		log.Warn("start-up call failed; retrying", "call", call.name, "attempt", attempt,
			"retry_in", wait.Round(time.Millisecond).String(), "err", err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%s: start-up interrupted: %w", call.name, ctx.Err())
		case <-timer.C:
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// telegramRefused reports a getMe failure no retry can fix: Telegram
// refuses the token (401) or knows no bot by it (404).
func telegramRefused(err error) bool {
	return errors.Is(err, tgbot.ErrorUnauthorized) || errors.Is(err, tgbot.ErrorNotFound)
}

// slackRefused reports an auth.test failure no retry can fix: Slack
// refuses the token.
func slackRefused(err error) bool {
	var resp slackapi.SlackErrorResponse
	if !errors.As(err, &resp) {
		return false
	}
	switch resp.Err {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type":
		return true
	}
	return false
}
