package telegram

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/letdownbot/letdown/adapters/internal/chart"
	"github.com/letdownbot/letdown/bot"
)

// Defaults for the options.
const (
	// DefaultBodyLimit bounds a webhook request. Real updates are a few
	// kilobytes; anything near this is not from Telegram.
	DefaultBodyLimit = 1 << 20
	// DefaultPollTimeout is how long one getUpdates call waits for news.
	DefaultPollTimeout = 50 * time.Second
	// DefaultChoreTimeout bounds the best-effort calls made after a turn
	// (answering a button press, removing its keyboard, a group message).
	DefaultChoreTimeout = 10 * time.Second
)

// Option configures a Webhook, a Poller or a Sender. Each says which of
// them reads it; the others ignore it.
type Option func(*options)

type options struct {
	log          *slog.Logger
	draw         func(context.Context, bot.Week) ([]byte, error)
	notify       func(bot.Conv)
	username     string
	bodyLimit    int64
	choreTimeout time.Duration
	pollTimeout  time.Duration
	apiURL       string
	httpClient   *http.Client
	backoffMin   time.Duration
	backoffMax   time.Duration
	marks        bot.Marks
}

func newOptions(opts []Option) options {
	o := options{
		log:          slog.Default(),
		draw:         chart.PNG,
		bodyLimit:    DefaultBodyLimit,
		choreTimeout: DefaultChoreTimeout,
		pollTimeout:  DefaultPollTimeout,
		apiURL:       DefaultAPIURL,
		backoffMin:   100 * time.Millisecond,
		backoffMax:   5 * time.Second,
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithDraw sets how the Sender draws her week as a PNG (default
// chart.PNG): a failing one shows the text fallback in tests.
func WithDraw(draw func(context.Context, bot.Week) ([]byte, error)) Option {
	return func(o *options) { o.draw = draw }
}

// WithMarks sets where the Sender records the messages it posts for a
// reply with a Mark (a request in the supporters' chat, her relayed
// messages), which a reply with that Erase deletes. Without it, nothing
// is recorded and nothing erased.
func WithMarks(m bot.Marks) Option { return func(o *options) { o.marks = m } }

// WithLogger sets where problems are logged (all three). Logs carry
// conversation keys, update ids and kinds of error, never message text.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithNotify sets a function called with the conversation after a turn
// queued replies, and after a duplicate update (an earlier attempt may have
// committed replies and crashed before sending them), so a dispatcher can
// send them at once instead of on its next sweep. Webhook and Poller.
// It is called on the request's goroutine and must not block.
func WithNotify(f func(bot.Conv)) Option { return func(o *options) { o.notify = f } }

// WithUsername sets the bot's username (without "@"), used for the deep
// link in groups and to tell commands meant for other bots apart.
// Without it the username is asked with getMe when first needed.
// Webhook and Poller.
func WithUsername(name string) Option { return func(o *options) { o.username = name } }

// WithBodyLimit sets the largest webhook request accepted; larger ones are
// answered 413. Webhook.
func WithBodyLimit(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.bodyLimit = n
		}
	}
}

// WithChoreTimeout bounds each best-effort call made after a turn.
// Webhook and Poller.
func WithChoreTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.choreTimeout = d
		}
	}
}

// WithPollTimeout sets how long one getUpdates call waits for news. Poller.
func WithPollTimeout(d time.Duration) Option {
	return func(o *options) {
		if d >= 0 {
			o.pollTimeout = d
		}
	}
}

// WithAPI sets the Bot API server and HTTP client the Poller calls
// getUpdates with; pass what NewClient was given. The library cannot make
// that call for us without confirming updates before they are handled.
// The HTTP client's own Timeout, if any, must exceed the poll timeout.
// Poller.
func WithAPI(apiURL string, hc *http.Client) Option {
	return func(o *options) {
		if apiURL != "" {
			o.apiURL = apiURL
		}
		o.httpClient = hc
	}
}

// WithBackoff sets the first and the longest wait after a failed turn or a
// failed getUpdates. Poller.
func WithBackoff(first, longest time.Duration) Option {
	return func(o *options) {
		if first > 0 {
			o.backoffMin = first
		}
		if longest >= o.backoffMin {
			o.backoffMax = longest
		}
	}
}
