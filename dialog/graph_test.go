package dialog

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

func TestGraphGolden(t *testing.T) {
	got := Graph()
	path := filepath.Join("testdata", "graph.mmd")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./dialog -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Graph() changed; review and run go test ./dialog -update\ngot:\n%s", got)
	}
}

func TestEveryStateIsReachable(t *testing.T) {
	reach := map[string]bool{stateNew: true}
	for changed := true; changed; {
		changed = false
		for _, e := range events {
			for _, src := range e.Src {
				if reach[src] && !reach[e.Dst] {
					reach[e.Dst], changed = true, true
				}
			}
		}
	}
	for _, s := range allStates {
		if !reach[s] {
			t.Errorf("state %s cannot be reached from %s", s, stateNew)
		}
	}
}
