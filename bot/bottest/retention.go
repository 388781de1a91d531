package bottest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// StoreWithReminders is a store the Engine and a Scheduler can share.
type StoreWithReminders interface {
	bot.Store
	bot.Reminders
}

// TestRetention proves that a logged session is gone once it passes the
// retention, though she never writes again (issue 12's idle conversation
// with a short LOG_RETENTION): she logs one session through the dialog, and the
// Scheduler alone, moved past the retention on clock (which s must also
// read), lets it go. The log lives beside the state, not in it.
func TestRetention(t *testing.T, s StoreWithReminders, clock *Clock) {
	t.Helper()
	const retention = 10 * time.Minute
	ctx := context.Background()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := bot.NewEngine(dialog.New(cat).WithRetention(retention), s, bot.WithClock(clock.Now))
	sched := bot.NewScheduler(e, s, bot.WithSchedulerClock(clock.Now))
	conv := bot.Conv("tg:61:61")
	say := func(in bot.Incoming) {
		t.Helper()
		in.Conv = conv
		if _, err := e.Handle(ctx, in); err != nil {
			t.Fatalf("Handle(%+v) = %v", in, err)
		}
	}
	say(bot.Incoming{Command: "start"})
	logSession := func() {
		t.Helper()
		say(bot.Incoming{Command: "log"})
		for _, text := range []string{"both sides", "5 min", "40 and 35"} {
			say(bot.Incoming{Text: text})
		}
	}
	logged := func() []dialog.Session {
		t.Helper()
		snap, err := s.Load(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(snap.State, []byte(`"lg"`)) {
			t.Errorf("state %s holds the log, want it kept apart", snap.State)
		}
		log, err := dialog.DecodeLog(snap.Log)
		if err != nil {
			t.Fatalf("log %q: %v", snap.Log, err)
		}
		return log
	}
	logSession()
	first := logged()
	if len(first) != 1 {
		t.Fatalf("log after logging a session = %v, want one session", first)
	}
	clock.Advance(2 * time.Minute)
	logSession()
	if got := logged(); len(got) != 2 {
		t.Fatalf("log after logging another = %v, want two sessions", got)
	}
	wake, err := s.NextReminder(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	if gone := time.Unix(first[0][0]*60, 0).Add(retention); !wake.Equal(gone) {
		t.Fatalf("index wakes her at %v, want %v, when the first session passes the retention", wake, gone)
	}

	// She does not come back: the Scheduler alone lets the first go, and
	// later the second, though the log's time to live has not run out.
	clock.Advance(wake.Sub(clock.Now()) + time.Second)
	if _, err := sched.Tick(ctx); err != nil {
		t.Fatalf("Tick = %v", err)
	}
	if got := logged(); len(got) != 1 || got[0] == first[0] {
		t.Errorf("log %v once the first session passed the retention, want only the second", got)
	}
	clock.Advance(3 * time.Minute)
	if _, err := sched.Tick(ctx); err != nil {
		t.Fatalf("Tick = %v", err)
	}
	if got := logged(); len(got) != 0 {
		t.Errorf("log %v once both passed the retention, want none", got)
	}
	if wake, _ := s.NextReminder(ctx, conv); !wake.IsZero() {
		t.Errorf("index still wakes her at %v, want nothing left to do", wake)
	}
	// And /today agrees.
	res, err := e.Handle(ctx, bot.Incoming{Conv: conv, Command: "today"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Reply.Text, "0 sessions") {
		t.Errorf("/today after the retention = %+v, want 0 sessions", res.Replies)
	}
}
