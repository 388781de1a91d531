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
	"github.com/letdownbot/letdown/adapters/slack"
	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// store is what serve needs from a store: turns, the outbox, the
// reminder index, and where the Senders' marked messages went.
type store interface {
	bot.Store
	bot.Outbox
	bot.Reminders
	bot.Marks
}

// serveUsage heads `letdown serve --help`.
const serveUsage = `Usage: letdown serve [flags]

Run the bot on Telegram (TELEGRAM_TOKEN), Slack (SLACK_BOT_TOKEN), or both.
Every flag can also be set by the environment variable shown in brackets;
flags win. Telegram's webhook mode and Slack's HTTP mode listen on
LISTEN_ADDR; Telegram polling and Slack Socket Mode need no public URL.
Without REDIS_URL, conversations live in memory and are lost on restart.
Both listeners bound every request in time (HTTP_*_TIMEOUT) and cap their
connections (HTTP_MAX_CONNS). Start-up retries the platform's identity
call for STARTUP_TIMEOUT while the network is not there yet.

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
	restore := helpOnce(fs)
	cfg, err := parseServe(args, getenv, fs)
	restore(err)
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
// HTTP listener stops taking requests and finishes those in flight, the
// poller and Socket Mode finish the update in hand, and the dispatcher
// keeps sending what was committed for at most cfg.ShutdownWait. ready, if
// not nil, receives the HTTP listener's address once it accepts requests
// (or "" when nothing listens).
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, ready chan<- string) error {
	cfg = cfg.withDefaults()
	cats, err := content.All()
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	// Every language's command menu, English first: Telegram shows each
	// person the one of her language_code, and English to the rest.
	var menus []*content.Catalog
	for _, lang := range content.Languages(content.Embedded()) {
		menus = append(menus, cats[lang])
	}
	var (
		st    store
		tally bot.Tally // a workspace's counts for /letdown stats
	)
	if cfg.RedisURL == "" {
		log.Warn("no REDIS_URL: conversations are kept in memory and lost on restart")
		st, tally = memstore.New(), memstore.NewTally()
	} else {
		var opts []redisstore.Option
		if cfg.RedisPrefix != "" {
			opts = append(opts, redisstore.WithPrefix(cfg.RedisPrefix))
		}
		rs, err := redisstore.Open(ctx, cfg.RedisURL, opts...)
		if err != nil {
			return err
		}
		defer rs.Close()
		st, tally = rs, rs
	}
	// One dispatcher for every platform: the store's ready index holds
	// them all, and the router sends each conversation where it belongs.
	router, paces := bot.Router{}, bot.Paces{}
	dispatcher := bot.NewDispatcher(st, router,
		bot.WithGlobalRate(cfg.GlobalRate, max(1, int(cfg.GlobalRate))),
		bot.WithPace(paces.Pace),
		// Sending is mostly waiting on the platform, but each worker that
		// wakes at once also competes with the webhooks for the CPU:
		// with 64, letdown bench at half load saw an ack p99 of 32-39 ms,
		// with 16 of 14-20 ms, at much the same capacity. 16 sends at
		// 100 ms each still far outrun Telegram's 30 messages a second.
		bot.WithWorkers(16),
		bot.WithDispatchLogger(log))
	// A turn's commit takes the send lease for the dispatcher, which then
	// sends its replies without a Claim: two round trips a turn.
	engine := bot.NewEngine(dialog.NewLangs(cats, content.DefaultLang).WithRetention(cfg.LogRetention).WithHandoffWait(cfg.Support.Wait), st,
		append([]bot.Option{bot.WithTTL(cfg.TTL), bot.WithClaims(dispatcher),
			// Only Slack workspaces have a facilitator to read counts
			// (/letdown stats): Telegram turns cost no extra round trip.
			bot.WithTally(tally, slack.TallyScope, log)}, cfg.Support.engineOptions()...)...)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	listen := false
	var (
		loops       []func(context.Context) error // pollers and Socket Mode
		afterListen []func() error                // setWebhook, once the listener is up
		drains      []func()                      // wait for best-effort calls after turns
	)

	if cfg.TelegramToken != "" {
		client, err := telegram.NewClient(cfg.TelegramToken, cfg.TelegramAPIURL, apiHTTPClient())
		if err != nil {
			return err
		}
		var username string
		if err := retryStartup(ctx, cfg.StartupTimeout, log, startupCall{
			name: "telegram getMe",
			do: func(ctx context.Context) (err error) {
				username, err = telegram.Username(ctx, client)
				return err
			},
			refused: telegramRefused,
			hint:    "check TELEGRAM_TOKEN",
		}); err != nil {
			return err
		}
		if err := telegram.SetCommands(ctx, client, cfg.Support.telegramMenus(menus)...); err != nil {
			return err
		}
		opts := []telegram.Option{telegram.WithLogger(log), telegram.WithUsername(username),
			telegram.WithAPI(cfg.apiURL(), apiHTTPClient()), telegram.WithNotify(dispatcher.Notify), telegram.WithMarks(st)}
		router["tg"], paces["tg"] = telegram.NewSender(client, opts...), telegram.Pace
		if cfg.TelegramMode == "polling" {
			poller := telegram.NewPoller(engine, client, opts...)
			loops = append(loops, poller.Run)
		} else {
			hook, err := telegram.NewWebhook(engine, client, cfg.WebhookSecret, opts...)
			if err != nil {
				return err
			}
			mux.Handle(cfg.webhookPath(), hook)
			listen = true
			drains = append(drains, hook.Wait)
			afterListen = append(afterListen, func() error {
				return telegram.SetWebhook(ctx, client, cfg.WebhookURL, cfg.WebhookSecret)
			})
		}
		log.Info("telegram on", "mode", cfg.TelegramMode, "bot", username)
	}

	if cfg.SlackBotToken != "" {
		var apiOpts []slackapi.Option
		if cfg.SlackAppToken != "" {
			apiOpts = append(apiOpts, slackapi.OptionAppLevelToken(cfg.SlackAppToken))
		}
		api := slack.NewClient(cfg.SlackBotToken, cfg.SlackAPIURL, apiOpts...)
		var botUser string
		if err := retryStartup(ctx, cfg.StartupTimeout, log, startupCall{
			name: "slack auth.test",
			do: func(ctx context.Context) (err error) {
				botUser, err = slack.BotUserID(ctx, api)
				return err
			},
			refused: slackRefused,
			hint:    "check SLACK_BOT_TOKEN",
		}); err != nil {
			return err
		}
		opts := []slack.Option{slack.WithLogger(log), slack.WithBotUserID(botUser), slack.WithNotify(dispatcher.Notify), slack.WithTally(tally), slack.WithMarks(st)}
		router["slack"], paces["slack"] = slack.NewSender(api, opts...), slack.Pace
		if cfg.SlackAppToken != "" {
			sm := slack.NewSocketMode(engine, api, socketmode.New(api), opts...)
			loops = append(loops, sm.Run)
			log.Info("slack on", "mode", "socket")
		} else {
			h, err := slack.NewHandler(engine, api, cfg.SlackSecret, opts...)
			if err != nil {
				return err
			}
			mux.Handle("/slack/", h)
			listen = true
			drains = append(drains, h.Wait)
			log.Info("slack on", "mode", "http")
		}
	}

	// Reminders come due as turns of their own; their replies queue behind
	// replies to people who just wrote.
	scheduler := bot.NewScheduler(engine, st,
		bot.WithNotify(dispatcher.NotifyLater),
		bot.WithSchedulerLogger(log))
	loops = append(loops, scheduler.Run)

	if cfg.AdminAddr != "" {
		lim := cfg.HTTP
		lim.MaxConns = adminMaxConns
		stopAdmin, err := listenAdmin(ctx, cfg.AdminAddr, adminHandler(engine, map[string]*bot.Dispatcher{"all": dispatcher}, scheduler, st), lim, log)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}

	dctx, stopDispatch := context.WithCancel(context.WithoutCancel(ctx))
	dispatched := make(chan error, 1)
	go func() { dispatched <- dispatcher.Run(dctx, cfg.ShutdownWait) }()
	defer func() {
		stopDispatch()
		<-dispatched
	}()

	failed := make(chan error, len(loops)+1)
	var srv *http.Server
	addr := ""
	if listen {
		var ln net.Listener
		srv, ln, err = listenHTTP(cfg.ListenAddr, mux, cfg.HTTP, log, "LISTEN_ADDR")
		if err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
		}
		go func() {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				failed <- fmt.Errorf("http server: %w", err)
			}
		}()
		for _, f := range afterListen {
			if err := f(); err != nil {
				srv.Close()
				return err
			}
		}
		addr = ln.Addr().String()
	}
	lctx, stopLoops := context.WithCancel(ctx)
	defer stopLoops()
	loopsDone := make(chan struct{}, len(loops))
	for _, loop := range loops {
		go func() {
			defer func() { loopsDone <- struct{}{} }()
			if err := loop(lctx); err != nil && !errors.Is(err, context.Canceled) {
				failed <- err
			}
		}()
	}
	if ready != nil {
		ready <- addr
	}

	var result error
	select {
	case result = <-failed:
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing updates in flight")
	stopLoops()
	for range loops {
		<-loopsDone
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownWait)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("http shutdown cut short", "err", err)
		}
	}
	for _, wait := range drains {
		wait()
	}
	return result
}

// listenAdmin serves h on addr within lim until the returned stop is called.
func listenAdmin(ctx context.Context, addr string, h http.Handler, lim httpLimits, log *slog.Logger) (stop func(), err error) {
	srv, ln, err := listenHTTP(addr, h, lim, log, "ADMIN_ADDR")
	if err != nil {
		return nil, fmt.Errorf("listen on ADMIN_ADDR %s: %w", addr, err)
	}
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

// apiHTTPClient talks to a platform's API: one process makes many calls to
// one host, so it keeps many connections open instead of dialing for most
// calls (the default keeps two).
func apiHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 70 * time.Second}
}

// apiURL is the Bot API base URL in use.
func (c serveConfig) apiURL() string { return or(c.TelegramAPIURL, telegram.DefaultAPIURL) }
