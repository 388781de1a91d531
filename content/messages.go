package content

// RequiredMessages lists the ids every catalog's messages.yaml must define,
// with what each is for. The dialog uses no other fixed text.
var RequiredMessages = map[string]string{
	"welcome":         "first message on /start: who the bot is, and the disclaimer (education, not diagnosis; emergencies go to the local emergency number)",
	"screen":          "the safety check before any tip: do any of these apply right now?",
	"screen_clear":    "after 'None of these': thanks, on to a few questions",
	"going_well":      "triage says she is expressing well: encouragement, then the plan follows",
	"walk_intro":      "the start of the guidance walk: one idea at a time, tap a button after each",
	"walk_end":        "the walk is over: kind words, how to start again",
	"helped":          "after 'Done / it helped': glad, keep doing it; the next idea follows",
	"stopped":         "after 'Stop': we stop here; /start any time",
	"fallback":        "text the bot did not understand: short, kind, points at the buttons and /help",
	"expired":         "a stale or unknown button was pressed: that button is from an earlier message; here is where we are",
	"non_text":        "a sticker, photo, voice note or file: the bot reads only text and button taps",
	"help":            "heading of /help, above the command list",
	"restart":         "after /restart: starting fresh",
	"not_yet":         "a command that is coming in a later version",
	"unknown_command": "a command the bot does not know",
	"stop_reminders":  "/stop: reminders are off (there are none yet), the chat can go on",
	"forget_confirm":  "/forget: this erases everything about you here; are you sure?",
	"forget_done":     "after erasing: all gone; /start to begin again",
	"forget_kept":     "after 'No, keep it'",
	"referral_next":   "after a non-emergency referral: when ready, gentle tips can go on",
	"mastitis_note":   "the advice changes because of mastitis signs: no heat, no deep massage, no extra pumping",
	"crisis_after":    "after an emergency referral, shown again on any message until she says she is safe",
	"why_general":     "/why outside the walk: where the guidance comes from",
	"updated":         "the bot was updated and her old place in the chat no longer exists: picking up somewhere sensible",
	"btn_none":        "button: none of the red flags apply",
	"btn_done":        "button: Done / it helped",
	"btn_next":        "button: Next",
	"btn_more":        "button: Tell me more",
	"btn_why":         "button: Why?",
	"btn_stop":        "button: Stop",
	"btn_continue":    "button: go on with gentle tips after a referral",
	"btn_safe":        "button: I am safe now, back to the start",
	"btn_restart":     "button: start again",
	"btn_forget_yes":  "button: yes, erase everything",
	"btn_forget_no":   "button: no, keep it",
}

// RequiredQuestions lists the triage question ids the dialog asks, in order.
// Their option values are fixed too: see RequiredOptions.
var RequiredQuestions = []string{"method", "double", "steady", "amount", "time", "tried", "remind_count", "remind_night"}

// RequiredOptions lists, per question, the option values the dialog switches on.
var RequiredOptions = map[string][]string{
	"method": {"pump", "hand", "both"},
	"double": {"double", "single"},
	"steady": {"yes", "no"},
	"amount": {"yes", "no"},
	"time":   {"yes", "no"},
	"tried":  {"warm_compress", "skin_to_skin", "both", "neither"},
	// Reminders: sessions a day, and whether to remind through the night.
	"remind_count": {"8", "9", "10"},
	"remind_night": {"yes", "no"},
}

// TriedValues are the values Step.Tried may take: the step is skipped when
// she already does it. "double_pumping" is known from the triage question
// "double", the others from "tried".
var TriedValues = []string{"warm_compress", "skin_to_skin", "double_pumping"}
