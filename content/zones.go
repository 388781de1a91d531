package content

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed zones.txt
var zonesFile string

// Zones lists the IANA time zone names people can pick for reminders, from
// the tz database's zone.tab: one per populated region, plus UTC. The list
// is read once; callers must not change it.
var Zones = sync.OnceValue(func() []string {
	var out []string
	for _, line := range strings.Split(zonesFile, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
})
