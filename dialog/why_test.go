package dialog

import (
	"strings"
	"testing"
)

// TestWhyLinksEverySource checks that "Why?" on a step lists each of its
// sources with the link that finds it, and that /why away from a step lists
// every source of the catalog, each with its link.
func TestWhyLinksEverySource(t *testing.T) {
	d := newDialog(t)
	for _, s := range d.cat.Steps {
		st := State{Version: SchemaVersion, Name: stateWalk, Data: Data{Step: s.ID}}
		_, replies, _ := d.Step(st, Input{Button: data("w", "why", s.ID)}, now)
		text := replies[len(replies)-1].Text
		for _, id := range s.Sources {
			src := d.cat.Sources[id]
			if want := "• " + src.Cite + " " + src.Link(); !strings.Contains(text, want) {
				t.Errorf("Why? on %s does not list %s as %q:\n%s", s.ID, id, want, text)
			}
		}
	}
	_, replies, _ := d.Step(State{}, Input{Command: "why"}, now)
	text := replies[len(replies)-1].Text
	for id, src := range d.cat.Sources {
		if !strings.Contains(text, "• "+src.ListLine()+"\n") && !strings.HasSuffix(text, "• "+src.ListLine()) {
			t.Errorf("/why does not list %s as %q", id, src.ListLine())
		}
	}
	if !strings.Contains(text, "written by AI") {
		t.Errorf("/why does not say which source was written by AI:\n%s", text)
	}
}
