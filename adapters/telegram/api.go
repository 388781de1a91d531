package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
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
	return a.do(req, out)
}

// upload sends fields and one file to method as multipart/form-data, as
// sendPhoto and sendDocument need, and decodes the result into out (if
// not nil). The file's part carries its content type (image/png,
// text/csv).
func (a *jsonAPI) upload(ctx context.Context, method string, fields map[string]string, f file, out any) error {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if err := w.WriteField(k, fields[k]); err != nil {
			return err
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name))
	h.Set("Content-Type", f.contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := part.Write(f.data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+method, &body)
	if err != nil {
		return errors.New("telegram " + method + ": bad API URL")
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return a.do(req, out)
}

// file is one file to upload: the form field it goes in ("photo",
// "document"), its name, content type and bytes.
type file struct {
	field, name, contentType string
	data                     []byte
}

// do makes the request and reads Telegram's answer.
func (a *jsonAPI) do(req *http.Request, out any) error {
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
	// ReplyTo answers a message in a group, when the reply has a Thread.
	ReplyTo     *replyParameters `json:"reply_parameters,omitempty"`
	LinkPreview struct {
		IsDisabled bool `json:"is_disabled"`
	} `json:"link_preview_options"`
}

// replyParameters makes a message a reply to another. The reply is sent
// even if that message was deleted meanwhile: the answer still matters.
type replyParameters struct {
	MessageID                int  `json:"message_id"`
	AllowSendingWithoutReply bool `json:"allow_sending_without_reply"`
}

// replyTo is the reply_parameters for a reply's Thread (a message id), or
// nil when it has none or it is not one.
func replyTo(thread string) *replyParameters {
	id, err := strconv.Atoi(thread)
	if thread == "" || err != nil || id <= 0 {
		return nil
	}
	return &replyParameters{MessageID: id, AllowSendingWithoutReply: true}
}
