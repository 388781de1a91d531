package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// store is what serve needs from a store: turns and the outbox.
type store interface {
	bot.Store
	bot.Outbox
}

// serveUsage heads `letdown serve --help`.
const serveUsage = `Usage: letdown serve [flags]

Run the Telegram bot. Every flag can also be set by the environment
variable shown in brackets; flags win. Webhook mode listens on LISTEN_ADDR at
the path of TELEGRAM_WEBHOOK_URL; polling mode needs no public URL (one
instance only). Without REDIS_URL, conversations live in memory and are lost
on restart.

`

func newServeFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
	}
	return fs
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newServeFlags()
	fs.SetOutput(stderr)
	cfg, err := parseServe(args, getenv, fs)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	return serve(ctx, cfg, log, nil)
}

// newLogger logs JSON, or text when stderr is a terminal; never message text.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(w, nil))
		}
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// serve runs the bot until ctx is done, then shuts down gracefully: the
// webhook stops taking updates and finishes those in flight, the poller
// finishes the update in hand, and the dispatcher keeps sending what was
// committed for at most cfg.ShutdownWait. ready, if not nil, receives the
// webhook's listening address once it accepts requests.
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, ready chan<- string) error {
	cat, err := content.Default()
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	var st store
	if cfg.RedisURL == "" {
		log.Warn("no REDIS_URL: conversations are kept in memory and lost on restart")
		st = memstore.New()
	} else {
		rs, err := redisstore.Open(ctx, cfg.RedisURL)
		if err != nil {
			return err
		}
		defer rs.Close()
		st = rs
	}
	engine := bot.NewEngine(dialog.New(cat), st, bot.WithTTL(cfg.TTL))

	client, err := telegram.NewClient(cfg.TelegramToken, cfg.TelegramAPIURL, nil)
	if err != nil {
		return err
	}
	username, err := telegram.Username(ctx, client)
	if err != nil {
		return err
	}
	if err := telegram.SetCommands(ctx, client, cat); err != nil {
		return err
	}
	opts := []telegram.Option{telegram.WithLogger(log), telegram.WithUsername(username), telegram.WithAPI(cfg.apiURL(), nil)}

	dispatcher := bot.NewDispatcher(st, telegram.NewSender(client, opts...),
		bot.WithGlobalRate(cfg.GlobalRate, max(1, int(cfg.GlobalRate))),
		bot.WithPace(telegram.Pace),
		bot.WithDispatchLogger(log))
	opts = append(opts, telegram.WithNotify(dispatcher.Notify))
	dctx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	dispatched := make(chan error, 1)
	go func() { dispatched <- dispatcher.Run(dctx, cfg.ShutdownWait) }()
	defer func() {
		stopDispatch()
		<-dispatched
	}()

	if cfg.AdminAddr != "" {
		stopAdmin, err := listenAdmin(ctx, cfg.AdminAddr, adminHandler(engine, map[string]*bot.Dispatcher{"telegram": dispatcher}, st), log)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}

	log.Info("letdown serving telegram", "mode", cfg.TelegramMode, "bot", username)
	if cfg.TelegramMode == "polling" {
		err := telegram.NewPoller(engine, client, opts...).Run(ctx)
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}

	hook, err := telegram.NewWebhook(engine, client, cfg.WebhookSecret, opts...)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(cfg.webhookPath(), hook)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if err := telegram.SetWebhook(ctx, client, cfg.WebhookURL, cfg.WebhookSecret); err != nil {
		srv.Close()
		return err
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-served:
		return fmt.Errorf("webhook server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing updates in flight")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("webhook shutdown cut short", "err", err)
	}
	return nil
}

// listenAdmin serves h on addr until the returned stop is called.
func listenAdmin(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on ADMIN_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener failed", "err", err)
		}
	}()
	log.Info("admin endpoints listening", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}, nil
}

// apiURL is the Bot API base URL in use.
func (c serveConfig) apiURL() string { return or(c.TelegramAPIURL, telegram.DefaultAPIURL) }
