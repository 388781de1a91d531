package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/letdownbot/letdown/adapters/internal/httpbody"
	"github.com/letdownbot/letdown/bot"
)

// Paths the Handler serves; give them to Slack in the app's settings (see
// slack-manifest.yaml).
const (
	EventsPath        = "/slack/events"
	InteractivityPath = "/slack/interactivity"
	CommandsPath      = "/slack/commands"
)

// Handler receives Slack's requests over HTTP: Events API events,
// interactivity payloads and slash commands. Every request must carry a
// valid signature made with the signing secret no more than five minutes
// ago, or it is answered 401 and nothing else is done (I7). Each event is
// committed through the Engine before it is answered 200, so a 200 means
// committed (I1); anything else makes Slack retry, and the event's
// dedupe key drops what was already committed (I2).
type Handler struct {
	core   *core
	secret string
	mux    *http.ServeMux
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns the handler for the three request URLs. api answers
// mentions and updates pressed messages. It reads WithNotify,
// WithBotUserID, WithBodyLimit, WithAckTimeout, WithChoreTimeout,
// WithClock and WithLogger.
func NewHandler(engine *bot.Engine, api *slack.Client, signingSecret string, opts ...Option) (*Handler, error) {
	if signingSecret == "" {
		return nil, errors.New("slack: no signing secret")
	}
	h := &Handler{core: newCore(engine, api, newOptions(opts)), secret: signingSecret, mux: http.NewServeMux()}
	h.mux.Handle(EventsPath, h.verified(h.events))
	h.mux.Handle(InteractivityPath, h.verified(h.interactivity))
	h.mux.Handle(CommandsPath, h.verified(h.commands))
	return h, nil
}

// ServeHTTP routes a request to its handler; unknown paths get 404.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Wait blocks until the best-effort calls started by earlier requests are
// done, and any workspace still being erased is. Call it on shutdown once
// the HTTP server has stopped, and in tests before looking at what Slack
// received.
func (h *Handler) Wait() { h.core.wait() }

// verified reads and authenticates the request before next sees its
// body: 405 for anything but POST, 401 without a valid, fresh signature,
// 413 for a body over the limit.
func (h *Handler) verified(next func(http.ResponseWriter, *http.Request, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// Missing headers and stale timestamps are refused before the
		// body is read.
		v, err := slack.NewSecretsVerifier(r.Header, h.secret)
		if err != nil {
			// Closing the connection spares reading the body it sent,
			// at whatever pace it sends it.
			w.Header().Set("Connection", "close")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, ok := httpbody.Read(w, r, h.core.o.bodyLimit)
		if !ok {
			return
		}
		if _, err := v.Write(body); err != nil || v.Ensure() != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

// events handles the Events API: the URL check, then one event.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, body []byte) {
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "not a Slack event", http.StatusBadRequest)
		return
	}
	switch outer.Type {
	case slackevents.URLVerification:
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, outer.Challenge)
		return
	case slackevents.AppRateLimited:
		h.core.o.log.Warn("slack: events are being rate limited by Slack")
		w.WriteHeader(http.StatusOK)
		return
	}
	e, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		// The signature proved it is from Slack: an event kind the
		// library cannot read is acknowledged, not retried forever.
		h.core.o.log.Info("slack: event not understood", "err", errKind(err))
		w.WriteHeader(http.StatusOK)
		return
	}
	ev := ConvertEvent(e, h.core.o.botUserID)
	if err := h.core.handle(r.Context(), ev); err != nil {
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// interactivity handles a button press.
func (h *Handler) interactivity(w http.ResponseWriter, r *http.Request, body []byte) {
	cb, err := ParseInteraction(body)
	if err != nil {
		http.Error(w, "not a Slack interaction", http.StatusBadRequest)
		return
	}
	if err := h.core.handle(r.Context(), ConvertInteraction(cb)); err != nil {
		// Slack shows her the press failed; she can press again.
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// commands handles /letdown. From a channel the answer, seen only by her,
// says the conversation goes on in the DM; from the DM it is empty.
func (h *Handler) commands(w http.ResponseWriter, r *http.Request, body []byte) {
	sc, err := ParseCommand(body)
	if err != nil {
		http.Error(w, "not a Slack command", http.StatusBadRequest)
		return
	}
	ev := ConvertCommand(sc)
	if ev.Stats {
		writeJSON(w, h.core.statsAnswer(r.Context(), ev))
		return
	}
	if err := h.core.handle(r.Context(), ev); err != nil {
		// Slack never retries a command: say so kindly instead of
		// showing her an HTTP error.
		writeJSON(w, ephemeral(SorryText))
		return
	}
	if ev.Ephemeral && !ev.Ignore {
		writeJSON(w, ephemeral(DMNotice))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// ephemeral is an answer to a slash command only its sender sees.
func ephemeral(text string) *slack.Msg {
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: text}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// ParseInteraction reads an interactivity request body: a form whose
// "payload" field is the JSON of the interaction.
func ParseInteraction(body []byte) (slack.InteractionCallback, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slack.InteractionCallback{}, err
	}
	payload := form.Get("payload")
	if payload == "" {
		return slack.InteractionCallback{}, errors.New("no payload")
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(payload), &cb); err != nil {
		return slack.InteractionCallback{}, err
	}
	return cb, nil
}

// ParseCommand reads a slash command request body (a form).
func ParseCommand(body []byte) (slack.SlashCommand, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return slack.SlashCommand{}, err
	}
	// slack.SlashCommandParse wants the request, whose body the signature
	// check has already read; the fields are the same.
	return slack.SlashCommand{
		Token:       form.Get("token"),
		TeamID:      form.Get("team_id"),
		TeamDomain:  form.Get("team_domain"),
		ChannelID:   form.Get("channel_id"),
		ChannelName: form.Get("channel_name"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
		TriggerID:   form.Get("trigger_id"),
		APIAppID:    form.Get("api_app_id"),
	}, nil
}
