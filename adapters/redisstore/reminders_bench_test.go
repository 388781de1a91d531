package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// fillN runs f(0…n-1) on 16 goroutines.
func fillN(b *testing.B, n int, f func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := f(i); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
}

// BenchmarkClaimDue measures the reminder index alone on a real Redis:
// reminders claimed and marked done per second, claimed in batches of 100
// and done by 8 goroutines, as one Scheduler does. Run with
//
//	go test -run '^$' -bench ClaimDue -benchtime 100000x ./adapters/redisstore/
func BenchmarkClaimDue(b *testing.B) {
	be := redistest.New(b)
	s := New(be.Client, WithPrefix(be.Prefix))
	ctx := context.Background()
	due := time.Now().Add(-time.Hour)
	fillN(b, b.N, func(i int) error {
		return s.remind(ctx, bot.Conv("tg:"+strconv.Itoa(i)), due.Add(time.Duration(i)*time.Millisecond))
	})
	b.ResetTimer()
	claimed := 0
	for claimed < b.N {
		ds, err := s.ClaimDue(ctx, time.Now(), "bench", time.Minute, 100)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) == 0 {
			b.Fatalf("claimed %d of %d, then nothing", claimed, b.N)
		}
		claimed += len(ds)
		work := make(chan bot.Due)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range work {
					if err := s.Done(ctx, d); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, d := range ds {
			work <- d
		}
		close(work)
		wg.Wait()
	}
	b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "reminders/s")
}

// BenchmarkReminderLag is issue 6's benchmark: 100,000 people whose
// reminders all fall due within the same minute, on a real Redis, each
// turned into a reminder turn (the real Engine and dialog: load, step,
// commit with the next reminder, Done) by Scheduler replicas, each with
// its own connection. Lag is from a reminder's due time to when its turn
// was handed to the dispatcher (the notify func), in milliseconds. One
// run takes over a minute plus the set-up, so run it once:
//
//	go test -run '^$' -bench ReminderLag -benchtime 1x -timeout 30m ./adapters/redisstore/
func BenchmarkReminderLag(b *testing.B) {
	for _, replicas := range []int{1, 3} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) { benchReminderLag(b, replicas, 100_000) })
	}
}

func benchReminderLag(b *testing.B, replicas, people int) {
	be := redistest.New(b)
	cat, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	d := dialog.New(cat)
	ctx := context.Background()
	setup := New(be.Client, WithPrefix(be.Prefix))
	// The minute they fall due in is set up ahead, on a clock that is then
	// moved to meet it: set-up takes longer than a minute.
	start := time.Now().Truncate(time.Second).Add(time.Hour)
	dueOf := func(i int) time.Time { return start.Add(time.Duration(i%60) * time.Second) }
	conv := func(i int) bot.Conv { return bot.Conv("tg:lag:" + strconv.Itoa(i)) }
	fillN(b, people, func(i int) error {
		at := dueOf(i)
		_, err := setup.Commit(ctx, bot.Commit{Conv: conv(i), State: bottest.PlanState(b, 8, at), Remind: &at, TTL: time.Hour})
		return err
	})
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }

	var mu sync.Mutex
	lags := make([]time.Duration, 0, people)
	byConv := make(map[bot.Conv]int, people)
	for i := range people {
		byConv[conv(i)] = i
	}
	notify := func(c bot.Conv) {
		lag := now().Sub(dueOf(byConv[c]))
		mu.Lock()
		lags = append(lags, lag)
		mu.Unlock()
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	scheds := make([]*bot.Scheduler, replicas)
	for r := range scheds {
		s, err := Open(ctx, be.URL, WithPrefix(be.Prefix))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		scheds[r] = bot.NewScheduler(bot.NewEngine(d, s, bot.WithClock(now)), s,
			bot.WithSchedulerClock(now), bot.WithNotify(notify))
	}
	b.ResetTimer()
	offset.Store(int64(time.Until(start)))
	for _, s := range scheds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Run(runCtx)
		}()
	}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		mu.Lock()
		n := len(lags)
		mu.Unlock()
		if n >= people {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d reminders handled after 10 minutes", n, people)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	wg.Wait()
	b.StopTimer()
	slices.Sort(lags)
	pct := func(p float64) float64 {
		return float64(lags[min(len(lags)-1, int(p*float64(len(lags))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lags[len(lags)-1])/float64(time.Millisecond), "max-ms")
}
