package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
)

// benchAPI is the fake Telegram Bot API letdown bench points serve at: the
// few methods serve calls, answered from memory on loopback. It checks
// what the real API checks where a wrong reply would otherwise pass
// unnoticed (the token, empty or over-long text, button data over 64
// bytes, an unknown chat) and hands every message to the chat's receiver
// as it arrives, so a simulated person sees her replies as she would in
// Telegram. It also takes the call serve makes on a webhook response (see
// answeredInResponse). It is not tgtest: that one records every call for
// a test to inspect, which at tens of thousands of calls a second would
// be the bottleneck.
type benchAPI struct {
	// URL is the base URL to give serve as TELEGRAM_API_URL.
	URL string

	token   string
	deliver func(chat int64, m apiMessage) bool
	srv     *http.Server
	served  chan error
	nextID  atomic.Int64
	started time.Time

	// keyboards holds the messages that still show a keyboard: message
	// id → chat.
	keyboards sync.Map

	sent     atomic.Int64 // sendMessage calls answered ok
	answered atomic.Int64 // button presses answered, each once
	edited   atomic.Int64 // keyboards removed by editMessageReplyMarkup
	setup    atomic.Int64 // getMe, setMyCommands, setWebhook, deleteWebhook
	refused  atomic.Int64 // calls answered with an error
}

// apiMessage is one message the bot sent to a chat, as she sees it.
type apiMessage struct {
	ID      int
	Text    string
	Buttons []apiButton // the inline keyboard, row after row
}

// apiButton is one inline keyboard button on the wire.
type apiButton struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
	URL  string `json:"url"`
}

// apiStats are the fake's counts.
type apiStats struct {
	Sent, Answered, Edited, Setup, Refused int64
}

// startBenchAPI serves the fake Bot API on addr: a free loopback port with
// "127.0.0.1:0", or where a serve in another process expects it. deliver is
// called, on the request's goroutine, with every message sendMessage
// accepts; it returns false for a chat that does not exist, which is
// answered as Telegram does ("chat not found").
func startBenchAPI(addr, token string, deliver func(chat int64, m apiMessage) bool) (*benchAPI, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	a := &benchAPI{
		URL:     "http://" + ln.Addr().String(),
		token:   token,
		deliver: deliver,
		served:  make(chan error, 1),
		started: time.Now(),
	}
	a.nextID.Store(1)
	a.srv = &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	go func() { a.served <- a.srv.Serve(ln) }()
	return a, nil
}

// Close stops the server, letting calls in flight finish for a moment.
func (a *benchAPI) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := a.srv.Shutdown(ctx)
	if e := <-a.served; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// Stats returns the counts so far.
func (a *benchAPI) Stats() apiStats {
	return apiStats{
		Sent:     a.sent.Load(),
		Answered: a.answered.Load(),
		Edited:   a.edited.Load(),
		Setup:    a.setup.Load(),
		Refused:  a.refused.Load(),
	}
}

var (
	okTrue  = []byte(`{"ok":true,"result":true}` + "\n")
	getMeOK = []byte(`{"ok":true,"result":{"id":424242,"is_bot":true,"first_name":"Letdown","username":"letdown_bench_bot"}}` + "\n")
)

func (a *benchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || token != a.token {
		a.fail(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	p, err := apiParams(r)
	if err != nil {
		a.fail(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	switch method {
	case "sendMessage":
		a.sendMessage(w, p)
	case "answerCallbackQuery":
		if p["callback_query_id"] == "" {
			a.fail(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
			return
		}
		a.answered.Add(1)
		a.write(w, okTrue)
	case "editMessageReplyMarkup":
		chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
		id, _ := strconv.Atoi(p["message_id"])
		if chat == 0 || id <= 0 {
			a.fail(w, http.StatusBadRequest, "Bad Request: message to edit not found")
			return
		}
		if !a.keyboards.CompareAndDelete(id, chat) {
			// serve removes the keyboard again for a press delivered
			// twice: Telegram answers that nothing changed, and serve
			// expects it, so it is not counted refused.
			a.answerError(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
			return
		}
		a.edited.Add(1)
		a.write(w, a.message(nil, id, chat))
	case "getMe":
		a.setup.Add(1)
		a.write(w, getMeOK)
	case "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook":
		a.setup.Add(1)
		a.write(w, okTrue)
	default:
		a.fail(w, http.StatusNotFound, "Not Found")
	}
}

func (a *benchAPI) sendMessage(w http.ResponseWriter, p map[string]string) {
	chat, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	text := p["text"]
	switch {
	case chat == 0:
		a.fail(w, http.StatusBadRequest, "Bad Request: chat not found")
		return
	case strings.TrimSpace(text) == "":
		a.fail(w, http.StatusBadRequest, "Bad Request: message text is empty")
		return
	case len(text) > 4096 && len(utf16.Encode([]rune(text))) > 4096:
		a.fail(w, http.StatusBadRequest, "Bad Request: message is too long")
		return
	}
	m := apiMessage{Text: text}
	if raw := p["reply_markup"]; raw != "" {
		var kb struct {
			InlineKeyboard [][]apiButton `json:"inline_keyboard"`
		}
		if err := json.Unmarshal([]byte(raw), &kb); err != nil {
			a.fail(w, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object")
			return
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.URL == "" && (b.Data == "" || len(b.Data) > 64) {
					a.fail(w, http.StatusBadRequest, "Bad Request: BUTTON_DATA_INVALID")
					return
				}
				m.Buttons = append(m.Buttons, b)
			}
		}
	}
	m.ID = int(a.nextID.Add(1))
	if len(m.Buttons) > 0 {
		// Before she sees it: she may press at once, and the keyboard's
		// removal may arrive before this call is answered.
		a.keyboards.Store(m.ID, chat)
	}
	if !a.deliver(chat, m) {
		a.keyboards.Delete(m.ID)
		a.fail(w, http.StatusBadRequest, "Bad Request: chat not found")
		return
	}
	a.sent.Add(1)
	a.write(w, a.message(nil, m.ID, chat))
}

// message is the API's answer for a message: what the client decodes.
func (a *benchAPI) message(buf []byte, id int, chat int64) []byte {
	buf = append(buf, `{"ok":true,"result":{"message_id":`...)
	buf = strconv.AppendInt(buf, int64(id), 10)
	buf = append(buf, `,"date":`...)
	buf = strconv.AppendInt(buf, a.started.Unix(), 10)
	buf = append(buf, `,"chat":{"id":`...)
	buf = strconv.AppendInt(buf, chat, 10)
	buf = append(buf, `,"type":"private"}}}`+"\n"...)
	return buf
}

func (a *benchAPI) write(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.Write(body)
}

// answeredInResponse does what Telegram does with the body of a webhook's
// 200: it may carry one Bot API call, which serve uses to answer a button
// press. An answerCallbackQuery with a query id counts as a press
// answered, unless repeat: a press delivered again is answered again,
// harmlessly, but it is still one press. Any other body is refused, as
// Telegram would refuse it (without serve ever knowing).
func (a *benchAPI) answeredInResponse(contentType string, body []byte, repeat bool) {
	if len(body) == 0 {
		return
	}
	var call struct {
		Method string `json:"method"`
		ID     string `json:"callback_query_id"`
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	switch {
	case ct != "application/json", json.Unmarshal(body, &call) != nil, call.Method != "answerCallbackQuery", call.ID == "":
		a.refused.Add(1)
	case !repeat:
		a.answered.Add(1)
	}
}

// fail answers a call the fake refuses, counted as an error.
func (a *benchAPI) fail(w http.ResponseWriter, code int, desc string) {
	a.refused.Add(1)
	a.answerError(w, code, desc)
}

// answerError answers with a Bot API error.
func (a *benchAPI) answerError(w http.ResponseWriter, code int, desc string) {
	body, _ := json.Marshal(map[string]any{"ok": false, "error_code": code, "description": desc})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(body, '\n'))
}

// maxParam bounds one parameter: far above Telegram's own limits, so only
// something broken gets near it.
const maxParam = 64 << 10

// apiParams reads a call's parameters from a multipart (what
// go-telegram/bot sends), JSON or URL-encoded body.
func apiParams(r *http.Request) (map[string]string, error) {
	p := make(map[string]string, 4)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				// Also a body with no parts at all, as for getMe.
				return p, nil
			}
			if err != nil {
				return nil, err
			}
			buf.Reset()
			if _, err := io.Copy(&buf, io.LimitReader(part, maxParam)); err != nil {
				return nil, err
			}
			p[part.FormName()] = buf.String()
		}
	case "application/json":
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&raw); err != nil {
			if err == io.EOF {
				return p, nil
			}
			return nil, err
		}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				p[k] = s
			} else {
				p[k] = string(v)
			}
		}
		return p, nil
	default:
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		for k, v := range r.Form {
			p[k] = v[0]
		}
		return p, nil
	}
}
