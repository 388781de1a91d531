package dialog

import "testing"

// BenchmarkStep measures one typical turn: typed text (the red-flag scan
// runs over every phrase) in the middle of the walk.
func BenchmarkStep(b *testing.B) {
	d := newDialog(b)
	st := State{Version: SchemaVersion, Name: stateWalk, Data: Data{Method: "pump", Step: d.cat.Start}}
	in := Input{Text: "it's still not coming, I've been at it for 40 minutes"}
	b.ReportAllocs()
	for b.Loop() {
		d.Step(st, in, now)
	}
}

// BenchmarkStepButton measures a button press moving the walk on.
func BenchmarkStepButton(b *testing.B) {
	d := newDialog(b)
	st := State{Version: SchemaVersion, Name: stateWalk, Data: Data{Method: "pump", Step: d.cat.Start}}
	in := Input{Button: data("w", "next", d.cat.Start)}
	b.ReportAllocs()
	for b.Loop() {
		d.Step(st, in, now)
	}
}
