// Package slacktest is a fake Slack Web API for tests: an httptest server
// that the real slack-go client talks to. It records every method call
// with its parameters, keeps the messages posted and updated per channel,
// and can fail the next calls of a method with a 429 or an error code.
// Socket is a fake Socket Mode websocket to go with it.
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// Fixed ids of the fake workspace.
const (
	Team      = "T0TEAM"
	BotUserID = "U0LETDOWN"
	BotID     = "B0LETDOWN"
	// DefaultTZ is the time zone users.info gives a user with none set.
	DefaultTZ = "Europe/London"
)

// Call is one Web API call as the fake received it.
type Call struct {
	Method string
	Params url.Values
}

// Message is a message as it stands in a channel: posted, maybe updated.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	Text     string
	Blocks   slack.Blocks
	// RawBlocks is the blocks' JSON as received.
	RawBlocks json.RawMessage
	Updated   int
}

// Sections returns the texts of the message's section blocks.
func (m Message) Sections() []string {
	var out []string
	for _, b := range m.Blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			out = append(out, s.Text.Text)
		}
	}
	return out
}

// Body is the message's section texts joined by blank lines.
func (m Message) Body() string { return strings.Join(m.Sections(), "\n\n") }

// Buttons returns the buttons of the message's actions blocks, each with
// the id of its block.
func (m Message) Buttons() []Button {
	var out []Button
	for _, b := range m.Blocks.BlockSet {
		a, ok := b.(*slack.ActionBlock)
		if !ok || a.Elements == nil {
			continue
		}
		for _, e := range a.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok {
				out = append(out, Button{BlockID: a.BlockID, ButtonBlockElement: btn})
			}
		}
	}
	return out
}

// Button returns the message's button labelled label.
func (m Message) Button(label string) (Button, bool) {
	for _, b := range m.Buttons() {
		if b.Text != nil && b.Text.Text == label {
			return b, true
		}
	}
	return Button{}, false
}

// Button is a button in a message.
type Button struct {
	BlockID string
	*slack.ButtonBlockElement
}

// Failure is how the fake fails a call.
type Failure struct {
	Status     int    // HTTP status; 0 means 200 with ok:false
	RetryAfter int    // seconds, sent as Retry-After with a 429
	Error      string // Slack's error code with ok:false
}

// Pass lets a call through: Fail(m, 1, Pass) then Fail(m, 1, f) fails
// the second call of m from now.
var Pass = Failure{}

// RateLimited is a 429 asking to wait sec seconds.
func RateLimited(sec int) Failure {
	return Failure{Status: http.StatusTooManyRequests, RetryAfter: sec}
}

// Error is an ok:false answer with Slack's error code.
func Error(code string) Failure { return Failure{Error: code} }

// Server is the fake Web API.
// Upload is one file uploaded the way files upload v2 does it
// (files.getUploadURLExternal, the upload, files.completeUploadExternal).
type Upload struct {
	ID          string
	Name        string // the file name given to files.getUploadURLExternal
	ContentType string // the upload part's content type
	Data        []byte
	Title       string
	Channel     string // where files.completeUploadExternal shared it; "" until then
	Comment     string // the initial comment
	length      int    // the size files.getUploadURLExternal was told
}

type Server struct {
	*httptest.Server

	uploads []*Upload

	mu       sync.Mutex
	calls    []Call
	messages map[string][]*Message // channel → messages in order
	deleted  map[string][]*Message // channel → messages chat.delete deleted, in order
	fail     map[string][]Failure
	zones    map[string]string
	locales  map[string]string
	admins   map[string]bool
	names    map[string]string
	socket   string // the URL apps.connections.open hands out
	ts       int64
	changed  chan struct{}
}

// New starts a fake Web API, closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{messages: map[string][]*Message{}, deleted: map[string][]*Message{}, fail: map[string][]Failure{}, zones: map[string]string{}, locales: map[string]string{}, admins: map[string]bool{}, names: map[string]string{}, ts: 1700000000, changed: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// APIURL is the URL to give slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// Client returns a real slack-go client talking to the fake.
func (s *Server) Client(opts ...slack.Option) *slack.Client {
	return slack.New("xoxb-test-token", append([]slack.Option{slack.OptionAPIURL(s.APIURL())}, opts...)...)
}

// DM is the id of the app's DM channel with user, as chat.postMessage to
// a user id answers it.
func DM(user string) string { return "D" + strings.TrimPrefix(user, "U") }

// SetTZ sets the time zone users.info gives user.
func (s *Server) SetTZ(user, tz string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zones[user] = tz
}

// SetLocale sets the locale users.info gives user ("es-ES"); none by default.
func (s *Server) SetLocale(user, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locales[user] = locale
}

// SetAdmin makes users.info say user is a workspace admin.
func (s *Server) SetAdmin(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admins[user] = true
}

// SetName sets the first name users.info gives user; none by default.
func (s *Server) SetName(user, first string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[user] = first
}

// SetSocketURL sets the websocket URL apps.connections.open hands out
// (Socket.URL). Until it is set, apps.connections.open fails.
func (s *Server) SetSocketURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.socket = url
}

// Fail makes the next n calls of method fail with f.
func (s *Server) Fail(method string, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail[method] = append(s.fail[method], f)
	}
}

// Calls returns the calls of method so far ("" for all).
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

// Messages returns the messages in channel, oldest first, as they stand.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages[channel]))
	for i, m := range s.messages[channel] {
		out[i] = *m
	}
	return out
}

// Deleted returns the messages of channel that chat.delete deleted, in
// the order it did; Messages no longer shows them.
func (s *Server) Deleted(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.deleted[channel]))
	for i, m := range s.deleted[channel] {
		out[i] = *m
	}
	return out
}

// WaitCalls waits up to 5 seconds for n calls of method, and returns them.
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if calls := s.Calls(method); len(calls) >= n {
			return calls
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("waited 5 s for %d %s calls, got %d", n, method, len(s.Calls(method)))
		}
	}
}

// Uploads returns the files uploaded so far, shared or not, oldest first.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Upload, len(s.uploads))
	for i, u := range s.uploads {
		out[i] = *u
	}
	return out
}

// upload takes the file sent to an upload URL files.getUploadURLExternal
// handed out. s.mu must not be held.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, id string) {
	if err := r.ParseMultipartForm(10 << 20); err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	fh := r.MultipartForm.File["file"]
	if len(fh) == 0 {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	f, err := fh[0].Open()
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: "upload", Params: url.Values{"id": {id}}})
	close(s.changed)
	s.changed = make(chan struct{})
	for _, u := range s.uploads {
		if u.ID == id && u.Data == nil {
			u.Data, u.ContentType = data, fh[0].Header.Get("Content-Type")
			if u.length != len(data) {
				http.Error(w, "the file is not the size announced", http.StatusBadRequest)
				return
			}
			fmt.Fprintf(w, "OK - %d", len(data))
			return
		}
	}
	http.Error(w, "unknown upload", http.StatusNotFound)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if id, ok := strings.CutPrefix(method, "upload/"); ok {
		s.upload(w, r, id)
		return
	}
	params := url.Values{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		for k, v := range body {
			if str, ok := v.(string); ok {
				params.Set(k, str)
			} else {
				b, _ := json.Marshal(v)
				params.Set(k, string(b))
			}
		}
	} else if err := r.ParseForm(); err == nil {
		params = r.Form
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: method, Params: params})
	close(s.changed)
	s.changed = make(chan struct{})
	if fs := s.fail[method]; len(fs) > 0 && fs[0] != Pass {
		f := fs[0]
		s.fail[method] = fs[1:]
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
		}
		if f.Status != 0 {
			w.WriteHeader(f.Status)
			return
		}
		reply(w, map[string]any{"ok": false, "error": f.Error})
		return
	}
	if fs := s.fail[method]; len(fs) > 0 {
		s.fail[method] = fs[1:] // a Pass
	}
	switch method {
	case "chat.postMessage":
		ch := params.Get("channel")
		if strings.HasPrefix(ch, "U") {
			ch = DM(ch)
		}
		s.ts++
		m := &Message{Channel: ch, TS: fmt.Sprintf("%d.000100", s.ts), ThreadTS: params.Get("thread_ts"), Text: params.Get("text")}
		if err := m.setBlocks(params.Get("blocks")); err != nil {
			reply(w, map[string]any{"ok": false, "error": "invalid_blocks"})
			return
		}
		s.messages[ch] = append(s.messages[ch], m)
		reply(w, map[string]any{"ok": true, "channel": ch, "ts": m.TS, "message": map[string]any{"text": m.Text}})
	case "chat.update":
		ch, ts := params.Get("channel"), params.Get("ts")
		for _, m := range s.messages[ch] {
			if m.TS != ts {
				continue
			}
			if err := m.setBlocks(params.Get("blocks")); err != nil {
				reply(w, map[string]any{"ok": false, "error": "invalid_blocks"})
				return
			}
			m.Text = params.Get("text")
			m.Updated++
			reply(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "text": m.Text})
			return
		}
		reply(w, map[string]any{"ok": false, "error": "message_not_found"})
	case "chat.delete":
		ch, ts := params.Get("channel"), params.Get("ts")
		for i, m := range s.messages[ch] {
			if m.TS == ts {
				s.messages[ch] = slices.Delete(s.messages[ch], i, i+1)
				s.deleted[ch] = append(s.deleted[ch], m)
				reply(w, map[string]any{"ok": true, "channel": ch, "ts": ts})
				return
			}
		}
		reply(w, map[string]any{"ok": false, "error": "message_not_found"})
	case "chat.postEphemeral":
		s.ts++
		reply(w, map[string]any{"ok": true, "message_ts": fmt.Sprintf("%d.000200", s.ts)})
	case "users.info":
		user := params.Get("user")
		tz, ok := s.zones[user]
		if !ok {
			tz = DefaultTZ
		}
		reply(w, map[string]any{"ok": true, "user": map[string]any{"id": user, "team_id": Team, "name": "someone", "tz": tz, "locale": s.locales[user], "is_admin": s.admins[user],
			"profile": map[string]any{"first_name": s.names[user]}}})
	case "auth.test":
		reply(w, map[string]any{"ok": true, "url": "https://example.slack.com/", "team": "Example", "user": "letdown", "team_id": Team, "user_id": BotUserID, "bot_id": BotID})
	case "apps.connections.open":
		if s.socket == "" {
			reply(w, map[string]any{"ok": false, "error": "not_allowed_token_type"})
			return
		}
		reply(w, map[string]any{"ok": true, "url": s.socket})
	case "files.getUploadURLExternal":
		n, _ := strconv.Atoi(params.Get("length"))
		if params.Get("filename") == "" || n <= 0 {
			reply(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		id := fmt.Sprintf("F%04d", len(s.uploads)+1)
		s.uploads = append(s.uploads, &Upload{ID: id, Name: params.Get("filename"), length: n})
		reply(w, map[string]any{"ok": true, "upload_url": s.APIURL() + "upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(params.Get("files")), &files); err != nil || len(files) == 0 {
			reply(w, map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		var out []map[string]any
		for _, f := range files {
			var up *Upload
			for _, u := range s.uploads {
				if u.ID == f.ID {
					up = u
				}
			}
			if up == nil || up.Data == nil {
				reply(w, map[string]any{"ok": false, "error": "file_not_found"})
				return
			}
			up.Title, up.Channel, up.Comment = f.Title, params.Get("channel_id"), params.Get("initial_comment")
			out = append(out, map[string]any{"id": up.ID, "title": up.Title})
		}
		reply(w, map[string]any{"ok": true, "files": out})
	case "conversations.open":
		reply(w, map[string]any{"ok": true, "channel": map[string]any{"id": DM(params.Get("users"))}})
	default:
		reply(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (m *Message) setBlocks(raw string) error {
	m.RawBlocks, m.Blocks = nil, slack.Blocks{}
	if raw == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), &m.Blocks); err != nil {
		return err
	}
	m.RawBlocks = json.RawMessage(raw)
	return nil
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
