package bottest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// TestPlanFollowUp runs the next-day check-in through bot.Scheduler on
// stores from newStore (see followUpOnStore), for both kinds of plan.
func TestPlanFollowUp(t *testing.T, newStore func(t *testing.T, clock *Clock) func() bot.Store) {
	t.Helper()
	// 23:30 in London (November: UTC). This time tomorrow is in the night.
	start := time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		nights bool
		tz     string
		want   time.Time
	}{
		{"nights not in her reminders: before the night", false, "Europe/London", time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)},
		{"nights in her reminders: this time tomorrow", true, "", start.Add(24 * time.Hour)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewClock(start)
			followUpOnStore(t, newStore(t, clock), clock, tt.nights, tt.tz, tt.want)
		})
	}
}

// mother is one conversation driven through an Engine as a platform
// would: what she sends is handled, what the bot queued is delivered
// (read from the outbox and acknowledged) and remembered, so that she can
// press a button of the latest message by its label.
type mother struct {
	t      *testing.T
	engine *bot.Engine
	conv   bot.Conv
	tz     string // the platform's zone for her, if it knows one
	last   []bot.Reply
	seen   []bot.Reply // everything delivered to her, in order
}

func (m *mother) send(in bot.Incoming) {
	m.t.Helper()
	in.Conv, in.TZ = m.conv, m.tz
	if _, err := m.engine.Handle(context.Background(), in); err != nil {
		m.t.Fatalf("Handle(%+v) = %v", in, err)
	}
	m.deliver()
}

// deliver reads what the outbox holds for her and acknowledges it.
func (m *mother) deliver() []bot.Reply {
	m.t.Helper()
	ctx := context.Background()
	out, err := m.engine.Store().Pending(ctx, m.conv, 100)
	if err != nil {
		m.t.Fatal(err)
	}
	if len(out) == 0 {
		return nil
	}
	if err := m.engine.Store().Ack(ctx, m.conv, out[len(out)-1].Seq); err != nil {
		m.t.Fatal(err)
	}
	var got []bot.Reply
	for _, o := range out {
		got = append(got, o.Reply)
	}
	m.last, m.seen = got, append(m.seen, got...)
	return got
}

func (m *mother) text() string { return m.last[len(m.last)-1].Text }

// press taps the button labelled label on the latest message.
func (m *mother) press(label string) {
	m.t.Helper()
	for _, b := range m.last[len(m.last)-1].Buttons {
		if b.Label == label {
			m.send(bot.Incoming{Button: b.Data})
			return
		}
	}
	m.t.Fatalf("no button %q under %q", label, m.text())
}

// pressUntil taps label until a button named until appears.
func (m *mother) pressUntil(label, until string) {
	m.t.Helper()
	for range 40 {
		for _, b := range m.last[len(m.last)-1].Buttons {
			if b.Label == until {
				return
			}
		}
		m.press(label)
	}
	m.t.Fatalf("no %q after pressing %q 40 times", until, label)
}

// followUpOnStore is the next-day check-in end to end on stores from
// newStore (two replicas, each with its own Engine and Scheduler), on a
// fake clock starting at 23:30 UTC, 22 November 2026: in London this time
// tomorrow is in the night. Both cases run: nights not in her reminders
// (the check-in comes before the night) and nights in them (this time
// tomorrow). newStore gets each case's clock. the seed 003 mother walks her plan without
// her milk flowing, asks for a check-in tomorrow, and the clock runs on.
// The check-in comes exactly once, when her zone and nights say; "Still
// slow" then brings a lactation consultant and medicines, in that order.
func followUpOnStore(t *testing.T, newStore func() bot.Store, clock *Clock, nights bool, tz string, want time.Time) {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	d := dialog.New(cat)
	var scheds []*bot.Scheduler
	var engines []*bot.Engine
	for range 2 {
		s := newStore()
		e := bot.NewEngine(d, s, bot.WithClock(clock.Now))
		engines = append(engines, e)
		scheds = append(scheds, bot.NewScheduler(e, s.(bot.Reminders), bot.WithSchedulerClock(clock.Now)))
	}
	m := &mother{t: t, engine: engines[0], conv: "tg:3003:3003", tz: tz}
	m.send(bot.Incoming{Command: "start"})
	if nights {
		m.send(bot.Incoming{Command: "remind"})
		m.press("8 a day (every 3 hours)")
		m.send(bot.Incoming{Text: "London"})
		m.press("Yes, nights too")
		m.send(bot.Incoming{Command: "start"})
	}
	for _, label := range []string{"None of these", "Pump", "Both at once", "No, not really", "No, less", "No, it takes longer", "Both"} {
		m.press(label)
	}
	m.pressUntil("Next", "Check in tomorrow")
	if !strings.HasPrefix(m.text(), "That's all my ideas in your plan") {
		t.Fatalf("end of the plan = %q", m.text())
	}
	m.press("Check in tomorrow")
	if want := want.In(time.UTC).Format("15:04"); !strings.Contains(m.text(), want) {
		t.Errorf("the check-in is promised as %q, want it at %s", m.text(), want)
	}

	// Run the clock for two days, both replicas polling every 5 minutes.
	ctx := context.Background()
	var asks []time.Time
	pings := 0
	for end := clock.Now().Add(48 * time.Hour); clock.Now().Before(end); clock.Advance(5 * time.Minute) {
		for _, s := range scheds {
			if _, err := s.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range m.deliver() {
			switch {
			case r.Text == cat.Messages["follow_ask"]:
				asks = append(asks, clock.Now())
			case r.Text == cat.Messages["remind_ping"]:
				pings++
			}
		}
	}
	if len(asks) != 1 {
		t.Fatalf("the check-in came %d times (at %v), want exactly once", len(asks), asks)
	}
	if got := asks[0]; got.Before(want) || got.After(want.Add(5*time.Minute)) {
		t.Errorf("the check-in came at %v, want %v", got, want)
	}
	if nights && pings < 8 {
		t.Errorf("%d reminder pings over two days beside the check-in, want her reminders to go on", pings)
	}
	if !nights {
		if at, err := engines[0].Store().(bot.Reminders).NextReminder(ctx, m.conv); err != nil || !at.IsZero() {
			t.Errorf("after the check-in the index still wakes her at %v (%v)", at, err)
		}
	}

	// "Still slow": a lactation consultant, then medicines, the doctor's call.
	for i := len(m.seen) - 1; i >= 0; i-- {
		if m.seen[i].Text == cat.Messages["follow_ask"] {
			m.last = []bot.Reply{m.seen[i]}
			break
		}
	}
	m.press("Still slow")
	var titles []string
	for strings.Contains(m.text(), "/2)") {
		titles = append(titles, strings.SplitN(m.text(), " (", 2)[0])
		m.press("Next")
	}
	if len(titles) != 2 || titles[0] != "See a lactation consultant" || titles[1] != "Medicines: a doctor's call" {
		t.Errorf("after Still slow she saw %q, want the lactation consultant, then medicines", titles)
	}
	for _, b := range m.last[len(m.last)-1].Buttons {
		if b.Label == "Check in tomorrow" {
			t.Error("after the check-in's steps another check-in is offered")
		}
	}
}
