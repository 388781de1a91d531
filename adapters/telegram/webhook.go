package telegram

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/internal/httpbody"
	"github.com/letdownbot/letdown/bot"
)

// SecretHeader carries the webhook's secret token on every request from
// Telegram.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook receives Telegram's updates over HTTP. It commits each update
// through the Engine before answering, so a 200 means committed (I1);
// anything else makes Telegram deliver it again, and the Engine's
// watermark drops what was already committed (I2).
//
// A button press is answered (answerCallbackQuery) in the 200's body, the
// one Bot API call Telegram lets ride on a webhook response: one HTTP
// request fewer per press. Telegram never says whether such a call
// worked, but nothing could be done about a failed answer anyway: it only
// stops the spinner on the button.
type Webhook struct {
	core   *core
	secret [sha256.Size]byte
}

var _ http.Handler = (*Webhook)(nil)

// NewWebhook returns the handler for the URL given to SetWebhook, with the
// same secret. client removes the keyboards of pressed buttons and talks
// to groups; the presses themselves are answered on the response. It reads
// WithNotify, WithUsername, WithBodyLimit, WithChoreTimeout, WithLogger.
func NewWebhook(engine *bot.Engine, client *tgbot.Bot, secret string, opts ...Option) (*Webhook, error) {
	if err := CheckSecret(secret); err != nil {
		return nil, err
	}
	return &Webhook{core: newCore(engine, client, newOptions(opts)), secret: sha256.Sum256([]byte(secret))}, nil
}

// ServeHTTP handles one update: 405 for anything but POST, 401 without the
// right secret, 413 for a body over the limit, 400 for one that is not an
// update, 503 when the turn (or her blocking the bot) could not be
// committed, 200 once it is. The 200 for a button press carries its
// answerCallbackQuery as JSON, also when the press is a duplicate, ignored
// or refused; any other 200 has no body.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Before the body is read: an unauthenticated request gets nothing
	// else done for it (I7). Comparing digests keeps the time constant
	// whatever the length of the header.
	got := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))
	if subtle.ConstantTimeCompare(got[:], h.secret[:]) != 1 {
		// Closing the connection spares reading the body it sent, at
		// whatever pace it sends it.
		w.Header().Set("Connection", "close")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, ok := httpbody.Read(w, r, h.core.o.bodyLimit)
	if !ok {
		return
	}
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil || u.ID <= 0 {
		// Every update Telegram sends has a positive update_id; without
		// one a duplicate could not be told apart.
		http.Error(w, "not a Telegram update", http.StatusBadRequest)
		return
	}
	answer, err := h.core.handle(r.Context(), &u, true)
	if err != nil {
		// Not committed: Telegram will deliver it again, and the press is
		// answered then.
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	if answer == "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	// Strings always encode: there is no error to handle.
	resp, _ := json.Marshal(answerResponse{Method: "answerCallbackQuery", answerParams: answerParams{answer}})
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(resp)))
	w.WriteHeader(http.StatusOK)
	w.Write(resp)
}

// answerResponse is answerCallbackQuery as the body of a webhook's 200:
// the parameters beside the method's name.
type answerResponse struct {
	Method string `json:"method"`
	answerParams
}

// Wait blocks until the best-effort calls started by earlier requests
// (removing old keyboards, group messages) are done. Call it on shutdown
// once the HTTP server has stopped, and in tests before looking at what
// Telegram received.
func (h *Webhook) Wait() { h.core.wait() }
