package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/letdownbot/letdown/adapters/console"
	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

func runChat(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	jsonl := fs.Bool("jsonl", false, "read one input per line and write one JSON object per line (for scripts)")
	redisURL := fs.String("redis", "", "keep the conversation in Redis at `URL` (redis://host:port/db), so it resumes after a restart")
	user := fs.String("user", "local", "whose conversation this is: each `NAME` has its own")
	lang := fs.String("lang", "", "the `LANGUAGE` of a new conversation: en or es (default: from LANG, es_* is Spanish, else English)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: letdown chat [--jsonl] [--redis URL] [--user NAME] [--lang en|es]\n\nTalk to Letdown in this terminal. Type a button's number or name to tap it.\n\n")
		fs.PrintDefaults()
	}
	if done, err := parse(fs, args, stdout, stderr); done {
		return err
	}
	cats, err := content.All()
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	locale := *lang
	if locale == "" {
		locale = getenv("LANG")
	}
	if l := dialog.LocaleLang(locale); locale != "" && *lang != "" && cats[l] == nil {
		return fmt.Errorf("chat: no catalog for --lang %q (have %s)", *lang, strings.Join(content.Languages(content.Embedded()), ", "))
	}
	var store bot.Store = memstore.New()
	if *redisURL != "" {
		rs, err := redisstore.Open(ctx, *redisURL)
		if err != nil {
			return err
		}
		defer rs.Close()
		store = rs
	}
	engine := bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang), store)
	chat := console.New(engine, bot.Conv("console:"+*user)).WithLocale(locale)
	if *jsonl {
		return chat.RunJSONL(ctx, stdin, stdout)
	}
	return chat.RunInteractive(ctx, stdin, stdout)
}
