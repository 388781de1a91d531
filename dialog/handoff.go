package dialog

import (
	"strconv"
	"strings"
	"time"

	"github.com/letdownbot/letdown/content"
)

// DefaultHandoffWait is how long a request for a person waits for a
// supporter before she is told that nobody is free.
const DefaultHandoffWait = 15 * time.Minute

// HandoffTTL is how long a request, once taken, can carry messages: a
// relay nobody ended stops after it, as the request's index entry expires.
const HandoffTTL = 24 * time.Hour

// The stages of a handoff.
const (
	handoffAsk  = "ask"  // she was asked whether she agrees to share
	handoffWait = "wait" // the request is in the supporters' channel
	handoffOn   = "on"   // a supporter took it: the bot relays both ways
	handoffDM   = "dm"   // a supporter took it and talks with her directly
)

// Handoff is her request to talk to a person. Only what the supporters
// are told is kept (her first name, the topic, who took it): never what
// either side wrote, which lives in the outbox alone.
type Handoff struct {
	Stage string `json:"s"`
	// ID names the request in the supporters' channel: its buttons carry
	// it, and the index maps it to her conversation.
	ID    string `json:"id,omitempty"`
	At    int64  `json:"at,omitempty"` // when it was asked (unix seconds)
	Until int64  `json:"u,omitempty"`  // when, untaken, it expires
	Her   string `json:"n,omitempty"`  // her first name, as shared
	Topic string `json:"tp,omitempty"` // message id of the topic
	By    string `json:"by,omitempty"` // the supporter who took it (platform user id)
	Name  string `json:"bn,omitempty"` // the supporter's first name
}

// Ended is a request of hers that ended: its id, and when.
type Ended struct {
	ID string `json:"id"`
	At int64  `json:"at"` // unix seconds
}

// EndedTTL is how long the record of where the bot's posts about a
// request went is kept after its last post (the Sender's marks), and so
// how long an ended request stays in her state for /forget.
const EndedTTL = HandoffTTL + time.Hour

// maxEnded bounds the ended requests her state remembers.
const maxEnded = 8

// ended remembers that h ended now, forgetting the requests whose posts'
// record has expired.
func (t *turn) ended(h *Handoff) {
	if h == nil || h.ID == "" || h.Stage == handoffAsk {
		return
	}
	now := t.now.Unix()
	kept := t.st.Data.Ended[:0]
	for _, e := range t.st.Data.Ended {
		if now < e.At+int64(EndedTTL/time.Second) {
			kept = append(kept, e)
		}
	}
	kept = append(kept, Ended{ID: h.ID, At: now})
	if len(kept) > maxEnded {
		kept = kept[len(kept)-maxEnded:]
	}
	t.st.Data.Ended = kept
}

// WithHandoffWait returns the dialog waiting w for a supporter to take a
// request before telling her nobody is free.
func (d *Dialog) WithHandoffWait(w time.Duration) *Dialog {
	if w <= 0 {
		return d
	}
	return d.each(func(c *Dialog) { c.personWait = w })
}

// wait is how long a request waits to be taken.
func (d *Dialog) wait() time.Duration {
	if d.personWait == 0 {
		return DefaultHandoffWait
	}
	return d.personWait
}

// each returns a copy of d, and of every language's dialog beside it,
// changed by f.
func (d *Dialog) each(f func(*Dialog)) *Dialog {
	if d.langs == nil {
		c := *d
		f(&c)
		return &c
	}
	langs := make(map[string]*Dialog, len(d.langs))
	for l, sub := range d.langs {
		c := *sub
		f(&c)
		langs[l] = &c
	}
	for _, sub := range langs {
		sub.langs = langs
	}
	return langs[d.cat.Lang]
}

// HandoffID is the id of the request of st that supporters may still
// press or write to, "" when there is none: the Engine keeps the index of
// ids to conversations by it.
func HandoffID(st State) string {
	if h := st.Data.Handoff; h != nil && h.Stage != handoffAsk {
		return h.ID
	}
	return ""
}

// HandoffOf returns the request id named by button data of a handoff
// ("I'll take it", "End"), so that an adapter can tell which request a
// supporter's message answers.
func HandoffOf(buttonData string) (id string, ok bool) {
	parts := strings.Split(buttonData, ":")
	if len(parts) != 4 || parts[0] != buttonVersion || parts[1] != "ho" || !validHandoffID(parts[3]) {
		return "", false
	}
	return parts[3], true
}

// validHandoffID reports whether s can be a request id: the Engine makes
// them of a few lower-case letters and digits.
func validHandoffID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Closed is the answer to a supporter whose request is gone (ended,
// expired, erased, or never was).
func (d *Dialog) Closed() Reply { return Reply{Text: d.msg("handoff_closed")} }

func (h *Handoff) due() int64 {
	if h == nil || h.Stage != handoffWait {
		return 0
	}
	return h.Until
}

// personButton is "Talk to a person", when supporters can be asked.
func (t *turn) personButton() []Button {
	if t.in.Support == "" || t.st.Name == stateCrisis {
		return nil
	}
	return []Button{{Label: t.d.msg("btn_person"), Data: data("c", "person")}}
}

// fillHandoff puts the names and the topic of h into msg.
func (t *turn) fillHandoff(msg string, h *Handoff) string {
	her := h.Her
	if her == "" {
		her = t.d.msg("handoff_anonymous")
	}
	helper := h.Name
	if helper == "" {
		helper = t.d.msg("handoff_helper")
	}
	return strings.NewReplacer("{name}", her, "{helper}", helper, "{topic}", t.d.msg(h.Topic),
		"{n}", strconv.Itoa(max(1, int(t.d.wait()/time.Minute)))).Replace(msg)
}

// toSupport queues a message for the supporters' channel about request
// h (nil for none), marked with it so that /forget can take it back.
func (t *turn) toSupport(h *Handoff, text string, buttons []Button) {
	if t.in.Support == "" {
		return
	}
	t.replies = append(t.replies, Reply{Text: text, Buttons: buttons, To: t.in.Support, Mark: markOf(h)})
}

// markOf is the mark of the messages about request h: "ho:<id>".
func markOf(h *Handoff) string {
	if h == nil || h.ID == "" {
		return ""
	}
	return "ho:" + h.ID
}

func (t *turn) endButton(h *Handoff) []Button {
	return []Button{{Label: t.d.msg("btn_end"), Data: data("ho", "end", h.ID)}}
}

// topic is what her request is about: the theme of the tip on screen, or
// getting her milk to flow.
func (t *turn) topic() string {
	if s := t.currentStep(); s != nil && s.Theme != "" {
		return "handoff_topic_" + s.Theme
	}
	return "handoff_topic"
}

// askPerson is /person: she is asked first what would be shared.
func (t *turn) askPerson() {
	d := t.d
	if t.in.Support == "" || t.in.Nonce == "" {
		t.reply(d.msg("handoff_unavailable"), t.currentButtons())
		return
	}
	if h := t.st.Data.Handoff; h != nil && h.Stage != handoffAsk {
		switch h.Stage {
		case handoffWait:
			t.say(t.fillHandoff(d.msg("handoff_waiting"), h))
		case handoffOn:
			t.reply(t.fillHandoff(d.msg("handoff_connected"), h), t.endButton(h))
			return
		case handoffDM:
			t.say(t.fillHandoff(d.msg("handoff_dm_on"), h))
		}
		t.prompt()
		return
	}
	h := &Handoff{Stage: handoffAsk, Her: firstName(t.in.Name), Topic: t.topic()}
	t.st.Data.Handoff = h
	msg := "handoff_consent"
	if h.Her == "" {
		msg = "handoff_consent_noname"
	}
	t.reply(t.fillHandoff(d.msg(msg), h), []Button{
		{Label: d.msg("btn_ask_yes"), Data: data("ho", "yes")},
		{Label: d.msg("btn_ask_no"), Data: data("ho", "no")},
	})
}

// firstName is the first word of a name, at most 32 bytes of it.
func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return truncateName(f[0], 32)
}

func truncateName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	for len(string(r)) > n {
		r = r[:len(r)-1]
	}
	return string(r)
}

// handoffButton handles her own presses of a handoff's buttons.
func (t *turn) handoffButton(args []string) bool {
	d := t.d
	h := t.st.Data.Handoff
	if h == nil {
		return false
	}
	switch {
	case len(args) == 1 && args[0] == "yes" && h.Stage == handoffAsk:
		if t.in.Support == "" || t.in.Nonce == "" {
			t.st.Data.Handoff = nil
			t.reply(d.msg("handoff_unavailable"), t.currentButtons())
			return true
		}
		h.Stage, h.ID = handoffWait, t.in.Nonce
		h.At, h.Until = t.now.Unix(), t.now.Add(d.wait()).Unix()
		t.toSupport(h, t.fillHandoff(d.msg("handoff_request"), h), []Button{{Label: d.msg("btn_take"), Data: data("ho", "take", h.ID)}})
		t.say(t.fillHandoff(d.msg("handoff_asked"), h))
		t.prompt()
		return true
	case len(args) == 1 && args[0] == "no" && h.Stage == handoffAsk:
		t.st.Data.Handoff = nil
		t.say(d.msg("handoff_declined"))
		t.prompt()
		return true
	case len(args) == 2 && args[0] == "end" && args[1] == h.ID && h.Stage != handoffAsk:
		t.endHandoff()
		return true
	}
	return false
}

// endHandoff ends her request, whoever asked: both sides are told.
func (t *turn) endHandoff() {
	d := t.d
	h := t.st.Data.Handoff
	t.st.Data.Handoff = nil
	if h == nil || h.Stage == handoffAsk {
		t.reply(d.msg("handoff_none"), t.currentButtons())
		return
	}
	t.ended(h)
	if h.Stage == handoffWait {
		t.toSupport(h, t.fillHandoff(d.msg("handoff_cancelled_channel"), h), nil)
		t.say(d.msg("handoff_cancelled"))
	} else {
		t.toSupport(h, t.fillHandoff(d.msg("handoff_ended_channel"), h), nil)
		t.say(t.fillHandoff(d.msg("handoff_ended"), h))
	}
	t.prompt()
}

// expireHandoff tells her honestly that nobody took her request in time,
// and the supporters that it has expired.
func (t *turn) expireHandoff(at time.Time) {
	h := t.st.Data.Handoff
	if h.due() == 0 || h.due() != at.Unix() {
		return
	}
	t.st.Data.Handoff = nil
	t.ended(h)
	t.toSupport(h, t.fillHandoff(t.d.msg("handoff_expired_channel"), h), nil)
	t.reply(t.d.msg("handoff_expired"), t.currentButtons())
}

// relayHer passes what she typed to the supporter who took her request,
// once it has passed the warning-sign screen. It reports whether it did.
func (t *turn) relayHer(text string) bool {
	h := t.st.Data.Handoff
	if h == nil || h.Stage != handoffOn {
		return false
	}
	if t.now.Unix() >= h.At+int64(HandoffTTL/time.Second) {
		// The index forgot it: the supporter could no longer answer.
		t.ended(h)
		t.st.Data.Handoff = nil
		return false
	}
	her := h.Her
	if her == "" {
		her = t.d.msg("handoff_anonymous")
	}
	t.out.Understood = "relay:"
	t.toSupport(h, her+": "+text, t.endButton(h))
	return true
}

// flaggedInHandoff tells the supporter who is with her that she was given
// urgent-care information, and nothing of what she wrote.
func (t *turn) flaggedInHandoff() {
	if h := t.st.Data.Handoff; h != nil && (h.Stage == handoffOn || h.Stage == handoffDM) {
		t.toSupport(h, t.fillHandoff(t.d.msg("handoff_flagged_channel"), h), t.endButton(h))
	}
}

// forgetHandoff closes her request as she erases everything: the
// supporters learn only that it is closed.
func (t *turn) forgetHandoff() {
	if HandoffID(t.st) != "" {
		t.toSupport(nil, t.d.msg("handoff_forgotten_channel"), nil)
		t.erasePosts(t.st.Data.Handoff.ID)
	}
	// The bot's own posts about her requests (her name, the topic, what
	// she wrote), open or lately ended, are taken back from the channel.
	now := t.now.Unix()
	for _, e := range t.st.Data.Ended {
		if now < e.At+int64(EndedTTL/time.Second) {
			t.erasePosts(e.ID)
		}
	}
}

// erasePosts asks the Sender to delete the posts about request id.
func (t *turn) erasePosts(id string) {
	if t.in.Support == "" {
		return
	}
	t.replies = append(t.replies, Reply{To: t.in.Support, Erase: markOf(&Handoff{ID: id})})
}

// supporter runs a supporter's press or message about her request. Every
// answer to the supporters goes to their channel; only a relayed message
// or the news that her request was taken or ended goes to her.
func (t *turn) supporter() {
	d := t.d
	h := t.st.Data.Handoff
	in := t.in
	if h == nil || h.Stage == handoffAsk || h.ID != in.Handoff || in.From == "" {
		t.toSupport(nil, d.msg("handoff_closed"), nil)
		return
	}
	action := ""
	switch {
	case in.Button != "":
		parts := strings.Split(in.Button, ":")
		if id, ok := HandoffOf(in.Button); ok && id == h.ID {
			action = parts[2]
		}
	case in.Command == "end":
		action = "end"
	case in.Text != "":
		action = "say"
	}
	taken := h.Stage == handoffOn || h.Stage == handoffDM
	switch {
	case action == "take" && !taken:
		t.take(h)
	case action == "take" && in.From == h.By:
		t.toSupport(h, t.fillHandoff(d.msg("handoff_yours"), h), t.endButton(h))
	case taken && in.From != h.By && (action == "take" || action == "end" || action == "say"):
		t.toSupport(h, t.fillHandoff(d.msg("handoff_already"), h), nil)
	case action == "end" && taken:
		t.endHandoff()
	case action == "say" && h.Stage == handoffOn:
		t.out.Understood = "relay:"
		t.reply(t.fillHandoff("{helper}: ", h)+in.Text, t.endButton(h))
	case action == "say" && h.Stage == handoffWait:
		t.toSupport(h, t.fillHandoff(d.msg("handoff_take_first"), h), []Button{{Label: d.msg("btn_take"), Data: data("ho", "take", h.ID)}})
	default:
		t.toSupport(nil, d.msg("handoff_closed"), nil)
	}
}

// take connects the first supporter who pressed "I'll take it".
func (t *turn) take(h *Handoff) {
	d := t.d
	h.By, h.Name = t.in.From, firstName(t.in.Name)
	t.out.HandoffTaken = true
	t.out.HandoffWait = max(0, t.now.Sub(time.Unix(h.At, 0)))
	if t.in.Together != "" {
		h.Stage = handoffDM
		t.toSupport(h, t.fillHandoff(d.msg("handoff_taken_dm"), h), nil)
		t.replies = append(t.replies, Reply{Text: t.fillHandoff(d.msg("handoff_intro"), h), To: t.in.Together})
		t.say(t.fillHandoff(d.msg("handoff_taken")+"\n\n"+d.msg("handoff_dm_on"), h))
		return
	}
	h.Stage = handoffOn
	t.toSupport(h, t.fillHandoff(d.msg("handoff_taken_relay"), h), t.endButton(h))
	t.reply(t.fillHandoff(d.msg("handoff_taken")+"\n\n"+d.msg("handoff_relay_on"), h), t.endButton(h))
}

// handoffTopics are the message ids a request's topic may be.
func handoffTopics() []string {
	ids := []string{"handoff_topic"}
	for _, th := range content.Themes {
		ids = append(ids, "handoff_topic_"+th)
	}
	return ids
}

// handoffCommands are listed in /help only where supporters can be asked.
var handoffCommands = map[string]bool{"person": true, "end": true}

// offerPerson adds "Talk to a person" under her last reply, where
// supporters can be asked.
func (t *turn) offerPerson() {
	if b := t.personButton(); b != nil && len(t.replies) > 0 {
		last := &t.replies[len(t.replies)-1]
		last.Buttons = append(last.Buttons, b...)
	}
}
