package content

// RequiredMessages lists the ids every catalog's messages.yaml must define,
// with what each is for. The dialog uses no other fixed text.
var RequiredMessages = map[string]string{
	"greeting":     "a hello back, short, before her current question is asked again",
	"welcome":      "first message on /start: who the bot is, and the disclaimer (education, not diagnosis; emergencies go to the local emergency number)",
	"screen":       "the safety check before any tip: do any of these apply right now?",
	"screen_clear": "after 'None of these': thanks, on to a few questions",
	"going_well":   "triage says she is expressing well: encouragement, then the plan for keeping it going follows",
	"walk_end":     "her plan (or the ideas she chose) is over without her milk flowing: kind words, /plan and /start; 'More ideas' and the next-day check-in are buttons under it",
	// Her plan. {n} is how many ideas it holds and {list} their titles,
	// one numbered line each.
	"plan_intro":     "after triage: 'Your plan: the {n} ideas most likely to help you', then {list}; one at a time follows",
	"plan_well":      "she is expressing well: the plan for keeping it going, then {list} ({n} is how many)",
	"plan_return":    "a returning mother chose to start with what helped her last time: {list} ({n} is how many)",
	"plan_changed":   "mid-plan she said her baby is in hospital or away, or reported mastitis signs: the rest of her plan now fits that",
	"helped":         "after 'Done / it helped': short, glad, it is on her list; the next idea follows (one of three, in turn)",
	"helped_2":       "after 'Done / it helped': the second way of saying it",
	"helped_3":       "after 'Done / it helped': the third way of saying it",
	"flowing":        "after 'My milk is flowing!': short and glad (one of three, in turn)",
	"flowing_2":      "after 'My milk is flowing!': the second way of saying it",
	"flowing_3":      "after 'My milk is flowing!': the third way of saying it",
	"flowing_end":    "her milk is flowing, so the plan stops here: the idea is on her list; /plan and /session show it",
	"ideas_pick":     "after 'More ideas': which kind of idea? (the themes follow as buttons)",
	"theme_end":      "the ideas of the theme she picked are over: pick another",
	"plan_none":      "/plan before she has a plan or a list: how she gets one",
	"plan_list":      "/plan: the heading above the ideas that helped her",
	"plan_head":      "/plan: the heading above the ideas of her plan",
	"returning_skip": "a returning mother wants new questions instead of what helped last time",
	// The next-day check-in. {time} is filled in on her clock.
	"follow_set":         "after 'Check in tomorrow' when her time zone is known: I'll ask how it's going tomorrow at {time}",
	"follow_set_any":     "after 'Check in tomorrow' when her time zone is not known: I'll ask how it's going this time tomorrow",
	"follow_ask":         "the check-in the next day: how is it going? (Better / Still slow follow)",
	"follow_better":      "after 'Better': glad; her plan and her list follow",
	"follow_slow":        "after 'Still slow': kind words; a lactation consultant, then medicines (a doctor's call) follow, as seed 003 orders them",
	"stopped":            "after 'Stop': we stop here; /start any time",
	"fallback":           "text the bot did not understand: short, kind, points at the buttons and /help",
	"fallback_guess":     "text the bot did not understand for sure: did you mean one of these? (the guesses follow as buttons)",
	"fallback_again":     "a second miss in a row: said another way, points at the buttons",
	"fallback_menu":      "a third miss in a row: offers the topic menu and a way back",
	"screen_first":       "a question typed before the safety check is done: answered right after it",
	"mastitis_avoid":     "she asked about a tip that is not for her now that she reported mastitis signs (heat, deep massage, extra pumping)",
	"remind_zone_again":  "a place the bot could not find: a second try, with a big city near her",
	"timezone_none":      "/timezone when she has no reminders: the zone is only used for them; /remind asks it",
	"btn_share_location": "button (Telegram) at the city question: share her location, from which only her time zone is kept",
	"btn_back":           "button: back to the question or tip she was on",
	"topic_comfort":      "topic menu button: comfort and calm",
	"topic_letdown":      "topic menu button: starting the let-down",
	"topic_technique":    "topic menu button: technique while expressing",
	"topic_equipment":    "topic menu button: the pump, shields and kit",
	"topic_support":      "topic menu button: help from people",
	"expired":            "a stale or unknown button was pressed: that button is from an earlier message; here is where we are",
	"non_text":           "a sticker, photo, voice note or file: the bot reads only text and button taps",
	"help":               "heading of /help, above the command list",
	"restart":            "after /restart: starting fresh",
	"unknown_command":    "a command the bot does not know",
	"stop_reminders":     "/stop: reminders are off (there are none yet), the chat can go on",
	"forget_confirm":     "/forget: this erases everything about you here; are you sure?",
	"forget_done":        "after erasing: all gone; /start to begin again",
	"forget_kept":        "after 'No, keep it'",
	"referral_next":      "after a non-emergency referral: when ready, gentle tips can go on",
	"mastitis_note":      "the advice changes because of mastitis signs: no heat, no deep massage, no extra pumping",
	"crisis_after":       "after an emergency referral, shown again on any message until she says she is safe",
	// Emergency numbers. Any text may hold {emergency}, her country's
	// emergency numbers, and {crisis}, a sentence naming its crisis line
	// (or nothing): see numbers.yaml.
	"number_or":            "the word between the last two emergency numbers: 112, 911 or 999",
	"crisis_line":          "{crisis} where her country has a crisis line: you can also call or text {line}, a sentence of its own",
	"crisis_line_anywhere": "{crisis} where her country is not known: in the US you can also call or text {line}, a sentence of its own",
	"why_general":          "/why outside the walk: where the guidance comes from",
	"updated":              "the bot was updated and her old place in the chat no longer exists: picking up somewhere sensible",
	"btn_none":             "button: none of the red flags apply",
	"btn_done":             "button: Done / it helped",
	"btn_flowing":          "button under every tip: My milk is flowing!",
	"btn_more_ideas":       "button at the end of her plan: More ideas, by theme",
	"btn_next_idea":        "button after 'My milk is flowing!': the next idea of her plan, for another time",
	"today_one_session":    "/today: one session, counted (\"1 session\")",
	"today_sessions":       "/today: %d sessions, counted, for any number but one",
	"today_minutes":        "/today: • %d minutes expressed today",
	"lang_choose":          "/lang: which language would you like? (one button per language)",
	"lang_switched":        "after she picked or typed a language: from now on in this language; her current question follows",
	"btn_lang_en":          "button of /lang: English, written in English whatever the language",
	"btn_lang_es":          "button of /lang: Spanish, written in Spanish whatever the language (Español)",
	"btn_fresh_plan":       "button at the end of a returning mother's list: a fresh plan (the questions again)",
	"btn_follow_offer":     "button at the end of a plan without a flowing let-down: check in tomorrow",
	"btn_better":           "button of the next-day check-in: it is going better",
	"btn_still_slow":       "button of the next-day check-in: it is still slow",
	"btn_next":             "button: Next",
	"btn_more":             "button: Tell me more",
	"btn_why":              "button: Why?",
	"btn_stop":             "button: Stop",
	"btn_continue":         "button: go on with gentle tips after a referral",
	"btn_safe":             "button: I am safe now, back to the start",
	"btn_restart":          "button: start again",
	"btn_forget_yes":       "button: yes, erase everything",
	"btn_forget_no":        "button: no, keep it",
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
	"remind_started":       "after 'Starting now' or /session: a short let-down checklist; its first line is the heading, and what helped her goes first under it",
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
	"week_head":       "/week, first line: her last 7 days, sessions a day against her target of %d",
	"week_line":       "/week, one line a day: %s the day (\"Mon 1\"), %d sessions (the number alone), %d of them at night, %d minutes, %d ml",
	"week_days":       "the days of the week, Monday first, short, separated by spaces: the chart's labels",
	"chart_words":     "the chart's words, 7 parts separated by |: title, sessions panel, night mark, target line, milk panel (saying what L and R mean), left mark, right mark",
	"export":          "/export, with the files: her log, %s (\"12 sessions\"), and a chart of her last 7 days, for her lactation consultant; no copy is kept",
	"export_empty":    "/export with an empty log: nothing to send yet; /log after a session",
	"btn_left":        "button, and the log's wording: left side",
	"btn_right":       "button, and the log's wording: right side",
	"btn_both":        "button, and the log's wording: both sides",
	"btn_skip_ml":     "button: skip the millilitres",
	"btn_went_well":   "button: the session went well",
	"btn_slow":        "button: slow, or little milk",
	// Groups: general answers in a channel or group chat, for anyone, and
	// the figures a workspace's facilitator sees. Never about one person.
	"group_help":          "in a group, to a question with no vetted answer (or /help): what it can answer here, and to talk privately for anything personal",
	"group_footer":        "in a group, under a tip: this is general information; for ideas that fit you, talk privately",
	"group_redflag":       "in a group, to a warning sign: kind, general, no discussion here; contact a midwife, doctor or nurse; in danger call 112, 911 or 999; talk privately",
	"group_limited":       "in a group, only to her (Slack): many answers here just now, so it waits a few minutes; ask privately any time",
	"btn_private":         "button in a group: talk to me privately",
	"stats_title":         "/letdown stats, first line: counts for this workspace over the last 7 days, never a person",
	"stats_conversations": "/letdown stats: %d private chats, each person counted once a day, added up",
	"stats_helped":        "/letdown stats: heading of the tips marked as helping, by topic (lines '• topic: N' follow)",
	"stats_referrals":     "/letdown stats: heading of the warning signs sent on for care, by how urgent (lines '• level: N' follow)",
	"stats_handoffs":      "/letdown stats: %d requests to talk to a person were taken",
	"stats_wait":          "/letdown stats: half of them within %d minutes",
	"stats_none":          "/letdown stats: under a heading with nothing counted: none yet",
	"stats_refused":       "/letdown stats from someone who is not a workspace admin: kindly, only admins can see them",
	"level_emergency":     "/letdown stats: the level of a warning sign that needs help now",
	"level_today":         "/letdown stats: the level of a warning sign that needs care today",
	"level_soon":          "/letdown stats: the level of a warning sign that needs care soon",
}

// RequiredQuestions lists the triage question ids the dialog asks, in order.
// Their option values are fixed too: see RequiredOptions.
var RequiredQuestions = []string{"method", "double", "steady", "amount", "time", "tried", "returning", "remind_count", "remind_night"}

// RequiredOptions lists, per question, the option values the dialog switches on.
var RequiredOptions = map[string][]string{
	"method": {"pump", "hand", "both"},
	"double": {"double", "single"},
	"steady": {"yes", "no"},
	"amount": {"yes", "no"},
	"time":   {"yes", "no"},
	"tried":  {"warm_compress", "skin_to_skin", "both", "neither"},
	// After the safety check, to a mother with a list of what helped her:
	// start with it, or answer the questions again. Its text fills in
	// {helped}, the titles of what helped.
	"returning": {"yes", "no"},
	// Reminders: sessions a day, and whether to remind through the night.
	"remind_count": {"8", "9", "10"},
	"remind_night": {"yes", "no"},
}

// TriedValues are the values Step.Tried may take: the step is skipped when
// she already does it. "double_pumping" is known from the triage question
// "double", the others from "tried".
var TriedValues = []string{"warm_compress", "skin_to_skin", "double_pumping"}

// Placeholders are the {names} a text may hold, with the one file whose
// texts the dialog fills them in; "" means every file. A name not listed
// here, or in another file, would reach her as it is.
var Placeholders = map[string]string{
	"emergency": "", // her country's emergency numbers (numbers.yaml)
	"crisis":    "", // a sentence naming her country's crisis line, or nothing
	"n":         fileMessages,
	"list":      fileMessages,
	"every":     fileMessages,
	"time":      fileMessages,
	"line":      fileMessages, // the crisis line, in crisis_line and crisis_line_anywhere
	"helped":    fileTriage,
	"name":      fileMessages, // her first name, in a request for a person
	"helper":    fileMessages, // the first name of the supporter who took it
	"topic":     fileMessages, // what her request is about
}

// CallMessages are the messages that must name the emergency number
// ({emergency}), and whether the crisis line too ({crisis}).
var CallMessages = map[string]bool{"welcome": false, "crisis_after": true}
