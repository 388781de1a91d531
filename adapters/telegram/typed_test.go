package telegram

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/adapters/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestTypedConversation holds a whole conversation by typing through the
// real client and webhook against the fake Bot API: /start to the end of
// the walk and the reminders, never a button pressed.
func TestTypedConversation(t *testing.T) {
	h := newHarness(t)
	const user = 4242
	for _, line := range golden.TypedInput(t, "..") {
		h.say(user, line)
	}
	// Text only: an earlier message's keyboard is taken off by a
	// best-effort call after the turn, so keyboards change under the test.
	var b strings.Builder
	for _, m := range h.api.Sent(user) {
		b.WriteString(m.Text + "\n---\n")
	}
	if !strings.Contains(b.String(), "That's all my ideas") || !strings.Contains(b.String(), "reminders a day") {
		t.Errorf("the typed conversation did not reach the end of the walk and the reminders")
	}
	golden.Compare(t, filepath.Join("testdata", "typed.golden"), b.String(), *update)
}
