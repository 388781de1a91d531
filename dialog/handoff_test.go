package dialog

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/content"
)

const (
	testSupport = "tg:-100:0"
	testNonce   = "req0000000000001"
)

// handoffLangs are, per language, what she types to ask for a person
// (a typo among them) and a red flag.
var handoffLangs = []struct {
	lang, locale string
	asks         []string
	flag         string
}{
	{"en", "en", []string{"can I talk to a person", "real human", "can i talk to a persn"}, "I have a red hot patch on my breast and a fever"},
	{"es", "es", []string{"quiero hablar con alguien", "hablar con una persona", "hablar con algien"}, "tengo una zona roja y caliente en el pecho y fiebre"},
}

// her is an input of hers with supporters configured.
func her(in Input) Input {
	in.Support, in.Nonce, in.Name = testSupport, testNonce, "Maria Lopez"
	return in
}

// supporter is a supporter's input about request id.
func supporter(id, from, name string, in Input) Input {
	in.Support, in.Nonce, in.Handoff, in.From, in.Name = testSupport, "other0000000001", id, from, name
	return in
}

func toSupport(rs []Reply) []Reply {
	var out []Reply
	for _, r := range rs {
		if r.To == testSupport {
			out = append(out, r)
		}
	}
	return out
}

func toHer(rs []Reply) []Reply {
	var out []Reply
	for _, r := range rs {
		if r.To == "" {
			out = append(out, r)
		}
	}
	return out
}

func buttonWithPrefix(rs []Reply, prefix string) string {
	for _, r := range rs {
		for _, b := range r.Buttons {
			if strings.HasPrefix(b.Data, prefix) {
				return b.Data
			}
		}
	}
	return ""
}

// asked brings a conversation in lang to a request waiting in the
// supporters' channel.
func asked(t *testing.T, lang, locale string) *convo {
	t.Helper()
	c := &convo{t: t, d: newLangs(t)}
	c.do(her(Input{Command: "start", Locale: locale}))
	c.do(her(Input{Command: "person"}))
	c.do(her(Input{Button: data("ho", "yes")}))
	if HandoffID(c.st) != testNonce {
		t.Fatalf("%s: after yes, HandoffID = %q, want %q", lang, HandoffID(c.st), testNonce)
	}
	return c
}

func TestHandoffAskedInWords(t *testing.T) {
	for _, l := range handoffLangs {
		for _, ask := range l.asks {
			c := &convo{t: t, d: newLangs(t)}
			c.do(her(Input{Command: "start", Locale: l.locale}))
			c.do(her(Input{Text: ask}))
			if c.out.Understood != "command:person" {
				t.Errorf("%s: Step(%q).Understood = %q, want command:person", l.lang, ask, c.out.Understood)
			}
			r := c.replies[len(c.replies)-1]
			if !strings.Contains(r.Text, "Maria") || strings.Contains(r.Text, "Lopez") || buttonWithPrefix(c.replies, data("ho", "yes")) == "" {
				t.Errorf("%s: consent = %q %v, want her first name alone, and Yes / No", l.lang, r.Text, r.Buttons)
			}
			if len(toSupport(c.replies)) != 0 || HandoffID(c.st) != "" {
				t.Errorf("%s: before her yes, something went to the supporters: %+v", l.lang, c.replies)
			}
		}
	}
}

func TestHandoffOfferedOnlyWithSupport(t *testing.T) {
	d := newLangs(t)
	st, rs, _ := d.Step(Initial(), Input{Command: "help"}, now)
	if buttonWithPrefix(rs, data("c", "person")) != "" || strings.Contains(rs[len(rs)-1].Text, "/person") {
		t.Errorf("/help without supporters offers a person: %+v", rs)
	}
	_, rs, _ = d.Step(st, her(Input{Command: "help"}), now)
	if buttonWithPrefix(rs, data("c", "person")) == "" || !strings.Contains(rs[len(rs)-1].Text, "/person") {
		t.Errorf("/help with supporters does not offer a person: %+v", rs)
	}
	_, rs, _ = d.Step(st, Input{Command: "person"}, now)
	if rs[0].Text != d.cat.FillNumbers(d.msg("handoff_unavailable"), "") {
		t.Errorf("/person without supporters = %q, want handoff_unavailable", rs[0].Text)
	}
}

func TestHandoffDeclined(t *testing.T) {
	c := &convo{t: t, d: newLangs(t)}
	c.do(her(Input{Command: "start"}))
	c.do(her(Input{Command: "person"}))
	c.do(her(Input{Button: data("ho", "no")}))
	if c.st.Data.Handoff != nil || len(toSupport(c.replies)) != 0 {
		t.Errorf("after no: handoff %+v, replies %+v, want none to the supporters", c.st.Data.Handoff, c.replies)
	}
}

func TestHandoffTakenAndRelayed(t *testing.T) {
	for _, l := range handoffLangs {
		c := asked(t, l.lang, l.locale)
		d := c.d.speaker(c.st, Input{})
		req := toSupport(c.replies)
		take := buttonWithPrefix(req, data("ho", "take"))
		if len(req) != 1 || take == "" || !strings.Contains(req[0].Text, "Maria") {
			t.Fatalf("%s: request = %+v, want one message to the supporters with I'll take it", l.lang, req)
		}
		if w := d.Wake(c.st); !w.Equal(now.Add(DefaultHandoffWait)) {
			t.Errorf("%s: Wake = %v, want %v", l.lang, w, now.Add(DefaultHandoffWait))
		}

		c.now(now.Add(3 * time.Minute))
		c.do(supporter(testNonce, "S1", "Ana", Input{Button: take}))
		if !c.out.HandoffTaken || c.out.HandoffWait != 3*time.Minute {
			t.Errorf("%s: take Outcome = %+v, want HandoffTaken after 3m", l.lang, c.out)
		}
		mine := toHer(c.replies)
		if len(mine) != 1 || !strings.Contains(mine[0].Text, "Ana") {
			t.Errorf("%s: she was told %+v, want who took it", l.lang, mine)
		}
		if s := toSupport(c.replies); len(s) != 1 || !strings.Contains(s[0].Text, "Ana") {
			t.Errorf("%s: supporters were told %+v, want who took it", l.lang, s)
		}
		if !d.Wake(c.st).IsZero() {
			t.Errorf("%s: taken request still wakes at %v", l.lang, d.Wake(c.st))
		}

		// A second supporter is told it is taken; nothing of hers changes.
		before := c.st
		c.do(supporter(testNonce, "S2", "Bea", Input{Button: take}))
		if s := toSupport(c.replies); len(s) != 1 || len(toHer(c.replies)) != 0 || !strings.Contains(s[0].Text, "Ana") {
			t.Errorf("%s: second press = %+v, want only the supporters told Ana took it", l.lang, c.replies)
		}
		if c.out.HandoffTaken || *c.st.Data.Handoff != *before.Data.Handoff {
			t.Errorf("%s: second press changed the request: %+v", l.lang, c.st.Data.Handoff)
		}
		c.do(supporter(testNonce, "S2", "Bea", Input{Text: "I can help too"}))
		if len(toHer(c.replies)) != 0 {
			t.Errorf("%s: a supporter who did not take it was relayed: %+v", l.lang, c.replies)
		}

		// Both ways.
		c.do(supporter(testNonce, "S1", "Ana", Input{Text: "Hi, how are you?"}))
		if mine := toHer(c.replies); len(mine) != 1 || mine[0].Text != "Ana: Hi, how are you?" {
			t.Errorf("%s: relayed to her %+v, want \"Ana: Hi, how are you?\"", l.lang, c.replies)
		}
		c.do(her(Input{Text: "tired, it will not come"}))
		if s := toSupport(c.replies); len(s) != 1 || s[0].Text != "Maria: tired, it will not come" || len(toHer(c.replies)) != 0 {
			t.Errorf("%s: relayed to the supporters %+v, want \"Maria: tired, it will not come\"", l.lang, c.replies)
		}
		b, _ := json.Marshal(c.st)
		if strings.Contains(string(b), "tired") || strings.Contains(string(b), "how are you") {
			t.Errorf("%s: relayed text kept in her state: %s", l.lang, b)
		}

		// A red flag interrupts: she gets the referral, the supporter
		// hears that she did, not what she wrote.
		c.do(her(Input{Text: l.flag}))
		if c.out.RedFlag == "" {
			t.Fatalf("%s: red flag in the relay gave %+v", l.lang, c.out)
		}
		s := toSupport(c.replies)
		if len(s) != 1 || strings.Contains(s[0].Text, strings.Fields(l.flag)[3]) || s[0].Text != strings.ReplaceAll(d.msg("handoff_flagged_channel"), "{name}", "Maria") {
			t.Errorf("%s: supporters were told %+v, want handoff_flagged_channel alone", l.lang, s)
		}

		// The supporter ends it: both are told, and the id is gone.
		c.do(supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "end", testNonce)}))
		if HandoffID(c.st) != "" || len(toHer(c.replies)) == 0 || len(toSupport(c.replies)) != 1 {
			t.Errorf("%s: end = %+v, handoff %+v", l.lang, c.replies, c.st.Data.Handoff)
		}
		c.do(supporter(testNonce, "S1", "Ana", Input{Text: "still there?"}))
		if len(toHer(c.replies)) != 0 || toSupport(c.replies)[0].Text != d.msg("handoff_closed") {
			t.Errorf("%s: after the end, a supporter's message = %+v, want closed", l.lang, c.replies)
		}
		c.do(her(Input{Text: "hello again"}))
		if len(toSupport(c.replies)) != 0 {
			t.Errorf("%s: after the end, her message went to the supporters", l.lang)
		}
	}
}

func TestHandoffSheEnds(t *testing.T) {
	c := asked(t, "en", "en")
	c.do(supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "take", testNonce)}))
	c.do(her(Input{Command: "end"}))
	if HandoffID(c.st) != "" || len(toSupport(c.replies)) != 1 {
		t.Errorf("/end = %+v, handoff %+v", c.replies, c.st.Data.Handoff)
	}
}

func TestHandoffTogether(t *testing.T) {
	c := asked(t, "en", "en")
	in := supporter(testNonce, "U2", "Ana", Input{Button: data("ho", "take", testNonce)})
	in.Together = "slack:T1:U1,U2"
	c.do(in)
	var intro []Reply
	for _, r := range c.replies {
		if r.To == in.Together {
			intro = append(intro, r)
		}
	}
	if len(intro) != 1 || !strings.Contains(intro[0].Text, "Maria") || !strings.Contains(intro[0].Text, "Ana") {
		t.Errorf("group DM = %+v, want one intro naming both", intro)
	}
	// She talks with Ana directly: nothing of hers is relayed.
	c.do(her(Input{Text: "thanks"}))
	if len(toSupport(c.replies)) != 0 {
		t.Errorf("her message in a group-DM handoff was relayed: %+v", c.replies)
	}
}

func TestHandoffExpires(t *testing.T) {
	for _, l := range handoffLangs {
		c := asked(t, l.lang, l.locale)
		d := c.d.speaker(c.st, Input{})
		due := d.Wake(c.st)
		c.now(due)
		c.do(her(Input{Reminder: due}))
		mine := toHer(c.replies)
		if len(mine) != 1 || mine[0].Text != d.cat.FillNumbers(d.msg("handoff_expired"), "") || !strings.Contains(mine[0].Text, "112") {
			t.Errorf("%s: expiry told her %+v, want handoff_expired with the numbers", l.lang, mine)
		}
		if s := toSupport(c.replies); len(s) != 1 || !strings.Contains(s[0].Text, "Maria") {
			t.Errorf("%s: expiry told the supporters %+v", l.lang, s)
		}
		if HandoffID(c.st) != "" || !d.Wake(c.st).IsZero() {
			t.Errorf("%s: after expiry, handoff %+v, wake %v", l.lang, c.st.Data.Handoff, d.Wake(c.st))
		}
		c.do(supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "take", testNonce)}))
		if c.out.HandoffTaken || len(toHer(c.replies)) != 0 {
			t.Errorf("%s: a late press took it: %+v", l.lang, c.replies)
		}
	}
}

func TestHandoffWait(t *testing.T) {
	d := newLangs(t).WithHandoffWait(5 * time.Minute)
	c := &convo{t: t, d: d}
	c.do(her(Input{Command: "start"}))
	c.do(her(Input{Command: "person"}))
	c.do(her(Input{Button: data("ho", "yes")}))
	if w := d.Wake(c.st); !w.Equal(now.Add(5 * time.Minute)) {
		t.Errorf("Wake = %v, want %v", w, now.Add(5*time.Minute))
	}
	if !strings.Contains(c.replies[0].Text, "5") && !strings.Contains(c.replies[1].Text, "5") {
		t.Errorf("she was not told about 5 minutes: %+v", c.replies)
	}
}

func TestHandoffForged(t *testing.T) {
	c := asked(t, "en", "en")
	before, _ := json.Marshal(c.st)
	for _, in := range []Input{
		supporter("wrong0000000000", "S1", "Ana", Input{Button: data("ho", "take", "wrong0000000000")}),
		supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "take", "wrong0000000000")}),
		supporter(testNonce, "S1", "Ana", Input{Button: "1:ho:take"}),
		supporter(testNonce, "S1", "Ana", Input{Button: data("w", "next", "x")}),
		supporter(testNonce, "", "Ana", Input{Button: data("ho", "take", testNonce)}),
	} {
		c.do(in)
		after, _ := json.Marshal(c.st)
		if string(after) != string(before) || len(toHer(c.replies)) != 0 || c.out.HandoffTaken {
			t.Errorf("Step(%+v) changed her state or told her: %+v", in, c.replies)
		}
	}
	// Her own forged presses change nothing either.
	c.do(her(Input{Button: data("ho", "end", "wrong0000000000")}))
	if HandoffID(c.st) != testNonce {
		t.Errorf("a forged End ended her request")
	}
}

func TestHandoffForget(t *testing.T) {
	c := asked(t, "en", "en")
	c.do(supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "take", testNonce)}))
	c.do(her(Input{Command: "forget"}))
	c.do(her(Input{Button: data("forget", "yes")}))
	if !c.out.Forget || c.st.Data.Handoff != nil {
		t.Fatalf("forget: outcome %+v, handoff %+v", c.out, c.st.Data.Handoff)
	}
	s := toSupport(c.replies)
	if len(s) != 2 || strings.Contains(s[0].Text, "Maria") || s[0].Mark != "" {
		t.Fatalf("forget told the supporters %+v, want handoff_forgotten_channel without her name, then an erase", s)
	}
	if want := (Reply{To: testSupport, Erase: "ho:" + testNonce}); !reflect.DeepEqual(s[1], want) {
		t.Errorf("forget's erase = %+v, want %+v", s[1], want)
	}
}

// Every post about her request in the supporters' channel is marked with
// it, and /forget after the request ended still takes them back.
func TestHandoffForgetEnded(t *testing.T) {
	c := asked(t, "en", "en")
	marks := func() {
		t.Helper()
		for _, r := range toSupport(c.replies) {
			if r.Mark != "ho:"+testNonce {
				t.Errorf("post %q to the supporters has mark %q, want ho:%s", r.Text, r.Mark, testNonce)
			}
		}
	}
	c.do(supporter(testNonce, "S1", "Ana", Input{Button: data("ho", "take", testNonce)}))
	marks()
	c.do(her(Input{Text: "it will not come"}))
	marks()
	c.do(her(Input{Command: "end"}))
	marks()
	c.do(her(Input{Command: "restart"})) // starting over forgets nothing
	c.do(her(Input{Command: "forget"}))
	c.do(her(Input{Button: data("forget", "yes")}))
	if want := []Reply{{To: testSupport, Erase: "ho:" + testNonce}}; !reflect.DeepEqual(toSupport(c.replies), want) {
		t.Errorf("forget after the end told the supporters %+v, want %+v", toSupport(c.replies), want)
	}
	if len(c.st.Data.Ended) != 0 {
		t.Errorf("after forget, ended requests %+v", c.st.Data.Ended)
	}
}

func TestHandoffTopics(t *testing.T) {
	cats, err := content.All()
	if err != nil {
		t.Fatal(err)
	}
	for lang, cat := range cats {
		for _, id := range handoffTopics() {
			if cat.Messages[id] == "" {
				t.Errorf("%s: no message %q for a theme", lang, id)
			}
		}
	}
}

func TestHandoffOf(t *testing.T) {
	for data, want := range map[string]string{
		"1:ho:take:abc123":                     "abc123",
		"1:ho:end:abc123":                      "abc123",
		"1:ho:take:ABC":                        "",
		"1:ho:take:a:b":                        "",
		"2:ho:take:abc":                        "",
		"1:w:next:abc":                         "",
		"1:ho:take:":                           "",
		"1:ho:take:a{b}":                       "",
		"1:ho:take:" + strings.Repeat("a", 33): "",
	} {
		got, ok := HandoffOf(data)
		if got != want || ok != (want != "") {
			t.Errorf("HandoffOf(%q) = %q, %v, want %q", data, got, ok, want)
		}
	}
}

func TestHandoffOfferedAfterTwoMisses(t *testing.T) {
	c := &convo{t: t, d: newLangs(t)}
	c.do(her(Input{Command: "start"}))
	c.do(her(Input{Text: "qwzx vbnm"}))
	if buttonWithPrefix(c.replies, data("c", "person")) != "" {
		t.Errorf("one miss already offers a person")
	}
	c.do(her(Input{Text: "plork zint"}))
	if !c.out.Fallback || buttonWithPrefix(c.replies, data("c", "person")) == "" {
		t.Errorf("two misses in a row: %+v, want Talk to a person offered", c.replies)
	}
}
