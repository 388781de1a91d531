// Package tgtest is a fake Telegram Bot API for tests: an httptest server
// that records every call, keeps the messages each chat received (with
// their current keyboards), serves getUpdates from a queue the test fills,
// and can be told to fail the next calls of a method.
//
// Point the real client at it:
//
//	api := tgtest.New(t)
//	client := api.Client(t) // or telegram.NewClient(api.Token, api.URL, nil)
//
// WebhookCall reads the one call a webhook may make on its response, as
// Telegram does.
//
// It checks what the real API checks where a test depends on it: the
// token, empty or over-long text, callback data over 64 bytes, editing or
// deleting a message that does not exist, editing one whose keyboard would
// not change.
package tgtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// The bot the fake pretends to be.
const (
	Token    = "123456:TEST-token"
	BotID    = 123456
	Username = "letdown_test_bot"
)

// Call is one Bot API request, in the order it arrived.
type Call struct {
	Method string
	// Params holds each parameter as Telegram reads it: strings as they
	// are, everything else (numbers, keyboards) as JSON text.
	Params map[string]string
	// Code is the HTTP status the fake answered: 200, or the error code.
	Code int
	// Files are the files a multipart call uploaded, by form field
	// ("photo", "document").
	Files map[string]File
}

// File is one uploaded file, as the multipart part described it.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Int returns a numeric parameter, or 0.
func (c Call) Int(name string) int64 {
	n, _ := strconv.ParseInt(c.Params[name], 10, 64)
	return n
}

// Keyboard returns the inline keyboard in reply_markup, or nil.
func (c Call) Keyboard() [][]models.InlineKeyboardButton {
	return keyboard(c.Params["reply_markup"])
}

// Message is one message the bot sent, as the chat shows it now.
type Message struct {
	ID     int
	ChatID int64
	Text   string
	// Keyboard is the message's inline keyboard as it is now: an
	// editMessageReplyMarkup changes it.
	Keyboard [][]models.InlineKeyboardButton
	// File is the photo or document a sendPhoto or sendDocument carried;
	// Text is then its caption.
	File *File
	// ReplyTo is the id of the message this one answers
	// (reply_parameters), 0 for none.
	ReplyTo int
}

// Buttons returns the keyboard's buttons, row after row.
func (m Message) Buttons() []models.InlineKeyboardButton {
	var out []models.InlineKeyboardButton
	for _, row := range m.Keyboard {
		out = append(out, row...)
	}
	return out
}

// Button returns the button labelled label (any case), and whether there is one.
func (m Message) Button(label string) (models.InlineKeyboardButton, bool) {
	for _, b := range m.Buttons() {
		if strings.EqualFold(b.Text, label) {
			return b, true
		}
	}
	return models.InlineKeyboardButton{}, false
}

// Failure is an error answer the fake gives instead of doing the call.
type Failure struct {
	Code        int
	Description string
	RetryAfter  int // seconds, for 429
}

// Failures the tests need most. Pass, the zero Failure, lets a call
// through: Fail(m, 1, Pass) then Fail(m, 1, f) fails the second call.
var (
	Pass         = Failure{}
	Forbidden    = Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}
	ChatNotFound = Failure{Code: 400, Description: "Bad Request: chat not found"}
	ServerError  = Failure{Code: 500, Description: "Internal Server Error"}
	Conflict     = Failure{Code: 409, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
)

// TooManyRequests is a 429 asking to wait after seconds.
func TooManyRequests(after int) Failure {
	return Failure{Code: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", after), RetryAfter: after}
}

// Server is the fake Bot API. It is safe for concurrent use.
type Server struct {
	// URL is the server's base URL, for tgbot.WithServerURL.
	URL string
	// Token is the token it accepts; any other gets 401.
	Token string

	srv *httptest.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever anything happens
	calls    []Call
	messages []Message
	deleted  []Message // by deleteMessage, in the order deleted
	nextID   int
	fail     map[string][]Failure
	updates  []models.Update // queued, not yet confirmed
}

// New starts a fake Bot API, closed when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{Token: Token, changed: make(chan struct{}), fail: make(map[string][]Failure), nextID: 100}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Client returns a real go-telegram/bot client talking to the fake.
func (s *Server) Client(tb testing.TB) *tgbot.Bot {
	tb.Helper()
	c, err := tgbot.New(s.Token, tgbot.WithServerURL(s.URL), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(10*time.Second, s.srv.Client()), tgbot.WithErrorsHandler(func(error) {}))
	if err != nil {
		tb.Fatalf("tgbot.New: %v", err)
	}
	return c
}

// HTTPClient returns an HTTP client for the fake's server.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Fail makes the next n calls of method answer f instead, after the
// failures already planned for it.
func (s *Server) Fail(method string, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail[method] = append(s.fail[method], f)
	}
}

// Queue adds updates for getUpdates to hand out.
func (s *Server) Queue(updates ...models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updates = append(s.updates, updates...)
	s.notify()
}

// Calls returns the calls of method so far, or every call for "".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the messages chat received, oldest first, as they are now.
func (s *Server) Sent(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inChat(s.messages, chat)
}

// Deleted returns the messages of chat that deleteMessage deleted, in
// the order it did; Sent no longer shows them.
func (s *Server) Deleted(chat int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return inChat(s.deleted, chat)
}

// inChat returns the messages of ms sent to chat, in their order.
func inChat(ms []Message, chat int64) []Message {
	var out []Message
	for _, m := range ms {
		if m.ChatID == chat {
			out = append(out, m)
		}
	}
	return out
}

// Delete deletes message id of chat, as a member with the right would
// (Deleted then shows it): a deleteMessage of it finds nothing.
func (s *Server) Delete(chat int64, id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(chat, id)
}

// remove moves message id of chat to the deleted ones, and reports
// whether there was one. s.mu is held.
func (s *Server) remove(chat int64, id int) bool {
	for i, m := range s.messages {
		if m.ChatID == chat && m.ID == id {
			s.messages = slices.Delete(s.messages, i, i+1)
			s.deleted = append(s.deleted, m)
			return true
		}
	}
	return false
}

// WaitCalls waits until method has been called at least n times and
// returns its calls; after 10 seconds it fails the test.
func (s *Server) WaitCalls(tb testing.TB, method string, n int) []Call {
	tb.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		count := 0
		for _, c := range s.calls {
			if c.Method == method {
				count++
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if count >= n {
			return s.Calls(method)
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("tgtest: %s called %d times, want at least %d", method, count, n)
		}
	}
}

// notify wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// response is the Bot API's envelope.
type response struct {
	OK          bool   `json:"ok"`
	Result      any    `json:"result,omitempty"`
	ErrorCode   int    `json:"error_code,omitempty"`
	Description string `json:"description,omitempty"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after,omitempty"`
	} `json:"parameters,omitempty"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || token != s.Token {
		write(w, response{ErrorCode: 401, Description: "Unauthorized"})
		return
	}
	params, files, err := decode(r)
	if err != nil {
		write(w, response{ErrorCode: 400, Description: "Bad Request: " + err.Error()})
		return
	}
	if method == "getUpdates" {
		s.getUpdates(w, r, params)
		return
	}
	s.mu.Lock()
	resp := s.answer(method, params, files)
	s.record(method, params, resp)
	if len(files) > 0 {
		s.calls[len(s.calls)-1].Files = files
	}
	s.mu.Unlock()
	write(w, resp)
}

// record adds a call to the log. s.mu must be held.
func (s *Server) record(method string, params map[string]string, resp response) {
	code := 200
	if !resp.OK {
		code = resp.ErrorCode
	}
	s.calls = append(s.calls, Call{Method: method, Params: params, Code: code})
	s.notify()
}

// failure takes the next planned failure of method, if any. s.mu must be held.
func (s *Server) failure(method string) (response, bool) {
	q := s.fail[method]
	if len(q) == 0 {
		return response{}, false
	}
	f := q[0]
	s.fail[method] = q[1:]
	if f.Code == 0 {
		return response{}, false
	}
	resp := response{ErrorCode: f.Code, Description: f.Description}
	if f.RetryAfter > 0 {
		resp.Parameters = &struct {
			RetryAfter int `json:"retry_after,omitempty"`
		}{f.RetryAfter}
	}
	return resp, true
}

// answer does one call other than getUpdates. s.mu must be held.
func (s *Server) answer(method string, p map[string]string, files map[string]File) response {
	if resp, ok := s.failure(method); ok {
		return resp
	}
	ok := func(v any) response { return response{OK: true, Result: v} }
	bad := func(desc string) response { return response{ErrorCode: 400, Description: "Bad Request: " + desc} }
	switch method {
	case "getMe":
		return ok(models.User{ID: BotID, IsBot: true, FirstName: "Letdown", Username: Username})
	case "sendMessage":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		text := p["text"]
		kb := keyboard(p["reply_markup"])
		switch {
		case chat == 0:
			return bad("chat not found")
		case strings.TrimSpace(text) == "":
			return bad("message text is empty")
		case len(utf16.Encode([]rune(text))) > 4096:
			return bad("message is too long")
		}
		for _, row := range kb {
			for _, b := range row {
				if b.URL == "" && (b.CallbackData == "" || len(b.CallbackData) > 64) {
					return bad("BUTTON_DATA_INVALID")
				}
			}
		}
		var reply struct {
			MessageID int `json:"message_id"`
		}
		if raw := p["reply_parameters"]; raw != "" {
			if err := json.Unmarshal([]byte(raw), &reply); err != nil || reply.MessageID <= 0 {
				return bad("invalid reply parameters")
			}
		}
		s.nextID++
		m := Message{ID: s.nextID, ChatID: chat, Text: text, Keyboard: kb, ReplyTo: reply.MessageID}
		s.messages = append(s.messages, m)
		return ok(wire(m))
	case "sendPhoto", "sendDocument":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		field := map[string]string{"sendPhoto": "photo", "sendDocument": "document"}[method]
		f, found := files[field]
		switch {
		case chat == 0:
			return bad("chat not found")
		case !found || len(f.Data) == 0:
			return bad("there is no " + field + " in the request")
		case len(utf16.Encode([]rune(p["caption"]))) > 1024:
			return bad("message caption is too long")
		}
		s.nextID++
		m := Message{ID: s.nextID, ChatID: chat, Text: p["caption"], Keyboard: keyboard(p["reply_markup"]), File: &f}
		s.messages = append(s.messages, m)
		return ok(wire(m))
	case "editMessageReplyMarkup":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		id, _ := strconv.Atoi(p["message_id"])
		kb := keyboard(p["reply_markup"])
		for i := range s.messages {
			m := &s.messages[i]
			if m.ChatID != chat || m.ID != id {
				continue
			}
			if len(m.Keyboard) == 0 && len(kb) == 0 {
				return bad("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
			}
			m.Keyboard = kb
			return ok(wire(*m))
		}
		return bad("message to edit not found")
	case "deleteMessage":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		id, _ := strconv.Atoi(p["message_id"])
		if !s.remove(chat, id) {
			return bad("message to delete not found")
		}
		return ok(true)
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			return bad("query is too old and response timeout expired or query ID is invalid")
		}
		return ok(true)
	case "setMyCommands", "setWebhook", "deleteWebhook", "deleteMyCommands":
		return ok(true)
	}
	return response{ErrorCode: 404, Description: "Not Found"}
}

// getUpdates hands out queued updates from offset on, first confirming
// (dropping) those below it, as Telegram does. With nothing to hand out it
// waits up to the timeout for something to be queued.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	timeout, _ := strconv.Atoi(p["timeout"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.NewTimer(time.Duration(timeout) * time.Second)
	defer deadline.Stop()
	s.mu.Lock()
	resp, failed := s.failure("getUpdates")
	s.record("getUpdates", p, resp)
	if failed {
		s.mu.Unlock()
		write(w, resp)
		return
	}
	for {
		if offset > 0 {
			s.updates = slices.DeleteFunc(s.updates, func(u models.Update) bool { return u.ID < offset })
		}
		out := s.updates[:min(limit, len(s.updates))]
		ch := s.changed
		if len(out) > 0 || timeout <= 0 {
			out = slices.Clone(out)
			s.mu.Unlock()
			write(w, response{OK: true, Result: out})
			return
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
	}
}

// wire is a sent message as the API returns it.
func wire(m Message) map[string]any {
	chatType := "private"
	if m.ChatID < 0 {
		chatType = "supergroup"
	}
	out := map[string]any{
		"message_id": m.ID,
		"date":       time.Now().Unix(),
		"chat":       map[string]any{"id": m.ChatID, "type": chatType},
		"from":       map[string]any{"id": BotID, "is_bot": true, "first_name": "Letdown", "username": Username},
		"text":       m.Text,
	}
	if len(m.Keyboard) > 0 {
		out["reply_markup"] = map[string]any{"inline_keyboard": m.Keyboard}
	}
	return out
}

func keyboard(raw string) [][]models.InlineKeyboardButton {
	if raw == "" {
		return nil
	}
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil
	}
	return kb.InlineKeyboard
}

// decode reads a request's parameters from a JSON, multipart or
// URL-encoded body, the three forms the Bot API accepts.
func decode(r *http.Request) (map[string]string, map[string]File, error) {
	params := make(map[string]string)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil, err
	}
	if len(body) == 0 {
		return params, nil, nil // a call without parameters, such as getMe
	}
	var files map[string]File
	r.Body = io.NopCloser(bytes.NewReader(body))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, nil, fmt.Errorf("can't parse JSON: %v", err)
		}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				params[k] = s
			} else {
				params[k] = string(v)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			return nil, nil, fmt.Errorf("can't parse form: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			params[k] = v[0]
		}
		for k, v := range r.MultipartForm.File {
			f, err := v[0].Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			if files == nil {
				files = make(map[string]File)
			}
			files[k] = File{Name: v[0].Filename, ContentType: v[0].Header.Get("Content-Type"), Data: data}
		}
	case "", "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, nil, fmt.Errorf("can't parse form: %v", err)
		}
		for k, v := range r.Form {
			params[k] = v[0]
		}
	default:
		return nil, nil, fmt.Errorf("unsupported content type %q", ct)
	}
	return params, files, nil
}

func write(w http.ResponseWriter, resp response) {
	w.Header().Set("Content-Type", "application/json")
	if !resp.OK {
		w.WriteHeader(resp.ErrorCode)
	}
	_ = json.NewEncoder(w).Encode(resp)
}

// WebhookCall returns the Bot API call riding on a webhook's response,
// read as Telegram reads it: Method, Params as for a call to the fake,
// and Code the response's status. Telegram acts only on the call of a 200
// and never says how it went. An empty body carries no call (Method ""),
// nor does an error page on a status other than 200; a 200's body that is
// not a call is an error.
func WebhookCall(resp *http.Response) (Call, error) {
	c := Call{Code: resp.StatusCode}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return c, err
	}
	if len(body) == 0 {
		return c, nil
	}
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set("Content-Type", resp.Header.Get("Content-Type"))
	p, _, err := decode(r)
	switch {
	case err == nil && p["method"] != "":
		c.Method = p["method"]
		delete(p, "method")
		c.Params = p
		return c, nil
	case resp.StatusCode != http.StatusOK:
		return c, nil
	case err != nil:
		return c, fmt.Errorf("webhook response: %v", err)
	}
	return c, fmt.Errorf("webhook response %.100q names no method", body)
}

// TextUpdate is a private text message (or command) from user, in the
// private chat whose id is the user's, as Telegram makes it.
func TextUpdate(id, user int64, text string) models.Update {
	return models.Update{ID: id, Message: &models.Message{
		ID:   int(id),
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: user, Type: models.ChatTypePrivate},
		From: &models.User{ID: user, FirstName: "Mum", LanguageCode: "en"},
		Text: text,
	}}
}

// PressUpdate is user pressing the button with data under message m.
func PressUpdate(id, user int64, m Message, data string) models.Update {
	return models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
		ID:   "cb" + strconv.FormatInt(id, 10),
		From: models.User{ID: user, FirstName: "Mum", LanguageCode: "en"},
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   m.ID,
				Date: int(time.Now().Unix()),
				Chat: models.Chat{ID: m.ChatID, Type: models.ChatTypePrivate},
				Text: m.Text,
			},
		},
		ChatInstance: "1",
		Data:         data,
	}}
}

// MemberUpdate is user changing the bot's status in her private chat to
// status, as the my_chat_member update Telegram sends: "kicked"
// (models.ChatMemberTypeBanned) when she blocks the bot, "member" when she
// unblocks it.
func MemberUpdate(id, user int64, status models.ChatMemberType) models.Update {
	old := models.ChatMemberTypeMember
	if status == models.ChatMemberTypeMember {
		old = models.ChatMemberTypeBanned
	}
	return models.Update{ID: id, MyChatMember: &models.ChatMemberUpdated{
		Chat:          models.Chat{ID: user, Type: models.ChatTypePrivate},
		From:          models.User{ID: user, FirstName: "Mum", LanguageCode: "en"},
		Date:          int(time.Now().Unix()),
		OldChatMember: chatMember(old),
		NewChatMember: chatMember(status),
	}}
}

// chatMember is the bot with status in a chat: member, kicked or left.
func chatMember(status models.ChatMemberType) models.ChatMember {
	me := &models.User{ID: BotID, IsBot: true, FirstName: "Letdown", Username: Username}
	switch status {
	case models.ChatMemberTypeBanned:
		return models.ChatMember{Type: status, Banned: &models.ChatMemberBanned{User: me}}
	case models.ChatMemberTypeLeft:
		return models.ChatMember{Type: status, Left: &models.ChatMemberLeft{User: me}}
	}
	return models.ChatMember{Type: models.ChatMemberTypeMember, Member: &models.ChatMemberMember{User: me}}
}
