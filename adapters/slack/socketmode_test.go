package slack

import (
	"context"
	"encoding/json"
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
