package content

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed zones.txt
var zonesFile string

// zoneTable is zones.txt read: the zones in its order, and the country of
// each zone that is in one.
type zoneTable struct {
	zones   []string
	country map[string]string
}

var zoneData = sync.OnceValue(func() zoneTable {
	t := zoneTable{country: map[string]string{}}
	for _, line := range strings.Split(zonesFile, "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		zone, country, _ := strings.Cut(line, "\t")
		t.zones = append(t.zones, zone)
		if country != "" {
			t.country[zone] = country
		}
	}
	return t
})

// Zones lists the IANA time zone names people can pick for reminders, from
// the tz database's zone.tab: one per populated region, plus UTC. The list
// is read once; callers must not change it.
func Zones() []string { return zoneData().zones }

// Country is the ISO 3166 code of the country a time zone of Zones is in
// ("Europe/Madrid" → "ES"), as zone.tab has it; "" for UTC, a fixed offset
// or a name it does not list.
func Country(zone string) string { return zoneData().country[zone] }
