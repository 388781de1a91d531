package bot

import (
	"context"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

// TallyTTL is how long a day's counts are kept: the week a facilitator
// reads, and a day to spare for time zones and clocks.
const TallyTTL = 8 * 24 * time.Hour

// TallyDays is how many days the facilitator's figures cover.
const TallyDays = 7

// Tally keeps anonymous counts by scope (a Slack workspace, "slack:T1")
// and day, for a group's facilitator: how many conversations, which topics
// helped, referrals by level, handoffs. A count names a topic or a level,
// never a person. Days are UTC dates; each day's counts expire after
// TallyTTL.
type Tally interface {
	// Add adds counts to scope's counts for day, in one round trip.
	Add(ctx context.Context, scope string, day time.Time, counts Counts) error
	// Read returns the sum of scope's counts over days.
	Read(ctx context.Context, scope string, days []time.Time) (Counts, error)
}

// Counts are counts by name (see the Count… names).
type Counts map[string]int64

// Names of the counts a turn adds to (see CountsOf). Helped, referrals and
// waits carry a suffix: "helped:comfort", "referral:today", "wait:5".
const (
	CountConversations = "conversations" // a private conversation active on a day: one a person a day
	CountHelped        = "helped:"       // + the step's theme: a tip marked helpful, or that brought the milk
	CountReferral      = "referral:"     // + the red flag's level: a warning sign referred
	CountHandoffs      = "handoffs"      // a request for a person taken by a supporter
	CountWait          = "wait:"         // + the bucket's upper bound in minutes: how long that took
)

// WaitBuckets are the upper bounds, in minutes, of the buckets handoff
// waits are counted in: a median is told as "within N minutes", which is
// all a facilitator needs and keeps one hash field per bucket.
var WaitBuckets = []int{1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1440}

// DayOf is the UTC date of t, as a Tally keys days.
func DayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TallyWeek returns the TallyDays days up to and including now's, newest first.
func TallyWeek(now time.Time) []time.Time {
	day := DayOf(now)
	out := make([]time.Time, TallyDays)
	for i := range out {
		out[i] = day.AddDate(0, 0, -i)
	}
	return out
}

// CountsOf is what a committed turn adds to the tally; nil when nothing.
func CountsOf(o dialog.Outcome) Counts {
	var c Counts
	add := func(name string) {
		if c == nil {
			c = Counts{}
		}
		c[name]++
	}
	if o.NewDay {
		add(CountConversations)
	}
	if o.HelpedTheme != "" {
		add(CountHelped + o.HelpedTheme)
	}
	if o.RedFlagLevel != "" {
		add(CountReferral + o.RedFlagLevel)
	}
	if o.HandoffTaken {
		add(CountHandoffs)
		add(CountWait + strconv.Itoa(waitBucket(o.HandoffWait)))
	}
	return c
}

// waitBucket is the upper bound of the bucket a wait falls in; a wait
// beyond the last is counted in the last.
func waitBucket(d time.Duration) int {
	for _, b := range WaitBuckets {
		if d <= time.Duration(b)*time.Minute {
			return b
		}
	}
	return WaitBuckets[len(WaitBuckets)-1]
}

// Figures reads counts as the facilitator sees them.
func Figures(c Counts) dialog.Figures {
	f := dialog.Figures{Helped: map[string]int64{}, Referrals: map[string]int64{}}
	waits := map[int]int64{}
	for name, n := range c {
		switch {
		case name == CountConversations:
			f.Conversations = n
		case name == CountHandoffs:
			f.Handoffs = n
		case strings.HasPrefix(name, CountHelped):
			f.Helped[strings.TrimPrefix(name, CountHelped)] = n
		case strings.HasPrefix(name, CountReferral):
			f.Referrals[strings.TrimPrefix(name, CountReferral)] = n
		case strings.HasPrefix(name, CountWait):
			if b, err := strconv.Atoi(strings.TrimPrefix(name, CountWait)); err == nil {
				waits[b] += n
			}
		}
	}
	f.MedianWait = medianWait(waits)
	return f
}

// medianWait is the upper bound of the bucket holding the median wait.
func medianWait(waits map[int]int64) time.Duration {
	var total int64
	bounds := make([]int, 0, len(waits))
	for b, n := range waits {
		if n > 0 {
			total += n
			bounds = append(bounds, b)
		}
	}
	if total == 0 {
		return 0
	}
	sort.Ints(bounds)
	var seen int64
	for _, b := range bounds {
		seen += waits[b]
		if 2*seen >= total {
			return time.Duration(b) * time.Minute
		}
	}
	return time.Duration(bounds[len(bounds)-1]) * time.Minute
}

// WithTally has the Engine count what each committed turn did (CountsOf)
// in t, under the scope scope names for its conversation; "" counts
// nothing, so platforms nobody reads figures for cost no extra call. The
// count is best effort: a failure is logged to log (nil: slog.Default)
// and the turn still succeeds.
func WithTally(t Tally, scope func(Conv) string, log *slog.Logger) Option {
	if log == nil {
		log = slog.Default()
	}
	return func(e *Engine) { e.tally, e.scope, e.tallyLog = t, scope, log }
}

// count adds a committed turn's counts to the tally, if it has any, on
// the Engine's day: a platform's own timestamp may be skewed or replayed.
func (e *Engine) count(ctx context.Context, conv Conv, o dialog.Outcome) {
	if e.tally == nil || e.scope == nil {
		return
	}
	c := CountsOf(o)
	if len(c) == 0 {
		return
	}
	scope := e.scope(conv)
	if scope == "" {
		return
	}
	if err := e.tally.Add(ctx, scope, DayOf(e.now()), c); err != nil {
		e.tallyLog.Warn("bot: turn not counted", "conv", conv, "scope", scope, "err", err)
	}
}
