package main

import (
	"container/list"
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// adminMaxConns caps the admin listener: a scraper and a few health
// checks need a handful, and a flood of idle connections only pushes out
// its own older ones (see connCap).
const adminMaxConns = 64

// httpLimits bound what one client can hold of a listener: time to send a
// request, time to be answered, time to sit idle, and a share of the
// connections.
type httpLimits struct {
	// ReadTimeout bounds a request's headers and body together, from
	// when it starts to arrive: a body trickling in is cut off with 400.
	ReadTimeout time.Duration
	// WriteTimeout bounds handling the request and writing the answer,
	// from the end of its headers; the request's context ends with it.
	WriteTimeout time.Duration
	// IdleTimeout bounds the wait for the next request on a keep-alive
	// connection.
	IdleTimeout time.Duration
	// MaxConns caps the connections open at once (see connCap).
	MaxConns int
}

// listenHTTP listens on addr and returns a server for h within lim, to be
// run with srv.Serve(ln). What net/http itself logs (accept errors, a
// handler's panic, a misused ResponseWriter) goes through log as a
// warning tagged with the listener's name, not to stderr as plain text.
func listenHTTP(addr string, h http.Handler, lim httpLimits, log *slog.Logger, name string) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	log = log.With("listener", name)
	capped := newConnCap(ln, lim.MaxConns, log)
	srv := &http.Server{
		Handler: boundRequests(h, lim.WriteTimeout),
		// ReadHeaderTimeout, left zero, is ReadTimeout: it also closes a
		// connection that never sends a request.
		ReadTimeout:  lim.ReadTimeout,
		WriteTimeout: lim.WriteTimeout,
		IdleTimeout:  lim.IdleTimeout,
		ConnState:    capped.track,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return srv, capped, nil
}

// boundRequests ends each request's context after d. The server's
// WriteTimeout only stops a late answer from being written: the handler
// would go on, and its connection would stay busy, where connCap cannot
// reclaim it. A turn cut short is not committed; the platform, which got
// no 200, delivers the update again.
func boundRequests(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// newConnGrace is how long a connection that has not sent its request's
// headers yet is safe from connCap: a real client sends at once, so one
// still silent after it is more likely a flood than a request on its way.
const newConnGrace = time.Second

// connCap is a listener that keeps at most limit connections open. At the
// cap, a new connection closes another that has no request in hand: the
// longest idle between keep-alive requests or, failing one, the oldest
// that was accepted more than newConnGrace ago and has not sent a whole
// request header yet. When there is none (every connection is busy with a
// request, or only just accepted), the new one waits for a place (so the
// listener holds at most limit+1 sockets), and no other is accepted
// meanwhile.
//
// Waiting at the cap for any connection to close, or refusing new ones
// (as netutil.LimitListener and a plain semaphore do), would let a flood
// of idle connections, which cost nothing to hold, lock out a real update
// for as long as the flood went on. Closing an idle keep-alive connection
// is something every HTTP client must expect: it costs a real client a
// new connection, and a flood pushes out mostly its own older
// connections. Busy connections are never closed: each is bounded by
// ReadTimeout and WriteTimeout (and boundRequests), so the wait for a
// place is too; and sparing the just-accepted keeps a burst of real
// requests at the cap from closing each other before they are read.
//
// track must be the server's ConnState hook: it is how connCap learns
// which connections are idle and which are closed.
type connCap struct {
	net.Listener
	limit int
	log   *slog.Logger

	mu sync.Mutex
	// conns holds every open connection: its place in idle or fresh, or
	// nil while it is busy with a request.
	conns map[net.Conn]*list.Element
	idle  *list.List    // of *waiting: between keep-alive requests, the longest first
	fresh *list.List    // of *waiting: accepted, no request read yet, the oldest first
	freed chan struct{} // closed and replaced when a connection closes or goes idle
	// closedIdle counts connections closed to make room since the last
	// warning, which is logged at most once a minute.
	closedIdle int
	warned     time.Time

	done      chan struct{} // closed by Close
	closeOnce sync.Once
}

// waiting is a connection without a request in hand, since when.
type waiting struct {
	conn  net.Conn
	in    *list.List // idle or fresh
	since time.Time
}

func newConnCap(ln net.Listener, limit int, log *slog.Logger) *connCap {
	return &connCap{
		Listener: ln, limit: limit, log: log,
		conns: make(map[net.Conn]*list.Element), idle: list.New(), fresh: list.New(),
		freed: make(chan struct{}), done: make(chan struct{}),
	}
}

// Accept accepts the next connection, making room for it first if the
// listener is at its cap.
func (l *connCap) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	for {
		l.mu.Lock()
		now := time.Now()
		if len(l.conns) < l.limit {
			l.waitLocked(c, l.fresh, now)
			l.mu.Unlock()
			return c, nil
		}
		victim, retry := l.victimLocked(now)
		if victim != nil {
			l.forgetLocked(victim)
			l.waitLocked(c, l.fresh, now)
			l.closedIdle++
			l.warnLocked(now)
			l.mu.Unlock()
			victim.Close()
			return c, nil
		}
		freed := l.freed
		l.warnLocked(now)
		l.mu.Unlock()
		if retry == 0 {
			retry = time.Hour // nothing to age: wait for a change
		}
		timer := time.NewTimer(retry)
		select {
		case <-freed:
		case <-timer.C:
		case <-l.done:
			timer.Stop()
			c.Close()
			return nil, net.ErrClosed
		}
		timer.Stop()
	}
}

// victimLocked picks the connection to close to make room, if there is
// one; else retry says when the oldest fresh one will be old enough (0:
// never, until something changes). l.mu must be held.
func (l *connCap) victimLocked(now time.Time) (victim net.Conn, retry time.Duration) {
	if e := l.idle.Front(); e != nil {
		return e.Value.(*waiting).conn, 0
	}
	if e := l.fresh.Front(); e != nil {
		w := e.Value.(*waiting)
		if age := now.Sub(w.since); age < newConnGrace {
			return nil, newConnGrace - age
		}
		return w.conn, 0
	}
	return nil, 0
}

// waitLocked files c as waiting in list in (idle or fresh), from now.
// l.mu must be held.
func (l *connCap) waitLocked(c net.Conn, in *list.List, now time.Time) {
	l.conns[c] = in.PushBack(&waiting{conn: c, in: in, since: now})
}

// forgetLocked takes c off the listener's books. l.mu must be held.
func (l *connCap) forgetLocked(c net.Conn) {
	l.busyLocked(c)
	delete(l.conns, c)
}

// busyLocked takes c out of the waiting lists. l.mu must be held.
func (l *connCap) busyLocked(c net.Conn) {
	if e := l.conns[c]; e != nil {
		e.Value.(*waiting).in.Remove(e)
		l.conns[c] = nil
	}
}

// warnLocked tells the operator the cap is reached, at most once a
// minute. l.mu must be held.
func (l *connCap) warnLocked(now time.Time) {
	if now.Sub(l.warned) >= time.Minute {
		l.warned = now
		l.log.Warn("connection cap reached: closing the longest-idle connections, or waiting when all are busy",
			"max_conns", l.limit, "closed_idle", l.closedIdle)
		l.closedIdle = 0
	}
}

// track follows the server's view of each connection (http.Server's
// ConnState hook).
func (l *connCap) track(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.conns[c]; !ok {
		return // closed by Accept to make room
	}
	switch state {
	case http.StateActive:
		l.busyLocked(c)
	case http.StateIdle:
		l.busyLocked(c)
		l.waitLocked(c, l.idle, time.Now())
		l.wakeLocked()
	case http.StateClosed, http.StateHijacked:
		l.forgetLocked(c)
		l.wakeLocked()
	}
}

// wakeLocked wakes an Accept waiting for a place. l.mu must be held.
func (l *connCap) wakeLocked() {
	close(l.freed)
	l.freed = make(chan struct{})
}

// Close stops the listener; an Accept waiting for a place returns.
func (l *connCap) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// open is how many connections the listener holds, for tests.
func (l *connCap) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

var _ net.Listener = (*connCap)(nil)
