package main

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestBenchMeterCountsRequests: redis_calls_per_turn counts what clients
// send Redis, not what its scripts run inside it. A script that runs three
// SETs is one request, a pipeline of three GETs another, a GET the third;
// total_commands_processed (and INFO commandstats) would count 8. The
// server is the test's own: another client would move its counters.
func TestBenchMeterCountsRequests(t *testing.T) {
	r := startRedis(t, false)
	opts, err := redis.ParseURL(r.url())
	if err != nil {
		t.Fatal(err)
	}
	// One connection for commands, one for pipelines (go-redis keeps
	// them apart), both made before the window, as the bench's are: a new
	// one sends requests of its own (HELLO).
	opts.PoolSize, opts.PipelinePoolSize = 1, 1
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error { return p.Ping(ctx).Err() }); err != nil {
		t.Fatal(err)
	}
	m := meter{rdb: rdb}
	before, err := m.read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k := r.prefix + "k"
	sets := `redis.call("SET", KEYS[1] .. 1, "a"); redis.call("SET", KEYS[1] .. 2, "b"); redis.call("SET", KEYS[1] .. 3, "c"); return 1`
	if err := rdb.Eval(ctx, sets, []string{k}).Err(); err != nil {
		t.Fatal(err)
	}
	pipe := rdb.Pipeline()
	for i := 1; i <= 3; i++ {
		pipe.Get(ctx, k+strconv.Itoa(i))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Get(ctx, k+"1").Err(); err != nil {
		t.Fatal(err)
	}
	after, err := m.read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := after.redis.since(before.redis)
	if got.requests != 3 || got.scripts != 1 || got.commands != 8 {
		t.Errorf("since() = %d requests, %d scripts, %d commands; want 3, 1, 8", got.requests, got.scripts, got.commands)
	}
	if got.cpu <= 0 {
		t.Errorf("since() = %v of CPU, want more than 0", got.cpu)
	}

	// Eight connections at once, as the bench's client has.
	many := redis.NewClient(&redis.Options{Addr: opts.Addr})
	defer many.Close()
	cost, err := setCost(ctx, many, r.prefix)
	if err != nil {
		t.Fatal(err)
	}
	if cost <= 0 {
		t.Errorf("setCost() = %v, want more than 0", cost)
	}
	if n, err := rdb.Keys(ctx, r.prefix+"set:*").Result(); err != nil || len(n) > 0 {
		t.Errorf("after setCost, %d of its keys are left (%v)", len(n), err)
	}
}

func TestBenchParseInfo(t *testing.T) {
	info := strings.ReplaceAll(`# Stats
total_connections_received:46
total_commands_processed:80323
instantaneous_ops_per_sec:0
total_reads_processed:43841
total_writes_processed:43795

# CPU
used_cpu_sys:0.659272
used_cpu_user:0.614529
used_cpu_sys_children:1.000000
used_cpu_user_children:1.000000

# Commandstats
cmdstat_info:calls=22,usec=1764,usec_per_call=80.18,rejected_calls=0,failed_calls=0
cmdstat_set:calls=43207,usec=60695,usec_per_call=1.40,rejected_calls=0,failed_calls=0
cmdstat_evalsha:calls=3639,usec=207501,usec_per_call=57.02,rejected_calls=0,failed_calls=4
cmdstat_eval:calls=4,usec=300,usec_per_call=75.00,rejected_calls=0,failed_calls=0
`, "\n", "\r\n")
	got, err := parseInfo(info)
	want := redisCounters{requests: 43841, commands: 80323, scripts: 3643, cpu: 1273801 * time.Microsecond}
	if err != nil || got != want {
		t.Errorf("parseInfo() = %+v, %v; want %+v", got, err, want)
	}
	// miniredis, say, has no such counters: no figure rather than 0.
	if _, err := parseInfo("# Server\r\nredis_version:7.2.4\r\n"); err == nil {
		t.Errorf("parseInfo(without the counters) = nil error")
	}
}

func TestBenchParseStat(t *testing.T) {
	tests := []struct {
		name, line string
		want       int64
	}{
		{"plain", "4242 (letdown) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 9 0 6060 1300000000 5000 18446744073709551615", 187},
		// The command name may hold spaces and parentheses.
		{"an odd name", "77 (a (b) c) R 1 77 77 0 -1 0 0 0 0 0 3 4 5 6 20 0 1 0 1 1 1 1", 7},
	}
	for _, tt := range tests {
		got, err := parseStat([]byte(tt.line))
		if err != nil || got != tt.want {
			t.Errorf("parseStat(%s) = %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1 letdown S", "1 (letdown) S 1 2 3"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) = nil error", bad)
		}
	}
	if ticks, err := procTicks(os.Getpid()); err != nil || ticks < 0 {
		t.Errorf("procTicks(self) = %d, %v", ticks, err)
	}
}

// TestBenchClockTicks: the auxiliary vector says what getconf CLK_TCK says.
func TestBenchClockTicks(t *testing.T) {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		t.Skipf("getconf CLK_TCK: %v", err)
	}
	want, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if got := clockTicks(); got != want {
		t.Errorf("clockTicks() = %d, want %d as getconf CLK_TCK", got, want)
	}
}
