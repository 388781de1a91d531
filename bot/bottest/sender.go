package bottest

import (
	"context"
	"sync"

	"github.com/letdownbot/letdown/bot"
)

// Sent is one reply a Sender delivered.
type Sent struct {
	Conv  bot.Conv
	Reply bot.Reply
}

// Sender records what it sends. Fail, when set, decides the outcome of each
// attempt before it is recorded: a nil error delivers.
type Sender struct {
	mu   sync.Mutex
	sent []Sent
	// Fail is called for every attempt; n counts earlier attempts to conv.
	Fail     func(conv bot.Conv, n int) error
	attempts map[bot.Conv]int
	// Notify, if set, receives every delivered reply, for tests that wait.
	Notify chan Sent
}

// Send implements bot.Sender.
func (s *Sender) Send(_ context.Context, conv bot.Conv, r bot.Reply) error {
	s.mu.Lock()
	if s.attempts == nil {
		s.attempts = map[bot.Conv]int{}
	}
	n := s.attempts[conv]
	s.attempts[conv]++
	fail := s.Fail
	s.mu.Unlock()
	if fail != nil {
		if err := fail(conv, n); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.sent = append(s.sent, Sent{conv, r})
	s.mu.Unlock()
	if s.Notify != nil {
		s.Notify <- Sent{conv, r}
	}
	return nil
}

// Sent returns everything delivered so far, in order.
func (s *Sender) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// To returns the texts delivered to conv, in order.
func (s *Sender) To(conv bot.Conv) []string {
	var out []string
	for _, m := range s.Sent() {
		if m.Conv == conv {
			out = append(out, m.Reply.Text)
		}
	}
	return out
}
