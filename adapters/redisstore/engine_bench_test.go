package redisstore

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

func benchEngine(b *testing.B) (*bot.Engine, *Store) {
	b.Helper()
	be := redistest.New(b)
	cat, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	s := New(be.Client, WithPrefix(be.Prefix))
	return bot.NewEngine(dialog.New(cat), s), s
}

// BenchmarkHandle measures Engine.Handle turns on a real Redis: simulated
// mothers going through triage and the walk, each turn one load and one
// commit. In "+ack" the replies are also acknowledged, as the dispatcher
// does after sending: one more round trip, on the same Redis. Run with
//
//	go test -run '^$' -bench Handle -benchtime 20000x -count 5 ./adapters/redisstore/
func BenchmarkHandle(b *testing.B) {
	for _, goroutines := range []int{1, 64} {
		for _, ack := range []bool{false, true} {
			name := fmt.Sprintf("goroutines=%d", goroutines)
			if ack {
				name += "+ack"
			}
			b.Run(name, func(b *testing.B) { benchHandle(b, goroutines, ack) })
		}
	}
}

func benchHandle(b *testing.B, goroutines int, ack bool) {
	e, s := benchEngine(b)
	ctx := context.Background()
	var next atomic.Int64
	// RunParallel starts parallelism × GOMAXPROCS goroutines.
	procs := runtime.GOMAXPROCS(0)
	if goroutines < procs {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(goroutines))
	}
	b.SetParallelism(max(1, goroutines/procs))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Each goroutine plays 16 mothers in turn.
		var people []*bottest.Person
		for range 16 {
			people = append(people, &bottest.Person{Conv: bot.Conv("bench:" + strconv.FormatInt(next.Add(1), 10))})
		}
		for i := 0; pb.Next(); i++ {
			p := people[i%len(people)]
			res, err := e.Handle(ctx, p.Next())
			if err != nil {
				b.Error(err)
				return
			}
			p.Saw(res.Replies)
			if n := len(res.Replies); ack && n > 0 {
				if err := s.Ack(ctx, p.Conv, res.Replies[n-1].Seq); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
}

// BenchmarkBytesAfterTriage measures Redis memory per conversation after a
// typical triage through the real Engine: /start, the safety check and the
// six triage answers, replies acknowledged and the ready index settled. Run
// once with
//
//	go test -run '^$' -bench BytesAfterTriage -benchtime 1x ./adapters/redisstore/
func BenchmarkBytesAfterTriage(b *testing.B) {
	const people = 100_000
	e, s := benchEngine(b)
	ctx := context.Background()
	before := usedMemory(b, s.Client())
	b.ResetTimer()
	for range b.N {
		for i := range people {
			p := &bottest.Person{Conv: bot.Conv(fmt.Sprintf("tg:%d:%d", 500000000+i, 500000000+i))}
			for range 8 {
				res, err := e.Handle(ctx, p.Next())
				if err != nil {
					b.Fatal(err)
				}
				p.Saw(res.Replies)
				if n := len(res.Replies); n > 0 {
					if err := s.Ack(ctx, p.Conv, res.Replies[n-1].Seq); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := s.Settle(ctx, p.Conv); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	after := usedMemory(b, s.Client())
	b.ReportMetric(float64(after-before)/people, "B/conv")
}
