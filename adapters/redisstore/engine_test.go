package redisstore

import (
	"context"
	"testing"

	"github.com/letdownbot/letdown/adapters/redisstore/redistest"
	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

// TestEngineConcurrency: 32 goroutines × 200 updates on one conversation,
// on one Engine and then on two Engines ("replicas") whose stores have
// their own connections to one Redis. Every update is applied exactly once.
func TestEngineConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("6,400 contended turns twice")
	}
	newStore := opener(t, redistest.New(t))
	bottest.TestEngineConcurrency(t, newStore, 1, 32, 200)
	bottest.TestEngineConcurrency(t, newStore, 2, 32, 200)
}

// opener returns a function opening a new Store, with its own
// connections, on b: one per replica.
func opener(t *testing.T, b *redistest.Backend) func() bot.Store {
	return func() bot.Store {
		s, err := Open(context.Background(), b.URL, WithPrefix(b.Prefix))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// TestEngineConcurrencyCluster runs the same proof on a Redis Cluster, two
// replicas with their own cluster clients.
func TestEngineConcurrencyCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("contended turns on a cluster")
	}
	bottest.TestEngineConcurrency(t, opener(t, redistest.Cluster(t)), 2, 32, 50)
}
