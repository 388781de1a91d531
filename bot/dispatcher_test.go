package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// queue commits n numbered replies to conv, as turns would.
func queue(t *testing.T, s *memstore.Store, conv bot.Conv, texts ...string) {
	t.Helper()
	ctx := context.Background()
	snap, err := s.Load(ctx, conv)
	if err != nil {
		t.Fatal(err)
	}
	var replies []bot.Reply
	for _, text := range texts {
		replies = append(replies, bot.Reply{Text: text})
	}
	if _, err := s.Commit(ctx, bot.Commit{Conv: conv, Version: snap.Version, State: []byte("{}"), Replies: replies}); err != nil {
		t.Fatal(err)
	}
}

func fast(extra ...bot.DispatcherOption) []bot.DispatcherOption {
	return append([]bot.DispatcherOption{
		bot.WithGlobalRate(1e6, 1e6),
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return time.Microsecond, 1000 }),
		bot.WithSweep(5*time.Millisecond, 0),
		bot.WithRetryBackoff(time.Millisecond),
	}, extra...)
}

// runDispatcher runs d until the test ends.
func runDispatcher(t *testing.T, d *bot.Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx, time.Second)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitFor polls cond until it holds, failing the test after a few seconds.
// It waits on outcomes, never asserting a duration.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestDispatcherSendsInOrderOnce(t *testing.T) {
	store := memstore.New()
	sender := &bottest.Sender{}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	a, b := bot.Conv("tg:1:1"), bot.Conv("tg:2:2")
	for i := range 5 {
		queue(t, store, a, fmt.Sprintf("a%d", i))
		queue(t, store, b, fmt.Sprintf("b%d-1", i), fmt.Sprintf("b%d-2", i))
		d.Notify(a)
		d.Notify(b)
		d.Notify(a)
	}
	waitFor(t, "15 replies", func() bool { return len(sender.Sent()) >= 15 })
	time.Sleep(20 * time.Millisecond) // room for a wrong extra send to show up
	if got := sender.To(a); fmt.Sprint(got) != "[a0 a1 a2 a3 a4]" {
		t.Errorf("conv a received %v", got)
	}
	if got := sender.To(b); len(got) != 10 || got[0] != "b0-1" || got[9] != "b4-2" {
		t.Errorf("conv b received %v", got)
	}
	if p, _ := store.Pending(context.Background(), a, 10); len(p) != 0 {
		t.Errorf("outbox of a still holds %d replies", len(p))
	}
	if st := d.Stats(); st.Sent != 15 {
		t.Errorf("Stats().Sent = %d, want 15", st.Sent)
	}
}

func TestDispatcherRecoversCommittedReplies(t *testing.T) {
	// Replies committed by a process that died before sending them: a new
	// dispatcher finds them in the ready index without any notification.
	store := memstore.New()
	conv := bot.Conv("tg:3:3")
	queue(t, store, conv, "one", "two")
	sender := &bottest.Sender{}
	runDispatcher(t, bot.NewDispatcher(store, sender, fast()...))
	waitFor(t, "the recovered replies", func() bool { return len(sender.Sent()) == 2 })
	if got := sender.To(conv); fmt.Sprint(got) != "[one two]" {
		t.Errorf("recovered %v, want [one two]", got)
	}
}

func TestDispatcherRetryAfter(t *testing.T) {
	store := memstore.New()
	conv := bot.Conv("tg:4:4")
	var mu sync.Mutex
	var limitedAt, sentAt time.Time
	sender := &bottest.Sender{Fail: func(_ bot.Conv, n int) error {
		mu.Lock()
		defer mu.Unlock()
		if n == 0 {
			limitedAt = time.Now()
			return &bot.RetryAfterError{After: 300 * time.Millisecond}
		}
		sentAt = time.Now()
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast()...)
	queue(t, store, conv, "hello")
	runDispatcher(t, d)
	d.Notify(conv)
	waitFor(t, "the reply after the wait", func() bool { return len(sender.Sent()) == 1 })
	mu.Lock()
	defer mu.Unlock()
	if waited := sentAt.Sub(limitedAt); waited < 300*time.Millisecond {
		t.Errorf("sent again %v after a 429 asking for 300ms", waited)
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(sender.Sent()); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
}

func TestDispatcherRefusedBlocksTheConversation(t *testing.T) {
	store := memstore.New()
	blocked, fine := bot.Conv("tg:5:5"), bot.Conv("tg:6:6")
	sender := &bottest.Sender{Fail: func(c bot.Conv, _ int) error {
		if c == blocked {
			return fmt.Errorf("forbidden: bot was blocked by the user: %w", bot.ErrRefused)
		}
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	queue(t, store, blocked, "x", "y")
	queue(t, store, fine, "z")
	d.Notify(blocked)
	d.Notify(fine)
	waitFor(t, "the other conversation's reply", func() bool { return len(sender.To(fine)) == 1 })
	waitFor(t, "the blocked outbox to be dropped", func() bool {
		p, _ := store.Pending(context.Background(), blocked, 10)
		return len(p) == 0
	})
	if got := sender.To(blocked); len(got) != 0 {
		t.Errorf("blocked conversation received %v", got)
	}
	if st := d.Stats(); st.Refused != 1 {
		t.Errorf("Stats().Refused = %d, want 1", st.Refused)
	}
}

func TestDispatcherDropsAnUndeliverableReply(t *testing.T) {
	store := memstore.New()
	conv := bot.Conv("tg:9:9")
	sender := &bottest.Sender{Fail: func(_ bot.Conv, n int) error {
		if n == 0 {
			return fmt.Errorf("Bad Request: message is too long: %w", bot.ErrUndeliverable)
		}
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	queue(t, store, conv, "too long", "fine")
	d.Notify(conv)
	waitFor(t, "the reply after the rejected one", func() bool { return len(sender.To(conv)) == 1 })
	if got := sender.To(conv); got[0] != "fine" {
		t.Errorf("received %v, want only [fine]", got)
	}
	snap, _ := store.Load(context.Background(), conv)
	if snap.Blocked {
		t.Error("one rejected reply blocked the whole conversation")
	}
}

// ackOnceFails makes the first acknowledgement (Advance) fail, as a store
// that blinked would.
type ackOnceFails struct {
	*memstore.Store
	mu     sync.Mutex
	failed bool
}

func (s *ackOnceFails) Advance(ctx context.Context, conv bot.Conv, seq int64, owner string, ttl time.Duration) (bot.Lease, error) {
	s.mu.Lock()
	fail := !s.failed
	s.failed = true
	s.mu.Unlock()
	if fail {
		return bot.Lease{}, errors.New("store unreachable")
	}
	return s.Store.Advance(ctx, conv, seq, owner, ttl)
}

func TestDispatcherDoesNotResendWhenAnAckFails(t *testing.T) {
	store := &ackOnceFails{Store: memstore.New()}
	conv := bot.Conv("tg:10:10")
	sender := &bottest.Sender{}
	d := bot.NewDispatcher(store, sender, fast()...)
	queue(t, store.Store, conv, "one", "two")
	runDispatcher(t, d)
	d.Notify(conv)
	waitFor(t, "both replies", func() bool { return len(sender.To(conv)) >= 2 })
	time.Sleep(30 * time.Millisecond)
	if got := sender.To(conv); fmt.Sprint(got) != "[one two]" {
		t.Errorf("received %v, want [one two]: a failed ack must not resend", got)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if !store.failed {
		t.Error("no acknowledgement failed: the test proves nothing")
	}
}

func TestDispatcherRetriesTransientErrors(t *testing.T) {
	store := memstore.New()
	conv := bot.Conv("tg:7:7")
	sender := &bottest.Sender{Fail: func(_ bot.Conv, n int) error {
		if n < 3 {
			return errors.New("connection reset")
		}
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	queue(t, store, conv, "a", "b")
	d.Notify(conv)
	waitFor(t, "both replies", func() bool { return len(sender.To(conv)) == 2 })
	if got := sender.To(conv); fmt.Sprint(got) != "[a b]" {
		t.Errorf("received %v, want [a b] once each", got)
	}
	if st := d.Stats(); st.Transient != 3 {
		t.Errorf("Stats().Transient = %d, want 3", st.Transient)
	}
}

func TestTwoDispatchersSendEachReplyOnce(t *testing.T) {
	store := memstore.New()
	sender := &bottest.Sender{}
	d1 := bot.NewDispatcher(store, sender, fast(bot.WithOwner("one"))...)
	d2 := bot.NewDispatcher(store, sender, fast(bot.WithOwner("two"))...)
	const convs, each = 20, 5
	for c := range convs {
		for i := range each {
			queue(t, store, bot.Conv(fmt.Sprintf("tg:%d:%d", 100+c, 100+c)), fmt.Sprintf("m%d", i))
		}
	}
	runDispatcher(t, d1)
	runDispatcher(t, d2)
	waitFor(t, "every reply", func() bool { return len(sender.Sent()) >= convs*each })
	time.Sleep(30 * time.Millisecond)
	seen := map[string]int{}
	for _, s := range sender.Sent() {
		seen[string(s.Conv)+"/"+s.Reply.Text]++
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s sent %d times", k, n)
		}
	}
	if len(seen) != convs*each {
		t.Errorf("%d distinct replies sent, want %d", len(seen), convs*each)
	}
}

// TestPaceDoesNotHoldAWorker: with one worker, a conversation ahead of
// its pace goes back to the queue instead of holding the worker, so
// another conversation's reply goes out meanwhile.
func TestPaceDoesNotHoldAWorker(t *testing.T) {
	store := memstore.New()
	fast, other := bot.Conv("tg:11:11"), bot.Conv("tg:12:12")
	sender := &bottest.Sender{}
	d := bot.NewDispatcher(store, sender,
		bot.WithWorkers(1),
		bot.WithGlobalRate(1e6, 1e6),
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return 400 * time.Millisecond, 1 }),
		bot.WithSweep(time.Hour, time.Hour))
	queue(t, store, fast, "f1", "f2", "f3")
	runDispatcher(t, d)
	d.Notify(fast)
	waitFor(t, "the first reply", func() bool { return len(sender.Sent()) == 1 })
	queue(t, store, other, "o1")
	d.Notify(other)
	waitFor(t, "all four replies", func() bool { return len(sender.Sent()) == 4 })
	var order []string
	for _, s := range sender.Sent() {
		order = append(order, s.Reply.Text)
	}
	if got := fmt.Sprint(order); got != "[f1 o1 f2 f3]" {
		t.Errorf("sent %s, want [f1 o1 f2 f3]: the paced conversation held the only worker", got)
	}
}

func TestDispatcherPacesEachConversation(t *testing.T) {
	store := memstore.New()
	conv := bot.Conv("tg:8:8")
	sender := &bottest.Sender{}
	d := bot.NewDispatcher(store, sender,
		bot.WithGlobalRate(1e6, 1e6),
		bot.WithPace(func(bot.Conv) (time.Duration, int) { return 50 * time.Millisecond, 1 }),
		bot.WithSweep(5*time.Millisecond, 0))
	queue(t, store, conv, "1", "2", "3", "4")
	start := time.Now()
	runDispatcher(t, d)
	waitFor(t, "four replies", func() bool { return len(sender.Sent()) == 4 })
	// One at once, then one per 50 ms: three waits at least.
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("four replies at one per 50ms took %v", took)
	}
}

func TestDispatcherDoesNotStarveLaterWork(t *testing.T) {
	store := memstore.New()
	sender := &bottest.Sender{}
	// A conversation only the ready index knows of (a crash left it), and
	// a steady stream of people who just wrote.
	recovered := bot.Conv("tg:777:777")
	queue(t, store, recovered, "recovered")
	d := bot.NewDispatcher(store, sender, fast(bot.WithWorkers(1))...)
	for i := range 30 {
		c := bot.Conv(fmt.Sprintf("tg:%d:%d", 800+i, 800+i))
		queue(t, store, c, "urgent")
		d.Notify(c)
	}
	runDispatcher(t, d)
	waitFor(t, "every reply", func() bool { return len(sender.Sent()) == 31 })
	for i, s := range sender.Sent() {
		if s.Conv == recovered {
			if i > 9 {
				t.Errorf("the recovered reply went out %dth, after a run of urgent ones: starved", i+1)
			}
			return
		}
	}
	t.Error("the recovered reply was never sent")
}

// TestBacklogDoesNotDelayAReply: with 10,000 conversations waiting in the
// later queue (reminders, recovered replies), a reply to someone who just
// wrote goes out as soon as a worker is free, not after the backlog (I6).
func TestBacklogDoesNotDelayAReply(t *testing.T) {
	store := memstore.New()
	for i := range 10_000 {
		queue(t, store, bot.Conv(fmt.Sprintf("tg:%d:%d", 100000+i, 100000+i)), "reminder")
	}
	const workers = 4
	sent := make(chan bottest.Sent, 20_000)
	// A send takes a couple of milliseconds, as a platform's API does (tens,
	// in truth): with sends of microseconds the other workers finish
	// hundreds while hers is still taking the conversation, and the count
	// below would measure that, not the order.
	sender := &bottest.Sender{Notify: sent, Fail: func(bot.Conv, int) error {
		time.Sleep(2 * time.Millisecond)
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast(bot.WithWorkers(workers), bot.WithSweep(time.Second, 0))...)
	runDispatcher(t, d)
	// The backlog is being worked through; now she writes.
	for range 100 {
		<-sent
	}
	mum := bot.Conv("tg:5:5")
	queue(t, store, mum, "your reply")
	before := len(sender.Sent())
	d.Notify(mum)
	waitFor(t, "her reply", func() bool { return len(sender.To(mum)) == 1 })
	for i, s := range sender.Sent()[before:] {
		if s.Conv == mum {
			// Each worker may finish the send it had begun, and the one
			// after it if it had already taken one: no more.
			if i > 2*workers {
				t.Errorf("her reply went out after %d backlog sends, want at most %d", i, 2*workers)
			}
			return
		}
	}
}

// A commit hands its lease to the Dispatcher (Claimed) a moment after the
// store has it, and a worker may take those very replies by a Claim of its
// own in between. The late handover is then stale: the replies go once.
func TestDispatcherStaleHandoverSendsOnce(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	sender := &bottest.Sender{}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	conv := bot.Conv("tg:3:3")
	out, held, err := store.CommitClaim(ctx, bot.Commit{Conv: conv, State: []byte("{}"), Replies: []bot.Reply{{Text: "one"}, {Text: "two"}}}, d.Owner(), d.LeaseTTL())
	if err != nil || !held {
		t.Fatalf("CommitClaim = %v, held %v", err, held)
	}
	d.Notify(conv) // a worker claims and sends them before the handover
	waitFor(t, "both replies sent", func() bool { return len(sender.To(conv)) == 2 })
	d.Claimed(conv, bot.LeaseOf(out))
	d.Notify(conv)
	// Something later: one worker sends a conversation in order, so once
	// it is sent, a stale handover would have been sent before it.
	queue(t, store, conv, "three")
	d.Notify(conv)
	waitFor(t, "the later reply sent", func() bool { return slices.Contains(sender.To(conv), "three") })
	if got := sender.To(conv); len(got) != 3 {
		t.Errorf("sent %d replies (%v), want one, two, three once each", len(got), got)
	}
}

func TestDispatcherSendsToAnotherConversation(t *testing.T) {
	store := memstore.New()
	hers, supporters, gone := bot.Conv("tg:7:7"), bot.Conv("tg:-100:0"), bot.Conv("tg:-200:0")
	sender := &bottest.Sender{Fail: func(c bot.Conv, _ int) error {
		if c == gone {
			return fmt.Errorf("forbidden: bot was kicked from the group chat: %w", bot.ErrRefused)
		}
		return nil
	}}
	d := bot.NewDispatcher(store, sender, fast()...)
	runDispatcher(t, d)
	ctx := context.Background()
	snap, err := store.Load(ctx, hers)
	if err != nil {
		t.Fatal(err)
	}
	replies := []bot.Reply{{Text: "to the gone group", To: string(gone)}, {Text: "to the supporters", To: string(supporters)}, {Text: "to her"}}
	if _, err := store.Commit(ctx, bot.Commit{Conv: hers, Version: snap.Version, State: []byte("{}"), Replies: replies}); err != nil {
		t.Fatal(err)
	}
	d.Notify(hers)
	waitFor(t, "her reply", func() bool { return len(sender.To(hers)) == 1 })
	if got := sender.To(supporters); !slices.Equal(got, []string{"to the supporters"}) {
		t.Errorf("supporters received %v", got)
	}
	if snap, _ := store.Load(ctx, hers); snap.Blocked {
		t.Error("a group that refused a reply blocked her conversation")
	}
}
