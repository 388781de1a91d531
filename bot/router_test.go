package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

func TestRouter(t *testing.T) {
	tg, slack := &bottest.Sender{}, &bottest.Sender{}
	r := bot.Router{"tg": tg, "slack": slack}
	ctx := context.Background()
	for _, c := range []bot.Conv{"tg:1:1", "slack:T1:U1", "tg:2:2"} {
		if err := r.Send(ctx, c, bot.Reply{Text: string(c)}); err != nil {
			t.Fatalf("Send(%s) = %v", c, err)
		}
	}
	if got := len(tg.Sent()); got != 2 {
		t.Errorf("Telegram got %d replies, want 2", got)
	}
	if got := slack.To("slack:T1:U1"); len(got) != 1 {
		t.Errorf("Slack got %v, want its one reply", got)
	}
	if err := r.Send(ctx, "console:local", bot.Reply{Text: "x"}); !errors.Is(err, bot.ErrRefused) {
		t.Errorf("Send to a platform with no sender = %v, want ErrRefused", err)
	}
	p := bot.Paces{"slack": func(bot.Conv) (time.Duration, int) { return 3 * time.Second, 2 }}
	if every, burst := p.Pace("slack:T:U"); every != 3*time.Second || burst != 2 {
		t.Errorf("Pace(slack) = %v, %d", every, burst)
	}
	if every, burst := p.Pace("tg:1:1"); every != time.Second || burst != 1 {
		t.Errorf("Pace(unlisted) = %v, %d, want the 1/s default", every, burst)
	}
}
