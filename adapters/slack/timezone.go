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
	locale  string // her Slack language, such as "es-ES" (users.info with include_locale)
	first   string // the first name in the profile, if any
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
	c, err := z.lookup(ctx, userID)
	return c.name, err
}

// Locale returns userID's Slack locale ("es-ES", "en-US"), from the same
// cache and users.info call as TimeZone. A user without one gets "".
func (z *TimeZones) Locale(ctx context.Context, userID string) (string, error) {
	c, err := z.lookup(ctx, userID)
	return c.locale, err
}

// FirstName returns userID's first name from their profile, from the
// same cache and users.info call as TimeZone; "" when they gave none.
func (z *TimeZones) FirstName(ctx context.Context, userID string) (string, error) {
	c, err := z.lookup(ctx, userID)
	return c.first, err
}

// cachedFirstName is userID's first name if the cache holds it, without
// asking users.info.
func (z *TimeZones) cachedFirstName(userID string) string {
	z.mu.Lock()
	defer z.mu.Unlock()
	if c, ok := z.zones[userID]; ok && z.now().Before(c.expires) {
		return c.first
	}
	return ""
}

func (z *TimeZones) lookup(ctx context.Context, userID string) (zone, error) {
	now := z.now()
	z.mu.Lock()
	if c, ok := z.zones[userID]; ok && now.Before(c.expires) {
		z.mu.Unlock()
		return c, nil
	}
	z.mu.Unlock()
	// GetUserInfoContext asks with include_locale=true.
	u, err := z.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		return zone{}, wrapErr("users.info", err)
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
	c := zone{name: u.TZ, locale: u.Locale, first: u.Profile.FirstName, expires: now.Add(z.ttl)}
	z.zones[userID] = c
	return c, nil
}
