package telegram

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const testGroup = -1001

// groupUpdate is user writing text in the group.
func groupUpdate(id, user int64, text string) models.Update {
	u := tgtest.TextUpdate(id, user, text)
	u.Message.Chat = models.Chat{ID: testGroup, Type: models.ChatTypeSupergroup, Title: "Pumping mums"}
	return u
}

// ask delivers u in the group and sends what the group's turn and the
// member's private chat queued; it returns the group's new messages.
func (h *harness) ask(u models.Update) []tgtest.Message {
	h.t.Helper()
	before := len(h.api.Sent(testGroup))
	h.post(u)
	h.drain(GroupConv(testGroup))
	if u.Message != nil && u.Message.From != nil {
		h.drain(ConvKey(u.Message.From.ID, u.Message.From.ID))
	}
	return h.api.Sent(testGroup)[before:]
}

// groupPress is user pressing the button labelled label on m in the group.
func (h *harness) groupPress(user int64, m tgtest.Message, label string) (models.Update, []tgtest.Message) {
	h.t.Helper()
	b, ok := m.Button(label)
	if !ok {
		h.t.Fatalf("message %q has no button %q", m.Text, label)
	}
	u := tgtest.PressUpdate(h.id(), user, m, b.CallbackData)
	u.CallbackQuery.Message.Message.Chat.Type = models.ChatTypeSupergroup
	before := len(h.api.Sent(testGroup))
	h.post(u)
	h.drain(GroupConv(testGroup))
	return u, h.api.Sent(testGroup)[before:]
}

func (h *harness) stepOf(m tgtest.Message) *content.Step {
	h.t.Helper()
	b, ok := m.Button(h.msg("btn_more"))
	if !ok {
		h.t.Fatalf("answer %q has no %q button", m.Text, h.msg("btn_more"))
	}
	key := b.CallbackData[strings.LastIndex(b.CallbackData, ":")+1:]
	for i := range h.cat.Steps {
		if content.StepKey(h.cat.Steps[i].ID) == key {
			return &h.cat.Steps[i]
		}
	}
	h.t.Fatalf("button %q names no step", b.CallbackData)
	return nil
}

func TestGroupQuestionAnsweredAsAReply(t *testing.T) {
	h := newHarness(t, WithUsername(tgtest.Username))
	u := groupUpdate(h.id(), 77, "/letdown what helps let-down at work?")
	got := h.ask(u)
	h.post(u) // Telegram's retry
	h.drain(GroupConv(testGroup))
	if len(got) != 1 || len(h.api.Sent(testGroup)) != 1 {
		t.Fatalf("group question: sent %q, want one answer", texts(h.api.Sent(testGroup)))
	}
	m := got[0]
	s := h.stepOf(m)
	if m.ReplyTo != u.Message.ID || !strings.Contains(m.Text, s.Text) || !strings.Contains(m.Text, h.msg("group_footer")) {
		t.Errorf("answer %q (reply to %d), want step %s's text and the footer, replying to %d", m.Text, m.ReplyTo, s.ID, u.Message.ID)
	}
	b := m.Buttons()
	if len(b) != 3 || b[2].URL != DeepLink(tgtest.Username) || b[2].Text != h.msg("btn_private") || b[0].CallbackData == "" {
		t.Errorf("answer buttons %+v, want Tell me more, Why? and a deep link to a private chat", b)
	}
	if v := h.version(ConvKey(77, 77)); v != 0 {
		t.Errorf("her private chat version = %d after a group question, want 0", v)
	}
	if strings.Contains(h.logs.String(), "at work") {
		t.Errorf("logs hold the question's text")
	}
	// A reply to the bot's message and a mention are questions too.
	r := groupUpdate(h.id(), 78, "how often should I pump?")
	r.Message.ReplyToMessage = &models.Message{ID: m.ID, Chat: r.Message.Chat, From: &models.User{ID: tgtest.BotID, IsBot: true, Username: tgtest.Username}}
	if got := h.ask(r); len(got) != 1 || got[0].ReplyTo != r.Message.ID || got[0].Text == h.msg("group_help") {
		t.Errorf("reply to the bot: sent %q, want an answer to it", texts(got))
	}
	if got := h.ask(groupUpdate(h.id(), 79, "@"+tgtest.Username+" how do I clean my pump")); len(got) != 1 || got[0].Text == h.msg("group_help") {
		t.Errorf("mention: sent %q, want an answer", texts(got))
	}
	// Everything else in the group is not for the bot.
	for _, text := range []string{"my milk won't come", "/forget", "/start@some_other_bot", "None of these", "email me at x@" + tgtest.Username + "s.org"} {
		if got := h.ask(groupUpdate(h.id(), 80, text)); len(got) != 0 {
			t.Errorf("group %q: sent %q, want nothing", text, texts(got))
		}
	}
	// A bare /start or /help gets the general line and the link.
	if got := h.ask(groupUpdate(h.id(), 81, "/help@"+tgtest.Username)); len(got) != 1 || got[0].Text != h.msg("group_help") {
		t.Errorf("/help in the group: sent %q, want the general line", texts(got))
	}
}

func TestGroupButtonsWorkForAnyone(t *testing.T) {
	h := newHarness(t, WithUsername(tgtest.Username))
	answer := h.ask(groupUpdate(h.id(), 77, "/letdown what helps let-down at work?"))[0]
	s := h.stepOf(answer)
	u, got := h.groupPress(99, answer, h.msg("btn_more"))
	if len(got) != 1 || !strings.Contains(got[0].Text, s.More) || got[0].ReplyTo != answer.ID {
		t.Fatalf("Tell me more pressed by another member: sent %q, want step %s's more under the answer", texts(got), s.ID)
	}
	if a := h.answered(); len(a) == 0 || a[len(a)-1] != u.CallbackQuery.ID {
		t.Errorf("answered callbacks %v, want %s", a, u.CallbackQuery.ID)
	}
	_, got = h.groupPress(98, got[0], h.msg("btn_why"))
	if len(got) != 1 || !strings.Contains(got[0].Text, s.Why) {
		t.Errorf("Why? pressed: sent %q, want step %s's why", texts(got), s.ID)
	}
	if calls := h.api.Calls("editMessageReplyMarkup"); len(calls) != 0 {
		t.Errorf("a group answer's keyboard was removed: %v; want it left for the next member", calls)
	}
	if v := h.version(ConvKey(99, 99)); v != 0 {
		t.Errorf("the presser's private chat version = %d, want 0", v)
	}
}

func TestGroupWarningSignHandledPrivately(t *testing.T) {
	h := newHarness(t, WithUsername(tgtest.Username))
	// She has never started the bot: only the general text, in the group.
	got := h.ask(groupUpdate(h.id(), 77, "/letdown I want to hurt myself"))
	if len(got) != 1 || got[0].Text != h.msg("group_redflag") || len(got[0].Buttons()) != 1 || got[0].Buttons()[0].URL == "" {
		t.Fatalf("red flag in the group: sent %q, want the general text and the private link", texts(got))
	}
	if sent := h.api.Sent(77); len(sent) != 0 {
		t.Errorf("a member who never started the bot was written to: %q", texts(sent))
	}
	// She has a private chat: her referral goes there too.
	h.say(88, "/start")
	before := len(h.api.Sent(88))
	got = h.ask(groupUpdate(h.id(), 88, "@"+tgtest.Username+" I have a fever of 39 and my breast is red and sore"))
	if len(got) != 1 || got[0].Text != h.msg("group_redflag") {
		t.Fatalf("red flag in the group: sent %q, want the general text", texts(got))
	}
	var mastitis string
	for _, f := range h.cat.RedFlags {
		if f.ID == "mastitis" {
			mastitis = h.cat.FillNumbers(f.Reply, "")
		}
	}
	private := h.api.Sent(88)[before:]
	if len(private) == 0 || !strings.Contains(private[0].Text, mastitis) {
		t.Errorf("her private chat got %q, want the mastitis referral", texts(private))
	}
	if strings.Contains(got[0].Text, mastitis) {
		t.Errorf("the referral was given in the group")
	}
}

func TestGroupRateLimit(t *testing.T) {
	h := newHarness(t, WithUsername(tgtest.Username))
	q := "/letdown what helps let-down at work?"
	answers := 0
	for range 3 {
		answers += len(h.ask(groupUpdate(h.id(), 77, q)))
	}
	if answers != dialog.PersonAnswers {
		t.Errorf("three questions from one member: %d answers, want %d", answers, dialog.PersonAnswers)
	}
	for user := int64(78); user < 84; user++ {
		answers += len(h.ask(groupUpdate(h.id(), user, q)))
	}
	if answers != dialog.GroupAnswers {
		t.Errorf("questions from seven members: %d answers, want %d", answers, dialog.GroupAnswers)
	}
	if got := h.ask(groupUpdate(h.id(), 77, "/letdown I want to hurt myself")); len(got) != 1 || got[0].Text != h.msg("group_redflag") {
		t.Errorf("red flag past the limit: sent %q, want the general text", texts(got))
	}
}

// TestGroupWarningSignRetried: a group update retried after her private
// turn failed reaches her private chat once, though the group's turn was
// committed the first time.
func TestGroupWarningSignRetried(t *testing.T) {
	h := newHarness(t, WithUsername(tgtest.Username))
	h.say(88, "/start")
	before := len(h.api.Sent(88))
	u := groupUpdate(h.id(), 88, "/letdown I want to hurt myself")
	h.store.failFor(ConvKey(88, 88), 1)
	body, _ := json.Marshal(u)
	if code := h.request(http.MethodPost, body, testSecret); code == http.StatusOK {
		t.Fatalf("update answered %d with her private turn not committed, want a retry", code)
	}
	h.post(u)
	h.post(u)
	h.drain(GroupConv(testGroup))
	h.drain(ConvKey(88, 88))
	if got := h.api.Sent(88)[before:]; len(got) != 1 || !strings.Contains(got[0].Text, "112") {
		t.Errorf("her private chat after the retries: %q, want the emergency referral once", texts(got))
	}
	if got := h.api.Sent(testGroup); len(got) != 1 {
		t.Errorf("group holds %d messages, want the general text once", len(got))
	}
}
