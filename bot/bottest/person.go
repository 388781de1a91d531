package bottest

import (
	"strings"

	"github.com/letdownbot/letdown/bot"
)

// Person plays one mother through a typical conversation, for benchmarks
// and load tests: /start, the safety check, the triage of the seed 003
// mother (pump, double, slow, little, long, tried both), then the walk one
// "Next" at a time, asking "Tell me more" now and then, and from the end
// back to /start. She presses the buttons the bot last sent, as a person
// would.
type Person struct {
	Conv bot.Conv
	turn int
	last []bot.Reply
}

var triage = []string{"1:clear", "1:a:method:pump", "1:a:double:double", "1:a:steady:no", "1:a:amount:no", "1:a:time:no", "1:a:tried:both"}

// Next is her next message.
func (p *Person) Next() bot.Incoming {
	in := bot.Incoming{Conv: p.Conv}
	switch {
	case p.turn == 0 || len(p.last) == 0:
		in.Command = "start"
	case p.turn <= len(triage):
		in.Button = triage[p.turn-1]
	case p.turn%7 == 0:
		in.Text = "it's still only drops, what else can I try"
	default:
		in.Button = p.pick()
	}
	p.turn++
	return in
}

// Saw records what the bot answered.
func (p *Person) Saw(replies []bot.Outgoing) {
	if len(replies) == 0 {
		return
	}
	p.last = p.last[:0]
	for _, o := range replies {
		p.last = append(p.last, o.Reply)
	}
	if p.pick() == "" {
		p.turn = 0 // the walk ended: begin again
	}
}

// pick chooses a button of the last reply: "Next" in the walk (or "Tell me
// more" every fifth turn), otherwise the first button.
func (p *Person) pick() string {
	if len(p.last) == 0 {
		return ""
	}
	buttons := p.last[len(p.last)-1].Buttons
	want := "1:w:next:"
	if p.turn%5 == 0 {
		want = "1:w:more:"
	}
	for _, b := range buttons {
		if strings.HasPrefix(b.Data, want) {
			return b.Data
		}
	}
	for _, b := range buttons {
		if strings.HasPrefix(b.Data, "1:w:next:") {
			return b.Data
		}
	}
	return ""
}
