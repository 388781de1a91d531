package bot

import (
	"context"
	"fmt"
	"time"
)

// Router is a Sender that hands each reply to the Sender of its
// conversation's platform (Conv.Platform), so that one Dispatcher over one
// store serves every platform: each conversation in the ready index goes
// where it belongs.
type Router map[string]Sender

// Send implements Sender.
func (r Router) Send(ctx context.Context, conv Conv, reply Reply) error {
	s, ok := r[conv.Platform()]
	if !ok {
		// Nothing running here can ever deliver it.
		return fmt.Errorf("no sender for platform %q: %w", conv.Platform(), ErrRefused)
	}
	return s.Send(ctx, conv, reply)
}

// Paces picks a pacing function by platform, for WithPace; platforms not
// listed get one message a second.
type Paces map[string]func(Conv) (time.Duration, int)

// Pace returns how often conv may be sent to, and the burst.
func (p Paces) Pace(conv Conv) (time.Duration, int) {
	if f, ok := p[conv.Platform()]; ok {
		return f(conv)
	}
	return time.Second, 1
}
