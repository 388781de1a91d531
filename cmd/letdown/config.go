package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// serveConfig is everything `letdown serve` reads from its environment and
// flags. Flags win over the environment.
type serveConfig struct {
	TelegramToken  string
	TelegramMode   string // "webhook" or "polling"
	WebhookURL     string
	WebhookSecret  string
	TelegramAPIURL string
	SlackBotToken  string
	SlackAppToken  string // Socket Mode
	SlackSecret    string // HTTP mode
	SlackAPIURL    string
	RedisURL       string
	RedisPrefix    string // key prefix in Redis; empty: the store's default
	ListenAddr     string
	AdminAddr      string        // health and metrics; empty: none
	HTTP           httpLimits    // both listeners; zero fields take the defaults
	StartupTimeout time.Duration // how long start-up retries getMe / auth.test; zero: the default
	GlobalRate     float64
	ShutdownWait   time.Duration
	TTL            time.Duration
	LogRetention   time.Duration // how long logged sessions are kept
	Support        supportConfig // who takes requests for a person (handoff.go)
}

// Defaults of the settings a serveConfig built in code may leave zero.
const (
	defaultReadTimeout    = 10 * time.Second
	defaultWriteTimeout   = 30 * time.Second
	defaultIdleTimeout    = 60 * time.Second
	defaultMaxConns       = 1000
	defaultStartupTimeout = time.Minute
)

// withDefaults fills the zero limits of a serveConfig built in code (tests,
// the bench) as parseServe would.
func (c serveConfig) withDefaults() serveConfig {
	set := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	set(&c.HTTP.ReadTimeout, defaultReadTimeout)
	set(&c.HTTP.WriteTimeout, defaultWriteTimeout)
	set(&c.HTTP.IdleTimeout, defaultIdleTimeout)
	set(&c.StartupTimeout, defaultStartupTimeout)
	if c.HTTP.MaxConns == 0 {
		c.HTTP.MaxConns = defaultMaxConns
	}
	return c
}

// setting is one knob: its environment variable, its flag, and its help.
type setting struct {
	env, flag, help string
	into            *string
}

func (c *serveConfig) settings(raw map[string]*string) []setting {
	s := func(env, flagName, help string) setting {
		v := new(string)
		raw[env] = v
		return setting{env: env, flag: flagName, help: help, into: v}
	}
	return append([]setting{
		s("TELEGRAM_TOKEN", "telegram-token", "the bot token from @BotFather"),
		s("TELEGRAM_MODE", "telegram-mode", "webhook or polling (default: webhook when TELEGRAM_WEBHOOK_URL is set, else polling)"),
		s("TELEGRAM_WEBHOOK_URL", "telegram-webhook-url", "public https URL Telegram posts updates to, e.g. https://bot.example.org/telegram"),
		s("TELEGRAM_WEBHOOK_SECRET", "telegram-webhook-secret", "secret token Telegram sends with every update (1-256 of A-Z a-z 0-9 _ -)"),
		s("TELEGRAM_API_URL", "telegram-api-url", "a self-hosted Bot API server (default: the public one)"),
		s("SLACK_BOT_TOKEN", "slack-bot-token", "the Slack app's bot token (xoxb-…); turns Slack on"),
		s("SLACK_APP_TOKEN", "slack-app-token", "an app-level token (xapp-…): Slack over Socket Mode, no public URL needed"),
		s("SLACK_SIGNING_SECRET", "slack-signing-secret", "the app's signing secret: Slack over HTTP at LISTEN_ADDR /slack/events, /slack/interactivity, /slack/commands"),
		s("SLACK_API_URL", "slack-api-url", "another Slack Web API base URL (Enterprise Grid proxies, tests)"),
		s("REDIS_URL", "redis", "redis://host:port/db; without it state is kept in memory and lost on restart"),
		s("REDIS_PREFIX", "redis-prefix", "prefix of every Redis key (default ld:), so several bots can share one Redis"),
		s("LISTEN_ADDR", "listen", "where the webhook listens (default :8080)"),
		s("ADMIN_ADDR", "admin", "where /healthz, /readyz and /metrics listen (default :9090; \"off\" for none)"),
		s("HTTP_READ_TIMEOUT", "http-read-timeout", "how long a request's headers and body may take to arrive, on both listeners; a body still trickling in is cut off (default 10s)"),
		s("HTTP_WRITE_TIMEOUT", "http-write-timeout", "how long handling a request and writing its answer may take; the turn is cancelled after it (default 30s)"),
		s("HTTP_IDLE_TIMEOUT", "http-idle-timeout", "how long a keep-alive connection may wait for its next request (default 60s)"),
		s("HTTP_MAX_CONNS", "http-max-conns", fmt.Sprintf("most connections open at once on LISTEN_ADDR (ADMIN_ADDR takes %d); at the cap a new connection closes the longest-idle one (default 1000; keep it well under ulimit -n)", adminMaxConns)),
		s("STARTUP_TIMEOUT", "startup-timeout", "how long start-up keeps retrying Telegram's getMe or Slack's auth.test while the platform cannot be reached; a refused token is not retried (default 1m)"),
		s("TELEGRAM_RATE", "telegram-rate", "messages per second to Telegram in all (default 30)"),
		s("SHUTDOWN_TIMEOUT", "shutdown-timeout", "how long a graceful shutdown may take (default 10s)"),
		s("CONVERSATION_TTL", "conversation-ttl", "how long an idle conversation is kept (default 4320h = 180 days)"),
		s("LOG_RETENTION", "log-retention", "how long logged sessions are kept (default 720h = 30 days)"),
	}, supportSettings(s)...)
}

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]{8,}$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// parseServe reads the configuration from getenv, then args. Every problem
// is one line naming the variable.
func parseServe(args []string, getenv func(string) string, fs *flag.FlagSet) (serveConfig, error) {
	var c serveConfig
	raw := map[string]*string{}
	for _, s := range c.settings(raw) {
		*s.into = getenv(s.env)
		fs.StringVar(s.into, s.flag, *s.into, s.help+" [$"+s.env+"]")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, errUsage // the flag package has printed the problem
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("serve takes no arguments, got %q", fs.Arg(0))
	}
	get := func(env string) string { return *raw[env] }
	c.TelegramToken = get("TELEGRAM_TOKEN")
	c.WebhookURL = get("TELEGRAM_WEBHOOK_URL")
	c.WebhookSecret = get("TELEGRAM_WEBHOOK_SECRET")
	c.TelegramAPIURL = get("TELEGRAM_API_URL")
	c.SlackBotToken = get("SLACK_BOT_TOKEN")
	c.SlackAppToken = get("SLACK_APP_TOKEN")
	c.SlackSecret = get("SLACK_SIGNING_SECRET")
	c.SlackAPIURL = get("SLACK_API_URL")
	c.RedisURL = get("REDIS_URL")
	c.RedisPrefix = get("REDIS_PREFIX")
	if strings.ContainsAny(c.RedisPrefix, "{}") {
		return c, errors.New("REDIS_PREFIX must not contain { or }: they would move the hash tag")
	}
	c.ListenAddr = or(get("LISTEN_ADDR"), ":8080")
	if c.AdminAddr = or(get("ADMIN_ADDR"), ":9090"); c.AdminAddr == "off" {
		c.AdminAddr = ""
	}
	c.TelegramMode = get("TELEGRAM_MODE")
	if c.TelegramMode == "" {
		c.TelegramMode = "polling"
		if c.WebhookURL != "" {
			c.TelegramMode = "webhook"
		}
	}
	var err error
	if c.GlobalRate, err = strconv.ParseFloat(or(get("TELEGRAM_RATE"), "30"), 64); err != nil || c.GlobalRate <= 0 {
		return c, fmt.Errorf("TELEGRAM_RATE %q is not a positive number", get("TELEGRAM_RATE"))
	}
	if c.ShutdownWait, err = time.ParseDuration(or(get("SHUTDOWN_TIMEOUT"), "10s")); err != nil || c.ShutdownWait <= 0 {
		return c, fmt.Errorf("SHUTDOWN_TIMEOUT %q is not a duration such as 10s", get("SHUTDOWN_TIMEOUT"))
	}
	if c.TTL, err = time.ParseDuration(or(get("CONVERSATION_TTL"), "4320h")); err != nil || c.TTL < 0 {
		return c, fmt.Errorf("CONVERSATION_TTL %q is not a duration such as 4320h", get("CONVERSATION_TTL"))
	}
	if c.LogRetention, err = time.ParseDuration(or(get("LOG_RETENTION"), "720h")); err != nil || c.LogRetention <= 0 {
		return c, fmt.Errorf("LOG_RETENTION %q is not a duration such as 720h", get("LOG_RETENTION"))
	}
	for _, d := range []struct {
		env  string
		into *time.Duration
		def  time.Duration
	}{
		{"HTTP_READ_TIMEOUT", &c.HTTP.ReadTimeout, defaultReadTimeout},
		{"HTTP_WRITE_TIMEOUT", &c.HTTP.WriteTimeout, defaultWriteTimeout},
		{"HTTP_IDLE_TIMEOUT", &c.HTTP.IdleTimeout, defaultIdleTimeout},
		{"STARTUP_TIMEOUT", &c.StartupTimeout, defaultStartupTimeout},
	} {
		if *d.into, err = time.ParseDuration(or(get(d.env), d.def.String())); err != nil || *d.into <= 0 {
			return c, fmt.Errorf("%s %q is not a positive duration such as %v", d.env, get(d.env), d.def)
		}
	}
	if c.HTTP.MaxConns, err = strconv.Atoi(or(get("HTTP_MAX_CONNS"), strconv.Itoa(defaultMaxConns))); err != nil || c.HTTP.MaxConns <= 0 {
		return c, fmt.Errorf("HTTP_MAX_CONNS %q is not a positive whole number", get("HTTP_MAX_CONNS"))
	}
	if c.Support, err = parseSupport(get); err != nil {
		return c, err
	}
	return c, c.check()
}

func (c serveConfig) check() error {
	if err := c.checkSlack(); err != nil {
		return err
	}
	if c.TelegramToken == "" && c.SlackBotToken == "" {
		return errors.New("TELEGRAM_TOKEN is missing: create a bot with @BotFather and set its token (or set SLACK_BOT_TOKEN to run on Slack)")
	}
	if c.TelegramToken == "" {
		return nil
	}
	switch {
	case !tokenPattern.MatchString(c.TelegramToken):
		return errors.New("TELEGRAM_TOKEN is malformed: it looks like 123456789:AA… as @BotFather gave it")
	case c.TelegramMode != "webhook" && c.TelegramMode != "polling":
		return fmt.Errorf("TELEGRAM_MODE %q is not webhook or polling", c.TelegramMode)
	}
	if c.TelegramAPIURL != "" {
		if u, err := url.Parse(c.TelegramAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("TELEGRAM_API_URL %q is not an http(s) URL", c.TelegramAPIURL)
		}
	}
	if c.TelegramMode == "polling" {
		return nil
	}
	u, err := url.Parse(c.WebhookURL)
	switch {
	case c.WebhookURL == "":
		return errors.New("TELEGRAM_WEBHOOK_URL is missing: webhook mode needs the public https URL Telegram should post to")
	case err != nil || u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("TELEGRAM_WEBHOOK_URL %q is not an https URL", c.WebhookURL)
	case c.WebhookSecret == "":
		return errors.New("TELEGRAM_WEBHOOK_SECRET is missing: webhook mode needs a secret so only Telegram can post updates")
	case !secretPattern.MatchString(c.WebhookSecret):
		return errors.New("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
	}
	return nil
}

func (c serveConfig) checkSlack() error {
	if c.SlackBotToken == "" {
		if c.SlackAppToken != "" || c.SlackSecret != "" {
			return errors.New("SLACK_BOT_TOKEN is missing: Slack needs the app's bot token (xoxb-…) too")
		}
		return nil
	}
	switch {
	case !strings.HasPrefix(c.SlackBotToken, "xoxb-"):
		return errors.New("SLACK_BOT_TOKEN is malformed: it starts with xoxb-")
	case c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-"):
		return errors.New("SLACK_APP_TOKEN is malformed: it starts with xapp-")
	case c.SlackAppToken == "" && c.SlackSecret == "":
		return errors.New("Slack needs SLACK_APP_TOKEN (Socket Mode, no public URL) or SLACK_SIGNING_SECRET (HTTP mode)")
	}
	if c.SlackAPIURL != "" {
		if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("SLACK_API_URL %q is not an http(s) URL", c.SlackAPIURL)
		}
	}
	return nil
}

// webhookPath is where the webhook handler listens: the path of the public
// URL, so a reverse proxy can pass it through unchanged.
func (c serveConfig) webhookPath() string {
	u, err := url.Parse(c.WebhookURL)
	if err != nil || u.Path == "" {
		return "/telegram"
	}
	return u.Path
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
