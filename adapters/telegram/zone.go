package telegram

import (
	"math"
	"sync"

	"github.com/ringsaturn/tzf"
)

// zones finds the time zone of a place offline. Its data takes most of a
// second to load, so it is loaded on the first shared location, not at
// start-up.
var zones struct {
	once   sync.Once
	finder tzf.F
}

// zoneAt returns the IANA time zone at a latitude and longitude, or "".
// Only the zone is kept: the location itself goes no further than this.
func zoneAt(lat, lon float64) string {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return ""
	}
	zones.once.Do(func() {
		if f, err := tzf.NewDefaultFinder(); err == nil {
			zones.finder = f
		}
	})
	if zones.finder == nil {
		return ""
	}
	return zones.finder.GetTimezoneName(lon, lat)
}
