package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
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

func TestTelegramMenuOffersAPersonOnlyWithSupporters(t *testing.T) {
	cat, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	names := func(cats []*content.Catalog) []string {
		var out []string
		for _, c := range cats[0].Commands {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names(supportConfig{}.telegramMenus([]*content.Catalog{cat})); slices.Contains(got, "person") || slices.Contains(got, "end") || len(got) != len(cat.Commands)-2 {
		t.Errorf("menu without supporters = %v, want all but /person and /end", got)
	}
	if got := names(supportConfig{TelegramChat: -100}.telegramMenus([]*content.Catalog{cat})); !slices.Contains(got, "person") {
		t.Errorf("menu with supporters = %v, want /person", got)
	}
	if !slices.ContainsFunc(cat.Commands, func(c content.Command) bool { return c.Name == "person" }) {
		t.Errorf("the catalog itself lost /person")
	}
}
