package bot

import "testing"

func TestNonceNamesARequest(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := nonce()
		if got, ok := HandoffOf("1:ho:take:" + id); !ok || got != id {
			t.Fatalf("HandoffOf(button with id %q) = %q, %v: the dialog would not read its own request", id, got, ok)
		}
		if seen[id] {
			t.Fatalf("nonce() repeated %q", id)
		}
		seen[id] = true
	}
}
