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
	// MentionText answers a mention in a channel, in a thread. It is
	// general on purpose: nothing personal is asked or said in a channel.
	MentionText = "Hi, I'm Letdown. I help mothers when they're expressing milk and it won't come: one small, gentle idea at a time.\n\n" +
		"What we talk about is personal, so I only chat in a direct message. Tap below, or type /letdown, to talk to me privately."
	// ContinueLabel is the button under MentionText.
	ContinueLabel = "Continue privately"
	// DMNotice tells her, only to her, where the conversation went.
	DMNotice = "I've sent you a direct message."
	// SorryText answers a slash command whose turn could not be saved.
	SorryText = "Sorry, I couldn't take that just now. Please try again in a moment."
)

// mentionEvery is the least time between two general replies in one
// channel: a burst of mentions gets one answer.
const mentionEvery = 3 * time.Second

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

	mu       sync.Mutex
	seen     map[string]time.Time // mentions answered, by Thread.Key
	erasing  map[string]*erasure  // workspaces being erased, by team id
	lastSaid map[string]time.Time // channel → last general reply
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
		seen:     make(map[string]time.Time),
		lastSaid: make(map[string]time.Time),
	}
}

// handle runs one event. A nil error means it may be acknowledged: the
// turn is committed, or there was nothing to commit. Replies are left in
// the outbox for the dispatcher.
func (c *core) handle(ctx context.Context, ev Event) error {
	switch {
	case ev.Ignore:
		return nil
	case ev.Mention != nil:
		c.mention(*ev.Mention)
		return nil
	case ev.Gone != "":
		ctx, cancel := context.WithTimeout(ctx, c.o.ackTimeout)
		defer cancel()
		return c.forgetTeam(ctx, ev.Gone)
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.ackTimeout)
	defer cancel()
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

// mention answers a mention with the general message in its thread.
// Nothing is stored: it is not personal, and a lost one costs nothing.
// An event Slack delivers twice is answered once.
func (c *core) mention(t Thread) {
	if !c.mayAnswer(t) {
		c.o.log.Debug("slack: mention skipped, answered moments ago", "channel", t.Channel, "event_id", t.EventID)
		return
	}
	c.chore(func(ctx context.Context) {
		_, _, err := c.api.PostMessageContext(ctx, t.Channel,
			slack.MsgOptionText(MentionText, false),
			slack.MsgOptionBlocks(MentionBlocks()...),
			slack.MsgOptionTS(t.TS),
			slack.MsgOptionDisableLinkUnfurl())
		if err != nil {
			c.o.log.Info("slack: mention not answered", "channel", t.Channel, "event_id", t.EventID, "err", wrapErr("chat.postMessage", err))
		}
	})
}

// MentionBlocks is the general reply to a mention: the text and the
// button that takes her to a DM.
func MentionBlocks() []slack.Block {
	btn := slack.NewButtonBlockElement(ContinueActionID, "dm", slack.NewTextBlockObject(slack.PlainTextType, ContinueLabel, false, false))
	btn.Style = slack.StylePrimary
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, MentionText, false, false), nil, nil),
		slack.NewActionBlock("", btn),
	}
}

// mayAnswer drops repeated mention events and keeps general replies to
// one channel within mentionEvery.
func (c *core) mayAnswer(t Thread) bool {
	now := c.o.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= 4096 {
		for id, at := range c.seen {
			if now.Sub(at) > bot.DedupeTTL {
				delete(c.seen, id)
			}
		}
	}
	if len(c.lastSaid) >= 1024 {
		for ch, at := range c.lastSaid {
			if now.Sub(at) >= mentionEvery {
				delete(c.lastSaid, ch)
			}
		}
	}
	if t.Key != "" {
		if _, ok := c.seen[t.Key]; ok {
			return false
		}
		c.seen[t.Key] = now
	}
	if last, ok := c.lastSaid[t.Channel]; ok && now.Sub(last) < mentionEvery {
		return false
	}
	c.lastSaid[t.Channel] = now
	return true
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
