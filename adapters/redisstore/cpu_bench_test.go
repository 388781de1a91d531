package redisstore

import (
	"context"
	"fmt"
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

// BenchmarkRedisCPUPerTurn measures the Redis CPU (INFO cpu, user + sys)
// of one turn's store work as serve does it: a CommitClaim (a 120-byte
// state, two replies with buttons, recent update ids, the default TTL)
// that takes the send lease, then one Advance past both replies, on 1,000
// conversations from 16 goroutines. Beside it, a thousand turns and a
// thousand SETs (of the state) at a time, the Redis CPU of one SET from the
// same goroutines, so the two can be compared on any machine; and
// script-µs/turn, the part of a turn's Redis CPU spent running its scripts
// (INFO commandstats), the rest being reading requests and writing
// answers. ns/op counts the SETs too:
//
//	go test ./adapters/redisstore -run '^$' -bench RedisCPUPerTurn -benchtime 20000x
func BenchmarkRedisCPUPerTurn(b *testing.B) {
	be := redistest.New(b)
	if be.Mini != nil {
		b.Skip("miniredis has no INFO cpu")
	}
	s := New(be.Client, WithPrefix(be.Prefix))
	ctx := context.Background()
	state := []byte(`{"v":1,"s":"walk","d":{"m":"pump","db":true,"fs":"no","fa":"no","ft":"no","st":"comfort-setup","tr":["warm_compress"]}}`)
	replies := []bot.Reply{
		{Text: "Warm your breast shields before you pump. Cold plastic on your skin can make you tense, and that can hold the milk back.",
			Buttons: []dialog.Button{{Label: "Done / it helped", Data: "1:w:done:comfort-warm-shields"}, {Label: "Next idea", Data: "1:w:next:comfort-warm-shields"},
				{Label: "Tell me more", Data: "1:w:more:comfort-warm-shields"}, {Label: "Why?", Data: "1:w:why:comfort-warm-shields"}, {Label: "Stop", Data: "1:w:stop:comfort-warm-shields"}}},
		{Text: "Take your time."},
	}
	const convs, workers = 1000, 16
	versions := make([]atomic.Int64, convs)
	turn := func(i int) {
		conv := bot.Conv(fmt.Sprintf("tg:%d:%d", 800_000_000+i, 800_000_000+i))
		v := versions[i].Load()
		snap := bot.Snapshot{Version: v, Watermark: 700_000_000, Seen: []int64{700_000_000 + v*3 + 1}, LastSeq: int64(len(replies)) * v}
		w, seen := snap.Remember(700_000_000 + v*3 + 3)
		out, held, err := s.CommitClaim(ctx, bot.Commit{Conv: conv, Version: v, Watermark: w, Seen: seen, LastSeq: snap.LastSeq, State: state, Replies: replies, TTL: bot.DefaultTTL}, "d1", 10*time.Second)
		if err != nil || !held || out[0].Seq != snap.LastSeq+1 {
			b.Fatalf("CommitClaim(%s) = %v, held %v, first seq %d; want it held and numbered from %d", conv, err, held, out[0].Seq, snap.LastSeq)
		}
		if _, err := s.Advance(ctx, conv, out[len(out)-1].Seq, "d1", 10*time.Second); err != nil {
			b.Fatal(err)
		}
		versions[i].Add(1)
	}
	run := func(n int, op func(i int)) {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := next.Add(1) - 1; j < int64(n); j = next.Add(1) - 1 {
					op((int(j)*workers + w) % convs)
				}
			}()
		}
		wg.Wait()
	}
	// Warm: every conversation exists, every connection is open.
	run(2*convs, turn)
	// Turns and SETs take turns, a thousand at a time, so that both see
	// the same machine: on a busy one, Redis's CPU per command drifts.
	key := be.Prefix + "cpu-set"
	set := func(i int) {
		if err := be.Client.Set(ctx, key+strconv.Itoa(i), state, time.Minute).Err(); err != nil {
			b.Fatal(err)
		}
	}
	// One worker per conversation at a time: each owns convs/workers.
	var mu [convs]sync.Mutex
	var turnCPU, setCPU, scriptCPU int64
	b.ResetTimer()
	for done := 0; done < b.N; done += convs {
		n := min(convs, b.N-done)
		be.Client.ConfigResetStat(ctx)
		before := redisCPU(b, be.Client)
		run(n, func(i int) { mu[i].Lock(); turn(i); mu[i].Unlock() })
		after := redisCPU(b, be.Client)
		turnCPU += after - before
		stats, err := be.Client.Info(ctx, "commandstats").Result()
		if err != nil {
			b.Fatalf("INFO commandstats: %v", err)
		}
		if done == 0 {
			b.Log(stats)
		}
		scriptCPU += scriptMicros(b, stats)
		before = redisCPU(b, be.Client)
		run(n, set)
		setCPU += redisCPU(b, be.Client) - before
	}
	b.StopTimer()
	perTurn := float64(turnCPU) / float64(b.N)
	perSet := float64(setCPU) / float64(b.N)
	scripts := float64(scriptCPU) / float64(b.N)
	for i := range convs {
		be.Client.Del(ctx, key+strconv.Itoa(i))
	}
	b.ReportMetric(perTurn, "redis-µs/turn")
	b.ReportMetric(perSet, "redis-µs/SET")
	b.ReportMetric(perTurn/perSet, "SETs/turn")
	b.ReportMetric(scripts, "script-µs/turn")
}

// scriptMicros reads, from INFO commandstats, how long Redis spent running
// scripts (EVALSHA, with the commands they call) since the last reset, in
// µs: the part of a turn's Redis CPU that the scripts' own code decides,
// without reading requests and writing answers.
func scriptMicros(b *testing.B, stats string) int64 {
	b.Helper()
	for line := range strings.SplitSeq(stats, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "cmdstat_evalsha:")
		if !ok {
			continue
		}
		for field := range strings.SplitSeq(rest, ",") {
			if v, ok := strings.CutPrefix(field, "usec="); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					b.Fatalf("INFO commandstats: %q: %v", line, err)
				}
				return n
			}
		}
	}
	b.Fatalf("INFO commandstats has no EVALSHA")
	return 0
}

// redisCPU reads Redis's own CPU time so far, user and system, in µs.
func redisCPU(b *testing.B, c redis.UniversalClient) int64 {
	b.Helper()
	info, err := c.Info(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatalf("INFO cpu: %v", err)
	}
	var total float64
	for line := range strings.SplitSeq(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (k == "used_cpu_sys" || k == "used_cpu_user") {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatalf("INFO cpu: %s: %v", k, err)
			}
			total += f
		}
	}
	return int64(total * 1e6)
}
