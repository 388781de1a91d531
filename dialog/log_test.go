package dialog

import (
	"encoding/json"
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

// TestStateLeavesTheLogOut measures what a month of logging costs each
// turn: the state a turn reads and writes holds no session, and the log
// beside it is written only when it changes.
func TestStateLeavesTheLogOut(t *testing.T) {
	var log []Session
	start := int64(29013295)
	for day := range 30 {
		for k := range 10 {
			log = append(log, Session{start + int64(day*1440+k*144), 20, sideBoth, 40, 35})
		}
	}
	st := State{Version: SchemaVersion, Name: stateIdle, Data: Data{Method: "pump", Double: true, Steady: "no", Amount: "no", Time: "no",
		Remind: &Plan{PerDay: 10, Zone: "Europe/London", Next: 1735689600}, Log: log}}
	enc, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	st.Data.OldLog, st.Data.Log = log, nil
	inside, _ := json.Marshal(st)
	logBytes := EncodeLog(log)
	t.Logf("30 days of 10 sessions: state %d bytes (with the log inside, as before: %d), log %d bytes", len(enc), len(inside), len(logBytes))
	if len(enc) > 256 {
		t.Errorf("state with 300 sessions logged is %d bytes, want the log kept out of it", len(enc))
	}
}
