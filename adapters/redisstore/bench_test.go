package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/dialog"
	"github.com/redis/go-redis/v9"
)

// idleTTL is the Engine's default time to live of an idle conversation.
const idleTTL = 180 * 24 * time.Hour

// BenchmarkCommit measures one turn's commit (300-byte state, two replies,
// a watermark, the default TTL) from 1 and from 64 goroutines, each on a
// conversation of its own.
func BenchmarkCommit(b *testing.B) {
	state := bytes.Repeat([]byte("x"), 300)
	replies := []bot.Reply{
		{Text: "Does milk flow fairly steadily once it starts?", Buttons: []dialog.Button{{Label: "Yes", Data: "q:flow:yes"}, {Label: "No", Data: "q:flow:no"}}},
		{Text: "Take your time."},
	}
	for _, goroutines := range []int{1, 64} {
		b.Run(fmt.Sprintf("goroutines=%d", goroutines), func(b *testing.B) {
			be := redistest.New(b)
			s := New(be.Client, WithPrefix(be.Prefix))
			ctx := context.Background()
			var next atomic.Int64
			commit := func(conv bot.Conv, version int64) {
				if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: version, Watermark: version + 1, State: state, Replies: replies, TTL: idleTTL}); err != nil {
					b.Fatalf("Commit(%q) = %v", conv, err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			if goroutines == 1 {
				conv := bot.Conv("tg:1:1")
				for i := range b.N {
					commit(conv, int64(i))
				}
				return
			}
			b.SetParallelism((goroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.RunParallel(func(pb *testing.PB) {
				conv := bot.Conv("tg:" + strconv.FormatInt(next.Add(1), 10))
				var version int64
				for pb.Next() {
					commit(conv, version)
					version++
				}
			})
		})
	}
}

// BenchmarkBytesPerConversation reports the Redis memory one conversation
// takes after a typical triage: 100,000 conversations, each committed four
// times (a ~300-byte state, replies, a watermark, the default TTL) with
// every reply acknowledged and the conversation settled. "slack" adds a dedupe key to every commit, as
// Slack events carry. It needs a real Redis (INFO memory); run it alone
// (-run '^$'), on a server nothing else writes to.
func BenchmarkBytesPerConversation(b *testing.B) {
	const convs = 100_000
	state := []byte(`{"v":3,"name":"walk","data":{"expr":"pump","double":true,"flow":"no","amount":"no","time":"yes","tried":["warmth"],"step":"compress","seen":["relax","warmth","skin","massage"],"tz":"Europe/Berlin","remind":true,"night":true,"lang":"en","last":"2025-03-01T03:04:05Z","sessions":7,"started":"2025-02-27T21:00:00Z"}}`)
	for _, platform := range []string{"telegram", "slack"} {
		b.Run(platform, func(b *testing.B) {
			be := redistest.New(b)
			if be.Mini != nil {
				b.Skip("miniredis has no INFO memory")
			}
			s := New(be.Client, WithPrefix(be.Prefix))
			ctx := context.Background()
			for i := range b.N {
				before := usedMemory(b, be.Client)
				fill(b, s, platform, i, convs, state)
				after := usedMemory(b, be.Client)
				b.ReportMetric(float64(after-before)/convs, "B/conv")
				if i == 0 {
					base, _ := s.base(conv(platform, 0, 0))
					for _, k := range []string{convKey, outboxKey, dedupeKey} {
						n, err := be.Client.MemoryUsage(ctx, base+k).Result()
						if err == nil {
							b.Logf("MEMORY USAGE %s = %d", base+k, n)
						}
					}
				}
			}
		})
	}
}

func conv(platform string, round, i int) bot.Conv {
	if platform == "slack" {
		return bot.Conv(fmt.Sprintf("slack:T0%07d:U0%07d%d", i, i, round))
	}
	return bot.Conv(fmt.Sprintf("tg:%d:%d%d", 100_000_000+i, 100_000_000+i, round))
}

// fill writes n conversations from 64 goroutines.
func fill(b *testing.B, s *Store, platform string, round, n int, state []byte) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 64 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				c := conv(platform, round, i)
				var last int64
				for v := range int64(4) {
					cm := bot.Commit{Conv: c, Version: v, Watermark: 700_000_000 + v, State: state, TTL: idleTTL,
						Replies: []bot.Reply{{Text: "One step at a time.", Buttons: []dialog.Button{{Label: "Done", Data: "done"}, {Label: "Next", Data: "next"}}}}}
					if platform == "slack" {
						cm.Watermark = 0
						cm.DedupeKey = fmt.Sprintf("Ev0%09d%d", i, v)
					}
					out, err := s.Commit(ctx, cm)
					if err != nil {
						b.Errorf("Commit(%q) = %v", c, err)
						return
					}
					last = out[len(out)-1].Seq
				}
				if err := s.Ack(ctx, c, last); err != nil {
					b.Errorf("Ack(%q) = %v", c, err)
					return
				}
				// As the dispatcher does once the outbox is empty.
				if err := s.Settle(ctx, c); err != nil {
					b.Errorf("Settle(%q) = %v", c, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
}

func usedMemory(b *testing.B, c redis.UniversalClient) int64 {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := c.Info(ctx, "memory").Result()
	if err != nil {
		b.Fatalf("INFO memory: %v", err)
	}
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatalf("INFO memory: used_memory: %v", err)
			}
			return n
		}
	}
	b.Fatalf("INFO memory has no used_memory")
	return 0
}
