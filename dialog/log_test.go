package dialog

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestLogRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var log []Session
	start := int64(29013295)
	for range 300 {
		start += r.Int64N(300)
		log = append(log, Session{start, r.Int64N(90), 1 + r.Int64N(3), r.Int64N(400), r.Int64N(400)})
	}
	enc := EncodeLog(log)
	got, err := DecodeLog(enc)
	if err != nil || !slices.Equal(got, log) {
		t.Fatalf("DecodeLog(EncodeLog(log)) = %v, %v; want the log back", len(got), err)
	}
	if len(enc) > 2048 {
		t.Errorf("a month of 10 sessions a day encodes in %d bytes, want at most 2 KiB", len(enc))
	}
	if got, err := DecodeLog(EncodeLog(nil)); err != nil || got != nil {
		t.Errorf("an empty log round trips as %v, %v; want nil", got, err)
	}
	for _, bad := range [][]byte{{2, 1, 1, 1, 1}, {logFormat, 0x80}, {logFormat, 1, 2, 3}} {
		if _, err := DecodeLog(bad); err == nil {
			t.Errorf("DecodeLog(%v) = nil error, want it refused", bad)
		}
	}
}
