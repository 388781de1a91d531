package telegram

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkWebhook measures turns through the webhook handler: secret
// check, decoding, conversion, a full Engine turn committed to memstore.
// Replies stay in the outbox (the dispatcher's work is not measured).
// press is button presses instead of text, each with the Bot API calls
// that follow it, made to the fake API in this process.
//
//	go test -run '^$' -bench Webhook -benchmem ./adapters/telegram/
func BenchmarkWebhook(b *testing.B) {
	const users = 1024
	texts := []string{"/start", "hello", "my milk won't come"}
	text := func(id int64) []byte {
		user := 1 + id%users
		var buf bytes.Buffer
		buf.WriteString(`{"update_id":`)
		buf.WriteString(strconv.FormatInt(id, 10))
		buf.WriteString(`,"message":{"message_id":1,"date":1700000000,"chat":{"id":`)
		buf.WriteString(strconv.FormatInt(user, 10))
		buf.WriteString(`,"type":"private"},"from":{"id":`)
		buf.WriteString(strconv.FormatInt(user, 10))
		buf.WriteString(`,"is_bot":false,"first_name":"A","language_code":"en"},"text":"`)
		buf.WriteString(texts[id/users%int64(len(texts))])
		buf.WriteString(`"}}`)
		return buf.Bytes()
	}
	press := func(id int64) []byte {
		user := strconv.FormatInt(1+id%users, 10)
		n := strconv.FormatInt(id, 10)
		return []byte(`{"update_id":` + n + `,"callback_query":{"id":"cb` + n + `","from":{"id":` + user +
			`,"is_bot":false,"first_name":"A","language_code":"en"},"message":{"message_id":1,"date":1700000000,"chat":{"id":` + user +
			`,"type":"private"}},"chat_instance":"1","data":"1:clear"}}`)
	}
	serve := func(b *testing.B, h *harness, id int64, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/telegram", bytes.NewReader(body))
		r.Header.Set(SecretHeader, testSecret)
		w := httptest.NewRecorder()
		h.hook.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Errorf("ServeHTTP(update %d) = %d, want %d", id, w.Code, http.StatusOK)
		}
	}
	// ack empties the outboxes now and then, as the dispatcher would, so
	// they do not grow through the run.
	ack := func(b *testing.B, h *harness) {
		b.StopTimer()
		ctx := context.Background()
		for u := int64(1); u <= users; u++ {
			conv := ConvKey(u, u)
			if out, _ := h.store.Pending(ctx, conv, 1000); len(out) > 0 {
				_ = h.store.Ack(ctx, conv, out[len(out)-1].Seq)
			}
		}
		b.StartTimer()
	}
	b.Run("serial", func(b *testing.B) {
		h := newHarness(b)
		b.ReportAllocs()
		var id int64
		for b.Loop() {
			id++
			serve(b, h, id, text(id))
			if id%(4*users) == 0 {
				ack(b, h)
			}
		}
		b.ReportMetric(float64(id)/b.Elapsed().Seconds(), "turns/s")
	})
	b.Run("parallel", func(b *testing.B) {
		h := newHarness(b)
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				id := next.Add(1)
				serve(b, h, id, text(id))
			}
		})
		b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "turns/s")
	})
	b.Run("press", func(b *testing.B) {
		// The keyboards to remove are not there: each removal is refused,
		// and logged, at the same cost.
		h := newHarness(b, WithLogger(slog.New(slog.DiscardHandler)))
		b.ReportAllocs()
		var id int64
		for b.Loop() {
			id++
			serve(b, h, id, press(id))
			if id%users == 0 {
				// The calls after each press count in the time taken.
				h.hook.Wait()
			}
			if id%(4*users) == 0 {
				ack(b, h)
			}
		}
		h.hook.Wait()
		b.ReportMetric(float64(id)/b.Elapsed().Seconds(), "turns/s")
	})
}
