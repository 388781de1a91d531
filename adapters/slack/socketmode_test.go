package slack

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
)

// envelope wraps a payload as the socketmode client hands it over.
func envelope(t *testing.T, id string, typ socketmode.EventType, body []byte) socketmode.Event {
	t.Helper()
	req := &socketmode.Request{EnvelopeID: id, Payload: body}
	switch typ {
	case socketmode.EventTypeEventsAPI:
		req.Type = socketmode.RequestTypeEventsAPI
		e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			t.Fatalf("ParseEvent: %v", err)
		}
		return socketmode.Event{Type: typ, Data: e, Request: req}
	case socketmode.EventTypeInteractive:
		req.Type = socketmode.RequestTypeInteractive
		cb, err := ParseInteraction(body)
		if err != nil {
			t.Fatalf("ParseInteraction: %v", err)
		}
		req.Payload, _ = json.Marshal(cb)
		return socketmode.Event{Type: typ, Data: cb, Request: req}
	case socketmode.EventTypeSlashCommand:
		req.Type = socketmode.RequestTypeSlashCommands
		sc, err := ParseCommand(body)
		if err != nil {
			t.Fatalf("ParseCommand: %v", err)
		}
		return socketmode.Event{Type: typ, Data: sc, Request: req}
	}
	return socketmode.Event{Type: typ, Request: req}
}

func newSocketMode(h *harness) *SocketMode {
	return NewSocketMode(h.engine, h.client, socketmode.New(h.client), WithLogger(h.log), WithBotUserID(slacktest.BotUserID))
}

func TestSocketModeAcksAfterCommit(t *testing.T) {
	const user = "U60"
	conv := ConvKey(slacktest.Team, user)
	h := newHarness(t)
	sm := newSocketMode(h)
	ctx := context.Background()
	ev := envelope(t, "env-1", socketmode.EventTypeEventsAPI, dmEvent("EvSM1", user, "hello", 1))

	h.store.failNext(1)
	if ack, _ := sm.handleEnvelope(ctx, ev); ack {
		t.Fatalf("handleEnvelope(store down) = ack, want no ack so Slack delivers it again")
	}
	if v := h.version(conv); v != 0 {
		t.Errorf("after a failed commit: stored version = %d, want 0", v)
	}
	if ack, payload := sm.handleEnvelope(ctx, ev); !ack || payload != nil {
		t.Fatalf("handleEnvelope(redelivered) = %v, %v; want ack without payload", ack, payload)
	}
	if v := h.version(conv); v != 1 {
		t.Errorf("after the commit: stored version = %d, want 1", v)
	}
	// Delivered once more (a lost ack): acknowledged, applied once.
	if ack, _ := sm.handleEnvelope(ctx, ev); !ack {
		t.Fatalf("handleEnvelope(duplicate) = no ack, want ack")
	}
	if v := h.version(conv); v != 1 {
		t.Errorf("after a duplicate: stored version = %d, want 1", v)
	}
	h.drain(conv)

	// A press through an interactive envelope: committed, acked, unbuttoned.
	screen := last(h.api.Messages(slacktest.DM(user)))
	none, ok := screen.Button("None of these")
	if !ok {
		t.Fatalf("last message %q has no None of these button", screen.Body())
	}
	press := envelope(t, "env-2", socketmode.EventTypeInteractive, pressBody(user, screen, none, 2))
	if ack, _ := sm.handleEnvelope(ctx, press); !ack {
		t.Fatalf("handleEnvelope(press) = no ack, want ack")
	}
	sm.Wait()
	if v := h.version(conv); v != 2 {
		t.Errorf("after the press: stored version = %d, want 2", v)
	}
	if got := h.api.Calls("chat.update"); len(got) != 1 || got[0].Params.Get("ts") != screen.TS {
		t.Errorf("chat.update calls %v, want one for %s", got, screen.TS)
	}
}

func TestSocketModeEnvelopes(t *testing.T) {
	const user = "U61"
	tests := []struct {
		name    string
		ev      func(t *testing.T) socketmode.Event
		ack     bool
		payload string // ephemeral text in the ack, if any
		version int64
	}{
		{"hello", func(t *testing.T) socketmode.Event {
			return socketmode.Event{Type: socketmode.EventTypeHello, Request: &socketmode.Request{Type: "hello"}}
		}, false, "", 0},
		{"connecting", func(t *testing.T) socketmode.Event { return socketmode.Event{Type: socketmode.EventTypeConnecting} }, false, "", 0},
		{"slash command in a channel", func(t *testing.T) socketmode.Event {
			return envelope(t, "env-3", socketmode.EventTypeSlashCommand, commandBody(user, "C0PUMPING", "start", 3))
		}, true, DMNotice, 1},
		{"slash command in the DM", func(t *testing.T) socketmode.Event {
			return envelope(t, "env-4", socketmode.EventTypeSlashCommand, commandBody(user, slacktest.DM(user), "start", 4))
		}, true, "", 1},
		{"bot message", func(t *testing.T) socketmode.Event {
			return envelope(t, "env-5", socketmode.EventTypeEventsAPI, eventBody("EvB", map[string]any{
				"type": "message", "subtype": "bot_message", "bot_id": "B1", "channel": slacktest.DM(user), "channel_type": "im", "text": "hi", "ts": ts(5)}))
		}, true, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			sm := newSocketMode(h)
			ack, payload := sm.handleEnvelope(context.Background(), tt.ev(t))
			if ack != tt.ack {
				t.Errorf("handleEnvelope(%s) ack = %v, want %v", tt.name, ack, tt.ack)
			}
			got := ""
			if m, ok := payload.(*slack.Msg); ok {
				if m.ResponseType != slack.ResponseTypeEphemeral {
					t.Errorf("handleEnvelope(%s) payload response_type = %q, want ephemeral", tt.name, m.ResponseType)
				}
				got = m.Text
			} else if payload != nil {
				t.Errorf("handleEnvelope(%s) payload = %#v, want none or a message", tt.name, payload)
			}
			if got != tt.payload {
				t.Errorf("handleEnvelope(%s) payload text = %q, want %q", tt.name, got, tt.payload)
			}
			if v := h.version(ConvKey(slacktest.Team, user)); v != tt.version {
				t.Errorf("after handleEnvelope(%s): stored version = %d, want %d", tt.name, v, tt.version)
			}
		})
	}
}

// TestSocketModeWebsocket runs SocketMode against a websocket speaking
// Slack's envelope protocol: apps.connections.open hands out its URL, it
// says hello, sends a DM in an events_api envelope and waits for the
// acknowledgement; then asks the client to reconnect, and after the new
// hello redelivers the first event under a new event_id and sends a
// second ("none of these", typed). Each message is answered exactly
// once, through chat.postMessage.
func TestSocketModeWebsocket(t *testing.T) {
	const user = "U62"
	conv := ConvKey(slacktest.Team, user)
	dm := slacktest.DM(user)
	h := newHarness(t)
	sock := slacktest.NewSocket(t)
	h.api.SetSocketURL(sock.URL())
	app := h.api.Client(slack.OptionAppLevelToken("xapp-1-A0APP-1-test"))
	sm := NewSocketMode(h.engine, h.client, socketmode.New(app), WithLogger(h.log), WithBotUserID(slacktest.BotUserID))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- sm.Run(ctx) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-ran; !errors.Is(err, context.Canceled) {
				t.Errorf("Run() after cancel = %v, want %v", err, context.Canceled)
			}
		}
	}
	defer stop()

	sock.WaitConnections(t, 1)
	sock.SendEvent(t, "env-1", dmEvent("EvWS1", user, "hello", 1))
	if a := sock.WaitAck(t, "env-1"); a.Conn != 1 || len(a.Payload) != 0 {
		t.Errorf("ack of env-1 = %+v, want one on connection 1 without a payload", a)
	}
	h.drain(conv)
	if got := bodies(h.api.Messages(dm)); len(got) != 2 || got[0] != h.msg("welcome") || got[1] != h.msg("screen") {
		t.Fatalf("after the first event %s received %q, want the welcome and the safety check", dm, got)
	}

	sock.Disconnect(t, "refresh_requested")
	sock.WaitConnections(t, 2)
	if got := len(h.api.Calls("apps.connections.open")); got != 2 {
		t.Errorf("apps.connections.open called %d times, want 2 (once more to reconnect)", got)
	}
	// Slack delivers the first message again, as a retry with a new
	// event_id: acknowledged, not answered again.
	sock.Send(t, slacktest.Envelope{EnvelopeID: "env-2", Type: "events_api", Payload: dmEvent("EvWS1b", user, "hello", 1), RetryAttempt: 1, RetryReason: "timeout"})
	sock.WaitAck(t, "env-2")
	sock.SendEvent(t, "env-3", dmEvent("EvWS2", user, "none of these", 2))
	if a := sock.WaitAck(t, "env-3"); a.Conn != 2 {
		t.Errorf("ack of env-3 came on connection %d, want 2", a.Conn)
	}
	h.drain(conv)
	stop()

	if v := h.version(conv); v != 2 {
		t.Errorf("after two messages, one delivered twice: stored version = %d, want 2", v)
	}
	sent := bodies(h.api.Messages(dm))
	if len(sent) != 4 || sent[2] != h.msg("screen_clear") {
		t.Errorf("%s received %d messages %q, want the welcome, the safety check, then once the thanks and the first question", dm, len(sent), sent)
	}
	acks := map[string]int{}
	for _, a := range sock.Acks() {
		acks[a.EnvelopeID]++
	}
	if want := map[string]int{"env-1": 1, "env-2": 1, "env-3": 1}; !maps.Equal(acks, want) {
		t.Errorf("acks %v, want %v", acks, want)
	}
	// A reconnect Slack asked for is routine: no warning.
	if logs := h.logs.String(); strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "reconnects=1") {
		t.Errorf("logs, want a reconnect and no warning:\n%s", logs)
	}
}

// TestSocketModeStats: /letdown stats over Socket Mode is answered in the
// acknowledgement, only to her: the figures for an admin, a refusal for
// anyone else, and no conversation is touched.
func TestSocketModeStats(t *testing.T) {
	h := newHarness(t)
	h.api.SetAdmin("U62")
	sm := newSocketMode(h)
	for user, want := range map[string]string{"U62": h.msg("stats_title"), "U63": h.msg("stats_refused")} {
		ack, payload := sm.handleEnvelope(context.Background(), envelope(t, "env-"+user, socketmode.EventTypeSlashCommand, commandBody(user, "C0PUMPING", "stats", 9)))
		m, ok := payload.(*slack.Msg)
		if !ack || !ok || m.ResponseType != slack.ResponseTypeEphemeral || !strings.HasPrefix(m.Text, want) {
			t.Errorf("/letdown stats from %s: ack %v, payload %#v; want an ephemeral %q", user, ack, payload, want)
		}
		if v := h.version(ConvKey(slacktest.Team, user)); v != 0 {
			t.Errorf("/letdown stats from %s: her conversation version %d, want 0", user, v)
		}
	}
}
