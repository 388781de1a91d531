package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// What the bench measures beside its own figures, over the measured
// window: Redis's requests and CPU time, and the CPU time of a letdown
// serve running in another process. Each is the growth of a counter the
// bench reads at the window's start and end, with its own connection.

// meter reads the counters the window's figures grow from.
type meter struct {
	rdb redis.UniversalClient // nil: no Redis figures
	pid int                   // the serve process; 0: no bot CPU
	hz  int64                 // clock ticks a second in /proc/PID/stat
}

// reading is the counters at one moment.
type reading struct {
	redis    redisCounters
	botTicks int64 // utime + stime of the serve process
}

// redisCounters are counters of INFO, summed over the masters.
type redisCounters struct {
	// requests is total_reads_processed: one a request a client sent,
	// whatever it runs inside Redis. total_commands_processed (commands)
	// and INFO commandstats count each command a script runs as well.
	requests int64
	commands int64
	scripts  int64         // calls of EVAL, EVALSHA, FCALL and their _RO forms
	cpu      time.Duration // used_cpu_sys + used_cpu_user
	infos    int64         // the INFO requests that read these: one a master
}

// since is what grew from earlier to c, less the bench's own INFO
// requests: Redis counts a request's read before it runs and its command
// after, so the growth of reads holds the later INFOs and the growth of
// commands the earlier ones.
func (c redisCounters) since(earlier redisCounters) redisCounters {
	return redisCounters{
		requests: c.requests - earlier.requests - c.infos,
		commands: c.commands - earlier.commands - earlier.infos,
		scripts:  c.scripts - earlier.scripts,
		cpu:      c.cpu - earlier.cpu,
	}
}

// read takes the counters now: one INFO request to each master and a
// read of /proc/PID/stat.
func (m meter) read(ctx context.Context) (reading, error) {
	var r reading
	if m.rdb != nil {
		var err error
		if r.redis, err = redisInfo(ctx, m.rdb); err != nil {
			return r, err
		}
	}
	if m.pid != 0 {
		var err error
		if r.botTicks, err = procTicks(m.pid); err != nil {
			return r, err
		}
	}
	return r, nil
}

// botCPU is the serve process's CPU time from earlier to r.
func (m meter) botCPU(earlier, r reading) time.Duration {
	return time.Duration(r.botTicks-earlier.botTicks) * time.Second / time.Duration(m.hz)
}

// redisInfo reads the counters of every master: one INFO request each.
func redisInfo(ctx context.Context, rdb redis.UniversalClient) (redisCounters, error) {
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return nodeInfo(ctx, rdb)
	}
	var (
		mu  sync.Mutex
		sum redisCounters
	)
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		c, err := nodeInfo(ctx, node)
		mu.Lock()
		defer mu.Unlock()
		sum.requests += c.requests
		sum.commands += c.commands
		sum.scripts += c.scripts
		sum.cpu += c.cpu
		sum.infos += c.infos
		return err
	})
	return sum, err
}

// nodeInfo reads one server's counters.
func nodeInfo(ctx context.Context, c redis.Cmdable) (redisCounters, error) {
	// One request for the three sections (Redis 7 and later).
	info, err := c.Info(ctx, "stats", "cpu", "commandstats").Result()
	if err != nil {
		return redisCounters{}, fmt.Errorf("bench: redis INFO stats cpu commandstats: %w", err)
	}
	counters, err := parseInfo(info)
	counters.infos = 1
	return counters, err
}

// parseInfo takes the counters out of INFO's answer.
func parseInfo(info string) (redisCounters, error) {
	var c redisCounters
	var haveReads, haveCPU bool
	for line := range strings.SplitSeq(info, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "total_reads_processed":
			haveReads = true
			c.requests, err = strconv.ParseInt(val, 10, 64)
		case "total_commands_processed":
			c.commands, err = strconv.ParseInt(val, 10, 64)
		case "used_cpu_sys", "used_cpu_user":
			haveCPU = true
			var s float64
			s, err = strconv.ParseFloat(val, 64)
			c.cpu += time.Duration(math.Round(s*1e6)) * time.Microsecond // INFO gives µs
		case "cmdstat_eval", "cmdstat_evalsha", "cmdstat_eval_ro", "cmdstat_evalsha_ro", "cmdstat_fcall", "cmdstat_fcall_ro":
			// calls=12,usec=345,…
			calls, _, _ := strings.Cut(strings.TrimPrefix(val, "calls="), ",")
			var n int64
			n, err = strconv.ParseInt(calls, 10, 64)
			c.scripts += n
		}
		if err != nil {
			return c, fmt.Errorf("bench: redis INFO %s %q: %w", key, val, err)
		}
	}
	if !haveReads || !haveCPU {
		return c, errors.New("bench: redis INFO has no total_reads_processed or used_cpu_user: the Redis and CPU figures need a real Redis 7 or later")
	}
	return c, nil
}

// procTicks is the CPU time process pid has used, user and system, in
// clock ticks: fields 14 and 15 of /proc/PID/stat, summed over its threads.
func procTicks(pid int) (int64, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("bench: --serve-pid %d: %w", pid, err)
	}
	return parseStat(raw)
}

// parseStat takes utime + stime out of a /proc/PID/stat line.
func parseStat(raw []byte) (int64, error) {
	// Field 2, the command name, is in parentheses and may hold spaces
	// and parentheses itself: count from the last ')'.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, errors.New("bench: /proc/PID/stat has no command name")
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("bench: /proc/PID/stat is too short")
	}
	// f[0] is field 3, the state: utime is field 14, stime 15.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("bench: /proc/PID/stat: %w", err)
	}
	return utime + stime, nil
}

// clockTicks is the kernel's USER_HZ, the unit of the times in
// /proc/PID/stat: what getconf CLK_TCK prints. Go cannot call sysconf
// without cgo, so it reads what glibc's sysconf(_SC_CLK_TCK) returns,
// AT_CLKTCK of the auxiliary vector; 100, the value on every common Linux
// build, if that cannot be read.
func clockTicks() int64 {
	const atNull, atClkTck = 0, 17
	raw, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return 100
	}
	// Pairs of native words: a type and its value.
	word := strconv.IntSize / 8
	get := func(b []byte) uint64 {
		if word == 4 {
			return uint64(binary.NativeEndian.Uint32(b))
		}
		return binary.NativeEndian.Uint64(b)
	}
	for i := 0; i+2*word <= len(raw); i += 2 * word {
		switch get(raw[i:]) {
		case atNull:
			return 100
		case atClkTck:
			if hz := get(raw[i+word:]); hz > 0 {
				return int64(hz)
			}
			return 100
		}
	}
	return 100
}

// The burst of SETs that prices one SET in the same run.
const (
	setBurst   = 20000 // SETs in all
	setWorkers = 8     // connections sending them at once
	setKeys    = 1000  // distinct keys, each written again and again
)

// setCost is Redis's CPU time for one SET: the growth of INFO cpu over a
// burst of setBurst SETs of a 64-byte value with a minute's expiry, sent
// one at a time from setWorkers connections, divided by setBurst. The
// keys, under prefix, are deleted afterwards (and would expire anyway).
func setCost(ctx context.Context, rdb redis.UniversalClient, prefix string) (time.Duration, error) {
	key := func(i int) string { return prefix + "set:" + strconv.Itoa(i%setKeys) }
	value := strings.Repeat("x", 64)
	before, err := redisInfo(ctx, rdb)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, setWorkers)
	for w := range setWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < setBurst && errs[w] == nil; i += setWorkers {
				errs[w] = rdb.Set(ctx, key(i), value, time.Minute).Err()
			}
		}()
	}
	wg.Wait()
	after, err := redisInfo(ctx, rdb)
	pipe := rdb.Pipeline()
	for i := range setKeys {
		pipe.Unlink(ctx, key(i))
	}
	_, delErr := pipe.Exec(context.WithoutCancel(ctx))
	if err := errors.Join(append(errs, err, delErr)...); err != nil {
		return 0, fmt.Errorf("bench: redis SET burst: %w", err)
	}
	return after.since(before).cpu / setBurst, nil
}
