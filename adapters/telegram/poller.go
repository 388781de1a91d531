package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/bot"
)

// ErrPollConflict is returned by Poller.Run when Telegram answers 409:
// only one consumer may poll a token, and none while a webhook is set.
var ErrPollConflict = errors.New("another instance is polling this bot token (Telegram answered 409); stop it or use webhook mode")

// ErrUnauthorized is returned when Telegram refuses the bot token.
var ErrUnauthorized = errors.New("telegram refused the bot token (401/404): check it")

// handleTimeout bounds one turn, so a store that hangs cannot hold up
// shutdown for ever.
const handleTimeout = 30 * time.Second

// maxResponse bounds a getUpdates answer: 100 updates of a few kilobytes.
const maxResponse = 64 << 20

// Poller receives updates by long polling, for a single instance. It
// moves the offset past an update only once its turn is committed, so a
// crash re-delivers what was not committed (I1) and the Engine's
// watermark drops what was (I2). With no response to Telegram for an
// answer to ride on, it answers button presses with a call of their own.
type Poller struct {
	core  *core
	token string
	http  *http.Client
}

// NewPoller returns a Poller for client's bot. It reads WithAPI (give it
// the URL and HTTP client NewClient was given), WithPollTimeout,
// WithBackoff, WithNotify, WithUsername, WithChoreTimeout, WithLogger.
func NewPoller(engine *bot.Engine, client *tgbot.Bot, opts ...Option) *Poller {
	o := newOptions(opts)
	hc := o.httpClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Poller{core: newCore(engine, client, o), token: client.Token(), http: hc}
}

// Run deletes any webhook (keeping pending updates), then polls until ctx
// ends. On shutdown it finishes the update in hand, tells Telegram how far
// it got, and returns nil. It returns ErrPollConflict when another consumer
// polls the same token, ErrUnauthorized for a bad token.
func (p *Poller) Run(ctx context.Context) error {
	defer p.core.wait()
	if err := p.deleteWebhook(ctx); err != nil {
		return err
	}
	var offset int64
	wait := time.Duration(0)
	for {
		if wait > 0 && !sleep(ctx, wait) {
			p.confirm(offset)
			return nil
		}
		if ctx.Err() != nil {
			p.confirm(offset)
			return nil
		}
		updates, err := p.getUpdates(ctx, offset, p.core.o.pollTimeout)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			p.confirm(offset)
			return nil
		case errors.Is(err, ErrPollConflict), errors.Is(err, ErrUnauthorized):
			return err
		default:
			wait = p.backoff(wait, err)
			p.core.o.log.Warn("telegram: getUpdates failed", "err", err, "retry_in", wait)
			continue
		}
		wait = 0
		for i := range updates {
			// The update in hand is finished even during shutdown: a turn
			// cut short would only be redone on the next start.
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
			_, err := p.core.handle(hctx, &updates[i], false)
			cancel()
			if err != nil {
				// Not committed: leave the offset at this update, so the
				// next getUpdates delivers it again after the backoff.
				wait = p.backoff(wait, err)
				break
			}
			offset = updates[i].ID + 1
			if ctx.Err() != nil {
				break
			}
		}
	}
}

// backoff returns the next wait after a failure: Telegram's retry_after
// when it gave one, else double the last wait within the bounds.
func (p *Poller) backoff(last time.Duration, err error) time.Duration {
	if after, ok := retryAfter(err); ok {
		return after
	}
	return min(max(2*last, p.core.o.backoffMin), p.core.o.backoffMax)
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// deleteWebhook switches Telegram to polling, keeping pending updates.
// A transient failure is retried until ctx ends.
func (p *Poller) deleteWebhook(ctx context.Context) error {
	var wait time.Duration
	for {
		_, err := p.core.client.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{DropPendingUpdates: false})
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, tgbot.ErrorUnauthorized), errors.Is(err, tgbot.ErrorNotFound):
			return ErrUnauthorized
		}
		wait = p.backoff(wait, err)
		p.core.o.log.Warn("telegram: deleteWebhook failed", "err", wrapErr("deleteWebhook", err), "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil
		}
	}
}

// confirm tells Telegram that everything below offset is handled, so a
// restart does not fetch it again (the watermark would drop it, but there
// is no need). Best effort: getUpdates with that offset confirms.
func (p *Poller) confirm(offset int64) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.call(ctx, getUpdatesParams{Offset: offset, Limit: 1}); err != nil {
		p.core.o.log.Info("telegram: offset not confirmed on shutdown", "offset", offset, "err", err)
	}
}

// getUpdatesParams is getUpdates' request.
type getUpdatesParams struct {
	Offset         int64    `json:"offset,omitempty"`
	Limit          int      `json:"limit,omitempty"`
	Timeout        int      `json:"timeout"`
	AllowedUpdates []string `json:"allowed_updates,omitempty"`
}

// getUpdates asks for the updates from offset on, waiting up to timeout.
func (p *Poller) getUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]models.Update, error) {
	// The request may take the whole poll timeout; allow for the trip.
	ctx, cancel := context.WithTimeout(ctx, timeout+30*time.Second)
	defer cancel()
	return p.call(ctx, getUpdatesParams{
		Offset:         offset,
		Timeout:        int(timeout / time.Second),
		AllowedUpdates: AllowedUpdates,
	})
}

// apiResponse is the Bot API's envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call makes one getUpdates request. The library has no public way to
// call getUpdates without its own loop, which confirms updates before they
// are handled; so this is a plain JSON request. Errors never include the
// URL, which holds the token.
func (p *Poller) call(ctx context.Context, params getUpdatesParams) ([]models.Update, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	endpoint := strings.TrimRight(p.core.o.apiURL, "/") + "/bot" + p.token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("telegram getUpdates: bad API URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.http.Do(req)
	if err != nil {
		err = unwrapURL(err)
		return nil, &apiError{method: "getUpdates", kind: errKind(err), err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &apiError{method: "getUpdates", kind: "network", err: err}
	}
	var r apiResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, &apiError{method: "getUpdates", kind: "unexpected_response", desc: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	if !r.OK {
		switch r.ErrorCode {
		case http.StatusConflict:
			return nil, ErrPollConflict
		case http.StatusUnauthorized, http.StatusNotFound:
			return nil, ErrUnauthorized
		case http.StatusTooManyRequests:
			return nil, &tgbot.TooManyRequestsError{Message: "getUpdates: " + r.Description, RetryAfter: r.Parameters.RetryAfter}
		}
		return nil, &apiError{method: "getUpdates", kind: "server_error", desc: fmt.Sprintf("%d %s", r.ErrorCode, r.Description)}
	}
	var updates []models.Update
	if err := json.Unmarshal(r.Result, &updates); err == nil {
		return updates, nil
	}
	// One strange update must not stall the queue: decode them one by one
	// and pass those that fail on as bare ids, acknowledged and ignored.
	var items []json.RawMessage
	if err := json.Unmarshal(r.Result, &items); err != nil {
		return nil, &apiError{method: "getUpdates", kind: "unexpected_response", desc: "result is not a list"}
	}
	updates = make([]models.Update, 0, len(items))
	for _, item := range items {
		var u models.Update
		if err := json.Unmarshal(item, &u); err != nil {
			var id struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(item, &id) != nil || id.ID == 0 {
				continue
			}
			u = models.Update{ID: id.ID}
			p.core.o.log.Warn("telegram: update not understood, skipped", "update_id", id.ID)
		}
		updates = append(updates, u)
	}
	return updates, nil
}

// unwrapURL drops the *url.Error around a transport error: its text holds
// the request URL, and so the token.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
