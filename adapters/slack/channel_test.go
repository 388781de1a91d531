package slack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/slack/slacktest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const channel = "C0PUMPING"

// mentionBody is an app_mention of the app in channel by user, n its ts;
// thread, if not empty, the thread it was written in.
func mentionBody(eventID, user, text string, n int, thread string) []byte {
	inner := map[string]any{
		"type": "app_mention", "channel": channel, "user": user,
		"text": "<@" + slacktest.BotUserID + "> " + text, "ts": ts(n), "event_ts": ts(n),
	}
	if thread != "" {
		inner["thread_ts"] = thread
	}
	return eventBody(eventID, inner)
}

// mention delivers a mention and sends what the channel's turn and her
// DM's queued.
func (h *harness) mention(user, text string) {
	h.t.Helper()
	n := h.next()
	h.post(EventsPath, mentionBody(fmt.Sprintf("EvM%d", n), user, text, n, ""))
	h.drain(ConvKey(slacktest.Team, channel))
	h.drain(ConvKey(slacktest.Team, user))
}

// pressIn presses the button labelled label on m in the channel, as user.
func (h *harness) pressIn(user string, m slacktest.Message, label string) {
	h.t.Helper()
	b, ok := m.Button(label)
	if !ok {
		h.t.Fatalf("message %q has no button %q", m.Body(), label)
	}
	h.post(InteractivityPath, pressBody(user, m, b, h.next()))
	h.drain(ConvKey(slacktest.Team, channel))
	h.drain(ConvKey(slacktest.Team, user))
}

// step is the catalog's step a group answer showed, by its "Tell me more" button.
func (h *harness) step(m slacktest.Message) *content.Step {
	h.t.Helper()
	b, ok := m.Button(h.msg("btn_more"))
	if !ok {
		h.t.Fatalf("answer %q has no %q button", m.Body(), h.msg("btn_more"))
	}
	key := b.Value[strings.LastIndex(b.Value, ":")+1:]
	for i := range h.cat.Steps {
		if content.StepKey(h.cat.Steps[i].ID) == key {
			return &h.cat.Steps[i]
		}
	}
	h.t.Fatalf("button %q names no step", b.Value)
	return nil
}

func TestChannelQuestionAnsweredInItsThread(t *testing.T) {
	h := newHarness(t)
	const user = "U46"
	body := mentionBody("EvQ1", user, "what helps let-down at work?", 5, "")
	h.post(EventsPath, body)
	h.post(EventsPath, body)                                                             // Slack's retry
	h.post(EventsPath, mentionBody("EvQ2", user, "what helps let-down at work?", 5, "")) // the same mention, a new event id
	h.drain(ConvKey(slacktest.Team, channel))
	sent := h.api.Messages(channel)
	if len(sent) != 1 {
		t.Fatalf("channel received %d messages for one mention, want 1", len(sent))
	}
	m := sent[0]
	s := h.step(m)
	if m.ThreadTS != ts(5) || !strings.Contains(m.Body(), s.Text) || !strings.Contains(m.Body(), h.msg("group_footer")) {
		t.Errorf("answer = %q in thread %q, want step %s's text and the footer under the mention %s", m.Body(), m.ThreadTS, s.ID, ts(5))
	}
	var labels []string
	for _, b := range m.Buttons() {
		labels = append(labels, b.Text.Text)
	}
	if want := []string{h.msg("btn_more"), h.msg("btn_why"), h.msg("btn_private")}; strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("answer buttons = %v, want %v", labels, want)
	}
	if v := h.version(ConvKey(slacktest.Team, user)); v != 0 {
		t.Errorf("her DM conversation version = %d after a question in a channel, want 0: nothing personal", v)
	}
	if strings.Contains(h.logs.String(), "at work") {
		t.Errorf("logs hold the question's text:\n%s", h.logs.String())
	}
	// Asked inside a thread, answered in that thread.
	h.post(EventsPath, mentionBody("EvQ3", "U47", "how often should I pump?", 9, ts(5)))
	h.drain(ConvKey(slacktest.Team, channel))
	if got := last(h.api.Messages(channel)); got.ThreadTS != ts(5) || len(h.api.Messages(channel)) != 2 {
		t.Errorf("mention in thread %s answered in thread %q, want the same", ts(5), got.ThreadTS)
	}
}

func TestChannelButtonsWorkForAnyone(t *testing.T) {
	h := newHarness(t)
	h.mention("U46", "what helps let-down at work?")
	answer := h.api.Messages(channel)[0]
	s := h.step(answer)
	h.pressIn("U99", answer, h.msg("btn_more"))
	sent := h.api.Messages(channel)
	more := last(sent)
	if len(sent) != 2 || !strings.Contains(more.Body(), s.More) || more.ThreadTS != answer.ThreadTS {
		t.Fatalf("after U99 pressed Tell me more: %q in thread %q, want step %s's more in thread %s", bodies(sent), more.ThreadTS, s.ID, answer.ThreadTS)
	}
	// Pressed under the answer in the thread: the same thread.
	h.pressIn("U98", more, h.msg("btn_why"))
	why := last(h.api.Messages(channel))
	if !strings.Contains(why.Body(), s.Why) || why.ThreadTS != answer.ThreadTS {
		t.Errorf("after Why?: %q in thread %q, want step %s's why in thread %s", why.Body(), why.ThreadTS, s.ID, answer.ThreadTS)
	}
	// The answer keeps its buttons for the next member.
	if got := h.api.Messages(channel)[0]; got.Updated != 0 || len(got.Buttons()) != 3 {
		t.Errorf("answer updated %d times, %d buttons, want untouched", got.Updated, len(got.Buttons()))
	}
	// Talk to me privately: her DM starts, the channel hears nothing more.
	before := len(h.api.Messages(channel))
	h.pressIn("U97", answer, h.msg("btn_private"))
	dm := h.api.Messages(slacktest.DM("U97"))
	if len(dm) < 2 || dm[0].Body() != h.msg("welcome") {
		t.Errorf("DM after Talk to me privately = %q, want the welcome", bodies(dm))
	}
	if got := len(h.api.Messages(channel)); got != before {
		t.Errorf("channel got %d more messages after a private press, want none", got-before)
	}
	if eph := h.api.Calls("chat.postEphemeral"); len(eph) != 1 || eph[0].Params.Get("user") != "U97" {
		t.Errorf("chat.postEphemeral calls %v, want the DM notice to U97", eph)
	}
}

func TestChannelWarningSignHandledPrivately(t *testing.T) {
	h := newHarness(t)
	const user = "U46"
	h.mention(user, "I have a fever of 39 and my breast is red and sore")
	sent := h.api.Messages(channel)
	if len(sent) != 1 || sent[0].Body() != h.msg("group_redflag") {
		t.Fatalf("channel = %q, want only the general text", bodies(sent))
	}
	if b := sent[0].Buttons(); len(b) != 1 || b[0].Text.Text != h.msg("btn_private") {
		t.Errorf("buttons under the general text: %d, want only the private one", len(b))
	}
	var mastitis string
	for _, f := range h.cat.RedFlags {
		if f.ID == "mastitis" {
			mastitis = h.cat.FillNumbers(f.Reply, "")
		}
	}
	if strings.Contains(sent[0].Body(), mastitis) {
		t.Errorf("the referral was given in the open")
	}
	dm := h.api.Messages(slacktest.DM(user))
	if len(dm) == 0 || !strings.Contains(dm[0].Body(), mastitis) {
		t.Errorf("her DM = %q, want the mastitis referral", bodies(dm))
	}
	if strings.Contains(h.logs.String(), "fever") {
		t.Errorf("logs hold the text")
	}
	// A retry after the private turn failed makes sure of it, once.
	h.store.failNext(0)
	n := h.next()
	body := mentionBody("EvRF", "U48", "I want to hurt myself", n, "")
	h.store.failNextAfter(1, 1) // the channel's commit goes, hers fails
	if w := h.serve(EventsPath, body, sign(testSecret, time.Now(), body)); w.Code == 200 {
		t.Fatalf("event answered %d with her private turn not committed, want a retry", w.Code)
	}
	h.post(EventsPath, body)
	h.post(EventsPath, body)
	h.drain(ConvKey(slacktest.Team, channel))
	h.drain(ConvKey(slacktest.Team, "U48"))
	if got := h.api.Messages(slacktest.DM("U48")); len(got) != 1 || !strings.Contains(got[0].Body(), "112") {
		t.Errorf("her DM after the retries = %q, want the emergency referral once", bodies(got))
	}
	if got := h.api.Messages(channel); len(got) != 2 {
		t.Errorf("channel holds %d messages, want the two general texts", len(got))
	}
}

func TestChannelRateLimit(t *testing.T) {
	h := newHarness(t)
	q := "what helps let-down at work?"
	h.mention("U1", q)
	h.mention("U1", q)
	h.mention("U1", q) // a third from her: held back
	if got := len(h.api.Messages(channel)); got != 2 {
		t.Fatalf("three questions from one member: %d answers, want %d", got, dialog.PersonAnswers)
	}
	eph := h.api.Calls("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Params.Get("user") != "U1" || eph[0].Params.Get("text") != h.msg("group_limited") {
		t.Errorf("chat.postEphemeral calls %v, want the rate-limit note to U1 alone", eph)
	}
	for _, u := range []string{"U2", "U3", "U4", "U5", "U6"} {
		h.mention(u, q)
	}
	if got := len(h.api.Messages(channel)); got != dialog.GroupAnswers {
		t.Fatalf("questions from six members: %d answers, want at most %d", got, dialog.GroupAnswers)
	}
	// A warning sign is answered past the limit, and privately.
	h.mention("U1", "I want to hurt myself")
	if got := last(h.api.Messages(channel)); got.Body() != h.msg("group_redflag") {
		t.Errorf("red flag past the limit: last channel message %q, want the general text", got.Body())
	}
	if dm := h.api.Messages(slacktest.DM("U1")); len(dm) == 0 {
		t.Errorf("red flag past the limit: nothing in her DM")
	}
}

func TestChannelStats(t *testing.T) {
	h := newHarness(t)
	const admin, member = "U70", "U71"
	h.api.SetAdmin(admin)
	// A week's activity: two people chatting privately, one tip that
	// helped, a referral, and a warning sign in the channel.
	for _, u := range []string{"U80", "U81"} {
		h.say(u, "hello")
	}
	h.say("U80", "I have a fever and my breast is red")
	h.mention("U82", "I want to hurt myself")
	stats := func(user string) string {
		t.Helper()
		w := h.post(CommandsPath, commandBody(user, channel, "stats", h.next()))
		var msg struct {
			ResponseType string `json:"response_type"`
			Text         string `json:"text"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &msg); err != nil || msg.ResponseType != "ephemeral" {
			t.Fatalf("/letdown stats answered %q, want an ephemeral message", w.Body.String())
		}
		return msg.Text
	}
	got := stats(admin)
	for _, want := range []string{h.msg("stats_title"), fmt.Sprintf(h.msg("stats_conversations"), 3),
		"• " + h.msg("level_today") + ": 1", "• " + h.msg("level_emergency") + ": 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("stats for an admin = %q, want %q in it", got, want)
		}
	}
	for _, who := range []string{"U80", "U81", "U82", "U46"} {
		if strings.Contains(got, who) {
			t.Errorf("stats name %s", who)
		}
	}
	if got := stats(member); got != h.msg("stats_refused") {
		t.Errorf("stats for a member = %q, want the refusal %q", got, h.msg("stats_refused"))
	}
	if n := len(h.api.Messages(channel)); n != 1 {
		t.Errorf("channel holds %d messages, want only the general text: stats are never posted", n)
	}
}
