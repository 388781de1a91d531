package content

// handoffMessages are the messages of "Talk to a person": asking her
// consent, the request in the supporters' channel, and what each side is
// told as it is taken, relayed, ended or expires. They join
// RequiredMessages.
var handoffMessages = map[string]string{
	"btn_person":                "the button that asks for a person from the support team (/person)",
	"btn_ask_yes":               "under the consent question: yes, ask a person",
	"btn_ask_no":                "under the consent question: no, ask nobody",
	"btn_take":                  "under a request in the supporters' channel: the supporter takes it",
	"btn_end":                   "ends the chat with a person, for her and for the supporter",
	"handoff_consent":           "before a request: what the supporters will see, {name} (her first name) and {topic}, never her log; then the question",
	"handoff_consent_noname":    "the same when the platform gave no first name: {topic} alone",
	"handoff_declined":          "she said no: nobody is asked",
	"handoff_asked":             "the request is posted: about how long to wait ({n} minutes), and the emergency numbers",
	"handoff_waiting":           "she asks again while her request waits",
	"handoff_connected":         "she asks again while a supporter ({helper}) is with her",
	"handoff_unavailable":       "no supporters are configured here: who else to call",
	"handoff_request":           "the request in the supporters' channel: {name} and {topic}",
	"handoff_taken":             "to her: {helper} took her request",
	"handoff_relay_on":          "to her, after handoff_taken: how the relay works",
	"handoff_dm_on":             "to her, after handoff_taken: {helper} writes in a new group message",
	"handoff_taken_relay":       "in the supporters' channel: {helper} took {name}'s request, and how to write to her",
	"handoff_taken_dm":          "in the supporters' channel: {helper} took {name}'s request, in a group message",
	"handoff_intro":             "the bot's first message in the group message of {name} and {helper}",
	"handoff_already":           "to a second supporter: {helper} already took it",
	"handoff_yours":             "to the supporter who took it and presses again",
	"handoff_take_first":        "a supporter writes before taking the request",
	"handoff_closed":            "to a supporter: the request expired, ended or never was",
	"handoff_ended":             "to her: the chat with {helper} ended",
	"handoff_ended_channel":     "in the supporters' channel: the chat with {name} ended",
	"handoff_cancelled":         "to her: she took back a request nobody had taken",
	"handoff_cancelled_channel": "in the supporters' channel: {name} took back her request",
	"handoff_none":              "/end when no person is with her",
	"handoff_expired":           "nobody took her request in time: said honestly, the numbers to call, what she can do meanwhile",
	"handoff_expired_channel":   "in the supporters' channel: {name}'s request expired",
	"handoff_flagged_channel":   "to the supporter with her: she was just given urgent-care information (never her words)",
	"handoff_forgotten_channel": "in the supporters' channel: the request closed because she erased her data",
	"handoff_anonymous":         "her name, when the platform gave none",
	"handoff_helper":            "the supporter's name, when the platform gave none",
	"handoff_topic":             "the topic of a request made outside the walk",
	"handoff_topic_comfort":     "the topic of a request made on a tip of the theme comfort",
	"handoff_topic_letdown":     "the topic of a request made on a tip of the theme letdown",
	"handoff_topic_technique":   "the topic of a request made on a tip of the theme technique",
	"handoff_topic_equipment":   "the topic of a request made on a tip of the theme equipment",
	"handoff_topic_support":     "the topic of a request made on a tip of the theme support",
}

func init() {
	for id, what := range handoffMessages {
		RequiredMessages[id] = what
	}
}
