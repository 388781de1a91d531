package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/content"
)

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// AllowedUpdates are the update kinds the bot asks Telegram for: messages,
// button presses, and changes in the bot's own membership of a chat
// (my_chat_member), which say when she blocks the bot. Others (edits,
// reactions, other people's membership) are never sent, so never stored
// or answered.
var AllowedUpdates = []string{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery, models.AllowedUpdateMyChatMember}

// clientTimeout bounds one Bot API call made through the client.
const clientTimeout = 30 * time.Second

// NewClient returns a Bot API client for token. apiURL replaces Telegram's
// server when set (a local Bot API server, or a fake in tests); hc is the
// HTTP client to use, or nil for one with a 30-second timeout.
//
// It makes no call: the library's start-up getMe would check the token but
// throw away the answer. Call Username instead, which checks the token and
// returns what the group deep link needs.
func NewClient(token, apiURL string, hc *http.Client) (*tgbot.Bot, error) {
	if hc == nil {
		hc = &http.Client{Timeout: clientTimeout}
	}
	opts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(hc.Timeout, hc),
		// The library's default logs with the log package; its few internal
		// errors (closing a pipe or a body) carry no message text.
		tgbot.WithErrorsHandler(func(err error) {}),
	}
	if apiURL != "" {
		opts = append(opts, tgbot.WithServerURL(strings.TrimRight(apiURL, "/")))
	}
	c, err := tgbot.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %w", err)
	}
	return c, nil
}

// Username asks Telegram who the bot is (getMe) and returns its username.
// An error here usually means a wrong token.
func Username(ctx context.Context, client *tgbot.Bot) (string, error) {
	me, err := client.GetMe(ctx)
	if err != nil {
		return "", wrapErr("getMe", err)
	}
	if me.Username == "" {
		return "", errors.New("telegram getMe: the bot has no username")
	}
	return me.Username, nil
}

// commandName is what Telegram accepts as a command.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// SetCommands fills the bot's command menu from the catalogs: each catalog
// for its own language, the English one (or else the first) also as the
// default for every other language. Groups get a menu of their own with
// only the commands that work there.
func SetCommands(ctx context.Context, client *tgbot.Bot, cats ...*content.Catalog) error {
	if len(cats) == 0 {
		return errors.New("telegram setMyCommands: no catalog")
	}
	def := cats[0]
	for _, cat := range cats {
		if langCode(cat.Lang) == "en" {
			def = cat
			break
		}
	}
	type menu struct {
		lang  string
		scope models.BotCommandScope
		cmds  []models.BotCommand
	}
	var menus []menu
	add := func(cat *content.Catalog, lang string) error {
		all, err := botCommands(cat, nil)
		if err != nil {
			return err
		}
		group, err := botCommands(cat, groupCommands)
		if err != nil {
			return err
		}
		menus = append(menus,
			menu{lang: lang, cmds: all},
			menu{lang: lang, scope: &models.BotCommandScopeAllGroupChats{}, cmds: group})
		return nil
	}
	if err := add(def, ""); err != nil {
		return err
	}
	for _, cat := range cats {
		if code := langCode(cat.Lang); code != "" {
			if err := add(cat, code); err != nil {
				return err
			}
		}
	}
	for _, m := range menus {
		params := &tgbot.SetMyCommandsParams{Commands: m.cmds, Scope: m.scope, LanguageCode: m.lang}
		if _, err := client.SetMyCommands(ctx, params); err != nil {
			return wrapErr("setMyCommands", err)
		}
	}
	return nil
}

// botCommands turns a catalog's commands into Telegram's, keeping only
// those named in only when it is not nil.
func botCommands(cat *content.Catalog, only []string) ([]models.BotCommand, error) {
	var out []models.BotCommand
	for _, c := range cat.Commands {
		if only != nil && !slices.Contains(only, c.Name) {
			continue
		}
		desc := strings.TrimSpace(c.Summary)
		if !commandName.MatchString(c.Name) || desc == "" || utf8.RuneCountInString(desc) > 256 {
			return nil, fmt.Errorf("telegram setMyCommands: command %q (%s) does not fit Telegram's rules: name a-z, 0-9, _ up to 32, summary 1 to 256 characters", c.Name, cat.Lang)
		}
		out = append(out, models.BotCommand{Command: c.Name, Description: desc})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("telegram setMyCommands: catalog %q has no commands", cat.Lang)
	}
	return out, nil
}

// langCode turns a catalog's language into Telegram's two-letter
// language_code ("pt-BR" → "pt"), or "" when it has none.
func langCode(lang string) string {
	code, _, _ := strings.Cut(strings.ToLower(lang), "-")
	code, _, _ = strings.Cut(code, "_")
	if len(code) != 2 || code[0] < 'a' || code[0] > 'z' || code[1] < 'a' || code[1] > 'z' {
		return ""
	}
	return code
}

// secretToken is what Telegram accepts as a webhook secret.
var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// CheckSecret reports whether secret can be a webhook secret token:
// 1 to 256 of A-Z, a-z, 0-9, _ and -.
func CheckSecret(secret string) error {
	if !secretToken.MatchString(secret) {
		return errors.New("telegram webhook secret must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
	}
	return nil
}

// SetWebhook tells Telegram to deliver updates to url with secret in the
// X-Telegram-Bot-Api-Secret-Token header. Updates already waiting are kept.
func SetWebhook(ctx context.Context, client *tgbot.Bot, url, secret string) error {
	if err := CheckSecret(secret); err != nil {
		return err
	}
	_, err := client.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL:            url,
		SecretToken:    secret,
		AllowedUpdates: AllowedUpdates,
	})
	return wrapErr("setWebhook", err)
}
