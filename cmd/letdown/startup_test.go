package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
)

// identityCase is one platform's identity call at start-up, against its
// fake API.
type identityCase struct {
	name   string
	method string // the identity call
	tweak  func(*serveConfig)
	fail   func(n int, permanent bool) // the next n calls fail
	calls  func() int
	hint   string // what a refused token's error tells the operator
}

// identityCases are Telegram's getMe and Slack's auth.test (Slack alone,
// over HTTP), each with its fake.
func identityCases(t *testing.T) (*tgtest.Server, []identityCase) {
	tg, sl := tgtest.New(t), slacktest.New(t)
	return tg, []identityCase{
		{
			name: "telegram", method: "getMe",
			tweak: func(*serveConfig) {},
			fail: func(n int, permanent bool) {
				f := tgtest.ServerError
				if permanent {
					f = tgtest.Failure{Code: http.StatusUnauthorized, Description: "Unauthorized"}
				}
				tg.Fail("getMe", n, f)
			},
			calls: func() int { return len(tg.Calls("getMe")) },
			hint:  "check TELEGRAM_TOKEN",
		},
		{
			name: "slack", method: "auth.test",
			tweak: func(c *serveConfig) {
				c.TelegramToken = ""
				c.SlackBotToken, c.SlackSecret, c.SlackAPIURL = "xoxb-test", slackSecret, sl.APIURL()
			},
			fail: func(n int, permanent bool) {
				f := slacktest.Failure{Status: http.StatusServiceUnavailable}
				if permanent {
					f = slacktest.Error("invalid_auth")
				}
				sl.Fail("auth.test", n, f)
			},
			calls: func() int { return len(sl.Calls("auth.test")) },
			hint:  "check SLACK_BOT_TOKEN",
		},
	}
}

// TestServeRetriesIdentity: the platform fails the identity call twice at
// start-up (a network still coming up), and serve starts anyway, having
// logged each failure without a token.
func TestServeRetriesIdentity(t *testing.T) {
	tg, cases := identityCases(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fail(2, false)
			before := tc.calls()
			var logs syncBuffer
			if _, err := launchServe(t, testConfig(t, tg, "webhook", tc.tweak), &logs); err != nil {
				t.Fatalf("serve with %s failing twice = %v, want it to start", tc.method, err)
			}
			if n := tc.calls() - before; n != 3 {
				t.Errorf("%s called %d times, want 3", tc.method, n)
			}
			if n := strings.Count(logs.String(), "start-up call failed; retrying"); n != 2 {
				t.Errorf("%d failures logged, want 2:\n%s", n, logs.String())
			}
			if strings.Contains(logs.String(), tgtest.Token) || strings.Contains(logs.String(), "xoxb-test") {
				t.Errorf("the logs contain a token:\n%s", logs.String())
			}
		})
	}
}

// TestServeGivesUpOnIdentity: when the platform keeps failing, serve gives
// up after STARTUP_TIMEOUT with an error that says so.
func TestServeGivesUpOnIdentity(t *testing.T) {
	tg, cases := identityCases(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fail(1000, false)
			before := tc.calls()
			cfg := testConfig(t, tg, "webhook", tc.tweak, func(c *serveConfig) { c.StartupTimeout = 2 * time.Second })
			_, err := launchServe(t, cfg, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "giving up after") || !strings.Contains(err.Error(), tc.method) {
				t.Fatalf("serve with %s always failing = %v, want it to give up naming %s", tc.method, err, tc.method)
			}
			if n := tc.calls() - before; n < 2 {
				t.Errorf("%s called %d times before giving up, want it retried", tc.method, n)
			}
		})
	}
}

// TestServeRefusedTokenNotRetried: a token the platform refuses is not
// retried: serve stops at once and says which setting to check.
func TestServeRefusedTokenNotRetried(t *testing.T) {
	tg, cases := identityCases(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fail(1, true)
			before := tc.calls()
			_, err := launchServe(t, testConfig(t, tg, "webhook", tc.tweak), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.hint) {
				t.Fatalf("serve with the token refused = %v, want an error saying %q", err, tc.hint)
			}
			if n := tc.calls() - before; n != 1 {
				t.Errorf("%s called %d times, want 1: a refused token is not retried", tc.method, n)
			}
		})
	}
}

// TestServeStartupCancelled: a shutdown asked for while start-up retries
// stops serve at once.
func TestServeStartupCancelled(t *testing.T) {
	tg := tgtest.New(t)
	tg.Fail("getMe", 1000, tgtest.ServerError)
	cfg := testConfig(t, tg, "webhook", func(c *serveConfig) { c.StartupTimeout = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, slog.New(slog.DiscardHandler), nil) }()
	tg.WaitCalls(t, "getMe", 2)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("serve cancelled during start-up = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve went on retrying after its context was cancelled")
	}
}
