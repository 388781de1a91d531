package dialog

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

// typedAnswer takes typed text as the answer to what is on screen: a
// duration or a number where the question asks for one, then the button
// whose says it names, then free-text answers (a city, a clock time,
// millilitres). It returns the buttons the text could mean when it named
// more than one.
func (t *turn) typedAnswer(tx understand.Text, raw string) (guesses []string, ok bool) {
	u := t.d.u
	if q, found := t.d.questions[askStates[t.st.Name]]; found {
		if v, ok := t.measured(q, tx); ok {
			t.understood("answer", data("a", q.ID, v))
			t.answer(q.ID, v)
			return nil, true
		}
	}
	buttons := t.typeable()
	if s, ok := t.d.steps[t.asked]; ok {
		// Right after an answered question, "more", "why" and "back" are
		// about that answer: its buttons come first, and a walk button of
		// the same name gives way.
		buttons = uniqueLabels(append(t.backButtons(s, "more", "why"), buttons...))
	}
	ch, ok, guesses := u.an.Choose(tx, u.choices(buttons))
	if ok {
		// A button named by a few words of a longer message ("I can't
		// stop staring at the bottles" holds "stop") counts only when the
		// message opens with it (after a "yes" or "ok") or it carries half
		// the message's weight.
		n, all := u.index.Weighty(tx[ch.Span.From:ch.Span.To]), u.index.Weighty(tx)
		if (ch.Span.From <= 1 || 2*n >= all) && !t.rather(tx, raw, all-n) {
			t.understood("answer", ch.Key)
			t.button(ch.Key)
			return nil, true
		}
		guesses = []string{ch.Key}
	}
	if t.freeAnswer(tx, raw) {
		return nil, true
	}
	return guesses, false
}

// rather reports whether a message that named a button is really a
// question about the guidance: "how often should I pump" is not "Tell me
// more" for holding a "how". It must read as a question, hold weighty
// words beyond the button's (rest), and match a step well.
func (t *turn) rather(tx understand.Text, raw string, rest int) bool {
	if !t.d.u.an.Asking(tx, raw) || rest < 1 {
		return false
	}
	hits := t.search(tx)
	return len(hits) > 0 && confident(hits[0])
}

// measured answers a question from a number: a duration against its
// minutes ("takes me 45 min" is a no to "within 20 minutes?"), or a count
// that is one of its options ("8 please").
func (t *turn) measured(q *content.Question, tx understand.Text) (string, bool) {
	if q.Minutes > 0 {
		if m, ok := t.d.u.an.Minutes(tx); ok {
			if m <= float64(q.Minutes) {
				return "yes", true
			}
			return "no", true
		}
		return "", false
	}
	for _, n := range tx.Numbers() {
		v := strconv.FormatFloat(n, 'f', -1, 64)
		if t.d.hasOption(q.ID, v) {
			return v, true
		}
	}
	return "", false
}

// freeAnswer handles the states answered in her own words: a city or time
// zone, the time on her clock, minutes and millilitres of a session.
func (t *turn) freeAnswer(tx understand.Text, raw string) bool {
	if t.st.Name == stateRemindZone {
		if zones := t.d.placesIn(tx); len(zones) > 0 {
			t.understood("answer", "zone")
			t.pickZone(zones)
			return true
		}
		if hits := t.search(tx); len(hits) > 0 && confident(hits[0]) {
			return false // a question, answered as one
		}
		if t.st.Data.Misses == 0 {
			// A second try before asking for her clock instead.
			t.st.Data.Misses++
			t.out.Understood = "retry:zone"
			t.reply(t.d.msg("remind_zone_again"), t.currentButtons())
			return true
		}
		t.understood("answer", "zone")
		t.pickZone(nil)
		return true
	}
	if t.st.Name == stateLogMinutes {
		if m, ok := t.d.u.an.Minutes(tx); ok && m >= 1 && m <= 120 {
			t.understood("answer", "minutes")
			return t.logButton("min", strconv.Itoa(int(m+0.5)))
		}
	}
	if t.st.Name == stateLogMl {
		if v := t.d.u.an.Millilitres(tx); len(v) == 1 || len(v) == 2 {
			left, right := v[0], 0.0
			if len(v) == 2 {
				right = v[1]
			}
			if left >= 0 && right >= 0 && left+right <= 1000 {
				t.understood("answer", "ml")
				t.st.Data.Draft.setMl(int(left+0.5), int(right+0.5))
				t.finishLog()
				return true
			}
		}
	}
	if t.remindText(raw) {
		t.understood("answer", t.st.Name)
		return true
	}
	return false
}

// placesIn finds the time zones a typed place names: a city of the IANA
// list ("berlin", "new york"), a common name or abbreviation from the
// lexicon ("nyc", "la"), inside whatever else she wrote ("im in sydney
// australia"). Longer runs of words are tried first.
func (d *Dialog) placesIn(tx understand.Text) []string {
	ws := make([]string, len(tx))
	for i, tok := range tx {
		ws[i] = tok.Word
	}
	for n := min(3, len(ws)); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			name := strings.Join(ws[i:i+n], " ")
			if z, ok := d.cat.Lexicon.Places[name]; ok {
				return []string{z}
			}
			if len(name) < 3 || d.u.index.Stop(name) {
				continue
			}
			if zs := exactZones(name); len(zs) > 0 {
				return zs
			}
		}
	}
	return zonesMatching(strings.Join(ws, " "))
}

// confident reports whether a question's best match is good enough to
// answer with: most of the question's weight, and more than one common word.
func confident(h understand.Hit) bool {
	cover := answerCover
	if strings.HasPrefix(h.Target, "/") {
		cover = commandCover // a command acts, so it must be meant
	}
	// One word alone must be most of what the step is about.
	return h.Cover >= cover && h.Score >= minAnswerScore && (h.Terms > 1 || h.DocCover >= 0.5)
}

// bareCommand returns the command a whole message names ("help", "Menu?",
// "what can you do"), or "".
func (u *understanding) bareCommand(raw string) string {
	return u.bare[bareForm(raw)]
}

// bareForm is a message as the bare commands are matched: lower case,
// words of letters only, one space apart ("What can you do?" → "what can
// you do", "I'm" → "im").
func bareForm(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(understand.FoldAccents(s), "'", ""), "’", "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }), " ")
}

// minAnswerScore keeps a one-word message ("pump") from being taken as a
// question about whichever step says that word most.
const minAnswerScore = 3

// typedQuestion answers a question about the guidance with the step it
// matches, keeping her place; a request that means a command runs it.
func (t *turn) typedQuestion(tx understand.Text, raw string) bool {
	hits := t.search(tx)
	if len(hits) == 0 || !confident(hits[0]) {
		return false
	}
	target := hits[0].Target
	if _, asking := askStates[t.st.Name]; asking && !strings.HasPrefix(target, "/") && !t.d.u.an.Asking(tx, raw) {
		// At a question of her own, a statement is an answer we missed,
		// not a question: the fallback offers its guesses instead. A
		// command she names ("menu please") is meant wherever she is.
		return false
	}
	if name, ok := strings.CutPrefix(target, "/"); ok {
		t.understood("command", name)
		t.command(name)
		return true
	}
	t.understood("question", target)
	t.showStep(t.d.steps[target])
	return true
}

// showStep answers a question with a step, away from the walk: its text,
// "Tell me more", "Why?" and a way back to the question she was on. No tip
// comes before the safety check.
func (t *turn) showStep(s *content.Step) {
	d := t.d
	switch {
	case t.st.Name == stateNew || t.st.Name == stateScreen:
		t.say(d.msg("screen_first"))
		t.prompt()
	case t.st.Data.Mastitis && s.AvoidWithMastitis:
		t.reply(d.msg("mastitis_avoid"), t.backButtons(nil))
	case t.st.Name == stateWalk && t.st.Data.Step == s.ID:
		t.prompt()
	default:
		t.st.Data.Asked = s.ID
		t.reply(s.Title+"\n\n"+s.Text, t.backButtons(s, "more", "why"))
	}
}

// uniqueLabels keeps the first button of each label.
func uniqueLabels(buttons []Button) []Button {
	seen := map[string]bool{}
	out := buttons[:0:0]
	for _, b := range buttons {
		if !seen[b.Label] {
			seen[b.Label] = true
			out = append(out, b)
		}
	}
	return out
}

// backButtons are the buttons under an answered question: the actions
// named on step s, then "Back to where we were".
func (t *turn) backButtons(s *content.Step, actions ...string) []Button {
	var out []Button
	for _, a := range actions {
		out = append(out, Button{Label: t.d.msg("btn_" + a), Data: data("q", a, s.ID)})
	}
	return append(out, Button{Label: t.d.msg("btn_back"), Data: data("back")})
}

// askedButton handles the buttons under an answered question.
func (t *turn) askedButton(action, id string) bool {
	s, ok := t.d.steps[id]
	if !ok || t.st.Name == stateCrisis {
		return false
	}
	switch action {
	case "show":
		t.showStep(s)
	case "more":
		if t.st.Name == stateScreen {
			return false
		}
		t.st.Data.Asked = s.ID
		t.reply(s.More, t.backButtons(s, "why"))
	case "why":
		if t.st.Name == stateScreen {
			return false
		}
		t.st.Data.Asked = s.ID
		t.reply(t.d.whyText(s), t.backButtons(s, "more"))
	default:
		return false
	}
	return true
}

// fallbackLines are the fallback's lines, taken in turn so that two
// misses in a row never read the same.
var fallbackLines = []string{"fallback", "fallback_again", "fallback_menu"}

// fallback answers a message not understood: its best guesses as
// buttons, then, if she is still not understood, the topic menu; each miss
// in a row with another line.
func (t *turn) fallback(tx understand.Text, guesses []string) {
	d := t.d
	t.out.Fallback = true
	t.out.FallbackIn = t.st.Name
	t.out.Understood = "fallback:"
	n := t.st.Data.Misses
	t.st.Data.Misses++
	current := t.currentButtons()
	var offer []Button
	for _, g := range guesses {
		for _, b := range current {
			if b.Data == g {
				offer = append(offer, b)
			}
		}
	}
	if t.st.Name != stateScreen {
		for _, h := range t.search(tx) {
			if h.Cover < guessCover || len(offer) >= 3 {
				continue
			}
			if name, ok := strings.CutPrefix(h.Target, "/"); ok {
				offer = append(offer, Button{Label: "/" + name, Data: data("c", name)})
			} else {
				offer = append(offer, Button{Label: d.steps[h.Target].Title, Data: data("q", "show", h.Target)})
			}
		}
	}
	line := fallbackLines[n%len(fallbackLines)]
	if line == "fallback" && len(offer) > 0 {
		line = "fallback_guess"
	}
	switch {
	case len(offer) > 0:
		t.reply(d.msg(line), append(offer, current...))
	case n%len(fallbackLines) == 2 && t.st.Name != stateScreen && t.st.Name != stateCrisis:
		t.reply(d.msg(line), append(t.topics(), Button{Label: d.msg("btn_back"), Data: data("back")}))
	default:
		t.reply(d.msg(line), current)
	}
	if n >= 1 {
		// Not understood twice running: a person may help more.
		t.offerPerson()
	}
}

// topics is the menu of the guidance's themes, each opening the idea of
// it that fits her best.
func (t *turn) topics() []Button {
	var out []Button
	for _, th := range content.Themes {
		ids := t.d.ranked(t.st.Data, func(s *content.Step) bool { return s.Theme == th && t.st.Data.wants(s) })
		if len(ids) > 0 {
			out = append(out, Button{Label: t.d.msg("topic_" + th), Data: data("q", "show", ids[0])})
		}
	}
	return out
}

// search matches her message against the guidance once per turn.
func (t *turn) search(tx understand.Text) []understand.Hit {
	if !t.searched {
		t.hits, t.searched = t.d.u.index.Search(tx, 3), true
	}
	return t.hits
}
