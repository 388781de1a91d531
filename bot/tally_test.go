package bot_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// slackScope counts Slack conversations by workspace, as serve does.
func slackScope(c bot.Conv) string {
	p, rest, _ := strings.Cut(string(c), ":")
	team, _, _ := strings.Cut(rest, ":")
	if p != "slack" {
		return ""
	}
	return "slack:" + team
}

type failingTally struct{ bot.Tally }

func (failingTally) Add(context.Context, string, time.Time, bot.Counts) error {
	return errors.New("tally down")
}

func TestEngineCountsCommittedTurns(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	tally := memstore.NewTally()
	e := bot.NewEngine(dialog.New(cat), memstore.New(), bot.WithTally(tally, slackScope, nil))
	ctx := context.Background()
	at := time.Now()
	const her bot.Conv = "slack:T1:U1"
	handle(t, e, bot.Incoming{Conv: her, DedupeKey: "a", Command: "start", At: at})
	handle(t, e, bot.Incoming{Conv: her, DedupeKey: "a", Command: "start", At: at}) // a retry
	handle(t, e, bot.Incoming{Conv: her, DedupeKey: "b", Text: "I have a fever and my breast is red", At: at.Add(time.Second)})
	handle(t, e, bot.Incoming{Conv: her, DedupeKey: "b", Text: "I have a fever and my breast is red", At: at.Add(time.Second)}) // a retry
	// Telegram is not counted.
	handle(t, e, bot.Incoming{Conv: "tg:5:5", UpdateID: 1, Command: "start", At: at})
	got, err := tally.Read(ctx, "slack:T1", bot.TallyWeek(at))
	want := bot.Counts{bot.CountConversations: 1, bot.CountReferral + content.LevelToday: 1}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("tally = %v, %v, want %v: one conversation that day, its referral, the retry not counted", got, err, want)
	}
	if c, _ := tally.Read(ctx, "", bot.TallyWeek(at)); len(c) != 0 {
		t.Errorf("Telegram turns counted: %v", c)
	}
}

func TestEngineTurnSucceedsWhenTheTallyFails(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := bot.NewEngine(dialog.New(cat), memstore.New(), bot.WithTally(failingTally{}, slackScope, slog.New(slog.NewTextHandler(&logs, nil))))
	res := handle(t, e, bot.Incoming{Conv: "slack:T1:U1", DedupeKey: "a", Command: "start"})
	if len(res.Replies) == 0 {
		t.Errorf("turn = %+v, want its replies", res)
	}
	if !strings.Contains(logs.String(), "turn not counted") {
		t.Errorf("log = %q, want the failure logged", logs.String())
	}
}

func TestCountsOf(t *testing.T) {
	got := bot.CountsOf(dialog.Outcome{NewDay: true, HelpedTheme: "comfort", RedFlagLevel: "soon", HandoffTaken: true, HandoffWait: 4 * time.Minute})
	want := bot.Counts{"conversations": 1, "helped:comfort": 1, "referral:soon": 1, "handoffs": 1, "wait:5": 1}
	if !maps.Equal(got, want) {
		t.Errorf("CountsOf() = %v, want %v", got, want)
	}
	f := bot.Figures(bot.Counts{"conversations": 4, "handoffs": 3, "wait:1": 1, "wait:10": 1, "wait:60": 1, "helped:comfort": 2, "referral:today": 1})
	if f.Conversations != 4 || f.Handoffs != 3 || f.MedianWait != 10*time.Minute || f.Helped["comfort"] != 2 || f.Referrals["today"] != 1 {
		t.Errorf("Figures() = %+v", f)
	}
}

// TestGroupConversationExpiresSoon: a group's conversation, which holds
// only its rate window, is kept a day once quiet, not the Engine's months.
func TestGroupConversationExpiresSoon(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	store := memstore.New(memstore.WithNow(func() time.Time { return clock }))
	e := bot.NewEngine(dialog.New(cat), store)
	const group bot.Conv = "slack:T1:C1"
	handle(t, e, bot.Incoming{Conv: group, DedupeKey: "m1", Group: true, From: "U1", Text: "what helps let-down at work?"})
	handle(t, e, bot.Incoming{Conv: "slack:T1:U1", DedupeKey: "m2", Command: "start"})
	clock = clock.Add(dialog.GroupTTL + time.Minute)
	if snap, _ := store.Load(context.Background(), group); snap.Version != 0 {
		t.Errorf("group conversation after %v: version %d, want it gone", dialog.GroupTTL, snap.Version)
	}
	if snap, _ := store.Load(context.Background(), "slack:T1:U1"); snap.Version == 0 {
		t.Errorf("her conversation after %v: gone, want it kept", dialog.GroupTTL)
	}
}
