package slack

import (
	"context"
	"log/slog"
	"time"

	"github.com/letdownbot/letdown/adapters/internal/chart"
	"github.com/letdownbot/letdown/bot"
)

// Defaults for the options.
const (
	// DefaultBodyLimit bounds one request from Slack. Events and
	// interaction payloads are a few kilobytes; anything near this is not
	// from Slack.
	DefaultBodyLimit = 1 << 20
	// DefaultAckTimeout bounds the commit behind one request. Slack waits
	// 3 seconds for an answer and then retries; a commit still running by
	// then is better abandoned and answered 503.
	DefaultAckTimeout = 2500 * time.Millisecond
	// DefaultChoreTimeout bounds the best-effort Web API calls made after a
	// turn (updating a pressed message, a thread reply to a mention).
	DefaultChoreTimeout = 10 * time.Second
	// DefaultZoneTTL is how long a person's time zone is cached.
	DefaultZoneTTL = 6 * time.Hour
)

// Option configures a Handler, a SocketMode, a Sender or a TimeZones. Each
// says which of them reads it; the others ignore it.
type Option func(*options)

type options struct {
	log          *slog.Logger
	draw         func(context.Context, bot.Week) ([]byte, error)
	notify       func(bot.Conv)
	botUserID    string
	bodyLimit    int64
	ackTimeout   time.Duration
	choreTimeout time.Duration
	zoneTTL      time.Duration
	now          func() time.Time
	tally        bot.Tally
	marks        bot.Marks
}

func newOptions(opts []Option) options {
	o := options{
		log:          slog.Default(),
		draw:         chart.PNG,
		bodyLimit:    DefaultBodyLimit,
		ackTimeout:   DefaultAckTimeout,
		choreTimeout: DefaultChoreTimeout,
		zoneTTL:      DefaultZoneTTL,
		now:          time.Now,
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
// reply with a Mark (a request in the supporters' channel), which a reply
// with that Erase deletes. Without it, nothing is recorded and nothing
// erased.
func WithMarks(m bot.Marks) Option { return func(o *options) { o.marks = m } }

// WithLogger sets where problems are logged (all). Logs carry
// conversation keys, event ids and kinds of error, never message text.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithNotify sets a function called with the conversation after a turn
// queued replies, and after a duplicate event (an earlier attempt may have
// committed replies and crashed before sending them), so a dispatcher can
// send them at once instead of on its next sweep. Handler and SocketMode.
// It is called on the request's goroutine and must not block.
func WithNotify(f func(bot.Conv)) Option { return func(o *options) { o.notify = f } }

// WithBotUserID sets the app's own bot user id (from auth.test, see
// BotUserID), so its own messages are never taken for hers. Messages
// carrying a bot_id are ignored either way. Handler and SocketMode.
func WithBotUserID(id string) Option { return func(o *options) { o.botUserID = id } }

// WithBodyLimit sets the largest request accepted; larger ones are
// answered 413. Handler.
func WithBodyLimit(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.bodyLimit = n
		}
	}
}

// WithAckTimeout bounds the commit made for one request before it is
// answered, and the wait for a workspace's erase (which goes on in the
// background if it takes longer). Handler and SocketMode.
func WithAckTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.ackTimeout = d
		}
	}
}

// WithChoreTimeout bounds each best-effort call made after a turn.
// Handler and SocketMode.
func WithChoreTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.choreTimeout = d
		}
	}
}

// WithZoneTTL sets how long a time zone looked up with users.info is
// cached. TimeZones.
func WithZoneTTL(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.zoneTTL = d
		}
	}
}

// WithClock sets the clock (tests). TimeZones, Handler and SocketMode.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithTally sets where "/letdown stats" reads a workspace's counts: the
// Tally the Engine counts in (bot.WithTally with TallyScope). Without it
// the figures are all zero. Handler and SocketMode.
func WithTally(t bot.Tally) Option { return func(o *options) { o.tally = t } }
