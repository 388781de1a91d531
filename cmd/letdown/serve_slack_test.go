package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
)

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// postSlackEvent delivers a signed Events API request, as Slack does.
func postSlackEvent(t *testing.T, base string, eventID string, event map[string]any) int {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"token": "x", "team_id": slacktest.Team, "api_app_id": "A0APP", "type": "event_callback",
		"event_id": eventID, "event_time": time.Now().Unix(), "event": event,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(slackSecret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeTelegramAndSlack runs both platforms in one process, on one
// listener and one dispatcher: each conversation's replies reach its own
// platform.
func TestServeTelegramAndSlack(t *testing.T) {
	tg, sl := tgtest.New(t), slacktest.New(t)
	base := startServe(t, tg, "webhook", io.Discard, func(c *serveConfig) {
		c.SlackBotToken = "xoxb-test"
		c.SlackSecret = slackSecret
		c.SlackAPIURL = sl.APIURL()
	})
	// Fresh ids each run: the test may share a Redis with earlier runs.
	tgUser := time.Now().UnixNano()%1e9 + 2
	slackUser := fmt.Sprintf("U0MUM%d", time.Now().UnixNano()%1e9)
	if code := post(t, base, secret, tgtest.TextUpdate(1, tgUser, "/start")); code != http.StatusOK {
		t.Fatalf("Telegram /start = %d", code)
	}
	dm := map[string]any{"type": "message", "channel": slacktest.DM(slackUser), "channel_type": "im",
		"user": slackUser, "text": "hello", "ts": "1700000001.000001", "event_ts": "1700000001.000001"}
	eventID := "Ev" + slackUser
	if code := postSlackEvent(t, base, eventID, dm); code != http.StatusOK {
		t.Fatalf("Slack DM = %d", code)
	}
	if code := postSlackEvent(t, base, eventID, dm); code != http.StatusOK { // Slack's retry
		t.Fatalf("Slack DM retried = %d", code)
	}
	tg.WaitCalls(t, "sendMessage", 2)
	sl.WaitCalls(t, "chat.postMessage", 2)
	time.Sleep(100 * time.Millisecond)
	if n := len(tg.Calls("sendMessage")); n != 2 {
		t.Errorf("Telegram got %d messages, want the welcome and the safety check", n)
	}
	slackMsgs := sl.Messages(slacktest.DM(slackUser))
	if len(slackMsgs) != 2 {
		t.Fatalf("Slack DM got %d messages, want 2 (the retry applied once)", len(slackMsgs))
	}
	if _, ok := slackMsgs[1].Button("None of these"); !ok {
		t.Errorf("the Slack DM's second message has no safety-check buttons: %q", slackMsgs[1].Body())
	}
}
