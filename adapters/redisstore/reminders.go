package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/letdownbot/letdown/bot"
	"github.com/redis/go-redis/v9"
)

var _ bot.Reminders = (*Store)(nil)

// The reminder index is sharded like the ready index, and a conversation
// goes to the shard of the same number: both carry the tag {N}, so one
// conversation's entries in either index live in one slot.
func (s *Store) dueKeys(conv bot.Conv) (zset, at string) {
	return s.dueShard(readyShardOf(conv))
}

func (s *Store) dueShard(n int) (zset, at string) {
	z := s.prefix + "due:{" + strconv.Itoa(n) + "}"
	return z, z + ":at"
}

// scheduleScript sets the reminder of conversation ARGV[1] in the shard
// KEYS[1] (zset) / KEYS[2] (claimed slots) to ARGV[2] (Unix ms), or
// cancels it when ARGV[2] is "". A claim in flight loses its slot: the
// new time stands, and that claim's Done leaves it alone.
var scheduleScript = redis.NewScript(`
redis.call("HDEL", KEYS[2], ARGV[1])
if ARGV[2] == "" then
  redis.call("ZREM", KEYS[1], ARGV[1])
else
  redis.call("ZADD", KEYS[1], ARGV[2], ARGV[1])
end
return 0
`)

// remind writes conv's reminder to the index: at, or none when at is zero.
func (s *Store) remind(ctx context.Context, conv bot.Conv, at time.Time) error {
	zset, claimed := s.dueKeys(conv)
	arg := ""
	if !at.IsZero() {
		arg = strconv.FormatInt(at.UnixMilli(), 10)
	}
	return scheduleScript.Run(ctx, s.client, []string{zset, claimed}, string(conv), arg).Err()
}

// indexTimeout bounds the write of a committed reminder to the index.
const indexTimeout = 5 * time.Second

// commitRemind writes what the applied commit c changed about the reminder
// to the index: an Erase cancels it, then Remind sets or cancels it.
//
// The index is sharded apart from the conversation's keys, so this cannot
// be part of the commit script; it is sent once the script has answered
// that the commit applied, on one server as on a cluster. (Pipelined
// behind the script, like the ready index's ZADD, it would also run for a
// commit the script refused, and a refused duplicate reminder turn would
// overwrite the winner's next time.) It is one more round trip, paid only
// by commits that change the plan, a few per person a day.
//
// Once the commit applied, its index write is finished even if ctx is
// cancelled meanwhile (the caller gave up; the commit stands), and a
// failure is not reported: the commit stands, and an error would make the
// platform retry an update then recognised as handled. What can go wrong,
// and what mends it:
//   - the process dies, or Redis fails, between the script and this write:
//     the index keeps the old entry. An old time that is still pending
//     comes due and its turn finds the plan moved on (the dialog pings
//     only the slot its state holds; the Engine commits nothing) and the
//     Scheduler's Done drops it: a wasted wake-up, no ping. A schedule
//     that is lost outright leaves her without pings until her next turn
//     that changes the plan writes the index again.
//   - two commits of one conversation on two replicas at the same moment:
//     their index writes may land in the other order. The same two cases
//     apply.
//
// The dialog state is the truth and the index only wakes it up, so the
// Engine could mend the lost case too by writing Remind on every turn of
// someone with a plan, at one round trip per such turn.
func (s *Store) commitRemind(ctx context.Context, c bot.Commit) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), indexTimeout)
	defer cancel()
	var at time.Time
	if c.Remind != nil {
		at = *c.Remind
	}
	s.remind(ctx, c.Conv, at) // not reported: see above
}

// claimDueScript claims, in the shard KEYS[1] / KEYS[2], each conversation
// of ARGV[4…] that is still due at ARGV[1] (Unix ms): its score becomes the
// end of the lease ARGV[2], which hides it until then, and KEYS[2] records
// "<slot> <claim>": the slot is the score it was due at when first claimed
// (so a claim that runs out and is claimed again stands for the same
// slot), the claim is ARGV[3], which Done checks.
// Returns conversation, slot, … for each one claimed.
var claimDueScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local out = {}
for i = 4, #ARGV do
  local conv = ARGV[i]
  local score = redis.call("ZSCORE", KEYS[1], conv)
  if score and tonumber(score) <= now then
    local slot = score
    local cur = redis.call("HGET", KEYS[2], conv)
    if cur then slot = string.match(cur, "^%S+") end
    redis.call("HSET", KEYS[2], conv, slot .. " " .. ARGV[3])
    redis.call("ZADD", KEYS[1], ARGV[2], conv)
    out[#out + 1] = conv
    out[#out + 1] = slot
  end
end
return out
`)

// ClaimDue claims up to limit reminders due at or before now, oldest first
// over all shards. It takes two round trips: one pipeline reads the due
// head of every shard, then one claims the oldest limit of them (a script
// per shard involved, each re-checking that its members are still due, so
// one raced away by another replica is skipped, not claimed twice).
// Claiming only what is returned matters: an entry claimed and not
// returned would wait out the lease for nothing.
//
// The lease is measured on the caller's clock (now), as the index is:
// replicas' clocks need only agree to well within the lease. owner is not
// stored; a random claim id identifies the claim for Done (the lease's end
// would not: two claims in one millisecond share it).
func (s *Store) ClaimDue(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]bot.Due, error) {
	if limit <= 0 {
		return nil, nil
	}
	nowMs := now.UnixMilli()
	pipe := s.client.Pipeline()
	heads := make([]*redis.ZSliceCmd, readyShards)
	for i := range heads {
		zset, _ := s.dueShard(i)
		heads[i] = pipe.ZRangeByScoreWithScores(ctx, zset, &redis.ZRangeBy{
			Min: "-inf", Max: strconv.FormatInt(nowMs, 10), Count: int64(limit),
		})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("redisstore: claim due: %w", err)
	}
	type entry struct {
		shard int
		z     redis.Z
	}
	var all []entry
	for i, c := range heads {
		for _, z := range c.Val() {
			all = append(all, entry{i, z})
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	slices.SortFunc(all, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.z.Score, b.z.Score), cmp.Compare(a.z.Member.(string), b.z.Member.(string)))
	})
	all = all[:min(limit, len(all))]

	until := nowMs + max(lease.Milliseconds(), 1)
	claim := rand.Int64N(math.MaxInt64) + 1
	byShard := map[int][]any{}
	for _, e := range all {
		if byShard[e.shard] == nil {
			byShard[e.shard] = []any{nowMs, until, claim}
		}
		byShard[e.shard] = append(byShard[e.shard], e.z.Member)
	}
	shards := make([]int, 0, len(byShard))
	for n := range byShard {
		shards = append(shards, n)
	}
	slices.Sort(shards)
	claimed, err := s.claimShards(ctx, shards, byShard)
	if err != nil {
		return nil, fmt.Errorf("redisstore: claim due: %w", err)
	}
	slots := map[string]int64{}
	for _, res := range claimed {
		for i := 0; i+1 < len(res); i += 2 {
			conv, _ := res[i].(string)
			slot, err := parseMillis(res[i+1])
			if err != nil {
				return nil, fmt.Errorf("redisstore: claim due: slot of %q: %w", conv, err)
			}
			slots[conv] = slot
		}
	}
	// In the order read, which the claims did not change.
	out := make([]bot.Due, 0, len(slots))
	for _, e := range all {
		conv := e.z.Member.(string)
		if slot, ok := slots[conv]; ok {
			out = append(out, bot.Due{Conv: bot.Conv(conv), At: time.UnixMilli(slot).UTC(), Claim: claim})
		}
	}
	return out, nil
}

// claimShards runs claimDueScript on each shard in one pipeline, and once
// more with the script's full text for any shard whose server had not
// cached it (NOSCRIPT: nothing ran there).
func (s *Store) claimShards(ctx context.Context, shards []int, args map[int][]any) ([][]any, error) {
	out := make([][]any, 0, len(shards))
	todo := shards
	for _, full := range []bool{false, true} {
		pipe := s.client.Pipeline()
		cmds := make([]*redis.Cmd, len(todo))
		for i, n := range todo {
			zset, claimed := s.dueShard(n)
			keys := []string{zset, claimed}
			if full {
				cmds[i] = claimDueScript.Eval(ctx, pipe, keys, args[n]...)
			} else {
				cmds[i] = claimDueScript.EvalSha(ctx, pipe, keys, args[n]...)
			}
		}
		pipe.Exec(ctx) // errors are on the commands
		var again []int
		for i, c := range cmds {
			if !full && redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
				again = append(again, todo[i])
				continue
			}
			res, err := c.Slice()
			if err != nil {
				return nil, err
			}
			out = append(out, res)
		}
		if todo = again; len(todo) == 0 {
			break
		}
	}
	return out, nil
}

// doneScript removes conversation ARGV[1] from the shard KEYS[1] / KEYS[2]
// if claim ARGV[2] still holds it: it was neither rescheduled (which drops
// the claim) nor claimed again since. With ARGV[3] (Unix ms) it puts the
// entry back due then instead (Requeue).
var doneScript = redis.NewScript(`
local cur = redis.call("HGET", KEYS[2], ARGV[1])
if cur and string.match(cur, "%S+$") == ARGV[2] then
  redis.call("HDEL", KEYS[2], ARGV[1])
  if ARGV[3] then
    redis.call("ZADD", KEYS[1], ARGV[3], ARGV[1])
  else
    redis.call("ZREM", KEYS[1], ARGV[1])
  end
  return 1
end
return 0
`)

// Done removes a claimed reminder unless it was rescheduled or claimed
// again since.
func (s *Store) Done(ctx context.Context, d bot.Due) error {
	if d.Conv == "" {
		return errors.New("redisstore: empty conversation key")
	}
	zset, claimed := s.dueKeys(d.Conv)
	if err := doneScript.Run(ctx, s.client, []string{zset, claimed}, string(d.Conv), strconv.FormatInt(d.Claim, 10)).Err(); err != nil {
		return fmt.Errorf("redisstore: done: %w", err)
	}
	return nil
}

// Requeue moves a claimed reminder to at unless it was rescheduled or
// claimed again since; one round trip, like Done.
func (s *Store) Requeue(ctx context.Context, d bot.Due, at time.Time) error {
	if d.Conv == "" {
		return errors.New("redisstore: empty conversation key")
	}
	zset, claimed := s.dueKeys(d.Conv)
	if err := doneScript.Run(ctx, s.client, []string{zset, claimed}, string(d.Conv), strconv.FormatInt(d.Claim, 10), strconv.FormatInt(at.UnixMilli(), 10)).Err(); err != nil {
		return fmt.Errorf("redisstore: requeue: %w", err)
	}
	return nil
}

// nextScript returns the slot of conversation ARGV[1]: the one claimed, or
// else its score; nil when it has none.
var nextScript = redis.NewScript(`
local cur = redis.call("HGET", KEYS[2], ARGV[1])
if cur then return string.match(cur, "^%S+") end
return redis.call("ZSCORE", KEYS[1], ARGV[1])
`)

// NextReminder returns conv's pending reminder time, or the zero time.
func (s *Store) NextReminder(ctx context.Context, conv bot.Conv) (time.Time, error) {
	if conv == "" {
		return time.Time{}, errors.New("redisstore: empty conversation key")
	}
	zset, claimed := s.dueKeys(conv)
	res, err := nextScript.Run(ctx, s.client, []string{zset, claimed}, string(conv)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("redisstore: next reminder: %w", err)
	}
	ms, err := parseMillis(res)
	if err != nil {
		return time.Time{}, fmt.Errorf("redisstore: next reminder: %w", err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// parseMillis reads a score as Redis prints it ("1735689600000", or in
// exponent form for some doubles) back into whole milliseconds.
func parseMillis(v any) (int64, error) {
	str, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("unexpected %T", v)
	}
	if ms, err := strconv.ParseInt(str, 10, 64); err == nil {
		return ms, nil
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil {
		return 0, err
	}
	return int64(f), nil
}
