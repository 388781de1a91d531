package redisstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

// BenchmarkBytesPerMother reports the Redis memory one mother costs, from
// the growth of used_memory over 2,000 of them, their replies sent:
//   - triage: a Telegram conversation taken through the Engine from /start
//     to the first tip, typed, each update with its own id;
//   - month: the same, with 30 days of 10 sessions a day logged.
//
// Run it alone against a Redis nothing else writes to:
//
//	go test ./adapters/redisstore -run '^$' -bench BytesPerMother -benchtime 1x
func BenchmarkBytesPerMother(b *testing.B) {
	cat, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	const mothers = 2000
	triage := []bot.Incoming{{Command: "start"}, {Text: "none of these"}, {Text: "pump"}, {Text: "both at once"},
		{Text: "no"}, {Text: "no"}, {Text: "no"}, {Text: "neither"}}
	var month []dialog.Session
	start := time.Date(2025, 2, 1, 6, 0, 0, 0, time.UTC).Unix() / 60
	for day := range 30 {
		for k := range 10 {
			month = append(month, dialog.Session{start + int64(day*1440+k*144), 20, 3, 40, 35})
		}
	}
	for _, tc := range []struct {
		name string
		log  []dialog.Session
	}{{"triage", nil}, {"month", month}} {
		b.Run(tc.name, func(b *testing.B) {
			be := redistest.New(b)
			if be.Mini != nil {
				b.Skip("miniredis has no INFO memory")
			}
			s := New(be.Client, WithPrefix(be.Prefix))
			now := time.Date(2025, 3, 2, 6, 0, 0, 0, time.UTC)
			e := bot.NewEngine(dialog.New(cat).WithRetention(45*24*time.Hour), s, bot.WithClock(func() time.Time { return now }))
			ctx := context.Background()
			// The connections the 32 workers use, and their buffers, are
			// not the mothers' memory: open them before measuring.
			var warm sync.WaitGroup
			for range 32 {
				warm.Add(1)
				go func() {
					defer warm.Done()
					mother(b, ctx, e, s, "tg:1:1", 1, triage[:1], nil)
				}()
			}
			warm.Wait()
			for round := range b.N {
				before := usedMemory(b, be.Client)
				var wg sync.WaitGroup
				work := make(chan int)
				for range 32 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range work {
							mother(b, ctx, e, s, bot.Conv(fmt.Sprintf("tg:%d:%d", 500_000_000+i, round)), 700_000_000+int64(i)*1000, triage, tc.log)
						}
					}()
				}
				for i := range mothers {
					work <- i
				}
				close(work)
				wg.Wait()
				after := usedMemory(b, be.Client)
				b.ReportMetric(float64(after-before)/mothers, "B/mother")
				if round == 0 {
					// What one mother's keys hold, as Redis counts them.
					base, _ := s.base(bot.Conv(fmt.Sprintf("tg:%d:%d", 500_000_000, round)))
					keys, _ := be.Client.Keys(ctx, globEscaper.Replace(base)+"*").Result()
					for _, k := range keys {
						n, _ := be.Client.MemoryUsage(ctx, k, 0).Result()
						b.Logf("%s: MEMORY USAGE %d", k, n)
					}
				}
			}
		})
	}
}

// mother takes one conversation through turns (update ids from id on,
// spaced as other chats' updates would space them), logs log into it, and
// sends and acknowledges every reply.
func mother(b *testing.B, ctx context.Context, e *bot.Engine, s *Store, conv bot.Conv, id int64, turns []bot.Incoming, log []dialog.Session) {
	for k, in := range turns {
		in.Conv, in.UpdateID = conv, id+int64(k)*137
		if _, err := e.Handle(ctx, in); err != nil {
			b.Fatalf("Handle(%+v) = %v", in, err)
		}
	}
	if log != nil {
		snap, err := s.Load(ctx, conv)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: snap.Version, Watermark: snap.Watermark, Seen: snap.Seen,
			State: snap.State, Log: dialog.EncodeLog(log), LogTTL: 45 * 24 * time.Hour, TTL: bot.DefaultTTL}); err != nil {
			b.Fatal(err)
		}
	}
	for {
		l, err := s.Claim(ctx, conv, "bench", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if l.Next == nil {
			return
		}
		if _, err := s.Advance(ctx, conv, l.Queue[len(l.Queue)-1].Seq, "bench", time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
