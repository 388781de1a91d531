package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// jsonAPI makes the Bot API calls of a busy bot (sendMessage,
// answerCallbackQuery, editMessageReplyMarkup) as plain JSON requests.
// go-telegram/bot writes every call as a multipart form through a pipe,
// flushing field by field, which letdown bench showed to take much of a
// busy bot's CPU. Errors are the library's own (tgbot.ErrorForbidden,
// *tgbot.TooManyRequestsError, …), so they map exactly as the library's
// would; they never include the URL, which holds the token.
type jsonAPI struct {
	base string // API URL + "/bot<token>/"
	http *http.Client
}

func newJSONAPI(client *tgbot.Bot, o options) *jsonAPI {
	hc := o.httpClient
	if hc == nil {
		hc = &http.Client{Timeout: clientTimeout}
	}
	return &jsonAPI{base: clientURL(client) + "/bot" + client.Token() + "/", http: hc}
}

// clientURL is the Bot API server the library client talks to, so the
// JSON calls go exactly where the client's do. The library has no accessor
// for it, but its file links begin with it.
func clientURL(client *tgbot.Bot) string {
	link := client.FileDownloadLink(&models.File{})
	return strings.TrimRight(strings.TrimSuffix(link, "/file/bot"+client.Token()+"/"), "/")
}

// call sends params to method and decodes the result into out (if not nil).
func (a *jsonAPI) call(ctx context.Context, method string, params, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+method, bytes.NewReader(body))
	if err != nil {
		return errors.New("telegram " + method + ": bad API URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		return unwrapURL(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return err
	}
	var r struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter      int   `json:"retry_after"`
			MigrateToChatID int64 `json:"migrate_to_chat_id"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("unexpected response: HTTP %d", resp.StatusCode)
	}
	if r.OK {
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	}
	switch {
	case r.ErrorCode == http.StatusTooManyRequests:
		return &tgbot.TooManyRequestsError{Message: r.Description, RetryAfter: r.Parameters.RetryAfter}
	case r.Parameters.MigrateToChatID != 0:
		return &tgbot.MigrateError{Message: r.Description, MigrateToChatID: int(r.Parameters.MigrateToChatID)}
	}
	sentinel := map[int]error{
		http.StatusBadRequest:   tgbot.ErrorBadRequest,
		http.StatusUnauthorized: tgbot.ErrorUnauthorized,
		http.StatusForbidden:    tgbot.ErrorForbidden,
		http.StatusNotFound:     tgbot.ErrorNotFound,
		http.StatusConflict:     tgbot.ErrorConflict,
	}[r.ErrorCode]
	if sentinel == nil {
		return fmt.Errorf("error response from telegram: %d %s", r.ErrorCode, r.Description)
	}
	// The library's own format: "<sentinel>, <Telegram's description>".
	return fmt.Errorf("%w, %s", sentinel, r.Description)
}

// sendMessageParams is sendMessage as Letdown uses it: plain text, no
// link previews, an inline keyboard or none.
type sendMessageParams struct {
	ChatID      int64  `json:"chat_id"`
	Text        string `json:"text"`
	ReplyMarkup any    `json:"reply_markup,omitempty"` // *keyboard or *replyKeyboard
	LinkPreview struct {
		IsDisabled bool `json:"is_disabled"`
	} `json:"link_preview_options"`
}
