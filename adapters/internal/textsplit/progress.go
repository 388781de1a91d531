package textsplit

import (
	"errors"
	"hash/maphash"
	"sync"

	"github.com/letdownbot/letdown/bot"
)

// Progress remembers, per conversation, how many parts of a split reply
// went out before a send failed, so that the retry sends only the rest and
// she does not read the first parts twice. It lives in memory: after a
// crash the earlier parts may repeat. Safe for concurrent use.
type Progress struct {
	mu   sync.Mutex
	seed maphash.Seed
	sent map[bot.Conv]sent
}

// sent is how far a split reply got: its first parts, for the reply whose
// text hashes to sum.
type sent struct {
	sum   uint64
	parts int
}

// NewProgress returns an empty Progress.
func NewProgress() *Progress {
	return &Progress{seed: maphash.MakeSeed(), sent: make(map[bot.Conv]sent)}
}

// Send sends the n parts of the reply text to conv with send(i), starting
// after the parts an earlier attempt at the same reply delivered. It
// returns the first error; a reply the platform refused for good
// (bot.ErrRefused) is forgotten, since nothing more goes to that chat.
func (p *Progress) Send(conv bot.Conv, text string, n int, send func(i int) error) error {
	sum := maphash.String(p.seed, text)
	first := 0
	if n > 1 {
		p.mu.Lock()
		if s, ok := p.sent[conv]; ok && s.sum == sum {
			first = s.parts
		}
		p.mu.Unlock()
	}
	for i := first; i < n; i++ {
		if err := send(i); err != nil {
			if refused := errors.Is(err, bot.ErrRefused); i > first || refused {
				p.mu.Lock()
				if refused {
					delete(p.sent, conv)
				} else {
					p.sent[conv] = sent{sum: sum, parts: i}
				}
				p.mu.Unlock()
			}
			return err
		}
	}
	if n > 1 {
		p.mu.Lock()
		delete(p.sent, conv)
		p.mu.Unlock()
	}
	return nil
}
