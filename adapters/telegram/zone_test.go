package telegram

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/letdownbot/letdown/adapters/telegram/tgtest"
)

// TestShareLocationSetsTheZone: at the city question Telegram shows a
// "Share my location" key; the location she shares becomes her time zone
// (found offline), and nothing of the place is kept.
func TestShareLocationSetsTheZone(t *testing.T) {
	h := newHarness(t)
	const user = 5151
	h.say(user, "/remind")
	h.say(user, "8 please")
	calls := h.api.Calls("sendMessage")
	markup := calls[len(calls)-1].Params["reply_markup"]
	if !strings.Contains(markup, `"request_location":true`) || !strings.Contains(markup, h.msg("btn_share_location")) {
		t.Fatalf("city question's reply_markup = %s, want a request_location key", markup)
	}
	u := tgtest.TextUpdate(h.id(), user, "")
	u.Message.Location = &models.Location{Latitude: 40.7128, Longitude: -74.0060} // New York
	h.post(u)
	h.drain(ConvKey(user, user))
	h.say(user, "no")
	snap, err := h.store.Load(t.Context(), ConvKey(user, user))
	if err != nil {
		t.Fatal(err)
	}
	state := string(snap.State)
	if !strings.Contains(state, `"America/New_York"`) {
		t.Errorf("state after sharing a New York location = %s, want zone America/New_York", state)
	}
	if strings.Contains(state, "40.71") || strings.Contains(state, "74.00") {
		t.Errorf("state keeps the location itself: %s", state)
	}
}

func TestZoneAt(t *testing.T) {
	for _, tc := range []struct {
		lat, lon float64
		want     string
	}{
		{-33.8688, 151.2093, "Australia/Sydney"},
		{51.5074, -0.1278, "Europe/London"},
		{91, 0, ""}, // not a place
	} {
		if got := zoneAt(tc.lat, tc.lon); got != tc.want {
			t.Errorf("zoneAt(%v, %v) = %q, want %q", tc.lat, tc.lon, got, tc.want)
		}
	}
}
