package redisstore

import (
	"context"
	"slices"
	"sync"

	"github.com/redis/go-redis/v9"
)

// maxFlushes is how many pipelines of scripts a Store has in flight at once.
// Redis runs one command at a time, so two keep it busy (one is read and
// run while the other travels), and the calls that come meanwhile wait for
// the next pipeline.
const maxFlushes = 2

// batcher sends the scripts of turns that run at once to Redis together, in
// one pipeline: Redis then reads them with one read and answers with one
// write, which for a script of a turn costs as much as running it (a SET
// costs several times less in a pipeline of four than alone). A call that
// finds fewer than maxFlushes pipelines in flight is sent at once, so a
// Store used by one goroutine at a time waits for nothing; one that finds
// maxFlushes waits for the next. Each caller still waits for its own
// answer: only the round trips of different turns are shared.
//
// No goroutine runs while nothing is queued: the caller that starts a
// pipeline sends it, and one that leaves calls queued behind its own starts
// a goroutine to send them.
type batcher struct {
	client redis.UniversalClient

	mu      sync.Mutex
	queue   []*batchCall
	flushes int // pipelines in flight or being sent
}

// batchCall is one script call in a batch.
type batchCall struct {
	script *redis.Script
	keys   []string
	args   []any
	cmd    *redis.Cmd
	done   chan struct{}
}

// run runs script as script.Run does, in a pipeline with the calls of
// other goroutines.
func (b *batcher) run(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	c := &batchCall{script: script, keys: keys, args: args, done: make(chan struct{})}
	b.mu.Lock()
	b.queue = append(b.queue, c)
	lead := b.flushes < maxFlushes
	if lead {
		b.flushes++
	}
	b.mu.Unlock()
	if lead {
		if b.flush() {
			go b.drain()
		}
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		// Still queued, it is taken out and never runs; already sent, it
		// may have run, as any call whose answer is lost may.
		b.mu.Lock()
		if i := slices.Index(b.queue, c); i >= 0 {
			b.queue = slices.Delete(b.queue, i, i+1)
		}
		b.mu.Unlock()
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(ctx.Err())
		return cmd
	}
	if err := c.cmd.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The server lost its scripts (a restart, SCRIPT FLUSH): Run loads it.
		return script.Run(ctx, b.client, keys, args...)
	}
	return c.cmd
}

// flush sends what is queued, in one pipeline, and reports whether calls
// are queued again, with the flush still counted as in flight for them.
func (b *batcher) flush() (more bool) {
	b.mu.Lock()
	batch := b.queue
	b.queue = nil
	b.mu.Unlock()
	if len(batch) > 0 {
		// No caller's context: the pipeline serves them all, and each
		// stops waiting when its own is done. The client's timeouts bound
		// it.
		ctx := context.Background()
		pipe := b.client.Pipeline()
		for _, c := range batch {
			c.cmd = c.script.EvalSha(ctx, pipe, c.keys, c.args...)
		}
		pipe.Exec(ctx) // each command carries its own error
		for _, c := range batch {
			close(c.done)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) == 0 {
		b.flushes--
		return false
	}
	return true
}

// drain sends pipelines until nothing is queued.
func (b *batcher) drain() {
	for b.flush() {
	}
}
