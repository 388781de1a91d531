package dialog

import (
	"encoding/json"
	"slices"
	"time"
)

// The session log is kept beside the state, not in it: a month of sessions
// is several kilobytes that most turns never look at, and a session must
// be gone once it passes the retention even if she never writes again.
// The Engine stores the encoded log in a key of its own, rewrites it when
// a turn changes it, and wakes the conversation (Wake) when its oldest
// session passes the retention.

// EncodeLog encodes a session log for storing; no sessions encode as an
// empty, non-nil slice.
func EncodeLog(log []Session) []byte {
	if len(log) == 0 {
		return []byte{}
	}
	b, _ := json.Marshal(log) // arrays of integers always encode
	return b
}

// AttachLog puts the stored log into st. A state written before the log
// moved out carries it inside (OldLog): that one is taken, and moved
// reports that the log must be written to its own place now.
func AttachLog(st *State, stored []byte) (moved bool) {
	st.Data.Log = nil
	if len(stored) > 0 && json.Unmarshal(stored, &st.Data.Log) != nil {
		st.Data.Log = nil // unreadable: a corrupt log must not stop her turns
	}
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
	n := len(st.Data.Log)
	st.Data.Log = slices.DeleteFunc(slices.Clone(st.Data.Log), func(s Session) bool { return !s.start().After(cutoff) })
	return len(st.Data.Log) != n
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
