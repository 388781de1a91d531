package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

func TestBenchAPIAnsweredInResponse(t *testing.T) {
	const answer = `{"method":"answerCallbackQuery","callback_query_id":"4711"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		repeat      bool
		want        apiStats
	}{
		{"no body", "", "", false, apiStats{}},
		{"an answer", "application/json", answer, false, apiStats{Answered: 1}},
		{"an answer with a charset", "application/json; charset=utf-8", answer, false, apiStats{Answered: 1}},
		// A press delivered again is answered again but is one press.
		{"an answer to a repeated press", "application/json", answer, true, apiStats{}},
		{"no query id", "application/json", `{"method":"answerCallbackQuery"}`, false, apiStats{Refused: 1}},
		{"another method", "application/json", `{"method":"sendMessage","chat_id":1,"text":"hi"}`, false, apiStats{Refused: 1}},
		{"not JSON", "text/plain; charset=utf-8", "ok\n", false, apiStats{Refused: 1}},
		{"malformed", "application/json", `{"method":`, false, apiStats{Refused: 1}},
		{"malformed, repeated", "application/json", `{"method":`, true, apiStats{Refused: 1}},
	}
	for _, tt := range tests {
		var a benchAPI
		a.answeredInResponse(tt.contentType, []byte(tt.body), tt.repeat)
		if got := a.Stats(); got != tt.want {
			t.Errorf("answeredInResponse(%s) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestBenchAPIKeyboardRemovedOnce: removing a keyboard counts once; doing
// it again, as serve does for a press delivered twice, is answered "not
// modified" as Telegram does, and is no error.
func TestBenchAPIKeyboardRemovedOnce(t *testing.T) {
	const chat = 77
	api, err := startBenchAPI("127.0.0.1:0", benchToken, func(c int64, _ apiMessage) bool { return c == chat })
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	// call returns the status and, for a message, its id.
	call := func(method string, params map[string]any) (code, id int) {
		t.Helper()
		body, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(api.URL+"/bot"+benchToken+"/"+method, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Result struct {
				MessageID int `json:"message_id"`
			} `json:"result"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&r)
		return resp.StatusCode, r.Result.MessageID
	}
	kb := map[string]any{"inline_keyboard": [][]apiButton{{{Text: "Pump", Data: "1:a:method:pump"}}}}
	_, withButtons := call("sendMessage", map[string]any{"chat_id": chat, "text": "How do you express?", "reply_markup": kb})
	_, plain := call("sendMessage", map[string]any{"chat_id": chat, "text": "Welcome"})
	unbutton := func(id int) int {
		code, _ := call("editMessageReplyMarkup", map[string]any{"chat_id": chat, "message_id": id, "reply_markup": map[string]any{"inline_keyboard": [][]apiButton{}}})
		return code
	}
	tests := []struct {
		name string
		id   int
		want int
	}{
		{"the keyboard", withButtons, http.StatusOK},
		{"the same again", withButtons, http.StatusBadRequest},
		{"a message without one", plain, http.StatusBadRequest},
	}
	for _, tt := range tests {
		if got := unbutton(tt.id); got != tt.want {
			t.Errorf("editMessageReplyMarkup(%s) = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got, want := api.Stats(), (apiStats{Sent: 2, Edited: 1}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
