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
	// Reminders. {n}, {every} and {time} are filled in: sessions a day,
	// the interval, and a time on her clock.
	"remind_current":       "/remind while reminders are on: the current plan ({n}, {every}, {time} = next)",
	"remind_zone":          "asks her city or time zone, so reminders come at her times",
	"remind_zone_pick":     "several zones match what she typed: which one?",
	"remind_zone_unknown":  "no zone matches: we'll work it out from her clock instead",
	"remind_clock":         "asks what time it is for her now (like 3:15 pm or 15:15)",
	"night_why":            "overnight reminders off: why night sessions matter, and that the longest gap stays at 6 hours",
	"remind_on":            "reminders are set: {n} a day, about every {every}; the first at {time}",
	"remind_idle":          "resting with reminders on: next at {time}",
	"remind_off":           "resting with reminders off",
	"remind_ping":          "the reminder itself: time to express, kindly",
	"remind_started":       "after 'Starting now' or /session: a short let-down checklist",
	"remind_next":          "the next reminder, after a session: {time}",
	"remind_snoozed":       "after 'Snooze 15 min': {time}",
	"remind_skipped":       "after 'Skip this one': the next at {time}",
	"remind_stopped":       "after 'Stop reminders': they are off; /remind turns them on",
	"session_no_reminders": "after /session with reminders off: good luck, and /remind can plan the next ones",
	"btn_remind":           "button: set up reminders",
	"btn_type_time":        "button: type the time instead of a city",
	"btn_start_now":        "button: starting now",
	"btn_snooze":           "button: snooze 15 min",
	"btn_skip":             "button: skip this one",
	"btn_stop_reminders":   "button: stop reminders",
	// The session log and the session timer. The % verbs are filled in, in order.
	"log_side":        "/log: which side?",
	"log_minutes":     "/log: how many minutes?",
	"log_ml":          "/log: how much milk, if she measured (optional; one number, or left and right)",
	"log_done":        "logged: %d minutes, %s (the side); ', N ml' and a full stop are added",
	"checkin":         "the session timer, about 20 minutes in: how did it go? (steady flow? the amount she expects?)",
	"checkin_good":    "after 'Went well': well done, it is logged",
	"checkin_poor":    "after 'Slow or little': kind words, it is logged, and an idea she has not tried follows",
	"today_head":      "/today, first line: %s (\"3 sessions\") today of the %s target",
	"today_gap":       "/today: the longest gap in the last 24 hours, %s",
	"today_night_yes": "/today: she expressed last night",
	"today_night_no":  "/today: no session last night, and why night sessions matter, briefly",
	"today_next":      "/today: the next reminder at %s her time",
	"today_week":      "/today: the last 7 days, %s (\"12 sessions\"), about %.1f a day",
	"btn_left":        "button, and the log's wording: left side",
	"btn_right":       "button, and the log's wording: right side",
	"btn_both":        "button, and the log's wording: both sides",
	"btn_skip_ml":     "button: skip the millilitres",
	"btn_went_well":   "button: the session went well",
	"btn_slow":        "button: slow, or little milk",
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
