package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"math"
	"math/bits"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/letdownbot/letdown/adapters/redisstore"
	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// benchUsage heads `letdown bench --help`.
const benchUsage = `Usage: letdown bench [flags]

Measure what one letdown serve carries. The bench starts the real webhook
path in this process (serve, with the in-memory store or --redis), a fake
Telegram Bot API on loopback, and simulated mothers talking to the webhook
over HTTP as Telegram would: /start, the safety check, triage, the guidance
walk with button presses taken from the keyboards they received, some free
text and commands, and some updates delivered twice.

Each person sends her next message once she has all the replies to the
last one, and no sooner than the bot's per-chat pace (about one message a
second, three at once) lets its replies through: faster than any real
mother, but never so fast that the bot is made to wait for Telegram's
limits. So N people offer at most about N turns a second.

It stops by itself after --duration (or --turns), gives every person up
to 10 seconds more to get her last replies, and shuts serve down
gracefully. Traffic stays on loopback, apart from --redis.

The first --warmup of --duration is not measured: all the people arrive
in its first second, each working out what the bot should answer her,
while serve's connection pools fill. Its turns and ack latency are printed
apart; everything in it is still checked for errors and duplicates.

Figures: turns are webhook POSTs answered 200 after the warm-up, not
counting the deliberate repeats, over the seconds from the end of the
warm-up to the last 200; ack latency is from sending a POST to its 200;
the progress line also gives the ack p99 of its own second; replies are
sendMessage calls the fake accepted; a duplicate is a message a chat
received twice; errors are non-200 answers, transport errors, Bot API calls
the fake refused, replies that never came and replies nobody expected.
What a chat should receive is known exactly: each person runs the same
dialog beside the bot on her own messages (the dialog is a pure function).
With --redis, bytes per conversation is the growth of Redis's used_memory
over the conversations once their replies are sent (with fewer than 1000,
too few to rise above the noise, the MEMORY USAGE of their keys).

Load (Redis with --redis, the bot with --webhook and --serve-pid) is the
growth of counters over the seconds the turns are counted in, from the
end of the warm-up to the last 200 (not the clean-up after), divided by
the turns. The replies still owed to the last turns then are left out, as
those owed to the warm-up's last turns are taken in: in a steady run about
the same. The bench reads the counters at both ends with its own
connection and leaves its own reads out:
  redis_calls_per_turn   requests clients sent Redis: the growth of INFO
                         stats total_reads_processed, each read of a
                         client's socket. A command, a script (EVALSHA) or
                         a pipeline is one, whatever it runs inside Redis:
                         total_commands_processed and INFO commandstats
                         count every command a script runs too. On
                         loopback a request is one read; over a network one
                         larger than a packet may take two.
  redis_cpu_us_per_turn  the growth of INFO cpu used_cpu_sys + used_cpu_user
  redis_set_cpu_us       the same for one SET, in the same run: a burst of
                         20000 SETs of 64 bytes with a minute's expiry, from
                         8 connections after the window, divided by 20000;
                         its 1000 keys are deleted after
  redis_cpu_per_set      redis_cpu_us_per_turn / redis_set_cpu_us: a turn's
                         Redis cost in SETs, comparable across machines
  bot_cpu_us_per_turn    with --webhook and --serve-pid: the growth of the
                         serve process's utime + stime in /proc/PID/stat,
                         in clock ticks of USER_HZ (AT_CLKTCK, what getconf
                         CLK_TCK prints; 100 on every common Linux build),
                         so to within 10 ms over the window. The bench's
                         own CPU is not in it.
A figure not measured is 0. Every other client of that Redis counts too:
give the bench a Redis of its own. Redis 7 or later, for the INFO sections.

With --json, one JSON object on stdout and the rest on stderr.

With --webhook and --api-listen the bench drives a letdown serve already
running in another process instead of its own: it starts only the fake Bot
API, listening on --api-listen, and posts the people's updates to
--webhook. Start serve (the same build: each person expects this build's
content) pointed at that fake, then the bench:

  TELEGRAM_TOKEN=424242:bench-token-not-a-secret \
  TELEGRAM_API_URL=http://127.0.0.1:8081 \
  TELEGRAM_WEBHOOK_URL=https://bench.invalid/telegram \
  TELEGRAM_WEBHOOK_SECRET=bench-secret TELEGRAM_RATE=1000000 \
  CONVERSATION_TTL=1h LISTEN_ADDR=127.0.0.1:8080 ADMIN_ADDR=off \
  REDIS_URL=redis://127.0.0.1:6379/0 letdown serve &
  letdown bench --webhook http://127.0.0.1:8080/telegram \
    --api-listen 127.0.0.1:8081 --secret bench-secret --serve-pid $! \
    --redis redis://127.0.0.1:6379/0

The fake API takes $TELEGRAM_TOKEN if set, else the token above; --secret
defaults to $TELEGRAM_WEBHOOK_SECRET, --redis-prefix to $REDIS_PREFIX or
ld:, serve's default. serve's getMe retries until the fake API is up, and
the bench waits up to a minute for the webhook to answer (it checks the
secret then). TELEGRAM_RATE lifts the global limit that stands for
Telegram's own, as the bench does for its own serve; with CONVERSATION_TTL
what the bench leaves behind without --redis expires. --serve-pid is the
letdown process itself, not a go run in front of it. Nothing stops serve
afterwards; a reply it still sends to a chat of an earlier run is refused
as an error.

Use a Redis you can spare for --redis: the bench writes and then deletes its
own conversations under serve's key prefix, and its dispatcher would send
replies queued there by a live bot to the fake API.

`

// benchConfig is what `letdown bench` reads from its flags.
type benchConfig struct {
	People      int
	Duration    time.Duration
	Warmup      time.Duration
	Turns       int64
	Concurrency int
	Rate        float64
	Redeliver   float64
	RedisURL    string
	JSON        bool
	CPUProfile  string

	// A letdown serve in another process; Webhook empty: the bench's own.
	Webhook     string // where to post updates
	APIListen   string // where the fake Bot API listens
	Secret      string // serve's TELEGRAM_WEBHOOK_SECRET
	Token       string // serve's TELEGRAM_TOKEN
	RedisPrefix string // serve's REDIS_PREFIX, where its conversations are
	ServePID    int    // 0: its CPU is not measured
}

// benchFigures is the --json output. Keep the keys stable: scripts and
// the README's Capacity section read them.
type benchFigures struct {
	Turns       int64   `json:"turns"`
	Seconds     float64 `json:"seconds"`
	TurnsPerSec float64 `json:"turns_per_sec"`
	AckP50      float64 `json:"ack_p50_ms"`
	AckP99      float64 `json:"ack_p99_ms"`
	Replies     int64   `json:"replies_delivered"`
	Duplicates  int64   `json:"duplicates_sent"`
	Errors      int64   `json:"errors"`
	RedisBytes  int64   `json:"redis_bytes_per_conversation"`
	RedisCalls  float64 `json:"redis_calls_per_turn"`
	RedisCPU    float64 `json:"redis_cpu_us_per_turn"`
	RedisSetCPU float64 `json:"redis_set_cpu_us"`
	RedisPerSet float64 `json:"redis_cpu_per_set"`
	BotCPU      float64 `json:"bot_cpu_us_per_turn"`
}

func runBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c benchConfig
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.IntVar(&c.People, "people", 10000, "simulated people, each in her own chat")
	fs.DurationVar(&c.Duration, "duration", 15*time.Second, "how long new turns are started; the run ends a few seconds later")
	fs.DurationVar(&c.Warmup, "warmup", 3*time.Second, "the first part of --duration, not measured: people arrive, pools fill (its figures are printed apart)")
	fs.Int64Var(&c.Turns, "turns", 0, "stop after this many turns (0: no limit but --duration)")
	fs.IntVar(&c.Concurrency, "concurrency", 64, "webhook requests in flight at most (HTTP connections)")
	fs.Float64Var(&c.Rate, "rate", 0, "offer at most this many turns a second in all, e.g. half the capacity to see latency there (0: as fast as the people go)")
	fs.Float64Var(&c.Redeliver, "redeliver", 0.02, "share of turns whose update is delivered again after its 200, as Telegram does when an ack is lost")
	fs.StringVar(&c.RedisURL, "redis", "", "redis://host:port/db to run against (default: the in-memory store); with --webhook, serve's REDIS_URL, for the Redis figures")
	fs.BoolVar(&c.JSON, "json", false, "print the figures as one JSON object on stdout, everything else on stderr")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a CPU profile of the run (bot, fake API and people together; with --webhook without the bot) to `file`")
	fs.StringVar(&c.Webhook, "webhook", "", "drive the letdown serve whose webhook is at this http(s) `URL` instead of one in this process")
	fs.StringVar(&c.APIListen, "api-listen", "", "with --webhook: where the fake Bot API listens, e.g. 127.0.0.1:8081 (serve's TELEGRAM_API_URL)")
	fs.StringVar(&c.Secret, "secret", "", "with --webhook: serve's TELEGRAM_WEBHOOK_SECRET (default $TELEGRAM_WEBHOOK_SECRET)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", "", "with --webhook and --redis: serve's REDIS_PREFIX, where it keeps the conversations the bench deletes (default $REDIS_PREFIX, else ld:)")
	fs.IntVar(&c.ServePID, "serve-pid", 0, "with --webhook: the serve process, whose CPU time gives bot_cpu_us_per_turn (Linux)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchUsage)
		fs.PrintDefaults()
	}
	if done, err := parse(fs, args, stdout, stderr); done {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("bench takes no arguments, got %q", fs.Arg(0))
	case c.People < 1:
		return errors.New("bench: --people must be at least 1")
	case c.Duration <= 0:
		return errors.New("bench: --duration must be positive")
	case c.Warmup < 0 || c.Warmup >= c.Duration:
		return errors.New("bench: --warmup must be at least 0 and shorter than --duration")
	case c.Turns < 0:
		return errors.New("bench: --turns must not be negative")
	case c.Concurrency < 1:
		return errors.New("bench: --concurrency must be at least 1")
	case c.Rate < 0:
		return errors.New("bench: --rate must not be negative")
	case c.Redeliver < 0 || c.Redeliver > 1:
		return errors.New("bench: --redeliver must be between 0 and 1")
	}
	if err := c.external(getenv); err != nil {
		return err
	}
	human := stdout
	if c.JSON {
		human = stderr
	}
	res, err := runBenchWith(ctx, c, human, stderr)
	if err != nil {
		return err
	}
	res.print(human, c)
	if c.JSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(res.figures()); err != nil {
			return err
		}
	}
	if res.errors() > 0 || res.duplicates > 0 {
		return fmt.Errorf("bench: %d errors, %d duplicate replies", res.errors(), res.duplicates)
	}
	return nil
}

// external checks the flags of a run against a letdown serve in another
// process and fills in what serve's environment gives.
func (c *benchConfig) external(getenv func(string) string) error {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if c.Webhook == "" {
		switch {
		case c.APIListen != "", c.Secret != "", c.RedisPrefix != "":
			return errors.New("bench: --api-listen, --secret and --redis-prefix are for a serve in another process: give --webhook too")
		case c.ServePID != 0:
			return errors.New("bench: --serve-pid needs --webhook: in this process serve's CPU cannot be told from the bench's")
		}
		return nil
	}
	c.Secret = cmp.Or(c.Secret, getenv("TELEGRAM_WEBHOOK_SECRET"))
	c.Token = cmp.Or(getenv("TELEGRAM_TOKEN"), benchToken)
	c.RedisPrefix = cmp.Or(c.RedisPrefix, getenv("REDIS_PREFIX"), "ld:")
	u, err := url.Parse(c.Webhook)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("bench: --webhook %q is not an http(s) URL", c.Webhook)
	case c.APIListen == "":
		return errors.New("bench: --webhook needs --api-listen, the address serve's TELEGRAM_API_URL points at")
	case c.Secret == "":
		return errors.New("bench: --webhook needs serve's webhook secret: --secret or $TELEGRAM_WEBHOOK_SECRET")
	case !secretPattern.MatchString(c.Secret):
		return errors.New("bench: --secret must be 1-256 characters of A-Z a-z 0-9 _ -, as serve's is")
	case strings.ContainsAny(c.RedisPrefix, "{}"):
		return errors.New("bench: --redis-prefix must not contain { or }, as serve's must not")
	case c.ServePID < 0:
		return errors.New("bench: --serve-pid must be a process id")
	}
	return nil
}

// benchResult is everything a run measured.
type benchResult struct {
	people, talked int
	seconds        float64
	turns          int64
	redeliveries   int64
	ack, reply     *histogram
	warmTurns      int64
	warmAck        *histogram
	api            apiStats
	redisBytes     int64 // per conversation; 0 for memory
	redisMethod    string
	load           benchLoad

	duplicates int64
	// The kinds of error.
	rejected, transport, unexpected, missing, stalled int64
	serveWarnings                                     int64
}

// benchLoad is what Redis and the serve process did over the measured
// window, and what one SET costs Redis.
type benchLoad struct {
	redis    bool // measured: --redis, and the window had a start and an end
	bot      bool // measured: --serve-pid, likewise
	pid      int
	redisUse redisCounters
	botCPU   time.Duration
	setCPU   time.Duration // 0: not measured
}

func (r *benchResult) errors() int64 {
	return r.rejected + r.transport + r.api.Refused + r.unexpected + r.missing
}

func (r *benchResult) figures() benchFigures {
	f := benchFigures{
		Turns:      r.turns,
		Seconds:    round(r.seconds, 3),
		AckP50:     round(ms(r.ack.quantile(0.50)), 3),
		AckP99:     round(ms(r.ack.quantile(0.99)), 3),
		Replies:    r.api.Sent,
		Duplicates: r.duplicates,
		Errors:     r.errors(),
		RedisBytes: r.redisBytes,
	}
	if r.seconds > 0 {
		f.TurnsPerSec = round(float64(r.turns)/r.seconds, 1)
	}
	if r.turns > 0 {
		n := float64(r.turns)
		if l := r.load; l.redis {
			f.RedisCalls = round(float64(l.redisUse.requests)/n, 2)
			f.RedisCPU = round(us(l.redisUse.cpu)/n, 2)
			if l.setCPU > 0 {
				f.RedisPerSet = round(us(l.redisUse.cpu)/n/us(l.setCPU), 2)
			}
		}
		if r.load.bot {
			f.BotCPU = round(us(r.load.botCPU)/n, 1)
		}
	}
	f.RedisSetCPU = round(us(r.load.setCPU), 2)
	return f
}

func (r *benchResult) print(w io.Writer, c benchConfig) {
	f := r.figures()
	store := "the in-memory store"
	switch {
	case c.Webhook != "":
		store = "the letdown serve at " + c.Webhook
	case c.RedisURL != "":
		store = "Redis"
	}
	fmt.Fprintf(w, "letdown bench: %d people on %s, %d connections\n", r.people, store, c.Concurrency)
	fmt.Fprintf(w, "  turns       %d in %.2f s: %.0f turns/s (webhook POSTs answered 200; %d repeated deliveries not counted)\n",
		f.Turns, f.Seconds, f.TurnsPerSec, r.redeliveries)
	fmt.Fprintf(w, "  ack         p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms (POST to 200)\n",
		ms(r.ack.quantile(0.5)), ms(r.ack.quantile(0.9)), ms(r.ack.quantile(0.99)), ms(r.ack.max()))
	fmt.Fprintf(w, "  replies     %d delivered; p50 %.1f ms  p99 %.1f ms from POST to her last reply of the turn\n",
		f.Replies, ms(r.reply.quantile(0.5)), ms(r.reply.quantile(0.99)))
	if c.Warmup > 0 {
		fmt.Fprintf(w, "  warm-up     %d turns in the first %s, not counted above: ack p50 %.2f ms  p99 %.2f ms\n",
			r.warmTurns, c.Warmup, ms(r.warmAck.quantile(0.5)), ms(r.warmAck.quantile(0.99)))
	}
	fmt.Fprintf(w, "  buttons     %d presses answered, %d keyboards removed\n", r.api.Answered, r.api.Edited)
	fmt.Fprintf(w, "  duplicates  %d\n", f.Duplicates)
	fmt.Fprintf(w, "  errors      %d (webhook non-200 %d, transport %d, Bot API calls refused %d, unexpected replies %d, replies missing %d)\n",
		f.Errors, r.rejected, r.transport, r.api.Refused, r.unexpected, r.missing)
	if r.stalled > 0 {
		fmt.Fprintf(w, "  stalled     %d people stopped early: replies did not come within %s\n", r.stalled, replyTimeout)
	}
	if r.serveWarnings > 0 {
		fmt.Fprintf(w, "  serve       logged %d warnings (on stderr)\n", r.serveWarnings)
	}
	if c.RedisURL != "" {
		fmt.Fprintf(w, "  redis       %d bytes per conversation (%s, over %d conversations)\n", r.redisBytes, r.redisMethod, r.talked)
	}
	if l := r.load; l.redis && r.turns > 0 {
		n := float64(r.turns)
		fmt.Fprintf(w, "  redis load  %.2f requests a turn (%.2f of them scripts; %.1f commands run, scripts' own included); %.1f µs of Redis CPU a turn",
			f.RedisCalls, float64(l.redisUse.scripts)/n, float64(l.redisUse.commands)/n, f.RedisCPU)
		if l.setCPU > 0 {
			fmt.Fprintf(w, ", %.1f SETs' worth (a SET %.2f µs)", f.RedisPerSet, f.RedisSetCPU)
		}
		fmt.Fprintln(w)
	}
	if r.load.bot && r.turns > 0 {
		fmt.Fprintf(w, "  bot CPU     %.0f µs a turn (serve, pid %d: %.2f s over the window; the bench's own not in it)\n",
			f.BotCPU, r.load.pid, r.load.botCPU.Seconds())
	}
}

// benchToken is the bot token serve is given; only the fake API sees it.
const benchToken = "424242:bench-token-not-a-secret"

// replyTimeout is how long a person waits for the replies to one turn
// before she gives up: longer than the dispatcher's sweep picks up
// conversations whose notification was dropped.
const replyTimeout = 15 * time.Second

// drainLimit is how long after the last turn began the bench waits for
// the replies still owed.
const drainLimit = 10 * time.Second

// bench is one run: the people, their traffic and its counts.
type bench struct {
	cfg     benchConfig
	dialog  *dialog.Dialog
	people  []*benchPerson
	base    int64  // chat id of people[0]
	prefix  string // serve's Redis key prefix, where the conversations are
	own     string // the prefix of the bench's own keys
	hook    string
	secret  string
	client  *http.Client
	api     *benchAPI // takes the calls riding on the webhook's responses
	slots   chan struct{}
	limiter *rate.Limiter

	updateID  atomic.Int64
	taken     atomic.Int64  // turns begun, for --turns
	spent     chan struct{} // closed once --turns are all taken
	spentOnce sync.Once
	started   time.Time
	measured  time.Time    // the end of the warm-up
	lastAck   atomic.Int64 // UnixNano of the last 200

	turns, redeliveries, rejected, transport, stalled atomic.Int64
	ack, reply                                        histogram
	warmTurns                                         atomic.Int64
	warmAck                                           histogram
}

func runBenchWith(ctx context.Context, c benchConfig, human, logs io.Writer) (*benchResult, error) {
	cat, err := content.Default()
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	b := &bench{
		cfg:    c,
		dialog: dialog.New(cat),
		secret: cmp.Or(c.Secret, randomSecret()),
		slots:  make(chan struct{}, c.Concurrency),
		spent:  make(chan struct{}),
	}
	if c.Rate > 0 {
		b.limiter = rate.NewLimiter(rate.Limit(c.Rate), max(1, int(c.Rate/100)))
	}
	// Fresh chats every run: a shared Redis may hold an earlier run's.
	b.base = 7_000_000_000_000 + mrand.Int64N(1_000_000_000)*1_000
	b.people = make([]*benchPerson, c.People)
	for i := range b.people {
		b.people[i] = newBenchPerson(b.base+int64(i), uint64(i))
	}
	b.updateID.Store(1)
	// Its own key prefix: pointed at a live bot's Redis, the bench's
	// dispatcher must never see that bot's conversations. A serve in
	// another process keeps them under its own.
	b.own = fmt.Sprintf("ldbench%d:", b.base)
	b.prefix = cmp.Or(c.RedisPrefix, b.own)

	apiAddr, token := cmp.Or(c.APIListen, "127.0.0.1:0"), cmp.Or(c.Token, benchToken)
	api, err := startBenchAPI(apiAddr, token, func(chat int64, m apiMessage) bool {
		i := chat - b.base
		if i < 0 || i >= int64(len(b.people)) {
			return false
		}
		b.people[i].receive(m)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("bench: fake Bot API: %w", err)
	}
	defer api.Close()
	b.api = api

	var rdb redis.UniversalClient
	var usedBefore int64
	if c.RedisURL != "" {
		rs, err := redisstore.Open(ctx, c.RedisURL)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		rdb = rs.Client()
		if usedBefore, err = usedMemory(ctx, rdb); err != nil {
			return nil, err
		}
	}
	m := meter{rdb: rdb, pid: c.ServePID, hz: clockTicks()}
	// A figure that cannot be measured fails the run now, not at its end.
	if _, err := m.read(ctx); err != nil {
		return nil, err
	}

	b.client = &http.Client{Transport: &http.Transport{
		MaxIdleConns:        c.Concurrency,
		MaxIdleConnsPerHost: c.Concurrency,
		MaxConnsPerHost:     c.Concurrency,
		DisableCompression:  true,
	}}
	defer b.client.CloseIdleConnections()
	var warnings atomic.Int64
	stopServe := func() error { return nil }
	if c.Webhook == "" {
		log := slog.New(&cappedHandler{h: slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}), n: &warnings, max: 20})
		if stopServe, err = b.startServe(ctx, log); err != nil {
			return nil, err
		}
		defer stopServe()
	} else {
		b.hook = c.Webhook
		if err := b.awaitServe(ctx, human); err != nil {
			return nil, err
		}
	}

	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	// traffic ends when no new turn may begin; requests already sent
	// still finish under ctx.
	traffic, stopTraffic := context.WithTimeout(ctx, c.Duration)
	defer stopTraffic()
	progressDone := make(chan struct{})
	progressStopped := make(chan struct{})
	b.started = time.Now()
	b.measured = b.started.Add(c.Warmup)
	go func() {
		defer close(progressStopped)
		b.progress(human, api, progressDone)
	}()
	window := make(chan benchLoad, 1)
	go func() { window <- b.measureLoad(ctx, traffic, m, logs) }()
	// settle ends drainLimit after traffic: the replies still owed then
	// are counted missing.
	settle, stopSettle := context.WithCancel(ctx)
	defer stopSettle()
	go func() {
		<-traffic.Done()
		sleep(settle, drainLimit)
		stopSettle()
	}()
	var wg sync.WaitGroup
	for _, p := range b.people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.talk(ctx, traffic, settle, p)
		}()
	}
	wg.Wait()
	stopTraffic()
	// People who gave up waiting are still owed replies: give the bot
	// until settle ends to send them.
	for b.owed() > 0 && sleep(settle, 20*time.Millisecond) == nil {
	}
	load := <-window
	// A reply sent twice would follow the first within milliseconds: give
	// it the time to show before counting.
	time.Sleep(300 * time.Millisecond)
	close(progressDone)
	<-progressStopped

	if err := stopServe(); err != nil {
		return nil, fmt.Errorf("bench: serve: %w", err)
	}
	res := &benchResult{
		people:        c.People,
		turns:         b.turns.Load(),
		warmTurns:     b.warmTurns.Load(),
		warmAck:       &b.warmAck,
		redeliveries:  b.redeliveries.Load(),
		ack:           &b.ack,
		reply:         &b.reply,
		api:           api.Stats(),
		rejected:      b.rejected.Load(),
		transport:     b.transport.Load(),
		stalled:       b.stalled.Load(),
		serveWarnings: warnings.Load(),
		load:          load,
	}
	if last := b.lastAck.Load(); last > 0 {
		res.seconds = max(0, time.Unix(0, last).Sub(b.measured).Seconds())
	}
	for _, p := range b.people {
		p.mu.Lock()
		res.duplicates += int64(p.check.duplicates)
		res.unexpected += int64(p.check.unexpected)
		res.missing += int64(len(p.check.want))
		p.mu.Unlock()
		if p.turn > 0 {
			res.talked++
		}
	}
	if rdb != nil {
		// Every reply is sent (or counted missing) and its outbox gone:
		// what is left is each conversation's state, as a real deployment
		// keeps it.
		used, err := usedMemory(ctx, rdb)
		if err != nil {
			return nil, err
		}
		switch {
		case res.talked >= minForUsedMemory:
			res.redisBytes = max(0, (used-usedBefore)/int64(res.talked))
			res.redisMethod = "used_memory after the run less before"
		case res.talked > 0:
			// Too few to rise above what Redis's connections and
			// scripts move used_memory by: count their keys instead.
			if res.redisBytes, err = b.keyBytes(ctx, rdb); err != nil {
				return nil, err
			}
			res.redisMethod = "MEMORY USAGE of her keys"
		}
		// After the window and with this process's serve stopped, so
		// that little else moves Redis's CPU meanwhile.
		if res.load.setCPU, err = setCost(ctx, rdb, b.own); err != nil {
			fmt.Fprintf(logs, "letdown bench: the cost of a SET is not measured: %v\n", err)
		}
		if err := b.dropConversations(context.WithoutCancel(ctx), rdb); err != nil {
			fmt.Fprintf(logs, "letdown bench: removing the bench's conversations from Redis: %v (they expire within the hour)\n", err)
		}
	}
	return res, nil
}

// measureLoad reads the load counters over the window turns_per_sec is
// over: from the end of the warm-up to the last 200, once no new turn may
// begin (the time is up or --turns are spent) and the POSTs in flight are
// answered. The work still owed to the last turns then is left out, as
// the work owed to the warm-up's turns at its start is taken in: in a
// steady run, about the same. Nothing is measured when every turn is over
// within the warm-up.
func (b *bench) measureLoad(ctx, traffic context.Context, m meter, logs io.Writer) benchLoad {
	load := benchLoad{pid: m.pid}
	warm := time.NewTimer(time.Until(b.measured))
	defer warm.Stop()
	select {
	case <-warm.C:
	case <-traffic.Done():
		return load
	case <-b.spent:
		return load
	}
	opening, err := m.read(ctx)
	if err != nil {
		fmt.Fprintf(logs, "letdown bench: the load figures are not measured: %v\n", err)
		return load
	}
	select {
	case <-traffic.Done():
	case <-b.spent:
	}
	// Answers take milliseconds; a serve that hangs must not hold the
	// window open past the bench's own patience.
	for deadline := time.Now().Add(drainLimit); len(b.slots) > 0 && time.Now().Before(deadline); {
		if sleep(ctx, time.Millisecond) != nil {
			break
		}
	}
	closing, err := m.read(ctx)
	if err != nil {
		fmt.Fprintf(logs, "letdown bench: the load figures are not measured: %v\n", err)
		return load
	}
	load.redis, load.bot = m.rdb != nil, m.pid != 0
	load.redisUse = closing.redis.since(opening.redis)
	load.botCPU = m.botCPU(opening, closing)
	return load
}

// startServe runs serve in this process, on a loopback port and against
// the fake API, and points the bench at its webhook. stop shuts it down
// gracefully and returns its error; calling it again returns the same.
func (b *bench) startServe(ctx context.Context, log *slog.Logger) (stop func() error, err error) {
	cfg := serveConfig{
		TelegramToken:  benchToken,
		TelegramMode:   "webhook",
		WebhookURL:     "https://bench.invalid/telegram",
		WebhookSecret:  b.secret,
		TelegramAPIURL: b.api.URL,
		RedisURL:       b.cfg.RedisURL,
		RedisPrefix:    b.prefix,
		ListenAddr:     "127.0.0.1:0",
		// The global limit stands for Telegram's own: the bench measures
		// the bot, not a limit of 30 a second. Per-chat pacing stays.
		GlobalRate:   1e6,
		ShutdownWait: 5 * time.Second,
		// Anything left behind by a run that was killed expires soon.
		TTL:          time.Hour,
		LogRetention: dialog.DefaultRetention,
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ready := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- serve(sctx, cfg, log, ready) }()
	stop = sync.OnceValue(func() error {
		cancel()
		return <-served
	})
	select {
	case addr := <-ready:
		b.hook = "http://" + addr + cfg.webhookPath()
		return stop, nil
	case err := <-served:
		cancel()
		return nil, fmt.Errorf("bench: serve: %w", err)
	case <-ctx.Done():
		stop()
		return nil, ctx.Err()
	}
}

// serveWait is how long the bench waits for a serve in another process
// to answer: serve's own default STARTUP_TIMEOUT, for which its getMe
// retries while the fake API is not up yet.
const serveWait = time.Minute

// awaitServe waits until the letdown serve at --webhook answers, and
// checks it takes the bench's secret: an update with the right secret but
// no update_id is answered 400 and changes nothing, with a wrong one 401.
// Until serve listens its address refuses connections; if its calls to
// the fake API were refused, it has stopped.
func (b *bench) awaitServe(ctx context.Context, human io.Writer) error {
	deadline := time.Now().Add(serveWait)
	for told := false; ; {
		code, _, err := b.post(ctx, []byte("{}"), false)
		switch {
		case err == nil && code == http.StatusBadRequest:
			return nil
		case err == nil && code == http.StatusUnauthorized:
			return fmt.Errorf("bench: letdown serve at %s refused the secret: start it with TELEGRAM_WEBHOOK_SECRET set to --secret", b.hook)
		case err == nil:
			return fmt.Errorf("bench: %s answered %d, not a letdown webhook's 400 for an empty update: is it serve's TELEGRAM_WEBHOOK_URL path?", b.hook, code)
		case ctx.Err() != nil:
			return ctx.Err()
		case b.api.Stats().Refused > 0:
			return fmt.Errorf("bench: the fake Bot API refused serve's calls, so serve has stopped: give it TELEGRAM_TOKEN=%s, or the bench the same $TELEGRAM_TOKEN", benchToken)
		case time.Now().After(deadline):
			return fmt.Errorf("bench: letdown serve at %s did not answer within %s: %w", b.hook, serveWait, err)
		}
		if !told {
			fmt.Fprintf(human, "letdown bench: waiting for letdown serve at %s\n", b.hook)
			told = true
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// owed counts the replies people are still owed.
func (b *bench) owed() int {
	n := 0
	for _, p := range b.people {
		p.mu.Lock()
		n += len(p.check.want)
		p.mu.Unlock()
	}
	return n
}

// talk is one person's conversation until traffic ends; her last replies
// she awaits until settle ends.
func (b *bench) talk(ctx, traffic, settle context.Context, p *benchPerson) {
	// People arrive over the first second, not all at one instant.
	if sleep(traffic, time.Duration(p.rng.Int64N(int64(time.Second)))) != nil {
		return
	}
	for {
		upd := p.next(b.updateID.Add(1))
		ev := telegram.Convert(&upd)
		at := ev.At
		if at.IsZero() {
			at = time.Now()
		}
		next, replies, _ := b.dialog.Step(p.st, dialog.Input{Text: ev.Text, Button: ev.Button, Command: ev.Command, Args: ev.Args, NonText: ev.NonText}, at)
		want := expected(replies)
		if !b.pace(traffic, p, len(want)) || !b.claim() {
			return
		}
		body, err := json.Marshal(&upd)
		if err != nil {
			panic(err) // an Update always encodes
		}
		p.expect(want)
		start := time.Now()
		if !b.deliver(ctx, body) {
			// Not acknowledged: Telegram would keep trying, but she
			// stops here. The failed POSTs are counted already; what
			// her chat receives from now on is not checked.
			p.abandon()
			return
		}
		p.st = next
		p.turn++
		if b.cfg.Redeliver > 0 && p.rng.Float64() < b.cfg.Redeliver {
			b.redeliver(ctx, body)
		}
		if !p.await(settle, replyTimeout) {
			if settle.Err() == nil {
				b.stalled.Add(1)
			}
			return
		}
		if !start.Before(b.measured) {
			b.reply.record(time.Since(start))
		}
	}
}

// claim takes one turn of the --turns budget.
func (b *bench) claim() bool {
	if b.cfg.Turns == 0 || b.taken.Add(1) <= b.cfg.Turns {
		return true
	}
	b.spentOnce.Do(func() { close(b.spent) })
	return false
}

// pace waits until the person's chat can take k more replies at once
// without the bot's per-chat limit holding them back, and for the global
// --rate. False means traffic has ended.
func (b *bench) pace(traffic context.Context, p *benchPerson, k int) bool {
	if d := p.waitFor(k, time.Now()); d > 0 {
		if sleep(traffic, d) != nil {
			return false
		}
	}
	if b.limiter != nil && b.limiter.Wait(traffic) != nil {
		return false
	}
	return traffic.Err() == nil
}

// deliver posts an update until it is answered 200, as Telegram does, a
// few times at most.
func (b *bench) deliver(ctx context.Context, body []byte) bool {
	for attempt := range 3 {
		code, took, err := b.post(ctx, body, false)
		switch {
		case err != nil && ctx.Err() != nil:
			return false
		case err != nil:
			b.transport.Add(1)
		case code != http.StatusOK:
			b.rejected.Add(1)
		default:
			now := time.Now().UnixNano()
			if time.Unix(0, now).Add(-took).Before(b.measured) {
				b.warmTurns.Add(1)
				b.warmAck.record(took)
				return true
			}
			b.turns.Add(1)
			b.ack.record(took)
			for {
				last := b.lastAck.Load()
				if now <= last || b.lastAck.CompareAndSwap(last, now) {
					break
				}
			}
			return true
		}
		if sleep(ctx, time.Duration(attempt+1)*100*time.Millisecond) != nil {
			return false
		}
	}
	return false
}

// redeliver posts an update that was already answered 200 once more: it
// must be answered 200 again and change nothing (a press is answered
// again, but not counted again).
func (b *bench) redeliver(ctx context.Context, body []byte) {
	code, _, err := b.post(ctx, body, true)
	switch {
	case err != nil && ctx.Err() != nil:
	case err != nil:
		b.transport.Add(1)
	case code != http.StatusOK:
		b.rejected.Add(1)
	default:
		b.redeliveries.Add(1)
	}
}

// post sends one update to the webhook and returns its status and how
// long the answer took, not counting the wait for a free connection. As
// Telegram does, it makes the Bot API call a 200 carries, if any: serve
// answers button presses that way; repeat says the update was answered
// 200 before.
func (b *bench) post(ctx context.Context, body []byte, repeat bool) (int, time.Duration, error) {
	select {
	case b.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, 0, ctx.Err()
	}
	defer func() { <-b.slots }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.hook, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegram.SecretHeader, b.secret)
	start := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxParam))
	resp.Body.Close()
	took := time.Since(start)
	if err == nil && resp.StatusCode == http.StatusOK {
		b.api.answeredInResponse(resp.Header.Get("Content-Type"), reply, repeat)
	}
	return resp.StatusCode, took, err
}

// progress prints a line a second until done is closed.
func (b *bench) progress(w io.Writer, api *benchAPI, done <-chan struct{}) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastTurns int64
	lastAt, lastAck := b.started, b.ack.snapshot()
	for {
		select {
		case <-done:
			if tty {
				fmt.Fprint(w, "\r\x1b[K")
			}
			return
		case now := <-tick.C:
			turns, acks := b.turns.Load(), b.ack.snapshot()
			rate := float64(turns-lastTurns) / now.Sub(lastAt).Seconds()
			line := fmt.Sprintf("%4.0fs  %d turns  %.0f/s  ack p99 %.2f ms (this second %.2f ms)  replies %d  errors %d",
				now.Sub(b.started).Seconds(), turns, rate, ms(b.ack.quantile(0.99)), ms(acks.since(lastAck).quantile(0.99)),
				api.sent.Load(), b.rejected.Load()+b.transport.Load()+api.refused.Load())
			lastTurns, lastAt, lastAck = turns, now, acks
			if tty {
				fmt.Fprint(w, "\r\x1b[K"+line)
			} else {
				fmt.Fprintln(w, line)
			}
		}
	}
}

// minForUsedMemory is how many conversations it takes for the change in
// Redis's used_memory to say more about them than about the noise of
// connections and scripts (tens of kilobytes).
const minForUsedMemory = 1000

// convKeys are the keys redisstore keeps for conversation conv, under the
// bench's prefix.
func (b *bench) convKeys(chat int64) []string {
	return redisstore.ConvKeys(b.prefix, telegram.ConvKey(chat, chat))
}

// keyBytes is the average MEMORY USAGE of the keys of the conversations
// that took a turn.
func (b *bench) keyBytes(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	pipe := rdb.Pipeline()
	var cmds []*redis.IntCmd
	convs := 0
	for _, p := range b.people {
		if p.turn == 0 {
			continue
		}
		convs++
		for _, k := range b.convKeys(p.chat) {
			cmds = append(cmds, pipe.MemoryUsage(ctx, k, 0))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("bench: redis MEMORY USAGE: %w", err)
	}
	var sum int64
	for _, c := range cmds {
		sum += c.Val() // 0 for a key that does not exist
	}
	return sum / int64(max(convs, 1)), nil
}

// dropConversations deletes the bench's conversations from Redis.
func (b *bench) dropConversations(ctx context.Context, rdb redis.UniversalClient) error {
	const batch = 500
	for i := 0; i < len(b.people); i += batch {
		pipe := rdb.Pipeline()
		for _, p := range b.people[i:min(i+batch, len(b.people))] {
			if p.turn == 0 {
				continue
			}
			for _, k := range b.convKeys(p.chat) {
				pipe.Unlink(ctx, k)
			}
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// usedMemory is Redis's used_memory: the bytes its allocator holds.
func usedMemory(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("bench: redis INFO memory: %w", err)
	}
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("bench: redis INFO memory has no used_memory")
}

// expected is what Telegram receives for a turn's replies: each reply in
// the parts the Sender splits it into, the keyboard on the last part,
// without the buttons the Sender would drop.
func expected(replies []dialog.Reply) []apiMessage {
	var out []apiMessage
	for _, r := range replies {
		parts := telegram.Split(r.Text, telegram.MaxMessage)
		for i, part := range parts {
			m := apiMessage{Text: part}
			if i == len(parts)-1 {
				for _, btn := range r.Buttons {
					if btn.Data == "" || len(btn.Data) > telegram.MaxButtonData || strings.TrimSpace(btn.Label) == "" {
						continue
					}
					m.Buttons = append(m.Buttons, apiButton{Text: btn.Label, Data: btn.Data})
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// benchPerson is one simulated mother in her own private chat.
type benchPerson struct {
	chat int64
	rng  *mrand.Rand
	st   dialog.State // where the bot should have her, stepped beside it
	turn int

	mu      sync.Mutex
	check   replyCheck
	last    apiMessage // the newest message with buttons
	tokens  float64    // her view of the bot's per-chat send allowance
	tokAt   time.Time
	settled chan struct{} // a turn's replies are all in
}

func newBenchPerson(chat int64, seed uint64) *benchPerson {
	return &benchPerson{
		chat:    chat,
		rng:     mrand.New(mrand.NewPCG(seed, 0x1e7d0)),
		tokens:  telegram.PrivateBurst,
		tokAt:   time.Now(),
		settled: make(chan struct{}, 1),
	}
}

// receive takes a message the fake API accepted for her chat.
func (p *benchPerson) receive(m apiMessage) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(now)
	p.tokens--
	if !p.check.receive(m) {
		return
	}
	if len(m.Buttons) > 0 {
		p.last = m
	}
	if len(p.check.want) == 0 {
		select {
		case p.settled <- struct{}{}:
		default:
		}
	}
}

// refill brings her view of the bot's per-chat token bucket up to now.
// p.mu must be held.
func (p *benchPerson) refill(now time.Time) {
	p.tokens = min(telegram.PrivateBurst, p.tokens+now.Sub(p.tokAt).Seconds()/telegram.PrivateEvery.Seconds())
	p.tokAt = now
}

// waitFor returns how long to wait before a turn with k replies will find
// the bot's per-chat allowance full enough to send them at once. She sees
// a message after the bot spent its token, so her view is the later one.
func (p *benchPerson) waitFor(k int, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refill(now)
	short := float64(min(k, telegram.PrivateBurst)) - p.tokens
	if short <= 0 {
		return 0
	}
	return time.Duration(short*float64(telegram.PrivateEvery)) + 2*time.Millisecond
}

// abandon stops checking her chat.
func (p *benchPerson) abandon() {
	p.mu.Lock()
	p.check = replyCheck{closed: true}
	p.mu.Unlock()
}

func (p *benchPerson) expect(ms []apiMessage) {
	p.mu.Lock()
	p.check.expect(ms...)
	p.mu.Unlock()
}

// await waits until every reply she is owed has come.
func (p *benchPerson) await(ctx context.Context, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		n := len(p.check.want)
		p.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-p.settled:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// Things she types now and then.
var benchTexts = []string{
	"it's still only drops, what else can I try",
	"ok",
	"thank you 🙏",
	"how long should I keep going?",
}

// next is her next update: a message or a button press on the newest
// keyboard she has.
func (p *benchPerson) next(id int64) models.Update {
	p.mu.Lock()
	last := p.last
	p.mu.Unlock()
	if p.turn == 0 || len(last.Buttons) == 0 {
		return p.text(id, "/start")
	}
	switch r := p.rng.Float64(); {
	case r < 0.04:
		return p.text(id, benchTexts[p.rng.IntN(len(benchTexts))])
	case r < 0.06:
		// Typing a button's label instead of tapping it.
		return p.text(id, last.Buttons[p.rng.IntN(len(last.Buttons))].Text)
	case r < 0.07:
		return p.text(id, "/help")
	case r < 0.08:
		return p.text(id, "/why")
	}
	return p.press(id, last, p.choose(last.Buttons))
}

// choose picks a button as a mother on this screen would.
func (p *benchPerson) choose(buttons []apiButton) string {
	has := func(prefix string) []string {
		var out []string
		for _, b := range buttons {
			if strings.HasPrefix(b.Data, prefix) {
				out = append(out, b.Data)
			}
		}
		return out
	}
	pick := func(options []string) string { return options[p.rng.IntN(len(options))] }
	r := p.rng.Float64()
	if next := has("1:w:next:"); len(next) > 0 {
		// The walk: mostly on to the next idea.
		for _, c := range []struct {
			share  float64
			prefix string
		}{{0.10, "1:w:done:"}, {0.18, "1:w:more:"}, {0.24, "1:w:why:"}, {0.27, "1:stop"}} {
			if r < c.share {
				if d := has(c.prefix); len(d) > 0 {
					return d[0]
				}
			}
		}
		return next[0]
	}
	if clear := has("1:clear"); len(clear) > 0 {
		// The safety check: mostly none of these; now and then a sign
		// that is not an emergency.
		if r < 0.05 {
			var signs []string
			for _, d := range has("1:rf:") {
				if !strings.HasSuffix(d, ":self-harm") {
					signs = append(signs, d)
				}
			}
			if len(signs) > 0 {
				return pick(signs)
			}
		}
		return clear[0]
	}
	if answers := has("1:a:"); len(answers) > 0 {
		return pick(answers)
	}
	// Continue, start again, I'm safe: the first button.
	return buttons[0].Data
}

func (p *benchPerson) from() models.User {
	return models.User{ID: p.chat, FirstName: "Mum", LanguageCode: "en"}
}

func (p *benchPerson) text(id int64, text string) models.Update {
	from := p.from()
	return models.Update{ID: id, Message: &models.Message{
		ID:   p.turn + 1,
		Date: int(time.Now().Unix()),
		Chat: models.Chat{ID: p.chat, Type: models.ChatTypePrivate},
		From: &from,
		Text: text,
	}}
}

func (p *benchPerson) press(id int64, m apiMessage, data string) models.Update {
	return models.Update{ID: id, CallbackQuery: &models.CallbackQuery{
		ID:   strconv.FormatInt(p.chat, 10) + "-" + strconv.FormatInt(id, 10),
		From: p.from(),
		Message: models.MaybeInaccessibleMessage{
			Type: models.MaybeInaccessibleMessageTypeMessage,
			Message: &models.Message{
				ID:   m.ID,
				Date: int(time.Now().Unix()),
				Chat: models.Chat{ID: p.chat, Type: models.ChatTypePrivate},
				Text: m.Text,
			},
		},
		ChatInstance: strconv.FormatInt(p.chat, 10),
		Data:         data,
	}}
}

// replyCheck tells, for one chat, the messages the bot committed from
// those it did not: each person steps the dialog beside the bot, so she
// knows exactly which messages she is owed and in what order (want). A
// message that is the next one owed is fine. One that is not, but equals a
// message the chat received lately, is a duplicate: a reply sent twice, or
// a repeated command applied twice. Anything else is unexpected: a
// repeated button press applied twice, or a bot that went astray. What is
// still owed at the end went missing.
type replyCheck struct {
	want       []apiMessage
	recent     [16]uint64 // sums of the latest messages received
	n          int        // messages received
	duplicates int
	unexpected int
	closed     bool // no longer checked
}

var checkSeed = maphash.MakeSeed()

func (c *replyCheck) expect(ms ...apiMessage) { c.want = append(c.want, ms...) }

// receive checks one message and reports whether it was owed.
func (c *replyCheck) receive(m apiMessage) bool {
	if c.closed {
		return false
	}
	sum := m.sum()
	owed := len(c.want) > 0 && c.want[0].equal(m)
	switch {
	case owed:
		c.want = c.want[1:]
		if len(c.want) == 0 {
			c.want = nil // let the backing array go
		}
	case c.seen(sum):
		c.duplicates++
	default:
		c.unexpected++
	}
	c.recent[c.n%len(c.recent)] = sum
	c.n++
	return owed
}

func (c *replyCheck) seen(sum uint64) bool {
	for i := range min(c.n, len(c.recent)) {
		if c.recent[i] == sum {
			return true
		}
	}
	return false
}

func (m apiMessage) equal(o apiMessage) bool {
	if m.Text != o.Text || len(m.Buttons) != len(o.Buttons) {
		return false
	}
	for i := range m.Buttons {
		if m.Buttons[i] != o.Buttons[i] {
			return false
		}
	}
	return true
}

func (m apiMessage) sum() uint64 {
	var h maphash.Hash
	h.SetSeed(checkSeed)
	h.WriteString(m.Text)
	for _, b := range m.Buttons {
		h.WriteByte(0)
		h.WriteString(b.Text)
		h.WriteByte(0)
		h.WriteString(b.Data)
	}
	return h.Sum64()
}

// histogram counts durations in buckets at most 1/64 wide (exact below
// 128 µs), safe for concurrent use.
type histogram struct {
	counts [histBuckets]atomic.Int64
	n      atomic.Int64
	top    atomic.Int64 // the longest, in µs
}

const histBuckets = 128 + 40*64

func histBucket(us int64) int {
	if us < 128 {
		return int(max(us, 0))
	}
	shift := bits.Len64(uint64(us)) - 7
	return min(128+(shift-1)*64+int(us>>shift)-64, histBuckets-1)
}

// histLow is the smallest µs value in bucket i.
func histLow(i int) int64 {
	if i < 128 {
		return int64(i)
	}
	shift := (i-128)/64 + 1
	return int64((i-128)%64+64) << shift
}

func (h *histogram) record(d time.Duration) {
	us := d.Microseconds()
	h.counts[histBucket(us)].Add(1)
	h.n.Add(1)
	for {
		top := h.top.Load()
		if us <= top || h.top.CompareAndSwap(top, us) {
			return
		}
	}
}

// quantile returns the duration q of the records are at or below, to
// within a bucket (its middle).
func (h *histogram) quantile(q float64) time.Duration {
	c := h.snapshot()
	return min(c.quantile(q), h.max())
}

// histCounts is a copy of a histogram's buckets at one moment; the
// difference of two is what was recorded between them.
type histCounts [histBuckets]int64

func (h *histogram) snapshot() *histCounts {
	var c histCounts
	for i := range h.counts {
		c[i] = h.counts[i].Load()
	}
	return &c
}

// since returns what was recorded after earlier.
func (c *histCounts) since(earlier *histCounts) *histCounts {
	var d histCounts
	for i := range c {
		d[i] = c[i] - earlier[i]
	}
	return &d
}

// quantile returns the duration q of the records are at or below, to
// within a bucket (its middle); 0 when there are none.
func (c *histCounts) quantile(q float64) time.Duration {
	var n int64
	for _, k := range c {
		n += k
	}
	if n == 0 {
		return 0
	}
	rank := max(int64(math.Ceil(q*float64(n))), 1)
	var seen int64
	for i, k := range c {
		if seen += k; seen >= rank {
			low := histLow(i)
			return time.Duration(low+(histLow(i+1)-low)/2) * time.Microsecond
		}
	}
	panic("unreachable: the counts add up to n")
}

func (h *histogram) max() time.Duration { return time.Duration(h.top.Load()) * time.Microsecond }

// cappedHandler passes warnings and errors on, the first max of them, and
// counts them all: a run that goes wrong must not drown its own summary.
type cappedHandler struct {
	h   slog.Handler
	n   *atomic.Int64
	max int64
}

func (c *cappedHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (c *cappedHandler) Handle(ctx context.Context, r slog.Record) error {
	if c.n.Add(1) > c.max {
		return nil
	}
	return c.h.Handle(ctx, r)
}

func (c *cappedHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return &cappedHandler{h: c.h.WithAttrs(a), n: c.n, max: c.max}
}

func (c *cappedHandler) WithGroup(name string) slog.Handler {
	return &cappedHandler{h: c.h.WithGroup(name), n: c.n, max: c.max}
}

func randomSecret() string {
	return strings.ToLower(rand.Text()) // base32: A-Z and 2-7, as the secret may be
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
