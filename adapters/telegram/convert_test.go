package telegram

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

func TestConvert(t *testing.T) {
	private := func(text string) string {
		return `{"update_id":9,"message":{"message_id":3,"date":1700000000,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":false,"first_name":"A","language_code":"de"},` + text + `}}`
	}
	tests := []struct {
		name string
		json string
	}{
		{"text", private(`"text":"hello"`)},
		{"command", private(`"text":"/Start@LetdownBot go now"`)},
		{"slash alone", private(`"text":"/"`)},
		{"sticker", private(`"sticker":{"file_id":"x","file_unique_id":"y","type":"regular","width":1,"height":1,"is_animated":false,"is_video":false}`)},
		{"photo", private(`"photo":[{"file_id":"x","file_unique_id":"y","width":1,"height":1}],"caption":"look"`)},
		{"voice", private(`"voice":{"file_id":"x","file_unique_id":"y","duration":3}`)},
		{"gif", private(`"animation":{"file_id":"x","file_unique_id":"y","width":1,"height":1,"duration":1},"document":{"file_id":"x","file_unique_id":"y"}`)},
		{"location", private(`"location":{"latitude":1,"longitude":2}`)},
		{"contact", private(`"contact":{"phone_number":"1","first_name":"B"}`)},
		{"service", private(`"pinned_message":{"message_id":1,"date":1,"chat":{"id":42,"type":"private"}}`)},
		{"from bot", `{"update_id":9,"message":{"message_id":3,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42,"is_bot":true},"text":"hi"}}`},
		{"edited", `{"update_id":9,"edited_message":{"message_id":3,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":42},"text":"hi"}}`},
		{"channel", `{"update_id":9,"channel_post":{"message_id":3,"date":1,"chat":{"id":-100,"type":"channel"},"text":"/start"}}`},
		{"group command", `{"update_id":9,"message":{"message_id":3,"date":1,"chat":{"id":-100,"type":"supergroup"},"from":{"id":7},"text":"/help@LetdownBot"}}`},
		{"group text", `{"update_id":9,"message":{"message_id":3,"date":1,"chat":{"id":-100,"type":"group"},"from":{"id":7},"text":"I have a fever"}}`},
		{"group press", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":7},"message":{"message_id":5,"date":1,"chat":{"id":-100,"type":"supergroup"}},"chat_instance":"1","data":"1:g:more:abcd"}}`},
		{"group press, not a group answer's", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":7},"message":{"message_id":5,"date":1,"chat":{"id":-100,"type":"supergroup"}},"chat_instance":"1","data":"1:clear"}}`},
		{"callback", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":42,"language_code":"fr"},"message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"}},"chat_instance":"1","data":"1:clear"}}`},
		{"callback, old message", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":42},"message":{"message_id":5,"date":0,"chat":{"id":42,"type":"private"}},"chat_instance":"1","data":"1:clear"}}`},
		{"callback, inline", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":42},"inline_message_id":"x","chat_instance":"1","data":"1:clear"}}`},
		{"text from another", `{"update_id":9,"message":{"message_id":3,"date":1,"chat":{"id":42,"type":"private"},"from":{"id":7,"is_bot":false},"text":"hello"}}`},
		{"callback from another", `{"update_id":9,"callback_query":{"id":"cb1","from":{"id":7},"message":{"message_id":5,"date":1,"chat":{"id":42,"type":"private"}},"chat_instance":"1","data":"1:clear"}}`},
		{"blocked", member(42, 42, "private", "member", "kicked")},
		{"unblocked", member(42, 42, "private", "kicked", "member")},
		{"blocked by another", member(42, 7, "private", "member", "kicked")},
		{"removed from a group", member(-100, 7, "supergroup", "member", "kicked")},
		{"added to a group", member(-100, 7, "group", "left", "member")},
	}
	conv := ConvKey(42, 42)
	at := time.Unix(1700000000, 0).UTC()
	wants := map[string]Event{}
	set := func(name string, f func(e *Event)) {
		e := Event{}
		e.UpdateID = 9
		f(&e)
		wants[name] = e
	}
	personal := func(e *Event) { e.Conv, e.ChatID, e.From, e.Locale, e.At, e.Name = conv, 42, 42, "de", at, "A" }
	set("text", func(e *Event) { personal(e); e.Text = "hello" })
	set("command", func(e *Event) { personal(e); e.Command, e.Args, e.Mention = "start", "go now", "LetdownBot" })
	set("slash alone", func(e *Event) { personal(e); e.Text = "/" })
	set("sticker", func(e *Event) { personal(e); e.NonText = "sticker" })
	set("photo", func(e *Event) { personal(e); e.NonText = "photo" })
	set("voice", func(e *Event) { personal(e); e.NonText = "voice" })
	set("gif", func(e *Event) { personal(e); e.NonText = "animation" })
	set("location", func(e *Event) { personal(e); e.NonText = "location"; e.TZ = "Etc/GMT" }) // at sea off Africa: only the zone is kept
	set("contact", func(e *Event) { personal(e); e.NonText = "contact" })
	set("service", func(e *Event) { personal(e); e.Ignore = true; e.Incoming.NonText = "" })
	set("from bot", func(e *Event) { e.ChatID, e.From, e.Ignore = 42, 42, true })
	set("edited", func(e *Event) { e.Ignore = true })
	set("channel", func(e *Event) { e.Ignore = true })
	// A group's message is a turn of the group's conversation, by whoever
	// wrote it, answered as a reply to it.
	groupTurn := func(e *Event) {
		e.ChatID, e.From, e.Group, e.Conv = -100, 7, true, GroupConv(-100)
		e.Incoming.Group, e.Incoming.From, e.Thread, e.At = true, "7", "3", time.Unix(1, 0).UTC()
	}
	set("group command", func(e *Event) { groupTurn(e); e.Command, e.Mention = "help", "LetdownBot" })
	set("group text", func(e *Event) { groupTurn(e); e.Text = "I have a fever" })
	set("group press", func(e *Event) {
		e.ChatID, e.From, e.Group, e.Conv = -100, 7, true, GroupConv(-100)
		e.Incoming.Group, e.Incoming.From, e.Thread = true, "7", "5"
		e.Button, e.CallbackID, e.CallbackMsg = "1:g:more:abcd", "cb1", MessageRef{-100, 5}
	})
	set("group press, not a group answer's", func(e *Event) {
		e.ChatID, e.From, e.CallbackID, e.CallbackMsg, e.Ignore = -100, 7, "cb1", MessageRef{-100, 5}, true
	})
	set("callback", func(e *Event) {
		e.Conv, e.ChatID, e.From, e.Locale, e.Button, e.CallbackID, e.CallbackMsg = conv, 42, 42, "fr", "1:clear", "cb1", MessageRef{42, 5}
	})
	set("callback, old message", func(e *Event) {
		e.Conv, e.ChatID, e.From, e.Button, e.CallbackID, e.CallbackMsg = conv, 42, 42, "1:clear", "cb1", MessageRef{42, 5}
	})
	set("callback, inline", func(e *Event) { e.From, e.CallbackID, e.Ignore = 42, "cb1", true })
	// In a private chat only the chat's own user is heard.
	set("text from another", func(e *Event) { e.ChatID, e.From, e.Ignore, e.Forged = 42, 7, true, true })
	set("callback from another", func(e *Event) {
		e.ChatID, e.From, e.CallbackID, e.CallbackMsg, e.Ignore, e.Forged = 42, 7, "cb1", MessageRef{42, 5}, true, true
	})
	set("blocked", func(e *Event) { e.Conv, e.ChatID, e.From, e.Block = conv, 42, 42, true })
	set("unblocked", func(e *Event) { e.ChatID, e.From, e.Ignore = 42, 42, true })
	set("blocked by another", func(e *Event) { e.ChatID, e.From, e.Ignore, e.Forged = 42, 7, true, true })
	set("removed from a group", func(e *Event) { e.ChatID, e.From, e.Ignore = -100, 7, true })
	set("added to a group", func(e *Event) { e.ChatID, e.From, e.Ignore = -100, 7, true })
	for _, tt := range tests {
		var u models.Update
		if err := json.Unmarshal([]byte(tt.json), &u); err != nil {
			t.Fatalf("%s: json.Unmarshal: %v", tt.name, err)
		}
		got, want := Convert(&u), wants[tt.name]
		if got != want {
			t.Errorf("Convert(%s) =\n%+v, want\n%+v", tt.name, got, want)
		}
	}
}

// member is a my_chat_member update: in chat (of type kind), from changed
// the bot's status from old to status.
func member(chat, from int64, kind, old, status string) string {
	return fmt.Sprintf(`{"update_id":9,"my_chat_member":{"chat":{"id":%d,"type":%q},"from":{"id":%d,"is_bot":false,"first_name":"A"},"date":1700000000,`+
		`"old_chat_member":{"status":%q,"user":{"id":1,"is_bot":true,"first_name":"Letdown"}},"new_chat_member":{"status":%q,"user":{"id":1,"is_bot":true,"first_name":"Letdown"},"until_date":0}}}`,
		chat, kind, from, old, status)
}

func TestConvertCapsText(t *testing.T) {
	// 4095 ASCII bytes then a 4-byte emoji: the cut must not split it.
	text := strings.Repeat("a", MaxText-1) + strings.Repeat("😢", 2000)
	body, _ := json.Marshal(map[string]any{"update_id": 1, "message": map[string]any{
		"message_id": 1, "date": 1, "chat": map[string]any{"id": 1, "type": "private"}, "from": map[string]any{"id": 1}, "text": text,
	}})
	var u models.Update
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatal(err)
	}
	got := Convert(&u).Text
	if len(got) != MaxText-1 || !utf8.ValidString(got) {
		t.Errorf("Convert(%d-byte text).Text is %d bytes (valid UTF-8: %t), want %d", len(text), len(got), utf8.ValidString(got), MaxText-1)
	}
}

func TestConvKey(t *testing.T) {
	conv := ConvKey(-100123, 42)
	if conv != "tg:-100123:42" || conv.Platform() != "tg" {
		t.Errorf("ConvKey(-100123, 42) = %q, want %q", conv, "tg:-100123:42")
	}
	if chat, ok := chatOf(conv); !ok || chat != -100123 {
		t.Errorf("chatOf(%q) = %d, %t, want -100123, true", conv, chat, ok)
	}
}

// FuzzConvert decodes arbitrary bytes as an update and converts it, as
// the webhook does: it must never panic, and what it makes must be sane.
func FuzzConvert(f *testing.F) {
	for _, seed := range []string{
		`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"from":{"id":1},"text":"/start@x a"}}`,
		`{"update_id":2,"callback_query":{"id":"c","from":{"id":1},"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"}},"data":"1:clear"}}`,
		`{"update_id":3,"callback_query":{"id":"c","from":{"id":1},"message":null,"data":"x"}}`,
		`{"update_id":4,"message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"supergroup"},"text":"/help"}}`,
		`{"update_id":9,"message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"group"},"from":{"id":3},"text":"@bot hi","reply_to_message":{"message_id":2,"date":1,"chat":{"id":-5},"from":{"id":9,"is_bot":true,"username":"bot"}}}}`,
		`{"update_id":10,"callback_query":{"id":"c","from":{"id":3},"message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"supergroup"}},"data":"1:g:why:abcd"}}`,
		`{"update_id":5,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"from":{"id":1},"sticker":{"file_id":"x"},"pinned_message":{"date":0}}}`,
		`{"update_id":6,"edited_message":{"chat":{}}}`,
		`{"update_id":7,"message":{"chat":{"id":1,"type":"private"},"from":{"id":1},"reply_to_message":{"pinned_message":{"date":3,"chat":{"id":1}}}}}`,
		`{"update_id":8,"message":{"message_id":1,"date":1,"chat":{"id":1,"type":"private"},"from":{"id":2},"text":"hi"}}`,
		`{"update_id":9,"callback_query":{"id":"c","from":{"id":7,"first_name":"Ana"},"message":{"message_id":1,"date":1,"chat":{"id":-5,"type":"supergroup"}},"data":"1:ho:take:abc"}}`,
		`{"update_id":10,"message":{"message_id":2,"date":1,"chat":{"id":-5,"type":"supergroup"},"from":{"id":7},"text":"hi","reply_to_message":{"message_id":1,"chat":{"id":-5,"type":"supergroup"},"from":{"id":1,"is_bot":true},"reply_markup":{"inline_keyboard":[[{"text":"End","callback_data":"1:ho:end:abc"}]]}}}}`,
		member(1, 1, "private", "member", "kicked"),
		member(1, 2, "private", "member", "kicked"),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var u models.Update
		if json.Unmarshal(data, &u) != nil {
			return
		}
		ev := Convert(&u)
		if ev.Forged && !ev.Ignore {
			t.Fatalf("Convert(%s) = %+v: forged but not ignored", data, ev)
		}
		if ev.Ignore {
			return
		}
		if ev.Group {
			// A group's turn is the group's, never a person's conversation.
			if ev.Conv != GroupConv(ev.ChatID) || !ev.Incoming.Group || (ev.Text == "" && ev.Button == "" && ev.Command == "") {
				t.Fatalf("Convert(%s) = %+v: want a turn of the group's own conversation", data, ev)
			}
			return
		}
		if ev.Handoff != "" {
			// A supporter in a group, on the group's key, about a request.
			if chat, ok := chatOf(ev.Conv); !ok || ev.Conv != SupportKey(chat) || ev.Incoming.From == "" {
				t.Fatalf("Convert(%s) = %+v: a supporter's event off the group's key", data, ev)
			}
			return
		}
		// Every personal conversation is one private chat's own user's.
		if chat, ok := chatOf(ev.Conv); !ok || ev.Conv != ConvKey(chat, chat) || ev.From != chat {
			t.Fatalf("Convert(%s): conversation key %q from %d, want the chat's own user's", data, ev.Conv, ev.From)
		}
		if ev.Block {
			return
		}
		set := 0
		for _, s := range []string{ev.Text, ev.Button, ev.Command, ev.NonText} {
			if s != "" {
				set++
			}
		}
		if set != 1 {
			t.Fatalf("Convert(%s) = %+v: want exactly one of Text, Button, Command, NonText", data, ev)
		}
		if len(ev.Text) > MaxText || len(ev.Args) > MaxText {
			t.Fatalf("Convert(%s): text of %d bytes, want at most %d", data, len(ev.Text), MaxText)
		}
	})
}
