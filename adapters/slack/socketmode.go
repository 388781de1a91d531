package slack

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/letdownbot/letdown/bot"
)

// SocketMode receives events over Slack's Socket Mode websocket: no public
// URL needed. Each envelope is acknowledged only after its event is
// committed (I1); an envelope left unacknowledged is delivered again by
// Slack, and the event's dedupe key drops what was already committed (I2).
type SocketMode struct {
	core   *core
	client *socketmode.Client
}

// NewSocketMode returns a SocketMode reading from client, which must have
// been made from a Web API client with the app-level token
// (slack.OptionAppLevelToken, xapp-…). api answers mentions and updates
// pressed messages. It reads WithNotify, WithBotUserID, WithAckTimeout,
// WithChoreTimeout, WithClock and WithLogger.
func NewSocketMode(engine *bot.Engine, api *slack.Client, client *socketmode.Client, opts ...Option) *SocketMode {
	return &SocketMode{core: newCore(engine, api, newOptions(opts)), client: client}
}

// Run connects and handles envelopes one at a time, in order, until ctx
// is done or the connection fails for good (a bad token). It returns
// ctx's error after a clean stop; the best-effort calls and workspace
// erases it started are finished before it returns.
func (s *SocketMode) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer s.core.wait()
	ran := make(chan error, 1)
	go func() { ran <- s.client.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-ran
			return ctx.Err()
		case err := <-ran:
			if err == nil {
				err = errors.New("slack: socket mode stopped")
			}
			return err
		case evt := <-s.client.Events:
			s.logConnection(evt)
			ack, payload := s.handleEnvelope(ctx, evt)
			if !ack || evt.Request == nil {
				continue
			}
			if err := s.client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
				s.core.o.log.Warn("slack: envelope not acknowledged", "envelope_id", evt.Request.EnvelopeID, "err", err)
			}
		}
	}
}

func (s *SocketMode) logConnection(evt socketmode.Event) {
	log := s.core.o.log
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		log.Debug("slack: socket mode connecting")
	case socketmode.EventTypeConnected:
		// slack-go reconnects on Slack's disconnect without passing the
		// disconnect on: a count above 0 is how a reconnect shows.
		n := 0
		if c, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			n = c.ConnectionCount
		}
		log.Info("slack: socket mode connected", "reconnects", n)
	case socketmode.EventTypeConnectionError:
		log.Warn("slack: socket mode connection failed, retrying")
	case socketmode.EventTypeInvalidAuth:
		log.Error("slack: socket mode refused the app token")
	case socketmode.EventTypeDisconnect:
		log.Info("slack: socket mode asked to reconnect")
	case socketmode.EventTypeErrorBadMessage:
		log.Warn("slack: socket mode message not understood")
	case socketmode.EventTypeIncomingError:
		// Mostly the read that ends a connection being replaced; a broken
		// connection is retried by the client.
		log.Info("slack: socket mode read failed")
	}
}

// Wait blocks until the best-effort calls and workspace erases started so
// far are done.
func (s *SocketMode) Wait() { s.core.wait() }

// handleEnvelope converts one envelope's event, runs it through the
// Engine, and says whether to acknowledge it and with what payload. It
// acknowledges only what is committed, or needs nothing committed; a
// commit failure returns false, and Slack delivers the envelope again.
func (s *SocketMode) handleEnvelope(ctx context.Context, evt socketmode.Event) (ack bool, payload any) {
	if evt.Request == nil || evt.Request.EnvelopeID == "" {
		return false, nil // connection events: nothing to acknowledge
	}
	var ev Event
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		e, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			return true, nil
		}
		ev = ConvertEvent(e, s.core.o.botUserID)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			return true, nil
		}
		ev = ConvertInteraction(cb)
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			return true, nil
		}
		ev = ConvertCommand(sc)
		if ev.Stats {
			return true, s.core.statsAnswer(ctx, ev)
		}
	default:
		// An envelope of a kind never asked for: acknowledged so it is
		// not delivered again and again.
		return true, nil
	}
	if err := s.core.handle(ctx, ev); err != nil {
		return false, nil
	}
	if ev.Ephemeral && !ev.Ignore {
		return true, ephemeral(DMNotice)
	}
	return true, nil
}
