package memstore

import (
	"sync"
	"time"
)

// expiring is a map whose entries go once their time is up: the index of
// requests for a person, and where marked messages went. It has a lock of
// its own, as it is never read or written with a conversation.
type expiring[V any] struct {
	mu      sync.Mutex
	entries map[string]expiringEntry[V]
}

type expiringEntry[V any] struct {
	v       V
	expires time.Time
}

// set stores f of key's live value (the zero value if none) under key until
// now+ttl. It sweeps out what has expired first: few entries live at once,
// so sweeping them all is cheap.
func (e *expiring[V]) set(now time.Time, key string, ttl time.Duration, f func(V) V) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.entries == nil {
		e.entries = make(map[string]expiringEntry[V])
	}
	for k, x := range e.entries {
		if !now.Before(x.expires) {
			delete(e.entries, k)
		}
	}
	e.entries[key] = expiringEntry[V]{v: f(e.entries[key].v), expires: now.Add(ttl)}
}

// get returns key's value, if it is still live at now.
func (e *expiring[V]) get(now time.Time, key string) (V, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.live(now, key)
}

// take removes key and returns its value, if it was still live at now.
func (e *expiring[V]) take(now time.Time, key string) (V, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.live(now, key)
	delete(e.entries, key)
	return v, ok
}

// live is get with e.mu held.
func (e *expiring[V]) live(now time.Time, key string) (V, bool) {
	x, ok := e.entries[key]
	if !ok || !now.Before(x.expires) {
		var zero V
		return zero, false
	}
	return x.v, true
}
