package slack

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/bot"
)

// FuzzParse feeds arbitrary bytes to every parser of Slack payloads and
// converter after it: none may panic, and whatever comes out either is
// ignored or names a Slack DM conversation.
func FuzzParse(f *testing.F) {
	f.Add(dmEvent("Ev1", "U1", "hello", 1))
	f.Add(eventBody("Ev2", map[string]any{"type": "app_mention", "channel": "C1", "user": "U1", "text": "hi", "ts": ts(2)}))
	f.Add(eventBody("Ev3", map[string]any{"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im"}))
	f.Add([]byte(`{"type":"event_callback","event":null}`))
	f.Add([]byte(`{"type":"url_verification","challenge":"x"}`))
	m := slacktest.Message{Channel: "D1", TS: ts(3)}
	f.Add(pressBody("U1", m, slacktest.Button{ButtonBlockElement: &slack.ButtonBlockElement{ActionID: "b0", Value: "1:clear"}}, 3))
	f.Add(form("payload", `{"type":"block_actions","actions":[{"block_id":"x","action_id":"letdown_dm"}],"team":{"id":"T"},"user":{"id":"U"}}`))
	f.Add(commandBody("U1", "C1", "forget now", 4))
	f.Add(eventBody("Ev5", map[string]any{"type": "app_uninstalled"}))
	f.Add(eventBody("Ev6", map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"bot": []string{"U1"}}}))
	f.Add([]byte("payload=%7B%22actions%22%3A%5B1%5D%7D"))
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(ev Event) {
			if ev.Ignore {
				return
			}
			if ev.Gone != "" {
				// A whole workspace is erased by this: its id must be one
				// whose prefix names nothing else.
				if !validID(ev.Gone) || ev.Conv != "" {
					t.Fatalf("converted to workspace gone %q with conversation %q, want a valid team id alone", ev.Gone, ev.Conv)
				}
				return
			}
			if _, ok := userOf(ev.Conv); !ok || ev.Conv.Platform() != "slack" {
				t.Fatalf("converted to conversation %q, want a Slack DM key", ev.Conv)
			}
			n := 0
			for _, s := range []string{ev.Text, ev.Button, ev.Command, ev.NonText} {
				if s != "" {
					n++
				}
			}
			if n > 1 || (n == 0 && !ev.Begin && !ev.Stats) || len(ev.Text) > MaxText {
				t.Fatalf("converted to %+v, want exactly one of text, button, command, non-text", ev.Incoming)
			}
		}
		if e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken()); err == nil {
			check(ConvertEvent(e, "U0SELF"))
		}
		if cb, err := ParseInteraction(body); err == nil {
			check(ConvertInteraction(cb))
		}
		if sc, err := ParseCommand(body); err == nil {
			check(ConvertCommand(sc))
		}
		Messages(bot.Reply{Text: string(body), Buttons: []bot.Button{{Label: string(body), Data: string(body)}}}, nil)
	})
}
