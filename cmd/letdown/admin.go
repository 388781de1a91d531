package main

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/letdownbot/letdown/bot"
)

// pinger is a store that can tell whether it is reachable.
type pinger interface {
	Ping(ctx context.Context) error
}

// adminHandler serves the operator's endpoints: /healthz (the process is
// up), /readyz (the store answers) and /metrics (Prometheus). Metrics are
// counts only: no message text, no person.
func adminHandler(engine *bot.Engine, dispatchers map[string]*bot.Dispatcher, scheduler *bot.Scheduler, store any) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&statsCollector{engine: engine, dispatchers: dispatchers, scheduler: scheduler},
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if p, ok := store.(pinger); ok {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := p.Ping(ctx); err != nil {
				http.Error(w, "store unreachable", http.StatusServiceUnavailable)
				return
			}
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

var (
	descTurns      = prometheus.NewDesc("letdown_turns_total", "Turns committed (messages and button presses handled).", nil, nil)
	descDuplicates = prometheus.NewDesc("letdown_duplicate_updates_total", "Updates dropped because they had been handled before.", nil, nil)
	descConflicts  = prometheus.NewDesc("letdown_store_conflicts_total", "Commits that lost a compare-and-set race and were retried.", nil, nil)
	descFallbacks  = prometheus.NewDesc("letdown_fallbacks_total", "Messages the dialog did not understand.", nil, nil)
	descFallbackIn = prometheus.NewDesc("letdown_fallbacks_by_state_total", "Messages the dialog did not understand, by the dialog state they came in.", []string{"state"}, nil)
	descRedFlags   = prometheus.NewDesc("letdown_red_flag_referrals_total", "Red-flag referrals given (counts only).", nil, nil)
	descSteps      = prometheus.NewDesc("letdown_guidance_steps_total", "Guidance steps by step id and event: shown in a walk, helped (Done / it helped), flowing (My milk is flowing!), skipped (Next). Step ids come from the content, a bounded set.", []string{"step", "event"}, nil)
	descSent       = prometheus.NewDesc("letdown_replies_sent_total", "Replies delivered to the platform.", []string{"platform"}, nil)
	descSendErrors = prometheus.NewDesc("letdown_send_errors_total", "Failed sends by kind: retry_after, refused, undeliverable, transient.", []string{"platform", "kind"}, nil)
	descQueue      = prometheus.NewDesc("letdown_dispatch_queue", "Conversations waiting to be sent, or being sent.", []string{"platform"}, nil)
	descLag        = prometheus.NewDesc("letdown_reminder_lag_seconds", "From when a reminder was due to when its turn ran.", nil, nil)
	descReminders  = prometheus.NewDesc("letdown_reminders_total", "Reminder claims by outcome: handled, duplicate, error.", []string{"outcome"}, nil)
)

// statsCollector turns the engine's and dispatchers' counts into metrics
// when Prometheus scrapes, so the core needs no metrics library.
type statsCollector struct {
	engine      *bot.Engine
	dispatchers map[string]*bot.Dispatcher
	scheduler   *bot.Scheduler // nil: no reminders
}

func (c *statsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTurns, descDuplicates, descConflicts, descFallbacks, descFallbackIn, descRedFlags, descSteps, descSent, descSendErrors, descQueue, descLag, descReminders} {
		ch <- d
	}
}

func (c *statsCollector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	s := c.engine.Stats()
	counter(descTurns, s.Turns)
	counter(descDuplicates, s.Duplicates)
	counter(descConflicts, s.Conflicts)
	counter(descFallbacks, s.Fallbacks)
	for state, n := range s.FallbacksIn {
		counter(descFallbackIn, n, state)
	}
	counter(descRedFlags, s.RedFlags)
	for step, n := range s.Steps {
		counter(descSteps, n.Shown, step, "shown")
		counter(descSteps, n.Helped, step, "helped")
		counter(descSteps, n.Flowing, step, "flowing")
		counter(descSteps, n.Skipped, step, "skipped")
	}
	for platform, d := range c.dispatchers {
		ds := d.Stats()
		counter(descSent, ds.Sent, platform)
		counter(descSendErrors, ds.RetryAfter, platform, "retry_after")
		counter(descSendErrors, ds.Refused, platform, "refused")
		counter(descSendErrors, ds.Undeliverable, platform, "undeliverable")
		counter(descSendErrors, ds.Transient, platform, "transient")
		ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(ds.Queued), platform)
	}
	if c.scheduler != nil {
		ss := c.scheduler.Stats()
		counter(descReminders, ss.Handled, "handled")
		counter(descReminders, ss.Duplicates, "duplicate")
		counter(descReminders, ss.Errors, "error")
		buckets := make(map[float64]uint64, len(bot.LagBounds))
		var cumulative uint64
		for i, bound := range bot.LagBounds {
			cumulative += uint64(ss.LagBuckets[i])
			buckets[bound.Seconds()] = cumulative
		}
		ch <- prometheus.MustNewConstHistogram(descLag, uint64(ss.LagCount), ss.LagSum.Seconds(), buckets)
	}
}
