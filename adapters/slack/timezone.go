package slack

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// maxZones bounds the time-zone cache.
const maxZones = 10000

// TimeZones looks up people's time zones (IANA names such as
// "Europe/London") with users.info, and caches them for a while: a person
// rarely moves, and reminders ask often. Safe for concurrent use.
type TimeZones struct {
	api *slack.Client
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	zones map[string]zone
}

type zone struct {
	name    string
	expires time.Time
}

// NewTimeZones returns a TimeZones asking api. It reads WithZoneTTL and
// WithClock.
func NewTimeZones(api *slack.Client, opts ...Option) *TimeZones {
	return newTimeZones(api, newOptions(opts))
}

func newTimeZones(api *slack.Client, o options) *TimeZones {
	return &TimeZones{api: api, ttl: o.zoneTTL, now: o.now, zones: make(map[string]zone)}
}

// TimeZone returns userID's time zone, from the cache or users.info. A
// user who set none gets "" and no error. A failed lookup is not cached.
func (z *TimeZones) TimeZone(ctx context.Context, userID string) (string, error) {
	now := z.now()
	z.mu.Lock()
	if c, ok := z.zones[userID]; ok && now.Before(c.expires) {
		z.mu.Unlock()
		return c.name, nil
	}
	z.mu.Unlock()
	u, err := z.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return "", wrapErr("users.info", err)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if len(z.zones) >= maxZones {
		for id, c := range z.zones {
			if !now.Before(c.expires) {
				delete(z.zones, id)
			}
		}
		if len(z.zones) >= maxZones {
			clear(z.zones)
		}
	}
	z.zones[userID] = zone{name: u.TZ, expires: now.Add(z.ttl)}
	return u.TZ, nil
}
