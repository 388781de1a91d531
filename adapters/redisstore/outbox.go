package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/redis/go-redis/v9"
)

// readyShards is how many sorted sets the ready index is spread over. It
// is part of the key layout: changing it strands entries in shards no
// conversation maps to any more.
const readyShards = 16

// readyKey returns the ready shard conv belongs to. Each shard is its own
// hash tag, so a cluster spreads the shards over its nodes.
func (s *Store) readyKey(conv bot.Conv) string {
	return s.readyShard(readyShardOf(conv))
}

// readyShardOf returns the number of conv's shard, of the ready index and
// of the reminder index alike.
func readyShardOf(conv bot.Conv) int {
	h := fnv.New32a()
	h.Write([]byte(conv))
	return int(h.Sum32() % readyShards)
}

func (s *Store) readyShard(n int) string {
	return s.prefix + "ready:{" + strconv.Itoa(n) + "}"
}

// Ready lists up to limit conversations that entered the ready index at or
// before 'before', oldest first: the oldest of each shard, merged.
func (s *Store) Ready(ctx context.Context, before time.Time, limit int) ([]bot.Conv, error) {
	if limit <= 0 {
		return nil, nil
	}
	pipe := s.client.Pipeline()
	cmds := make([]*redis.ZSliceCmd, readyShards)
	for i := range cmds {
		cmds[i] = pipe.ZRangeByScoreWithScores(ctx, s.readyShard(i), &redis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(before.UnixMilli(), 10), Count: int64(limit),
		})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: ready: %w", err)
	}
	var all []redis.Z
	for _, c := range cmds {
		all = append(all, c.Val()...)
	}
	slices.SortFunc(all, func(a, b redis.Z) int {
		return cmp.Or(cmp.Compare(a.Score, b.Score), cmp.Compare(a.Member.(string), b.Member.(string)))
	})
	out := make([]bot.Conv, 0, min(limit, len(all)))
	for _, z := range all[:min(limit, len(all))] {
		out = append(out, bot.Conv(z.Member.(string)))
	}
	return out, nil
}

// unreadyScript takes ARGV[1] out of the ready shard KEYS[1] and returns
// the score it had (nil when it was not there).
var unreadyScript = redis.NewScript(`
local score = redis.call("ZSCORE", KEYS[1], ARGV[1])
if score then redis.call("ZREM", KEYS[1], ARGV[1]) end
return score
`)

// Settle takes conv out of the ready index unless replies are pending.
//
// The index and the outbox are in different slots, so no script can look
// at both. Settle therefore removes first and looks after: ZREM, then
// LLEN, and if replies are queued after all, ZADD NX puts conv back with
// the time it first entered. A Commit appends (RPUSH, in its script) and
// then adds (ZADD NX). Either its append comes before Settle's LLEN, which
// then sees it and puts conv back; or it comes after, and then its ZADD,
// later still, comes after the ZREM and adds conv anew. Either way a
// conversation with replies queued ends up in the index. The other order
// (look, then remove) would lose one: LLEN sees nothing, the commit
// appends and its ZADD NX finds conv still there, then ZREM.
func (s *Store) Settle(ctx context.Context, conv bot.Conv) error {
	b, err := s.base(conv)
	if err != nil {
		return err
	}
	shard := s.readyKey(conv)
	score, err := unreadyScript.Run(ctx, s.client, []string{shard}, string(conv)).Text()
	switch {
	case errors.Is(err, redis.Nil):
		score = ""
	case err != nil:
		return fmt.Errorf("redisstore: settle: %w", err)
	}
	n, err := s.client.LLen(ctx, b+outboxKey).Result()
	if err != nil {
		return fmt.Errorf("redisstore: settle: %w", err)
	}
	if n == 0 {
		return nil
	}
	entered := float64(s.now().UnixMilli())
	if f, err := strconv.ParseFloat(score, 64); err == nil {
		entered = f
	}
	if err := s.client.ZAddNX(ctx, shard, redis.Z{Score: entered, Member: string(conv)}).Err(); err != nil {
		return fmt.Errorf("redisstore: settle: %w", err)
	}
	return nil
}

// claimScript is Claim and Advance: with ARGV[3] a seq, it first drops the
// outbox KEYS[1]'s head up to that seq, as ackScript does, but looks at the
// tail first: when the seq reaches it, as it does once a dispatcher has sent
// everything, the whole outbox goes in one DEL. Then, unless
// another owner holds the lease KEYS[2] (answer {0}), it takes the lease
// for owner ARGV[1] for ARGV[2] ms and answers {1, the oldest entry}; with
// nothing pending it takes no lease but releases owner's, takes ARGV[4]
// out of the ready shard KEYS[3] and answers {2}. The entries answered
// are the oldest ARGV[5] (bot.QueueLimit). Without KEYS[3] (a
// cluster, where the shard is in another slot) it answers {3} instead and
// leaves settling and releasing to the caller.
//
// With replies pending, a free lease is taken by one SET NX … GET, which
// answers whose it was when it was not free; the lease is then
// renewed only when it was owner's own.
//
// Settling inside the script is safe where Settle's two steps are needed
// on a cluster: a commit's append and its ZADD NX are separate commands,
// and the script runs either before the append (the ZADD then adds conv
// anew) or after it (the script sees the reply and keeps conv).
var claimScript = redis.NewScript(`
local o, l = KEYS[1], KEYS[2]
local empty = false
if ARGV[3] ~= "" then
  local seq = tonumber(ARGV[3])
  local tail = redis.call("LINDEX", o, -1)
  if not tail then
    empty = true
  elseif seq >= tonumber(string.match(tail, "^%d+")) then
    redis.call("DEL", o)
    empty = true
  else
    local drop = seq - tonumber(string.match(redis.call("LINDEX", o, 0), "^%d+")) + 1
    if drop > 0 then redis.call("LTRIM", o, drop, -1) end
  end
end
local queue = {}
if not empty then queue = redis.call("LRANGE", o, 0, ARGV[5] - 1) end
if #queue > 0 then
  -- A free lease is taken in one call; one of ours, renewed.
  local cur = redis.call("SET", l, ARGV[1], "NX", "PX", ARGV[2], "GET")
  if cur then
    if cur ~= ARGV[1] then return {0} end
    redis.call("SET", l, ARGV[1], "PX", ARGV[2])
  end
  return {1, queue}
end
local cur = redis.call("GET", l)
if cur and cur ~= ARGV[1] then return {0} end
if not KEYS[3] then return {3} end
if cur then redis.call("DEL", l) end
redis.call("ZREM", KEYS[3], ARGV[4])
return {2}
`)

// Claim takes or extends the send lease on conv for owner and returns the
// oldest reply pending; with none, it settles conv and releases the lease.
// The lease expires on the server's clock. One round trip on one server;
// on a cluster, settling takes Settle's and Release's round trips more.
func (s *Store) Claim(ctx context.Context, conv bot.Conv, owner string, ttl time.Duration) (bot.Lease, error) {
	return s.claim(ctx, conv, "", owner, ttl)
}

// Advance acknowledges conv's replies with Seq ≤ seq, then claims as
// Claim does, in the same round trip.
func (s *Store) Advance(ctx context.Context, conv bot.Conv, seq int64, owner string, ttl time.Duration) (bot.Lease, error) {
	return s.claim(ctx, conv, strconv.FormatInt(seq, 10), owner, ttl)
}

func (s *Store) claim(ctx context.Context, conv bot.Conv, seq, owner string, ttl time.Duration) (bot.Lease, error) {
	b, err := s.base(conv)
	if err != nil {
		return bot.Lease{}, err
	}
	keys := []string{b + outboxKey, b + leaseKey}
	if s.oneServer() {
		keys = append(keys, s.readyKey(conv))
	}
	res, err := s.batch.run(ctx, claimScript, keys, owner, max(ttl.Milliseconds(), 1), seq, string(conv), bot.QueueLimit).Slice()
	if err != nil {
		return bot.Lease{}, fmt.Errorf("redisstore: claim: %w", err)
	}
	code, _ := res[0].(int64)
	switch code {
	case 0:
		return bot.Lease{}, nil
	case 1:
		entries, _ := res[1].([]any)
		queue := make([]bot.Outgoing, len(entries))
		for i, e := range entries {
			entry, _ := e.(string)
			if queue[i], err = decodeEntry(conv, entry); err != nil {
				return bot.Lease{}, fmt.Errorf("redisstore: claim: %w", err)
			}
		}
		return bot.LeaseOf(queue), nil
	case 3:
		if err := s.Settle(ctx, conv); err != nil {
			return bot.Lease{}, err
		}
		if err := s.Release(ctx, conv, owner); err != nil {
			return bot.Lease{}, err
		}
	}
	return bot.Lease{Held: true}, nil
}

// oneServer reports whether the client talks to one server, which runs a
// script or a pipeline on keys of any slot, in order.
func (s *Store) oneServer() bool {
	_, ok := s.client.(*redis.Client)
	return ok
}

// releaseScript deletes the lease KEYS[1] if owner ARGV[1] holds it.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("DEL", KEYS[1]) end
return 0
`)

// Release gives up owner's lease on conv; another owner's lease stays.
func (s *Store) Release(ctx context.Context, conv bot.Conv, owner string) error {
	b, err := s.base(conv)
	if err != nil {
		return err
	}
	if err := releaseScript.Run(ctx, s.client, []string{b + leaseKey}, owner).Err(); err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	return nil
}

// blockScript drops the outbox KEYS[2] and marks the conversation KEYS[1]
// blocked, a change of its Snapshot, so the version goes up (a replica's
// cached copy is then stale); the conversation keeps its time to live. One
// in the layout before convKey (meta hash KEYS[3]) is marked there. A
// conversation that has expired or never was gets no key at all: nothing
// would ever expire it.
var blockScript = redis.NewScript(`
redis.call("DEL", KEYS[2])
local cur = redis.call("GET", KEYS[1])
if cur then
  local v, mid, b, rest = string.match(cur, "^(%d+)( %d+ %d+ )(%d)(.*)$")
  if b ~= "1" then
    redis.call("SET", KEYS[1], string.format("%d", tonumber(v) + 1) .. mid .. "1" .. rest, "KEEPTTL")
  end
elseif redis.call("EXISTS", KEYS[3]) == 1 and redis.call("HGET", KEYS[3], "b") ~= "1" then
  redis.call("HSET", KEYS[3], "b", "1")
  redis.call("HINCRBY", KEYS[3], "v", 1)
end
return 0
`)

// Block drops conv's queued replies, marks it refused until its next
// commit, and takes her out of the ready index. Her reminder stays in the
// index: the Engine pings nobody blocked, and a reminder turn then only
// keeps her session log to its retention (bot.Outbox.Block).
//
// It removes conv from the index first and drops the outbox after, for
// the reason Settle gives: a commit racing with Block either appends
// before the drop, and its replies go with the rest (bot.Outbox.Block
// drops the whole outbox, in every store), or after it, and then its
// ZADD NX comes after the ZREM and indexes its replies. Either way no
// reply is left queued outside the index.
func (s *Store) Block(ctx context.Context, conv bot.Conv) error {
	b, err := s.base(conv)
	if err != nil {
		return err
	}
	if err := s.client.ZRem(ctx, s.readyKey(conv), string(conv)).Err(); err != nil {
		return fmt.Errorf("redisstore: block: %w", err)
	}
	if err := blockScript.Run(ctx, s.client, []string{b + convKey, b + outboxKey, b + metaKey}).Err(); err != nil {
		return fmt.Errorf("redisstore: block: %w", err)
	}
	return nil
}
