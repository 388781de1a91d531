package dialog

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// The session log is kept beside the state, not in it: a month of sessions
// is several kilobytes that most turns never look at, and a session must
// be gone once it passes the retention even if she never writes again.
// The Engine stores the encoded log in a key of its own, rewrites it when
// a turn changes it, and wakes the conversation (Wake) when its oldest
// session passes the retention.

// logFormat is the first byte of an encoded log: the encoding's version.
const logFormat = 1

// EncodeLog encodes a session log for storing, compactly: a month of ten
// sessions a day is about 1.5 kB. After the format byte, each session in
// the order of their start is four unsigned varints: its start in minutes
// after the previous one's (the first: after the Unix epoch), minutes×4
// plus the side, and the millilitres from the left and the right breast.
// No sessions encode as an empty, non-nil slice.
func EncodeLog(log []Session) []byte {
	if len(log) == 0 {
		return []byte{}
	}
	sorted := slices.Clone(log)
	slices.SortStableFunc(sorted, func(a, b Session) int { return cmp.Compare(a[0], b[0]) })
	b := make([]byte, 1, 1+6*len(sorted))
	b[0] = logFormat
	var prev int64
	for _, s := range sorted {
		for _, v := range [...]int64{s[0] - prev, s[1]*4 + s[2], s[3], s[4]} {
			b = binary.AppendUvarint(b, uint64(max(v, 0)))
		}
		prev = s[0]
	}
	return b
}

// DecodeLog reads what EncodeLog wrote.
func DecodeLog(b []byte) ([]Session, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] != logFormat {
		return nil, fmt.Errorf("session log: unknown format %d", b[0])
	}
	var log []Session
	var prev int64
	for rest := b[1:]; len(rest) > 0; {
		var v [4]int64
		for i := range v {
			x, n := binary.Uvarint(rest)
			if n <= 0 || x > math.MaxInt32 {
				return nil, errors.New("session log: truncated or corrupt")
			}
			v[i], rest = int64(x), rest[n:]
		}
		prev += v[0]
		log = append(log, Session{prev, v[1] / 4, v[1] % 4, v[2], v[3]})
	}
	return log, nil
}

// AttachLog puts the stored log into st. A state written before the log
// moved out carries it inside (OldLog): that one is taken, and moved
// reports that the log must be written to its own place now.
func AttachLog(st *State, stored []byte) (moved bool) {
	log, err := DecodeLog(stored)
	if err != nil {
		log = nil // unreadable: a corrupt log must not stop her turns
	}
	st.Data.Log = log
	if st.Data.OldLog != nil {
		if st.Data.Log == nil {
			st.Data.Log = st.Data.OldLog
		}
		st.Data.OldLog = nil
		return true
	}
	return false
}

// Retention is how long the dialog keeps logged sessions.
func (d *Dialog) Retention() time.Duration { return d.retention }

// Prune drops the sessions that have passed the retention at now and
// reports whether any went.
func (d *Dialog) Prune(st *State, now time.Time) bool {
	cutoff := now.Add(-d.retention)
	gone := func(s Session) bool { return !s.start().After(cutoff) }
	if !slices.ContainsFunc(st.Data.Log, gone) {
		return false // most turns: nothing to let go, nothing to copy
	}
	st.Data.Log = slices.DeleteFunc(slices.Clone(st.Data.Log), gone)
	return true
}

// Wake is when the conversation next needs a turn without her: her next
// reminder or check-in, or the moment her oldest session passes the
// retention (LogWake), whichever comes first; the zero time when there is
// none.
func (d *Dialog) Wake(st State) time.Time {
	next, gone := st.NextReminder(), d.LogWake(st)
	if next.IsZero() || (!gone.IsZero() && gone.Before(next)) {
		return gone
	}
	return next
}

// LogWake is when the oldest session of st passes the retention; the zero
// time when she has none.
func (d *Dialog) LogWake(st State) time.Time {
	if len(st.Data.Log) == 0 {
		return time.Time{}
	}
	oldest := st.Data.Log[0].start()
	for _, s := range st.Data.Log[1:] {
		if s.start().Before(oldest) {
			oldest = s.start()
		}
	}
	return oldest.Add(d.retention)
}

// LogTTL is how long the log of st lives from now: until its newest
// session passes the retention.
func (d *Dialog) LogTTL(st State, now time.Time) time.Duration {
	var newest time.Time
	for _, s := range st.Data.Log {
		if s.start().After(newest) {
			newest = s.start()
		}
	}
	return max(newest.Add(d.retention).Sub(now), time.Millisecond)
}
