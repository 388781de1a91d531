package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// TestSchedulerDay is issue 6's exactly-once test: 3 Scheduler replicas,
// each with its own connection to one Redis, take 10,000 people through a
// simulated day of 8 reminders each, one replica killed mid-claim; every
// slot is pinged once, none missing, none doubled (I5).
func TestSchedulerDay(t *testing.T) {
	people := 10_000
	switch {
	case testing.Short():
		people = 1_000
	case raceEnabled:
		people = 2_000 // the race detector slows every turn several times
	}
	bottest.TestSchedulerDay(t, replicaStores(t, redistest.New(t)), 3, people)
}

// TestSchedulerDayCluster runs the same day on a Redis Cluster, smaller.
func TestSchedulerDayCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated day on a cluster")
	}
	bottest.TestSchedulerDay(t, replicaStores(t, redistest.Cluster(t)), 3, 500)
}

// replicaStores returns a func giving a Store with a connection of its own
// to b each time, as each replica has.
func replicaStores(t *testing.T, b *redistest.Backend) func() bot.Store {
	return func() bot.Store {
		s, err := Open(context.Background(), b.URL, WithPrefix(b.Prefix))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// TestReminderCrash kills a replica between its commits and their index
// writes, on one server and on a cluster: every mother is pinged at her
// next slot all the same (I5).
func TestReminderCrash(t *testing.T) {
	bottest.TestReminderCrash(t, schedStores(t, redistest.New(t)), 60)
}

func TestReminderCrashCluster(t *testing.T) {
	bottest.TestReminderCrash(t, schedStores(t, redistest.Cluster(t)), 60)
}

// TestRetention lets a session pass the retention while she is away, on
// one server and on a cluster: the Scheduler alone lets it go.
func TestRetention(t *testing.T) {
	for name, b := range map[string]func(testing.TB) *redistest.Backend{"single": redistest.New, "cluster": redistest.Cluster} {
		t.Run(name, func(t *testing.T) {
			clock := bottest.NewClock(time.Date(2025, 3, 1, 3, 0, 0, 0, time.UTC))
			b := b(t)
			bottest.TestRetention(t, New(b.Client, WithPrefix(b.Prefix), WithNow(clock.Now)), clock)
		})
	}
}

// schedStores is replicaStores for the Scheduler's suites.
func schedStores(t *testing.T, b *redistest.Backend) func() bottest.StoreWithReminders {
	stores := replicaStores(t, b)
	return func() bottest.StoreWithReminders { return stores().(*Store) }
}

// TestPlanFollowUp runs the next-day check-in through two Scheduler
// replicas, each with a connection of its own, on one Redis.
func TestPlanFollowUp(t *testing.T) {
	bottest.TestPlanFollowUp(t, func(t *testing.T, clock *bottest.Clock) func() bot.Store {
		b := redistest.New(t)
		return func() bot.Store {
			s, err := Open(context.Background(), b.URL, WithPrefix(b.Prefix), WithNow(clock.Now))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	})
}
