package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/letdownbot/letdown/adapters/internal/chores"
	"github.com/letdownbot/letdown/bot"
)

// Texts the adapter says itself. The dialog's words come from content/.
const (
	// DMNotice tells her, only to her, where the conversation went.
	DMNotice = "I've sent you a direct message."
	// SorryText answers a slash command whose turn could not be saved.
	SorryText = "Sorry, I couldn't take that just now. Please try again in a moment."
)

// maxChores bounds the best-effort Web API calls in flight at once.
const maxChores = 32

// maxErasures bounds the workspaces erased at once; more wait their turn.
const maxErasures = 4

// eraseTimeout bounds the erasing of one workspace. It outlasts Slack's
// retries of the event (at once, after a minute, after five), which each
// join the erase still running rather than starting another.
const eraseTimeout = 10 * time.Minute

// localeTimeout bounds the users.info call for her locale inside a turn,
// well inside Slack's three seconds for the acknowledgement.
const localeTimeout = time.Second

// core is what HTTP mode and Socket Mode share: one event in, one turn
// committed, then the best-effort chores around it.
type core struct {
	engine *bot.Engine
	api    *slack.Client
	o      options
	zones  *TimeZones // her users.info time zone, for setting reminders up

	chores   *chores.Runner // the calls that follow a turn
	erasures *chores.Runner // workspaces being erased (see forgetTeam)

	mu      sync.Mutex
	erasing map[string]*erasure // workspaces being erased, by team id
}

func newCore(engine *bot.Engine, api *slack.Client, o options) *core {
	return &core{
		engine:   engine,
		api:      api,
		o:        o,
		zones:    newTimeZones(api, o),
		chores:   chores.New(maxChores, o.choreTimeout),
		erasures: chores.New(maxErasures, eraseTimeout),
		erasing:  make(map[string]*erasure),
	}
}

// handle runs one event. A nil error means it may be acknowledged: the
// turn is committed, or there was nothing to commit. Replies are left in
// the outbox for the dispatcher.
func (c *core) handle(ctx context.Context, ev Event) error {
	switch {
	case ev.Ignore:
		return nil
	case ev.Stats:
		return nil // answered by the caller, with statsAnswer
	case ev.Gone != "":
		ctx, cancel := context.WithTimeout(ctx, c.o.ackTimeout)
		defer cancel()
		return c.forgetTeam(ctx, ev.Gone)
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.ackTimeout)
	defer cancel()
	if ev.Group {
		return c.group(ctx, ev)
	}
	in := ev.Incoming
	if ev.Begin {
		snap, err := c.engine.Store().Load(ctx, in.Conv)
		if err != nil {
			c.o.log.Warn("slack: conversation not loaded", "conv", in.Conv, "err", err)
			return err
		}
		in.Command = "help"
		if snap.State == nil {
			in.Command = "start"
		}
	}
	if user, ok := userOf(in.Conv); ok && in.Handoff == "" {
		// Her Slack language starts a new conversation in it; the dialog
		// reads it only then. Cached with her time zone, so this is one
		// users.info call per person per zone TTL, and never holds the
		// turn up for long.
		lctx, cancel := context.WithTimeout(ctx, localeTimeout)
		if locale, err := c.zones.Locale(lctx, user); err == nil {
			in.Locale = locale
		} else {
			c.o.log.Info("slack: locale not known, English", "conv", in.Conv, "err", err)
		}
		cancel()
	}
	c.names(ctx, &in)
	if in.Command == "remind" || in.Button == "1:remind" {
		// Slack knows her time zone: the set-up need not ask.
		if user, ok := userOf(in.Conv); ok {
			if tz, err := c.zones.TimeZone(ctx, user); err == nil {
				in.TZ = tz
			} else {
				c.o.log.Info("slack: time zone not known, she will be asked", "conv", in.Conv, "err", err)
			}
		}
	}
	res, err := c.engine.Handle(ctx, in)
	if err != nil {
		c.o.log.Warn("slack: turn not committed", "conv", in.Conv, "dedupe", in.DedupeKey, "err", err)
		return err
	}
	if c.o.notify != nil && (res.Duplicate || len(res.Replies) > 0) {
		c.o.notify(res.Conv)
	}
	if ev.Press != nil {
		p := *ev.Press
		c.chore(func(ctx context.Context) { c.unbutton(ctx, in.Conv, p) })
	}
	if ev.Notice && ev.Channel != "" {
		// "Continue privately" pressed in a channel: the answer to a
		// press shows nothing, so tell her where to look.
		c.chore(func(ctx context.Context) { c.notice(ctx, ev.Channel, ev.User) })
	}
	return nil
}

// chore runs f in the background (see package chores).
func (c *core) chore(f func(ctx context.Context)) { c.chores.Go(f) }

// wait blocks until every chore and erase started so far has finished.
func (c *core) wait() {
	c.chores.Wait()
	c.erasures.Wait()
}

// erasure is one workspace's erase, running or done.
type erasure struct {
	done chan struct{} // closed when it ends; n and err are set then
	n    int
	err  error
}

// forgetTeam erases everything a workspace the app is gone from held:
// every conversation's state, outbox, dedupe keys, session log and
// reminder, sending nothing (Engine.ForgetAll). A nil error means it is
// all erased and the event may be acknowledged.
//
// A big workspace takes longer to erase than Slack waits for an answer,
// so the erase runs in the background, bounded by eraseTimeout, and
// forgetTeam waits for it only until ctx ends. Then it returns ctx's
// error: the event is not acknowledged, and Slack delivers it again. A
// delivery while the erase runs joins it; one after it ended runs it
// again, which erases what came since and is otherwise harmless. So the
// acknowledgement still means done (I1), and a crash mid-erase is mended
// by Slack's retry.
func (c *core) forgetTeam(ctx context.Context, team string) error {
	c.mu.Lock()
	e, running := c.erasing[team]
	if !running {
		e = &erasure{done: make(chan struct{})}
		c.erasing[team] = e
		c.erasures.Go(func(ctx context.Context) {
			defer close(e.done)
			e.n, e.err = c.engine.ForgetAll(ctx, teamPrefix(team))
			c.mu.Lock()
			delete(c.erasing, team)
			c.mu.Unlock()
			switch {
			case e.err == nil:
				c.o.log.Info("slack: workspace erased, the app is gone from it", "team", team, "conversations", e.n)
			case errors.Is(e.err, bot.ErrCannotList):
				c.o.log.Error("slack: workspace not erased: the store cannot list its conversations", "team", team)
			default:
				c.o.log.Warn("slack: workspace erase stopped, Slack's retry will finish it", "team", team, "conversations", e.n, "err", e.err)
			}
		})
	}
	c.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		c.o.log.Info("slack: workspace erase still running, not acknowledged yet", "team", team)
		return ctx.Err()
	}
	if errors.Is(e.err, bot.ErrCannotList) {
		// No retry can help: acknowledge, the error is logged.
		return nil
	}
	return e.err
}

// unbutton replaces the pressed message with the same text and a quiet
// note of the choice, without its buttons, so the same old choice cannot
// be made twice.
func (c *core) unbutton(ctx context.Context, conv bot.Conv, p Press) {
	var blocks []slack.Block
	for _, b := range p.Message.Blocks.BlockSet {
		if b.BlockType() == slack.MBTAction {
			continue
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		return // the payload did not carry the message: leave it
	}
	if p.Label != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.PlainTextType, "› "+truncateRunes(p.Label, MaxButtonText), false, false)))
	}
	_, _, _, err := c.api.UpdateMessageContext(ctx, p.Channel, p.TS,
		slack.MsgOptionText(p.Message.Text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		c.o.log.Info("slack: pressed message not updated", "conv", conv, "err", wrapErr("chat.update", err))
	}
}

// notice tells user, in channel and only to her, that the conversation
// goes on in the DM.
func (c *core) notice(ctx context.Context, channel, user string) {
	if _, err := c.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(DMNotice, false)); err != nil {
		c.o.log.Info("slack: ephemeral notice not sent", "channel", channel, "err", wrapErr("chat.postEphemeral", err))
	}
}

// BotUserID asks auth.test for the app's bot user id; pass it to
// WithBotUserID. It also proves the bot token works, so call it at start.
func BotUserID(ctx context.Context, api *slack.Client) (string, error) {
	r, err := api.AuthTestContext(ctx)
	if err != nil {
		return "", fmt.Errorf("slack: %w", wrapErr("auth.test", err))
	}
	return r.UserID, nil
}

// NewClient returns a Web API client for the bot token. apiURL, if not
// empty, replaces https://slack.com/api/ (an Enterprise Grid proxy, a test
// server); extra options are passed on (slack.OptionAppLevelToken for
// Socket Mode, slack.OptionHTTPClient).
func NewClient(botToken, apiURL string, opts ...slack.Option) *slack.Client {
	if apiURL != "" {
		if apiURL[len(apiURL)-1] != '/' {
			apiURL += "/"
		}
		opts = append([]slack.Option{slack.OptionAPIURL(apiURL)}, opts...)
	}
	return slack.New(botToken, opts...)
}
