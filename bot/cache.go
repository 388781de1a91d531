package bot

import "sync"

// DefaultCacheSize is how many conversations an Engine keeps in memory by
// default: at a few hundred bytes each, a few megabytes.
const DefaultCacheSize = 10_000

// snapCache keeps the Snapshot of recent conversations, as this Engine
// last committed or loaded them, so that a turn commits without a Load.
// A copy that another replica (or the Dispatcher's Block) has since made
// stale costs nothing more: the commit's version check refuses it and the
// store's answer carries the conversation as it stands (ConflictError).
// When full, an entry picked at random makes room: no order to keep, and
// conversations are talked to in bursts, so a hit rate near an LRU's.
type snapCache struct {
	mu   sync.Mutex
	max  int
	snap map[Conv]Snapshot
}

func newSnapCache(max int) *snapCache {
	return &snapCache{max: max, snap: make(map[Conv]Snapshot, min(max, 1024))}
}

func (c *snapCache) get(conv Conv) (Snapshot, bool) {
	if c.max <= 0 {
		return Snapshot{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.snap[conv]
	return s, ok
}

// put keeps s. The caller gives up s: its slices are not copied, and must
// not be changed after.
func (c *snapCache) put(conv Conv, s Snapshot) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.snap[conv]; !ok && len(c.snap) >= c.max {
		for k := range c.snap {
			delete(c.snap, k)
			break
		}
	}
	c.snap[conv] = s
}

func (c *snapCache) drop(conv Conv) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.snap, conv)
}
