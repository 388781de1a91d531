package httpbody

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		body func() *http.Request
		code int // 0: read fine
	}{
		{"fits", func() *http.Request { return httptest.NewRequest("POST", "/", strings.NewReader("hello")) }, 0},
		{"too large", func() *http.Request {
			return httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 11)))
		}, http.StatusRequestEntityTooLarge},
		{"broken", func() *http.Request { return httptest.NewRequest("POST", "/", failingReader{}) }, http.StatusBadRequest},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		body, ok := Read(rec, tt.body(), 10)
		switch {
		case tt.code == 0 && (!ok || string(body) != "hello"):
			t.Errorf("%s: Read = %q, %v; want hello", tt.name, body, ok)
		case tt.code != 0 && (ok || rec.Code != tt.code):
			t.Errorf("%s: Read ok=%v, answered %d; want %d", tt.name, ok, rec.Code, tt.code)
		}
	}
}
