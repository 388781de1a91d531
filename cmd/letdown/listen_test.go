package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/telegram"
	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
)

// holdConns opens n connections to addr and leaves them idle: the first
// half never send a byte, the second half send one request, read its
// answer and keep the connection alive, as the probe of issue 12 did.
func holdConns(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	var failed atomic.Int64
	open := func(from, to int, request bool) {
		var wg sync.WaitGroup
		next := make(chan int)
		for range 32 {
			wg.Go(func() {
				for i := range next {
					c, err := net.DialTimeout("tcp", addr, 30*time.Second)
					if err != nil {
						failed.Add(1)
						continue
					}
					conns[i] = c
					if !request {
						continue
					}
					// An answer that does not come is the server closing
					// the connection, which the caller counts.
					c.SetDeadline(time.Now().Add(30 * time.Second))
					if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: letdown\r\n\r\n"); err == nil {
						if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
						}
					}
					c.SetDeadline(time.Time{})
				}
			})
		}
		for i := from; i < to; i++ {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	// The silent ones first: they are all accepted by the time the last
	// request is answered.
	open(0, n/2, false)
	open(n/2, n, true)
	if k := failed.Load(); k > 0 {
		t.Fatalf("%d of %d connections to %s could not be opened", k, n, addr)
	}
	return conns
}

// closedByServer counts the connections the server has closed.
func closedByServer(conns []net.Conn) int {
	var closed atomic.Int64
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			// An open connection has nothing to read and times out; a
			// closed one reads EOF (or a reset) at once.
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			var b [1]byte
			_, err := c.Read(b[:])
			var ne net.Error
			if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
				closed.Add(1)
			}
		})
	}
	wg.Wait()
	return int(closed.Load())
}

// TestServeIdleFlood: thousands of idle connections on the webhook's
// listener and hundreds on the admin listener, which used to exhaust the
// process's files, cannot starve a real update or a health check. Each
// listener keeps at most its cap open by closing the longest-idle ones.
func TestServeIdleFlood(t *testing.T) {
	const maxConns, flood, adminFlood = 500, 3000, 300
	// Both ends of every connection live in this process.
	ensureFiles(t, flood+adminFlood+maxConns+adminMaxConns+1000)
	api := tgtest.New(t)
	admin := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := startServe(t, api, "webhook", io.Discard, func(c *serveConfig) {
		c.AdminAddr = admin
		c.HTTP.MaxConns = maxConns
		// Long enough that no timeout closes the flood during the test:
		// what closes it here is the cap.
		c.HTTP.ReadTimeout, c.HTTP.IdleTimeout = 5*time.Minute, 5*time.Minute
	})
	conns := holdConns(t, strings.TrimPrefix(base, "http://"), flood)
	adminConns := holdConns(t, admin, adminFlood)

	// A real update, on a connection of its own as Telegram would open.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	body, _ := json.Marshal(tgtest.TextUpdate(1, 515151, "/start"))
	req, _ := http.NewRequest(http.MethodPost, base+"/telegram", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegram.SecretHeader, secret)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /start behind %d idle connections: %v", flood, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /start behind %d idle connections = %d, want 200", flood, resp.StatusCode)
	}
	api.WaitCalls(t, "sendMessage", 2)
	resp, err = client.Get("http://" + admin + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz behind %d idle admin connections: %v", adminFlood, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz behind %d idle admin connections = %d, want 200", adminFlood, resp.StatusCode)
	}

	if closed := closedByServer(conns); closed < flood-maxConns {
		t.Errorf("the webhook listener closed %d of %d idle connections, want at least %d (it keeps %d)", closed, flood, flood-maxConns, maxConns)
	}
	if closed := closedByServer(adminConns); closed < adminFlood-adminMaxConns {
		t.Errorf("the admin listener closed %d of %d idle connections, want at least %d (it keeps %d)", closed, adminFlood, adminFlood-adminMaxConns, adminMaxConns)
	}
}

// TestServeCutsTricklingBody: an update with the right secret whose body
// trickles in at 10 bytes a second is cut off after HTTP_READ_TIMEOUT,
// not read for as long as the sender likes.
func TestServeCutsTricklingBody(t *testing.T) {
	api := tgtest.New(t)
	base := startServe(t, api, "webhook", io.Discard, func(c *serveConfig) { c.HTTP.ReadTimeout = time.Second })
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const size = 1000 // 100 s at 10 bytes a second
	fmt.Fprintf(c, "POST /telegram HTTP/1.1\r\nHost: letdown\r\nContent-Type: application/json\r\n%s: %s\r\nContent-Length: %d\r\n\r\n",
		telegram.SecretHeader, secret, size)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for range size {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatal("the trickling body was still being read after 30 s, want it cut off after HTTP_READ_TIMEOUT (1s)")
	case err == nil:
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("the trickling body was answered 200")
		}
	}
	// Any other error is the server closing the connection: cut off too.
}

// TestListenerErrorLogIsJSON: what net/http itself logs about a request,
// on the server every listener of serve is built with, comes out as one
// JSON line of the serve logger, naming the listener.
func TestListenerErrorLogIsJSON(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	twice := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.WriteHeader(http.StatusOK) // net/http logs "superfluous response.WriteHeader call"
	})
	srv, ln, err := listenHTTP("127.0.0.1:0", twice, serveConfig{}.withDefaults().HTTP, log, "LISTEN_ADDR")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // net/http logged before it answered
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if line == "" {
			continue
		}
		var rec struct{ Level, Msg, Listener string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if strings.Contains(rec.Msg, "superfluous response.WriteHeader") {
			found = true
			if rec.Level != "WARN" || rec.Listener != "LISTEN_ADDR" {
				t.Errorf("net/http's line = %+v, want level WARN and listener LISTEN_ADDR", rec)
			}
		}
	}
	if !found {
		t.Errorf("net/http's error did not reach the serve logger; it logged:\n%s", logs.String())
	}
}

// TestConnCapWaitsWhenAllBusy: a connection busy with a request is never
// closed to make room; a new one waits until one is done, and closing
// the server wakes it.
func TestConnCapWaitsWhenAllBusy(t *testing.T) {
	done := make(chan struct{}) // one request may finish per value
	var busy atomic.Int64
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		busy.Add(1)
		select {
		case done <- struct{}{}:
		case <-r.Context().Done():
		}
		io.WriteString(w, "done\n")
	})
	lim := serveConfig{}.withDefaults().HTTP
	lim.MaxConns = 2
	srv, ln, err := listenHTTP("127.0.0.1:0", slow, lim, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	answers := make(chan error, 3)
	get := func() {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		answers <- err
	}
	go get()
	go get()
	for deadline := time.Now().Add(10 * time.Second); busy.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 2 requests reached the handler", busy.Load())
		}
	}
	go get()
	time.Sleep(200 * time.Millisecond) // room for a wrong close or a third request
	if n := busy.Load(); n != 2 {
		t.Fatalf("with the cap of 2 full of busy connections, %d requests reached the handler, want 2", n)
	}
	select {
	case err := <-answers:
		t.Fatalf("a request ended while all were busy (%v): the cap closed a busy connection", err)
	default:
	}
	for i := range 3 {
		<-done
		if err := <-answers; err != nil {
			t.Errorf("request %d: %v", i+1, err)
		}
	}

	// A new connection waits for a place while both are busy again, and
	// closing the server ends the wait.
	for deadline := time.Now().Add(10 * time.Second); ln.(*connCap).open() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after every request was answered", ln.(*connCap).open())
		}
	}
	busy.Store(0)
	go get()
	go get()
	for deadline := time.Now().Add(10 * time.Second); busy.Load() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 2 requests reached the handler", busy.Load())
		}
	}
	waiting, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer waiting.Close()
	time.Sleep(100 * time.Millisecond) // Accept takes it and waits
	srv.Close()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve = %v, want ErrServerClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after Close while Accept waited for a place")
	}
}

// TestBoundRequests: a handler that would wait for ever (a store that
// hangs) sees its request's context end after the write timeout.
func TestBoundRequests(t *testing.T) {
	ended := make(chan error, 1)
	h := boundRequests(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		ended <- r.Context().Err()
	}), 50*time.Millisecond)
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/telegram", nil).WithContext(context.Background()))
	select {
	case err := <-ended:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the request's context ended with %v, want DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request's context did not end after the write timeout")
	}
}
