package slacktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// pingEvery is how often the fake pings each connection. Slack pings
// about every 10 seconds; the client reconnects when pings stop.
const pingEvery = 5 * time.Second

// Socket is a fake Socket Mode endpoint: the websocket that
// apps.connections.open hands out (give its URL to Server.SetSocketURL).
// It speaks Slack's envelope protocol: a hello on every new connection,
// envelopes the test sends on the newest connection, the client's
// acknowledgements recorded, and a disconnect that asks the client to
// connect again.
type Socket struct {
	srv      *httptest.Server
	upgrader websocket.Upgrader
	handlers sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	open    []*websocket.Conn // every connection, to close at the end
	conns   []*socketConn     // every connection greeted, oldest first
	acks    []Ack
	changed chan struct{} // closed and replaced on every change
}

// socketConn is one client connection. Writes go one at a time, as
// gorilla/websocket requires.
type socketConn struct {
	ws *websocket.Conn
	mu sync.Mutex
}

func (c *socketConn) write(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(v)
}

// Ack is an acknowledgement the client sent for an envelope.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	// Conn is the connection it came on: 1 for the first.
	Conn int `json:"-"`
}

// Envelope is what Socket Mode wraps every request from Slack in.
type Envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"` // events_api, interactive, slash_commands
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// NewSocket starts a fake Socket Mode endpoint, closed when the test ends.
func NewSocket(t testing.TB) *Socket {
	s := &Socket{changed: make(chan struct{})}
	// The client says it comes from https://api.slack.com.
	s.upgrader.CheckOrigin = func(*http.Request) bool { return true }
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.srv.Close() // no new connections
		s.mu.Lock()
		s.closed = true
		for _, ws := range s.open {
			ws.Close()
		}
		s.mu.Unlock()
		s.handlers.Wait()
	})
	return s
}

// URL is the ws:// address of the endpoint.
func (s *Socket) URL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link/?ticket=test"
}

// Acks returns the acknowledgements received so far, in order.
func (s *Socket) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// WaitConnections waits up to 5 seconds until n connections have been
// greeted with a hello.
func (s *Socket) WaitConnections(t testing.TB, n int) {
	t.Helper()
	s.wait(t, func() bool { return len(s.conns) >= n }, "%d connections", n)
}

// WaitAck waits up to 5 seconds for the acknowledgement of envelopeID.
func (s *Socket) WaitAck(t testing.TB, envelopeID string) Ack {
	t.Helper()
	var got Ack
	s.wait(t, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				got = a
				return true
			}
		}
		return false
	}, "the ack of envelope %q", envelopeID)
	return got
}

// Send sends e on the newest connection.
func (s *Socket) Send(t testing.TB, e Envelope) {
	t.Helper()
	s.send(t, e)
}

// SendEvent sends an Events API event (the body Slack would POST in HTTP
// mode) in an events_api envelope on the newest connection.
func (s *Socket) SendEvent(t testing.TB, envelopeID string, event []byte) {
	t.Helper()
	s.send(t, Envelope{EnvelopeID: envelopeID, Type: "events_api", Payload: event})
}

// Disconnect tells the client on the newest connection to connect again,
// as Slack does before it refreshes or moves a connection.
func (s *Socket) Disconnect(t testing.TB, reason string) {
	t.Helper()
	s.send(t, map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "applink-fake"}})
}

func (s *Socket) send(t testing.TB, v any) {
	t.Helper()
	s.mu.Lock()
	var c *socketConn
	if len(s.conns) > 0 {
		c = s.conns[len(s.conns)-1]
	}
	s.mu.Unlock()
	if c == nil {
		t.Fatalf("slacktest: nothing to send on: no Socket Mode connection yet")
	}
	if err := c.write(v); err != nil {
		t.Fatalf("slacktest: writing to the Socket Mode connection: %v", err)
	}
}

// wait waits up to 5 seconds for done, called under s.mu.
func (s *Socket) wait(t testing.TB, done func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		s.mu.Lock()
		ok, changed := done(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("slacktest: waited 5 s for "+format, args...)
		}
	}
}

// signal wakes the waiters; call it under s.mu.
func (s *Socket) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// serve runs one connection: hello, pings, then every message the client
// sends is read as an acknowledgement until the connection closes.
func (s *Socket) serve(w http.ResponseWriter, r *http.Request) {
	s.handlers.Add(1)
	defer s.handlers.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	defer ws.Close()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.open = append(s.open, ws)
	n := len(s.open)
	s.mu.Unlock()
	c := &socketConn{ws: ws}
	hello := map[string]any{
		"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": "applink-fake", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": "A0APP"},
	}
	if err := c.write(hello); err != nil {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.signal()
	s.mu.Unlock()

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(pingEvery)
		defer tick.Stop()
		for {
			// WriteControl may run alongside the other writes.
			if ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
				return
			}
			select {
			case <-tick.C:
			case <-stop:
				return
			}
		}
	}()
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var a Ack
		if json.Unmarshal(msg, &a) != nil {
			continue
		}
		a.Conn = n
		s.mu.Lock()
		s.acks = append(s.acks, a)
		s.signal()
		s.mu.Unlock()
	}
}
