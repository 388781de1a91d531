package telegram

import (
	"context"
	"strings"
	"sync"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/internal/chores"
	"github.com/letdownbot/letdown/bot"
)

// maxChores bounds the best-effort Bot API calls in flight at once, so a
// burst of button presses cannot open unbounded connections.
const maxChores = 32

// core is what the webhook and the poller share: one update in, one turn
// committed, then the best-effort chores around it.
type core struct {
	engine *bot.Engine
	client *tgbot.Bot
	api    *jsonAPI // the calls after every press, as JSON: see jsonAPI
	o      options

	chores *chores.Runner // the calls that follow a turn

	mu       sync.Mutex
	username string // known or looked up; "" until then
}

func newCore(engine *bot.Engine, client *tgbot.Bot, o options) *core {
	return &core{
		engine:   engine,
		client:   client,
		api:      newJSONAPI(client, o),
		o:        o,
		chores:   chores.New(maxChores, o.choreTimeout),
		username: strings.TrimPrefix(o.username, "@"),
	}
}

// handle runs one update. A nil error means it may be acknowledged: the
// turn (or her blocking the bot) is committed, or there was nothing to
// commit. Replies are left in the outbox for the dispatcher.
//
// Telegram wants every button press answered, even one the bot ignores.
// With respond set the caller answers it on its own response to Telegram
// (the webhook's 200) and handle returns the callback query id to answer;
// otherwise handle answers it in the background and returns "". Either
// way it is answered only once the update may be acknowledged.
func (c *core) handle(ctx context.Context, u *models.Update, respond bool) (answer string, err error) {
	ev := Convert(u)
	switch {
	case ev.Forged:
		c.o.log.Warn("telegram: update refused: its sender is not the private chat's user", "chat", ev.ChatID, "from", ev.From, "update_id", ev.UpdateID)
		return c.pressed(ev, respond, false), nil
	case ev.Ignore:
		return c.pressed(ev, respond, false), nil
	case ev.Group:
		return c.group(ctx, ev, respond)
	case ev.Block:
		return "", c.block(ctx, ev)
	}
	res, err := c.engine.Handle(ctx, ev.Incoming)
	if err != nil {
		c.o.log.Warn("telegram: turn not committed", "conv", ev.Conv, "update_id", ev.UpdateID, "err", err)
		return "", err
	}
	if c.o.notify != nil && (res.Duplicate || len(res.Replies) > 0) {
		c.o.notify(res.Conv)
	}
	return c.pressed(ev, respond, true), nil
}

// block records that she blocked the bot: her queued replies are dropped
// and no reminder pings her until she writes again, instead of each being
// tried and refused. Like a turn, it must be recorded before the update is
// acknowledged; recording it twice does no harm.
func (c *core) block(ctx context.Context, ev Event) error {
	if err := c.engine.Block(ctx, ev.Conv); err != nil {
		c.o.log.Warn("telegram: block not recorded", "conv", ev.Conv, "update_id", ev.UpdateID, "err", err)
		return err
	}
	c.o.log.Info("telegram: she blocked the bot", "conv", ev.Conv, "update_id", ev.UpdateID)
	return nil
}

// pressed follows up a button press once its update may be acknowledged:
// it answers the press, or with respond returns its id for the caller to
// answer, and with unbutton removes the keyboard it was on. Both calls are
// best effort, in the background.
func (c *core) pressed(ev Event, respond, unbutton bool) string {
	if ev.CallbackID == "" {
		return ""
	}
	if !respond || unbutton {
		c.chore(func(ctx context.Context) {
			if !respond {
				c.answer(ctx, ev)
			}
			if unbutton {
				c.unbutton(ctx, ev)
			}
		})
	}
	if respond {
		return ev.CallbackID
	}
	return ""
}

// chore runs f in the background (see package chores).
func (c *core) chore(f func(ctx context.Context)) { c.chores.Go(f) }

// wait blocks until every chore started so far has finished.
func (c *core) wait() { c.chores.Wait() }

// answerParams is answerCallbackQuery's request, without the optional
// notification: what to say is in the replies the dialog queued.
type answerParams struct {
	ID string `json:"callback_query_id"`
}

// answer stops the spinner on the pressed button, over HTTP: for the
// poller, which has no response to Telegram to carry it.
func (c *core) answer(ctx context.Context, ev Event) {
	if err := c.api.call(ctx, "answerCallbackQuery", answerParams{ev.CallbackID}, nil); err != nil {
		c.o.log.Info("telegram: callback not answered", "conv", ev.Conv, "update_id", ev.UpdateID, "err", wrapErr("answerCallbackQuery", err))
	}
}

// unbutton removes the keyboard from the message whose button was pressed,
// so the same old choice cannot be made twice.
func (c *core) unbutton(ctx context.Context, ev Event) {
	if ev.CallbackMsg.MessageID == 0 {
		return
	}
	err := c.api.call(ctx, "editMessageReplyMarkup", struct {
		ChatID      int64    `json:"chat_id"`
		MessageID   int      `json:"message_id"`
		ReplyMarkup keyboard `json:"reply_markup"`
	}{ev.CallbackMsg.ChatID, ev.CallbackMsg.MessageID, keyboard{InlineKeyboard: [][]button{}}}, nil)
	if err != nil {
		// "message is not modified" on a repeated press is expected.
		c.o.log.Debug("telegram: keyboard not removed", "conv", ev.Conv, "update_id", ev.UpdateID, "err", wrapErr("editMessageReplyMarkup", err))
	}
}

// me returns the bot's username, asking getMe the first time it is needed
// when no WithUsername was given. A failed lookup is tried again next time.
func (c *core) me(ctx context.Context) string {
	c.mu.Lock()
	name := c.username
	c.mu.Unlock()
	if name != "" {
		return name
	}
	name, err := Username(ctx, c.client)
	if err != nil {
		c.o.log.Warn("telegram: getMe failed", "err", err)
		return ""
	}
	c.mu.Lock()
	c.username = name
	c.mu.Unlock()
	return name
}
