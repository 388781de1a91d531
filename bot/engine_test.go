package bot_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog"
)

const conv bot.Conv = "tg:1:1"

func newEngine(t testing.TB, s bot.Store) *bot.Engine {
	t.Helper()
	cat, err := content.Default()
	if err != nil {
		t.Fatalf("content.Default() = %v", err)
	}
	return bot.NewEngine(dialog.New(cat), s)
}

func handle(t *testing.T, e *bot.Engine, in bot.Incoming) bot.Result {
	t.Helper()
	res, err := e.Handle(context.Background(), in)
	if err != nil {
		t.Fatalf("Handle(%+v) = %v", in, err)
	}
	return res
}

func TestSameUpdateTwiceIsHandledOnce(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	first := handle(t, e, bot.Incoming{Conv: conv, UpdateID: 7, Command: "start"})
	before, _ := store.Load(context.Background(), conv)
	again := handle(t, e, bot.Incoming{Conv: conv, UpdateID: 7, Command: "start"})
	after, _ := store.Load(context.Background(), conv)
	if len(first.Replies) == 0 || first.Duplicate {
		t.Fatalf("first delivery = %+v, want replies", first)
	}
	if !again.Duplicate || len(again.Replies) != 0 {
		t.Errorf("repeat = %+v, want it dropped as a duplicate", again)
	}
	if after.Version != before.Version {
		t.Errorf("version %d → %d after a duplicate, want unchanged", before.Version, after.Version)
	}
	pending, _ := store.Pending(context.Background(), conv, 100)
	if len(pending) != len(first.Replies) {
		t.Errorf("outbox holds %d replies, want the %d of the first delivery only", len(pending), len(first.Replies))
	}
}

// The probe's lost update: two updates of one chat posted at the same
// moment commit in either order. The lower id, arriving second, is a new
// update and must be answered, once; a bare watermark dropped it.
func TestUpdatesOutOfOrderAreEachHandledOnce(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	handle(t, e, bot.Incoming{Conv: conv, UpdateID: 10, Command: "start"})
	for _, id := range []int64{12, 11} {
		if res := handle(t, e, bot.Incoming{Conv: conv, UpdateID: id, Text: "hello"}); res.Duplicate || len(res.Replies) == 0 {
			t.Errorf("update %d, arriving after 12 = %+v, want it answered", id, res)
		}
	}
	for _, id := range []int64{10, 11, 12} {
		if res := handle(t, e, bot.Incoming{Conv: conv, UpdateID: id, Text: "hello"}); !res.Duplicate {
			t.Errorf("update %d again = %+v, want a duplicate", id, res)
		}
	}
	if snap, _ := store.Load(context.Background(), conv); snap.Version != 3 {
		t.Errorf("version = %d after 3 updates and their repeats, want 3", snap.Version)
	}
}

// Concurrent deliveries of many updates of one chat, each twice, in a
// shuffled order: every update commits exactly once.
func TestConcurrentUpdatesOfOneChat(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	handle(t, e, bot.Incoming{Conv: conv, UpdateID: 100, Command: "start"})
	const n = bot.RecentUpdates // none can arrive after more newer ones than the set holds
	ids := make([]int64, 0, 2*n)
	for i := range int64(n) {
		ids = append(ids, 101+i, 101+i)
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var handled atomic.Int64
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.Handle(context.Background(), bot.Incoming{Conv: conv, UpdateID: id, Text: "hello"})
			if err != nil {
				t.Errorf("Handle(%d) = %v", id, err)
			}
			if !res.Duplicate {
				handled.Add(1)
			}
		}()
	}
	wg.Wait()
	if got := handled.Load(); got != n {
		t.Errorf("%d of %d updates handled, each delivered twice: want each exactly once", got, n)
	}
}

func TestRemember(t *testing.T) {
	snap := bot.Snapshot{Watermark: 5}
	for _, id := range []int64{9, 7, 8, 7} {
		snap.Watermark, snap.Seen = snap.Remember(id)
	}
	if snap.Watermark != 5 || !slices.Equal(snap.Seen, []int64{7, 8, 9}) {
		t.Errorf("after 9, 7, 8, 7: watermark %d, seen %v; want 5 and [7 8 9]", snap.Watermark, snap.Seen)
	}
	if !snap.Handled(4) || !snap.Handled(8) || snap.Handled(6) || snap.Handled(10) {
		t.Errorf("Handled is wrong for %+v", snap)
	}
	for id := int64(10); id < 10+bot.RecentUpdates; id++ {
		snap.Watermark, snap.Seen = snap.Remember(id)
	}
	if len(snap.Seen) != bot.RecentUpdates || snap.Watermark != 9 || !snap.Handled(6) {
		t.Errorf("after %d more: watermark %d, %d seen; want the set bounded and 6 fallen below the watermark 9", bot.RecentUpdates, snap.Watermark, len(snap.Seen))
	}
}

func TestDedupeKeyIsHandledOnce(t *testing.T) {
	e := newEngine(t, memstore.New())
	handle(t, e, bot.Incoming{Conv: conv, DedupeKey: "Ev1", Command: "start"})
	if res := handle(t, e, bot.Incoming{Conv: conv, DedupeKey: "Ev1", Command: "start"}); !res.Duplicate {
		t.Errorf("second delivery of Ev1 = %+v, want a duplicate", res)
	}
}

// racingStore lets another turn commit between this turn's load and commit,
// the first few times: the engine must reload and apply both.
type racingStore struct {
	bot.Store
	mu     sync.Mutex
	races  int
	racing func()
}

func (s *racingStore) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	s.mu.Lock()
	race := s.races > 0
	if race {
		s.races--
	}
	s.mu.Unlock()
	if race {
		s.racing()
	}
	return s.Store.Commit(ctx, c)
}

func TestConflictReloadsAndLosesNothing(t *testing.T) {
	mem := memstore.New()
	rs := &racingStore{Store: mem, races: 3}
	e := newEngine(t, rs)
	other := newEngine(t, mem)
	queued := 0
	rs.racing = func() {
		queued += len(handle(t, other, bot.Incoming{Conv: conv, Text: "interrupting"}).Replies)
	}
	queued += len(handle(t, e, bot.Incoming{Conv: conv, Command: "start"}).Replies)
	if got := e.Stats().Conflicts; got != 3 {
		t.Errorf("Conflicts = %d, want 3", got)
	}
	// The three interrupting turns and this one all reached the outbox.
	pending, _ := mem.Pending(context.Background(), conv, 100)
	if len(pending) != queued || other.Stats().Turns != 3 {
		t.Errorf("outbox holds %d replies, want %d from 4 turns", len(pending), queued)
	}
}

func TestConcurrentTurnsAreAllApplied(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	handle(t, e, bot.Incoming{Conv: conv, Command: "start"})
	pending, _ := store.Pending(context.Background(), conv, 1000)
	base := len(pending)
	const workers, each = 16, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Typed nonsense: one fallback reply per turn, state unchanged.
				if _, err := e.Handle(context.Background(), bot.Incoming{Conv: conv, UpdateID: int64(w*each + i + 1), Text: "zzz"}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// Update ids race each other, so lower ids that arrive after a higher
	// one are duplicates by the watermark rule; every turn is either
	// applied once or dropped, never lost halfway.
	st := e.Stats()
	pending, _ = store.Pending(context.Background(), conv, 10000)
	if got := int64(len(pending) - base); got != st.Fallbacks {
		t.Errorf("%d replies queued for %d applied turns", got, st.Fallbacks)
	}
	if st.Fallbacks+st.Duplicates != workers*each {
		t.Errorf("applied %d + duplicates %d, want %d", st.Fallbacks, st.Duplicates, workers*each)
	}
	for i := 1; i < len(pending); i++ {
		if pending[i].Seq <= pending[i-1].Seq {
			t.Fatalf("outbox seqs not increasing: %d after %d", pending[i].Seq, pending[i-1].Seq)
		}
	}
}

func TestForgetErasesEverything(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	ctx := context.Background()
	for _, in := range []bot.Incoming{
		{Conv: conv, UpdateID: 1, Command: "start"},
		{Conv: conv, UpdateID: 2, Button: "1:clear"},
		{Conv: conv, UpdateID: 3, Command: "forget"},
	} {
		handle(t, e, in)
	}
	res := handle(t, e, bot.Incoming{Conv: conv, UpdateID: 4, Button: "1:forget:yes"})
	if !res.Outcome.Forget {
		t.Fatalf("forget:yes outcome = %+v", res.Outcome)
	}
	snap, err := store.Load(ctx, conv)
	if err != nil || snap.State != nil {
		t.Errorf("Load after forget = %+v, %v; want no state", snap, err)
	}
	pending, _ := store.Pending(ctx, conv, 100)
	if len(pending) != len(res.Replies) {
		t.Errorf("outbox after forget holds %d replies, want only the %d goodbye", len(pending), len(res.Replies))
	}
	if again := handle(t, e, bot.Incoming{Conv: conv, UpdateID: 4, Button: "1:forget:yes"}); !again.Duplicate {
		t.Errorf("the forget update delivered again = %+v, want a duplicate", again)
	}
}

// corruptStore returns bytes no build ever wrote.
type corruptStore struct{ bot.Store }

func (s corruptStore) Load(ctx context.Context, c bot.Conv) (bot.Snapshot, error) {
	snap, err := s.Store.Load(ctx, c)
	if snap.State == nil {
		snap.State = []byte("{not json")
	}
	return snap, err
}

func TestCorruptStateMovesSomewhereSensible(t *testing.T) {
	e := newEngine(t, corruptStore{memstore.New()})
	res := handle(t, e, bot.Incoming{Conv: conv, Text: "hello"})
	if len(res.Replies) < 2 {
		t.Fatalf("corrupt state gave %d replies, want the notice and the safety check", len(res.Replies))
	}
	last := res.Replies[len(res.Replies)-1].Reply
	if n := len(last.Buttons); n == 0 || last.Buttons[n-1].Data != "1:clear" {
		t.Errorf("corrupt state ended on %+v, want the safety check", last)
	}
}

type downStore struct{ bot.Store }

func (downStore) Load(context.Context, bot.Conv) (bot.Snapshot, error) {
	return bot.Snapshot{}, errors.New("connection refused")
}

func TestStoreErrorIsReturned(t *testing.T) {
	e := newEngine(t, downStore{})
	if _, err := e.Handle(context.Background(), bot.Incoming{Conv: conv, Text: "hi"}); err == nil {
		t.Error("Handle with the store down = nil error")
	}
}

// remindSpy records each commit's Remind.
type remindSpy struct {
	bot.Store
	reminds []*time.Time
}

func (s *remindSpy) Commit(ctx context.Context, c bot.Commit) ([]bot.Outgoing, error) {
	s.reminds = append(s.reminds, c.Remind)
	return s.Store.Commit(ctx, c)
}

func TestCommitCarriesTheReminderPlan(t *testing.T) {
	spy := &remindSpy{Store: memstore.New()}
	at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	cat, _ := content.Default()
	e := bot.NewEngine(dialog.New(cat), spy, bot.WithClock(func() time.Time { return at }))
	for _, in := range []bot.Incoming{
		{Conv: conv, Command: "start"},
		{Conv: conv, Command: "remind"},
		{Conv: conv, Button: "1:a:remind_count:8"},
		{Conv: conv, Text: "London"},
		{Conv: conv, Button: "1:a:remind_night:yes"}, // the plan is set here
		{Conv: conv, Command: "help"},
		{Conv: conv, Command: "stop"}, // and cancelled here
	} {
		handle(t, e, in)
	}
	for i, r := range spy.reminds {
		switch i {
		case 4:
			if r == nil || !r.Equal(at.Add(3*time.Hour)) {
				t.Errorf("commit %d (plan set) Remind = %v, want %v", i, r, at.Add(3*time.Hour))
			}
		case 6:
			if r == nil || !r.IsZero() {
				t.Errorf("commit %d (/stop) Remind = %v, want the zero time (cancel)", i, r)
			}
		default:
			if r != nil {
				t.Errorf("commit %d Remind = %v, want nil (plan unchanged)", i, *r)
			}
		}
	}
	// The scheduler's turn for a slot the plan no longer holds commits nothing.
	before := len(spy.reminds)
	res := handle(t, e, bot.Incoming{Conv: conv, Reminder: at.Add(3 * time.Hour), DedupeKey: "rem:1"})
	if len(spy.reminds) != before || len(res.Replies) != 0 {
		t.Errorf("a stale reminder committed %d times with %d replies", len(spy.reminds)-before, len(res.Replies))
	}
}

func TestRetentionWithoutHerComingBack(t *testing.T) {
	clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
	bottest.TestRetention(t, memstore.New(memstore.WithNow(clock.Now)), clock)
}

// Starting over keeps her log: only /forget, once confirmed, erases it.
func TestRestartKeepsTheLog(t *testing.T) {
	store := memstore.New()
	e := newEngine(t, store)
	for _, in := range []bot.Incoming{{Command: "start"}, {Command: "log"}, {Text: "left"}, {Text: "15 min"}, {Text: "skip"}, {Command: "restart"}} {
		in.Conv = conv
		handle(t, e, in)
	}
	snap, _ := store.Load(context.Background(), conv)
	if len(snap.Log) == 0 {
		t.Fatalf("log after /restart = %q, want the session logged before", snap.Log)
	}
	res := handle(t, e, bot.Incoming{Conv: conv, Command: "today"})
	if len(res.Replies) == 0 || !strings.Contains(res.Replies[0].Reply.Text, "1 session") {
		t.Errorf("/today after /restart = %+v, want the session", res.Replies)
	}
}
