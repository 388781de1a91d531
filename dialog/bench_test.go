package dialog

import (
	"strings"
	"testing"

	"github.com/letdownbot/letdown/content"
)

// walking is the seed 003 mother on the first idea of her plan.
func walking(d *Dialog) State {
	data := seed003
	plan := d.makePlan(data, nil)
	data.Plan, data.Step = keysOf(plan), plan[0]
	return State{Version: SchemaVersion, Name: stateWalk, Data: data}
}

// BenchmarkStep measures one typical turn: typed text (the red-flag scan
// runs over every phrase) in the middle of the walk.
func BenchmarkStep(b *testing.B) {
	d := newDialog(b)
	st := walking(d)
	in := Input{Text: "it's still not coming, I've been at it for 40 minutes"}
	b.ReportAllocs()
	for b.Loop() {
		d.Step(st, in, now)
	}
}

// BenchmarkStepButton measures a button press moving the walk on.
func BenchmarkStepButton(b *testing.B) {
	d := newDialog(b)
	st := walking(d)
	in := Input{Button: data("w", "next", st.Data.Step)}
	b.ReportAllocs()
	for b.Loop() {
		d.Step(st, in, now)
	}
}

// BenchmarkStepPlanEnd measures the press that ends her plan: the end
// offers "More ideas", which ranks every theme's ideas.
func BenchmarkStepPlanEnd(b *testing.B) {
	d := newDialog(b)
	st := walking(d)
	plan := d.idsOf(st.Data.Plan)
	st.Data.Step = plan[len(plan)-1]
	in := Input{Button: data("w", "next", st.Data.Step)}
	b.ReportAllocs()
	for b.Loop() {
		d.Step(st, in, now)
	}
}

// BenchmarkTyped measures typed text of each kind the understanding reads:
// a warning sign, an answer, a question, and a message it cannot place.
func BenchmarkTyped(b *testing.B) {
	d := newDialog(b)
	for _, tc := range []struct{ name, state, text string }{
		{"flag", stateWalk, "ive thought about taking all my pills at once"},
		{"answer", stateAskTime, "takes me like 45 min most times"},
		{"question", stateWalk, "how often should i pump when my baby is in the nicu"},
		{"fallback", stateAskSteady, "blorp zxqv wibble"},
		{"long", stateWalk, strings.Repeat("i am so tired and the pump is loud ", 100)},
	} {
		st := d.sampleState(tc.state)
		in := Input{Text: tc.text}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Step(st, in, now)
			}
		})
	}
}

// BenchmarkNew measures start-up: compiling the catalog's understanding.
func BenchmarkNew(b *testing.B) {
	cat, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		New(cat)
	}
}
