// Package redisstore keeps conversations in Redis (one server or a
// cluster) through go-redis, for any number of replicas sharing one store.
// It needs Redis 7 or later (SET with both NX and GET).
//
// # Key layout
//
// Every key of a conversation carries the conversation as its hash tag, so
// all of them live in one cluster slot and every script below may touch
// them together. With the default prefix "ld:" and conversation tg:1:1:
//
//	ld:{tg:1:1}:c   string the conversation: a header line, "<version>
//	                       <seq of the last reply queued> <watermark>
//	                       <blocked: 1 or 0> <recent update ids above the
//	                       watermark>" ("7,2,1": 7, 9, 10), then the dialog
//	                       state (empty when there is none)
//	ld:{tg:1:1}:g   string her session log (absent when there is none)
//	ld:{tg:1:1}:o   list   outbox, oldest first: "<seq> <JSON of bot.Reply>"
//	ld:{tg:1:1}:d   hash   dedupe key → Unix milliseconds it is remembered until
//	ld:{tg:1:1}:l   string send lease: the owner id of the dispatcher holding it
//
// and, shared by all conversations, the ready index: conversations with
// replies queued, sharded over 16 sorted sets so that it spreads over a
// cluster's nodes (each shard its own hash tag):
//
//	ld:ready:{0} … ld:ready:{15}   zset   member: conversation,
//	                                      score: Unix ms it entered
//
// and the reminder index, at most one pending reminder per conversation,
// in shards of the same numbers (a conversation's entries in both indexes
// share a slot):
//
//	ld:due:{0} … ld:due:{15}       zset   member: conversation, score: Unix
//	                                      ms it is due, or while claimed the
//	                                      end of the claim's lease
//	ld:due:{0}:at … ld:due:{15}:at hash   while claimed, conversation →
//	                                      "<slot> <claim>": Unix ms it was
//	                                      due at, and the claim's id
//
// and, for requests to talk to a person, two keys a request, each with
// its own expiry (handoff.go, marks.go):
//
//	ld:ho:<id>        string her conversation key: the request index
//	ld:mk:{ho:<id>}   list   where the bot's posts about it went, oldest
//	                         first: "<chat>:<message id>" or
//	                         "<channel>:<ts>", never any text
//
// Reminder times are instants (UTC); time zones are the dialog's business.
// A commit that changes the reminder writes it after its script (see
// commitRemind); ClaimDue, Done and NextReminder are in reminders.go.
//
// Before c, a conversation was two keys: m, a hash (v: version, w:
// watermark, u: recent update ids, n: last reply seq, b: "1" while
// blocked), and s, the state. They are still read, and a conversation's
// next commit moves them to c (see convLua). One string is one GET and one
// SET with its time to live, where the two keys took an HMGET, an HSET, a
// SET and a PEXPIRE: each call from a script costs about a microsecond.
//
// In the tag, '%' and '}' of the conversation are written %25 and %7D: a
// '}' would end the tag early. c and o share one time to live, set by
// every commit (bot.Commit.TTL; at most bot.DedupeTTL when no state is
// left, as after an erase). g has a time to live of its own, the retention
// left for its newest session (bot.Commit.LogTTL), set whenever it is
// written; the Engine rewrites it when an older session passes the
// retention, woken by the reminder index if she does not come back. d lives bot.DedupeTTL after its newest key and
// is pruned of expired keys whenever a key is added: Redis before 7.4 cannot
// expire a hash field, and one small hash is far cheaper than a key per event.
// l lives as long as the lease it holds (seconds).
// Empty lists and hashes are removed by Redis itself: a conversation whose
// replies are all acknowledged is c, plus d for a day after an event
// with a dedupe key (Slack) (BenchmarkBytesPerConversation measures it).
//
// # Erasing
//
// A commit with Erase deletes o, d and g, and keeps in c only what
// recognises a retry (no state), for at most bot.DedupeTTL. It leaves l alone: a lease
// holds nothing about her (only which process is sending, an id chosen by
// the operator or at random) and expires with the lease, and deleting it
// would let a second dispatcher send beside the first. Her conversation key
// stays in the ready index until the dispatcher has sent the erasing
// commit's own replies and settles it (seconds), as it does for everyone.
// Her reminder is cancelled by the same commit, right after its script
// (commitRemind), unless the commit schedules a new one.
//
// # Round trips
//
// Commit, Load, Ack, Claim, Advance and Release are each one Lua script,
// Pending one LRANGE and Ready one pipeline: one round trip each, and
// atomic where it matters. The dispatcher sends a turn's n replies in n+1:
// Claim, then an Advance after each send, the last of which settles. A commit that queues replies also puts the conversation in
// its ready shard (ZADD NX), which lives in another slot and so cannot be
// part of the script. On one server it is pipelined right behind the
// script, still one round trip; on a cluster, where a pipeline's commands
// for different nodes run concurrently and in no set order, it is sent
// once the script has answered (Settle explains why the order matters).
// Block takes two round trips and Settle two or three; they run once per
// refusal and, on a cluster only, once per drained outbox (with Release),
// where the Advance that finds nothing left cannot reach the ready shard. A commit that changes the reminder
// takes one round trip more (commitRemind says why); ClaimDue takes two,
// Done and NextReminder one each.
//
// The scripts of Load, Commit, Claim and Advance that goroutines run at
// the same time share round trips: they go to Redis together, in one
// pipeline (see batcher), and Redis reads and answers them at once: with
// 16 turns at a time, a third less Redis CPU per turn
// (BenchmarkRedisCPUPerTurn). Each caller still waits for its own answer
// only.
//
// Times for dedupe keys and the ready index come from the Store's clock
// (WithNow), not the server's: the replicas' clocks need only agree to well
// within a day (dedupe) and within the dispatcher's sweep grace (ready).
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/internal/redisurl"
	"github.com/letdownbot/letdown/bot"
	"github.com/redis/go-redis/v9"
)

var (
	_ bot.Store  = (*Store)(nil)
	_ bot.Outbox = (*Store)(nil)
)

// Store is a bot.Store and bot.Outbox on Redis, safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	owned  bool // Close closes client
	prefix string
	now    func() time.Time
	batch  *batcher // Load, Commit, Claim and Advance go through it
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key (default "ld:"), so that several
// bots or tests can share one Redis. It must not contain '{' or '}', which
// would move the hash tag.
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithNow sets the clock dedupe keys and the ready index are timed with.
func WithNow(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns a Store on client. The caller keeps ownership of client:
// Close leaves it open.
func New(client redis.UniversalClient, opts ...Option) *Store {
	s := &Store{client: client, prefix: "ld:", now: time.Now, batch: &batcher{client: client}}
	for _, o := range opts {
		o(s)
	}
	if strings.ContainsAny(s.prefix, "{}") {
		panic(fmt.Sprintf("redisstore: key prefix %q contains a brace", s.prefix))
	}
	return s
}

// pingTimeout bounds how long Open waits for Redis to answer.
const pingTimeout = 3 * time.Second

// Open connects to the Redis at rawURL and checks that it answers. rawURL is
// "redis://[user:password@]host:port[/db]" or "rediss://…" for one server
// (go-redis's query options apply), or "redis://h1:p1,h2:p2,…" for a
// cluster's seed nodes. The Store owns the connection: Close closes it.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	quietLibraryLog.Do(func() { redis.SetLogger(debugLogger{}) })
	client, addr, err := redisurl.NewClient(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		client.Close()
		return nil, &unreachableError{addr: addr, err: err}
	}
	s := New(client, opts...)
	s.owned = true
	return s, nil
}

// quietLibraryLog sends go-redis's own log lines (dial retries, pool
// notices) to slog at debug level, so that an unreachable Redis is reported
// once, by Open's error, and not by lines on stderr besides.
var quietLibraryLog sync.Once

type debugLogger struct{}

func (debugLogger) Printf(ctx context.Context, format string, v ...any) {
	slog.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// unreachableError says in one line which Redis did not answer and why.
type unreachableError struct {
	addr string
	err  error
}

func (e *unreachableError) Error() string {
	why := e.err.Error()
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(e.err, syscall.ECONNREFUSED):
		why = "connection refused"
	case errors.Is(e.err, context.DeadlineExceeded), errors.As(e.err, &timeout) && timeout.Timeout():
		why = fmt.Sprintf("no answer within %v", pingTimeout)
	}
	return fmt.Sprintf("redis at %s: %s", e.addr, strings.Join(strings.Fields(why), " "))
}

func (e *unreachableError) Unwrap() error { return e.err }

// Ping checks that Redis answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	return s.client.Ping(ctx).Err()
}

// Close closes the connection if Open made it.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// Client returns the client the Store talks through.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Key suffixes, one per kind of key. metaKey and stateKey are the layout
// before convKey: still read, and moved to convKey by a conversation's next
// commit.
const (
	convKey   = "c"
	metaKey   = "m"
	stateKey  = "s"
	outboxKey = "o"
	dedupeKey = "d"
	leaseKey  = "l"
	logKey    = "g"
)

// ConvKeys returns every key a Store with prefix may keep for conv, in
// the layout of today and the one before it: for a tool that measures or
// inspects them (the bench's MEMORY USAGE).
func ConvKeys(prefix string, conv bot.Conv) []string {
	base := prefix + "{" + tagEscaper.Replace(string(conv)) + "}:"
	var keys []string
	for _, k := range []string{convKey, metaKey, stateKey, outboxKey, dedupeKey, leaseKey, logKey} {
		keys = append(keys, base+k)
	}
	return keys
}

// tagEscaper keeps a conversation from ending its hash tag early, and keeps
// the escaping reversible so distinct conversations get distinct tags.
var tagEscaper = strings.NewReplacer("%", "%25", "}", "%7D")

// base returns the part every key of conv starts with: prefix and hash tag.
func (s *Store) base(conv bot.Conv) (string, error) {
	if conv == "" {
		// "{}" is no hash tag at all: the keys would scatter over the cluster.
		return "", errors.New("redisstore: empty conversation key")
	}
	return s.prefix + "{" + tagEscaper.Replace(string(conv)) + "}:", nil
}

// convLua defines conv(c, m, s), which returns the conversation as convKey
// c holds it, "<v> <n> <w> <b> <u>\n<state>" (see parseConv), or nil when
// there is none. A conversation in the layout before convKey (meta hash m,
// state string s) is read from there and returned in the same form, with
// true as its second value: its next commit moves it to c.
const convLua = `
local function conv(c, m, s)
  local cur = redis.call("GET", c)
  if cur then return cur, false end
  local f = redis.call("HMGET", m, "v", "n", "w", "b", "u")
  if not f[1] then return nil, false end
  return f[1] .. " " .. (f[2] or "0") .. " " .. (f[3] or "0") .. " " .. (f[4] == "1" and "1" or "0") .. " " .. (f[5] or "") .. "\n" .. (redis.call("GET", s) or ""), true
end
`

// loadScript returns the conversation (as conv does, false when there is
// none) and the session log (false when there is none). KEYS: c g m s.
var loadScript = redis.NewScript(convLua + `
return {(conv(KEYS[1], KEYS[3], KEYS[4])) or false, redis.call("GET", KEYS[2])}
`)

// Load returns the conversation, or the zero Snapshot if there is none.
func (s *Store) Load(ctx context.Context, conv bot.Conv) (bot.Snapshot, error) {
	b, err := s.base(conv)
	if err != nil {
		return bot.Snapshot{}, err
	}
	res, err := s.batch.run(ctx, loadScript, []string{b + convKey, b + logKey, b + metaKey, b + stateKey}).Slice()
	if err != nil {
		return bot.Snapshot{}, fmt.Errorf("redisstore: load: %w", err)
	}
	snap, err := snapshotOf(res)
	if err != nil {
		return bot.Snapshot{}, fmt.Errorf("redisstore: load: %w", err)
	}
	return snap, nil
}

// snapshotOf reads what loadScript returns: the conversation and the log.
func snapshotOf(res []any) (bot.Snapshot, error) {
	if len(res) != 2 {
		return bot.Snapshot{}, fmt.Errorf("%d values, want 2", len(res))
	}
	var snap bot.Snapshot
	if c, ok := res[0].(string); ok {
		var err error
		if snap, err = parseConv(c); err != nil {
			return bot.Snapshot{}, err
		}
	}
	if g, ok := res[1].(string); ok && g != "" {
		snap.Log = []byte(g)
	}
	return snap, nil
}

// parseConv reads convKey's value: a header line of five fields, version,
// seq of the last reply queued, watermark (0: none), blocked mark (1 or 0)
// and the recent update ids (see formatSeen; empty for none), each
// followed by one space but the last, then the state (empty for none).
func parseConv(c string) (bot.Snapshot, error) {
	header, state, ok := strings.Cut(c, "\n")
	f := strings.SplitN(header, " ", 5)
	if !ok || len(f) != 5 {
		return bot.Snapshot{}, fmt.Errorf("bad conversation header %q", header)
	}
	var snap bot.Snapshot
	var err error
	if snap.Version, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return bot.Snapshot{}, fmt.Errorf("version: %w", err)
	}
	if snap.LastSeq, err = strconv.ParseInt(f[1], 10, 64); err != nil {
		return bot.Snapshot{}, fmt.Errorf("seq counter: %w", err)
	}
	if snap.Watermark, err = strconv.ParseInt(f[2], 10, 64); err != nil {
		return bot.Snapshot{}, fmt.Errorf("watermark: %w", err)
	}
	snap.Blocked = f[3] == "1"
	if snap.Seen, err = parseSeen(f[4]); err != nil {
		return bot.Snapshot{}, fmt.Errorf("recent updates: %w", err)
	}
	if state != "" {
		snap.State = []byte(state)
	}
	return snap, nil
}

// formatSeen and parseSeen write and read the recent update ids, in
// ascending order, each after the first as its distance from the one
// before: 700000123, 700000125, 700000190 is "700000123,2,65".
func formatSeen(ids []int64) string {
	b := make([]byte, 0, 10+6*len(ids))
	var prev int64
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id-prev, 10)
		prev = id
	}
	return string(b)
}

func parseSeen(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	ids := make([]int64, len(parts))
	var prev int64
	for i, p := range parts {
		d, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, err
		}
		ids[i] = prev + d
		prev = ids[i]
	}
	return ids, nil
}

// commitScript applies one bot.Commit.
//
// KEYS: c o d g l m s, and on one server the ready shard. ARGV: 1 version
// the turn was computed from, 2 the version after it, 3 watermark ("0"
// when not positive), 4 dedupe key ("" for none), 5 now (Unix ms), 6 when
// the dedupe key is forgotten (Unix ms), 7 bot.DedupeTTL (ms), 8 state (""
// for none), 9 "1" to erase first, "k" to keep the blocked mark
// (bot.Commit.Housekeeping), "" for neither, 10 time to live of c and o
// (ms, 0: forever), 11 recent update ids ("" for none), 12 session log
// ("-" to leave it, "" to delete it), 13 its time to live (ms, 0:
// forever), 14 the owner to take the send lease for ("" for none), 15 the
// lease's time to live (ms), 16 the conversation, for the ready shard,
// 17 the seq counter the replies were numbered from (bot.Commit.LastSeq),
// 18 the counter after them, 19… replies, as outbox entries: "<seq>
// <JSON of bot.Reply>", renumbered by the script when 17 is not its
// counter.
//
// Returns {-2} for a duplicate; {-1, then what loadScript returns} for a
// conflict, so the turn runs again without a Load; else {seq of the last
// reply queued (0 when none), 1 if the send lease was taken for ARGV[14]
// with these replies at the head of the outbox, else 0}. The lease is
// taken only then: the caller may send them at once, with no Claim. A
// commit clears the blocked mark unless it is housekeeping: she wrote, so
// she has unblocked the bot.
//
// Each call into Redis costs about a microsecond, so version, counters and
// state are one string, read by one GET and written with its time to live
// by one SET, and a free lease is taken by one SET NX. Numbers stay
// strings but the seq counter, which Lua keeps as a double: exact up to
// 2^53, far beyond any conversation's, and written with %d so that it
// never prints as 1e+15. Watermarks compare as digit strings.
var commitScript = redis.NewScript(convLua + `
local c, o, d, g, l = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local dk = ARGV[4]
local now = tonumber(ARGV[5])
if dk ~= "" then
  local untl = redis.call("HGET", d, dk)
  if untl and tonumber(untl) > now then return {-2} end
end
local cur, old = conv(c, KEYS[6], KEYS[7])
local v, n, w, b = "0", "0", "0", "0"
if cur then v, n, w, b = string.match(cur, "^(%d+) (%d+) (%d+) (%d)") end
if v ~= ARGV[1] then return {-1, cur or false, redis.call("GET", g)} end

if ARGV[9] == "1" then redis.call("DEL", o, d, g) end
if old then redis.call("DEL", KEYS[6], KEYS[7]) end
local nw = ARGV[3]
if #nw < #w or (#nw == #w and nw < w) then nw = w end
if ARGV[9] ~= "k" then b = "0" end
local k, items = #ARGV - 18, nil
if k > 0 and n ~= ARGV[17] then
  -- Numbered from another count than ours: number them from ours.
  local base = tonumber(n)
  items = {}
  for i = 1, k do
    items[i] = string.format("%d", base + i) .. string.sub(ARGV[18 + i], string.find(ARGV[18 + i], " ", 1, true), -1)
  end
  n = string.format("%d", base + k)
elseif k > 0 then
  n = ARGV[18]
end
local ttl = ARGV[10]
local val = ARGV[2] .. " " .. n .. " " .. nw .. " " .. b .. " " .. ARGV[11] .. "\n" .. ARGV[8]
if ttl ~= "0" then redis.call("SET", c, val, "PX", ttl) else redis.call("SET", c, val) end
if ARGV[12] == "" then
  redis.call("DEL", g)
elseif ARGV[12] ~= "-" then
  if ARGV[13] ~= "0" then redis.call("SET", g, ARGV[12], "PX", ARGV[13]) else redis.call("SET", g, ARGV[12]) end
end
if dk ~= "" then
  local all = redis.call("HGETALL", d)
  for i = 1, #all, 2 do
    if tonumber(all[i + 1]) <= now then redis.call("HDEL", d, all[i]) end
  end
  redis.call("HSET", d, dk, ARGV[6])
  redis.call("PEXPIRE", d, ARGV[7])
end
local held, last = 0, 0
if k > 0 then
  last = tonumber(n)
  local len
  if items then len = redis.call("RPUSH", o, unpack(items)) else len = redis.call("RPUSH", o, unpack(ARGV, 19)) end
  if ARGV[14] ~= "" and len == k then
    -- A free lease is taken in one call; one of ours, renewed.
    local cur = redis.call("SET", l, ARGV[14], "NX", "PX", ARGV[15], "GET")
    if not cur then
      held = 1
    elseif cur == ARGV[14] then
      redis.call("SET", l, ARGV[14], "PX", ARGV[15])
      held = 1
    end
  end
  if KEYS[8] then redis.call("ZADD", KEYS[8], "NX", ARGV[5], ARGV[16]) end
end
if ttl ~= "0" then redis.call("PEXPIRE", o, ttl) else redis.call("PERSIST", o) end
return {last, held}
`)

// Commit applies c atomically; see bot.Commit for what each field does.
// An empty State is stored as none: Load then returns a nil State.
func (s *Store) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	out, _, err := s.commit(ctx, c, "", 0)
	return out, err
}

var _ bot.ClaimingStore = (*Store)(nil)

// CommitClaim is Commit, and takes the send lease for owner (unless it is
// empty), for ttl, when
// the replies it queues are the only ones pending and no other owner holds
// it: then held is true, and the caller may send out at once without a
// Claim. Still one round trip.
func (s *Store) CommitClaim(ctx context.Context, c bot.Commit, owner string, ttl time.Duration) (out []bot.Outgoing, held bool, err error) {
	return s.commit(ctx, c, owner, ttl) // no owner: no lease
}

func (s *Store) commit(ctx context.Context, c bot.Commit, owner string, lease time.Duration) ([]bot.Outgoing, bool, error) {
	b, err := s.base(c.Conv)
	if err != nil {
		return nil, false, err
	}
	now := s.now()
	hasState := len(c.State) > 0
	args := make([]any, 18, 18+len(c.Replies))
	args[0] = c.Version
	args[1] = c.Version + 1
	args[2] = max(c.Watermark, 0)
	args[3] = c.DedupeKey
	args[4] = now.UnixMilli()
	args[5] = now.Add(bot.DedupeTTL).UnixMilli()
	args[6] = bot.DedupeTTL.Milliseconds()
	args[7] = c.State
	args[8] = ""
	switch {
	case c.Erase:
		args[8] = "1"
	case c.Housekeeping:
		args[8] = "k"
	}
	args[9] = ttlMillis(c.TTL, hasState)
	args[10] = formatSeen(c.Seen)
	args[11] = "-"
	args[12] = int64(0)
	if c.Log != nil {
		args[11] = c.Log
		if c.LogTTL > 0 {
			args[12] = max(c.LogTTL.Milliseconds(), 1)
		}
	}
	args[13] = owner
	args[14] = max(lease.Milliseconds(), 1)
	args[15] = string(c.Conv)
	args[16] = c.LastSeq
	args[17] = c.LastSeq + int64(len(c.Replies))
	for i, r := range c.Replies {
		enc, err := json.Marshal(r)
		if err != nil {
			return nil, false, fmt.Errorf("redisstore: encode reply: %w", err)
		}
		entry := strconv.AppendInt(make([]byte, 0, 21+len(enc)), c.LastSeq+1+int64(i), 10)
		args = append(args, append(append(entry, ' '), enc...))
	}
	keys := []string{b + convKey, b + outboxKey, b + dedupeKey, b + logKey, b + leaseKey, b + metaKey, b + stateKey}
	var res []any
	switch {
	case s.oneServer():
		// One server runs a script on keys of any slot: the ready
		// shard's ZADD is part of it.
		keys = append(keys, s.readyKey(c.Conv))
		res, err = s.batch.run(ctx, commitScript, keys, args...).Slice()
	case len(c.Replies) == 0:
		res, err = s.batch.run(ctx, commitScript, keys, args...).Slice()
	default:
		res, err = s.commitReady(ctx, c.Conv, now, keys, args)
	}
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: commit: %w", err)
	}
	last, _ := first(res).(int64)
	switch last {
	case -2:
		return nil, false, bot.ErrDuplicate
	case -1:
		cur, err := snapshotOf(res[1:])
		if err != nil {
			return nil, false, fmt.Errorf("redisstore: commit: the conversation as it stands: %w", err)
		}
		return nil, false, &bot.ConflictError{Current: cur}
	}
	held := len(res) > 1 && res[1] == int64(1)
	if c.Erase || c.Remind != nil {
		s.commitRemind(ctx, c)
	}
	if len(c.Replies) == 0 {
		return nil, false, nil
	}
	out := make([]bot.Outgoing, len(c.Replies))
	first := last - int64(len(c.Replies)) + 1
	for i, r := range c.Replies {
		r.Buttons = slices.Clone(r.Buttons)
		out[i] = bot.Outgoing{Conv: c.Conv, Seq: first + int64(i), Reply: r}
	}
	return out, held, nil
}

// commitReady runs the commit script on a cluster and then puts conv in
// the ready index.
//
// The ZADD NX must reach Redis after the script: Settle removes conv from
// the index and then looks at the outbox, and only a ZADD that follows the
// append is sure to land after such a look that missed the append (see
// Settle). The script and the ZADD usually go to different nodes, so the
// ZADD waits for the script's answer, and is skipped when it refused. (On
// one server the ZADD is part of the script.)
//
// Once the script has applied the commit, a failed ZADD is not reported:
// the commit stands, and an error would make the platform retry an update
// that is then recognised as handled, so nothing would announce its
// replies. The caller's Notify sends them; a failing index shows in the
// dispatcher's sweep (Ready) and is repaired by the next Settle or Commit.
func (s *Store) commitReady(ctx context.Context, conv bot.Conv, now time.Time, keys []string, args []any) ([]any, error) {
	res, err := s.batch.run(ctx, commitScript, keys, args...).Slice()
	if last, _ := first(res).(int64); err == nil && last > 0 {
		s.client.ZAddNX(ctx, s.readyKey(conv), redis.Z{Score: float64(now.UnixMilli()), Member: string(conv)})
	}
	return res, err
}

// first is res[0], or nil when res is empty.
func first(res []any) any {
	if len(res) == 0 {
		return nil
	}
	return res[0]
}

// ttlMillis is how long m, s and o live after a commit, in milliseconds
// (0: forever). A conversation without state keeps only what recognises a
// retried update, and that for no longer than bot.DedupeTTL.
func ttlMillis(ttl time.Duration, hasState bool) int64 {
	if !hasState && (ttl <= 0 || ttl > bot.DedupeTTL) {
		ttl = bot.DedupeTTL
	}
	if ttl <= 0 {
		return 0
	}
	return max(ttl.Milliseconds(), 1)
}

// Pending returns up to limit replies of conv's outbox, oldest first.
func (s *Store) Pending(ctx context.Context, conv bot.Conv, limit int) ([]bot.Outgoing, error) {
	b, err := s.base(conv)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	items, err := s.client.LRange(ctx, b+outboxKey, 0, int64(limit)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: pending: %w", err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]bot.Outgoing, len(items))
	for i, item := range items {
		if out[i], err = decodeEntry(conv, item); err != nil {
			return nil, fmt.Errorf("redisstore: pending: %w", err)
		}
	}
	return out, nil
}

// decodeEntry decodes one outbox entry, "<seq> <JSON of bot.Reply>".
func decodeEntry(conv bot.Conv, entry string) (bot.Outgoing, error) {
	seq, enc, _ := strings.Cut(entry, " ")
	o := bot.Outgoing{Conv: conv}
	var err error
	if o.Seq, err = strconv.ParseInt(seq, 10, 64); err != nil {
		return bot.Outgoing{}, fmt.Errorf("bad outbox entry: %w", err)
	}
	if err := json.Unmarshal([]byte(enc), &o.Reply); err != nil {
		return bot.Outgoing{}, fmt.Errorf("bad outbox entry %d: %w", o.Seq, err)
	}
	return o, nil
}

// ackScript drops the outbox's head up to seq ARGV[1]. Seqs in the list
// are consecutive (Commit appends n+1, n+2, …; only Ack removes, from the
// head), so one look at the head says how many to drop.
var ackScript = redis.NewScript(`
local head = redis.call("LINDEX", KEYS[1], 0)
if not head then return 0 end
local drop = tonumber(ARGV[1]) - tonumber(string.match(head, "^%d+")) + 1
if drop <= 0 then return 0 end
if drop >= redis.call("LLEN", KEYS[1]) then
  redis.call("DEL", KEYS[1])
else
  redis.call("LTRIM", KEYS[1], drop, -1)
end
return drop
`)

// Ack removes conv's outbox replies with Seq ≤ seq.
func (s *Store) Ack(ctx context.Context, conv bot.Conv, seq int64) error {
	b, err := s.base(conv)
	if err != nil {
		return err
	}
	if err := ackScript.Run(ctx, s.client, []string{b + outboxKey}, seq).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: ack: %w", err)
	}
	return nil
}

var _ bot.Lister = (*Store)(nil)

// globEscaper keeps a key from being read as a SCAN pattern.
var globEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`)

// tagUnescaper undoes tagEscaper.
var tagUnescaper = strings.NewReplacer("%7D", "}", "%25", "%")

// Conversations returns every conversation whose key begins with prefix and
// that has a conversation key (anything committed and not yet expired). It SCANs
// every master, so it costs a pass over the whole keyspace: for erasing a
// workspace, not for a turn.
func (s *Store) Conversations(ctx context.Context, prefix bot.Conv) ([]bot.Conv, error) {
	head := s.prefix + "{"
	// Either layout's first key: convKey, or metaKey before it.
	pattern := globEscaper.Replace(head+tagEscaper.Replace(string(prefix))) + "*}:[" + convKey + metaKey + "]"
	var (
		mu  sync.Mutex
		out []bot.Conv
	)
	scan := func(ctx context.Context, c redis.Cmdable) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			key := strings.TrimPrefix(iter.Val(), head)
			tag := key[:len(key)-len("}:")-len(convKey)]
			mu.Lock()
			out = append(out, bot.Conv(tagUnescaper.Replace(tag)))
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		err = cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) })
	} else {
		err = scan(ctx, s.client)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: conversations: %w", err)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
