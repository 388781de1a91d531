package slack

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/adapters/internal/golden"
	"github.com/letdownbot/letdown/adapters/slack/slacktest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestTypedConversation holds a whole conversation by typing through the
// real client and Events API handler against the fake Slack API: /start
// to the end of the walk and the reminders, never a button pressed.
func TestTypedConversation(t *testing.T) {
	h := newHarness(t)
	const user = "U4242"
	for _, line := range golden.TypedInput(t, "..") {
		h.say(user, line)
	}
	var b strings.Builder
	for _, m := range h.api.Messages(slacktest.DM(user)) {
		b.WriteString(m.Body())
		for _, k := range m.Buttons() {
			b.WriteString("\n  [" + k.Text.Text + "]")
		}
		b.WriteString("\n---\n")
	}
	if !strings.Contains(b.String(), "That's all my ideas") || !strings.Contains(b.String(), "reminders a day") {
		t.Errorf("the typed conversation did not reach the end of the walk and the reminders")
	}
	golden.Compare(t, filepath.Join("testdata", "typed.golden"), b.String(), *update)
}
