package main

import (
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
)

func TestServeSupportSettings(t *testing.T) {
	parse := func(env map[string]string) (serveConfig, error) {
		env["TELEGRAM_TOKEN"] = tgtest.Token
		return parseServe(nil, func(k string) string { return env[k] }, newServeFlags())
	}
	cfg, err := parse(map[string]string{})
	if err != nil || cfg.Support.Wait != 15*time.Minute || cfg.Support.engineOptions() != nil {
		t.Errorf("parseServe without supporters = %+v, %v; want none and a 15m wait", cfg.Support, err)
	}
	cfg, err = parse(map[string]string{"SUPPORT_TELEGRAM_CHAT": "-1001234", "SUPPORT_SLACK_CHANNEL": "C0SUP", "SUPPORT_WAIT": "5m"})
	if err != nil || cfg.Support != (supportConfig{SlackChannel: "C0SUP", TelegramChat: -1001234, Wait: 5 * time.Minute}) {
		t.Errorf("parseServe = %+v, %v", cfg.Support, err)
	}
	// The supporters of each platform are her own platform's.
	support := cfg.Support.supportOf()
	for her, want := range map[bot.Conv]bot.Conv{
		"tg:42:42":      "tg:-1001234:0",
		"slack:T9:U1":   "slack:T9:C0SUP",
		"console:local": "",
	} {
		if got := support(her); got != want {
			t.Errorf("support(%s) = %q, want %q", her, got, want)
		}
	}
	for env, want := range map[string]string{
		"SUPPORT_TELEGRAM_CHAT": "SUPPORT_TELEGRAM_CHAT",
		"SUPPORT_SLACK_CHANNEL": "SUPPORT_SLACK_CHANNEL",
		"SUPPORT_WAIT":          "SUPPORT_WAIT",
	} {
		for _, bad := range []string{"nope", "12"} {
			if _, err := parse(map[string]string{env: bad}); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("parseServe(%s=%q) = %v, want an error naming it", env, bad, err)
			}
		}
	}
}
