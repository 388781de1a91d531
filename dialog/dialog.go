package dialog

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/letdownbot/letdown/content"
	"github.com/letdownbot/letdown/dialog/understand"
)

// Dialog runs conversations against one content catalog. It keeps no
// per-conversation state, so one Dialog serves every conversation at once.
type Dialog struct {
	cat       *content.Catalog
	retention time.Duration // how long logged sessions are kept
	steps     map[string]*content.Step
	questions map[string]*content.Question
	flags     map[string]*content.RedFlag
	commands  map[string]bool
	u         *understanding
	order     map[string]int    // each step's place along the walk: ties in the ranking go to the earlier
	byKey     map[string]string // step id by content.StepKey, to read stored plans and lists
	// langs are the dialogs of every language, this one among them, when
	// made by NewLangs; def is the language of a conversation whose own is
	// not known.
	langs map[string]*Dialog
	def   string
	// personWait is how long a request for a person waits to be taken;
	// zero means DefaultHandoffWait.
	personWait time.Duration
}

// New returns a Dialog speaking the catalog, which must have passed
// content validation (content.Load does that).
func New(cat *content.Catalog) *Dialog {
	d := &Dialog{
		cat:       cat,
		retention: DefaultRetention,
		steps:     make(map[string]*content.Step, len(cat.Steps)),
		questions: make(map[string]*content.Question, len(cat.Questions)),
		flags:     make(map[string]*content.RedFlag, len(cat.RedFlags)),
		commands:  make(map[string]bool, len(cat.Commands)),
		byKey:     make(map[string]string, len(cat.Steps)),
	}
	for i := range cat.Steps {
		d.steps[cat.Steps[i].ID] = &cat.Steps[i]
		d.byKey[content.StepKey(cat.Steps[i].ID)] = cat.Steps[i].ID
	}
	d.order = walkOrder(cat, d.steps)
	for i := range cat.Questions {
		d.questions[cat.Questions[i].ID] = &cat.Questions[i]
	}
	for i := range cat.RedFlags {
		d.flags[cat.RedFlags[i].ID] = &cat.RedFlags[i]
	}
	for _, c := range cat.Commands {
		d.commands[c.Name] = true
	}
	d.u = newUnderstanding(cat)
	return d
}

// WithRetention returns the dialog keeping logged sessions for r.
func (d *Dialog) WithRetention(r time.Duration) *Dialog {
	return d.each(func(c *Dialog) { c.retention = r })
}

// Catalog returns the catalog the dialog speaks.
func (d *Dialog) Catalog() *content.Catalog { return d.cat }

// Step runs one turn: from state st, given what she did, it returns her new
// state, the replies to send (at least one) and what else the turn did.
// It is pure: no I/O, no clock but now, no randomness.
func (d *Dialog) Step(st State, in Input, now time.Time) (State, []Reply, Outcome) {
	if in.Group {
		return d.groupTurn(st, in, now)
	}
	t := &turn{d: d.speaker(st, in), in: in, now: now}
	t.step(st)
	t.fillNumbers()
	return t.st, t.replies, t.out
}

// step runs the turn from st.
func (t *turn) step(st State) {
	d, in := t.d, t.in
	var moved bool
	t.st, moved = d.migrate(st.clone())
	if len(d.langs) > 1 {
		// Her language, once chosen, is kept in her state.
		t.st.Data.Lang = d.cat.Lang
	}
	t.fromName, t.fromStep = t.st.Name, t.st.Data.Step
	// A step shown as an answer is "this" for her next message only.
	t.asked, t.st.Data.Asked = t.st.Data.Asked, ""
	if !in.Reminder.IsZero() {
		// A reminder is not her doing: no notice, nothing but the ping.
		t.ping(in.Reminder)
		return
	}
	if in.Handoff != "" {
		// A supporter about her request: never her dialog.
		t.supporter()
		return
	}
	t.newDay()
	if moved {
		t.say(d.msg("updated"))
	}
	if lang, ok := switchTo(in); ok {
		t.switchLang(lang)
		return
	}
	switch {
	case in.Command != "":
		t.command(strings.ToLower(in.Command))
	case in.Button != "":
		t.button(in.Button)
	case in.NonText == "location" && t.st.Name == stateRemindZone && knownZone(in.TZ):
		// She shared her location: the platform turned it into her zone.
		t.out.Understood = "answer:location"
		t.setZone(in.TZ)
	case in.NonText != "":
		t.reply(d.msg("non_text"), t.currentButtons())
	default:
		t.text(in.Text)
	}
}

// Prompt returns what state st is asking of her right now, without taking
// a turn: for showing a returning person where she was.
func (d *Dialog) Prompt(st State) []Reply {
	d = d.speaker(st, Input{})
	t := &turn{d: d}
	t.st, _ = d.migrate(st)
	t.prompt()
	t.fillNumbers()
	return t.replies
}

// Initial is the state of a conversation never seen before.
func Initial() State { return State{Version: SchemaVersion, Name: stateNew} }

// Valid reports whether st is a state this build can continue from as it is.
func (d *Dialog) Valid(st State) bool {
	d = d.speaker(st, Input{})
	if st.Version != SchemaVersion || !knownState(st.Name) {
		return false
	}
	switch st.Name {
	case stateWalk:
		_, ok := d.steps[st.Data.Step]
		return ok && (st.Data.Theme == "" || slices.Contains(content.Themes, st.Data.Theme))
	case stateAskReturn:
		return len(d.suited(st.Data, d.idsOf(st.Data.List))) > 0
	case stateRemindCount, stateRemindZone, stateRemindClock, stateRemindNight:
		return st.Data.Setup != nil
	case stateLogSide, stateLogMinutes, stateLogMl:
		return st.Data.Draft != nil
	}
	return true
}

// migrate brings a stored state up to this build. An old version, a state
// name that no longer exists or a walk step that was removed all land
// somewhere sensible; moved reports that she should be told.
func (d *Dialog) migrate(st State) (_ State, moved bool) {
	if st.Name == "" && st.Version == 0 {
		return Initial(), false
	}
	if st.Version == 1 {
		st = d.fromVersion1(st)
	}
	if d.Valid(st) {
		return st, false
	}
	// Whatever cannot be read goes back to the safety check, keeping only
	// what is safe to keep; a walk whose step vanished resumes at the start
	// of a plan made again from her answers, her list intact.
	if st.Version == SchemaVersion && st.Name == stateWalk {
		st.Data.Theme, st.Data.Kind = "", kindAnswers
		plan := d.makePlan(st.Data, nil)
		if first := first(plan); first != "" {
			st.Data.Plan, st.Data.Step = keysOf(plan), first
			return st, true
		}
	}
	return State{Version: SchemaVersion, Name: stateScreen, Data: Data{Lang: st.Data.Lang, Log: st.Data.Log, List: st.Data.List, Ended: st.Data.Ended}}, true
}

// fromVersion1 reads a state of schema 1: what helped her moves to her
// list by key, and a walk gets the plan her answers make, starting with
// the step she was on, so she goes on from where she was.
func (d *Dialog) fromVersion1(st State) State {
	st.Version = 2
	for _, id := range st.Data.OldHelped {
		if _, ok := d.steps[id]; ok && !d.listed(st.Data, id) {
			st.Data.List += content.StepKey(id)
		}
	}
	st.Data.OldHelped = nil
	if st.Name == stateWalk && st.Data.Plan == "" {
		plan := d.makePlan(st.Data, nil)
		if st.Data.expressingWell() {
			plan, st.Data.Kind = d.wellPlan(st.Data), kindWell
		}
		if _, ok := d.steps[st.Data.Step]; ok && !slices.Contains(plan, st.Data.Step) {
			plan = append([]string{st.Data.Step}, plan[:min(len(plan), planSize-1)]...)
		}
		st.Data.Plan = keysOf(plan)
	}
	return st
}

func (d *Dialog) msg(id string) string { return d.cat.Messages[id] }

// turn gathers the effects of one Step.
type turn struct {
	d       *Dialog
	in      Input
	now     time.Time
	st      State
	replies []Reply
	out     Outcome
	asked   string // the step shown as an answer to her last message, if any
	// fromName and fromStep are where she was when the turn began: a
	// step put on screen anew counts as shown.
	fromName, fromStep string
	// hits are the guidance steps her message matched, searched once.
	hits     []understand.Hit
	searched bool
}

func (t *turn) say(text string) { t.reply(text, nil) }

// fillNumbers names, in every reply, the emergency numbers and crisis line
// of where she is: the country of her time zone.
func (t *turn) fillNumbers() {
	zone := t.zone()
	if p := t.st.Data.Setup; zone == "" && p != nil {
		zone = p.Zone
	}
	for i := range t.replies {
		t.replies[i].Text = t.d.cat.FillNumbers(t.replies[i].Text, zone)
	}
}

func (t *turn) reply(text string, buttons []Button) {
	t.replies = append(t.replies, Reply{Text: text, Buttons: buttons})
}

// move fires an FSM event. The table in fsm.go allows every move this file
// makes; a refusal would be a bug, and is answered by going back to the
// safety check rather than leaving her stuck.
func (t *turn) move(event string) {
	next, err := fire(t.st.Name, event)
	if err != nil {
		next = stateScreen
	}
	t.st.Name = next
}

func (t *turn) command(cmd string) {
	d := t.d
	switch cmd {
	case "start":
		t.begin(true)
	case "restart":
		t.say(d.msg("restart"))
		t.begin(false)
	case "help":
		t.reply(t.helpText(), t.currentButtons())
		t.offerPerson()
	case "person":
		t.askPerson()
	case "end":
		t.endHandoff()
	case "why":
		if s := t.currentStep(); s != nil {
			t.reply(d.whyText(s), t.walkButtons(s, "why"))
			return
		}
		t.reply(d.sourcesText(), t.currentButtons())
	case "stop":
		t.stopReminders()
		t.reply(d.msg("stop_reminders"), t.currentButtons())
	case "remind":
		t.startRemind(t.in.TZ)
	case "timezone":
		t.changeZone()
	case "session":
		t.session()
	case "log":
		t.startLog()
	case "today":
		t.replies = append(t.replies, Reply{Text: t.today(), Buttons: t.currentButtons(), Week: t.week()})
	case "week":
		w := t.week()
		t.replies = append(t.replies, Reply{Text: t.weekText(w), Buttons: t.currentButtons(), Week: w})
	case "export":
		t.export()
	case "plan":
		t.reply(t.planText(), t.currentButtons())
	case "lang":
		t.offerLang()
	case "forget":
		if t.st.Name != stateForget {
			t.st.Data.Back = t.st.Name
			t.move("forget")
		}
		t.prompt()
	default:
		if t.in.Args != "" {
			// "/letdown I have a fever" arrives as the command "i": a
			// command we do not know, with words after it, is read as what
			// she typed, warning signs first.
			t.text(cmd + " " + t.in.Args)
			return
		}
		t.out.Fallback = true
		t.out.FallbackIn = t.st.Name
		t.reply(d.msg("unknown_command"), t.currentButtons())
	}
}

// begin starts the conversation over at the safety check, keeping only her
// language, her reminders, her session log, her list of what helped, a
// check-in she was promised and her requests for a person (so that
// /forget still finds their posts): starting over erases nothing she would miss
// (only /forget does, once she confirms).
func (t *turn) begin(welcome bool) {
	d := t.st.Data
	t.st = State{Version: SchemaVersion, Name: t.st.Name, Data: Data{
		Lang: d.Lang, Remind: d.Remind, Log: d.Log, List: d.List,
		FollowUp: d.FollowUp, FollowedUp: d.FollowedUp, Day: d.Day, Handoff: d.Handoff, Ended: d.Ended,
	}}
	t.move("start")
	if welcome {
		t.say(t.d.msg("welcome"))
	}
	t.prompt()
}

// text understands what she typed, in the order DESIGN sets: warning
// signs first, then the answer to what is on screen, then a question about
// the guidance, then a fallback that helps.
func (t *turn) text(text string) {
	if len(text) > maxTyped {
		text = text[:maxTyped]
	}
	u := t.d.u
	tx := u.an.Analyze(text)
	if f, ok := u.flags.Detect(tx); ok {
		rule := t.d.flags[f.ID]
		// Someone already told to see a doctor about mastitis who asks how
		// to care for it gets the answer, not the same referral again.
		if !(rule.Mastitis && t.st.Data.Mastitis && t.st.Name != stateScreen && u.an.Asking(tx, text) && t.typedQuestion(tx, text)) {
			t.understood("flag", f.ID)
			t.redFlag(rule)
			t.flaggedInHandoff()
		}
		return
	}
	if t.relayHer(text) {
		return
	}
	if t.st.Name == stateNew {
		t.begin(true)
		return
	}
	t.noteApart(tx)
	if name := u.bareCommand(text); name != "" && t.st.Name != stateCrisis && !u.saysExactly(t.typeable(), text) {
		// A message that names a command is the command, before it can
		// look like an answer ("help" is no "it helped"), unless it is
		// exactly what a button on screen says ("why" under a tip).
		t.understood("command", name)
		t.command(name)
		return
	}
	if u.greeting(tx) && t.st.Name != stateCrisis {
		// A hello is answered in kind, with where she is.
		t.understood("greeting", "")
		t.say(t.d.msg("greeting"))
		t.prompt()
		return
	}
	guesses, ok := t.typedAnswer(tx, text)
	if ok {
		return
	}
	if t.st.Name == stateCrisis {
		// Whatever she writes now, the emergency help comes first again.
		t.understood("crisis", "")
		t.prompt()
		return
	}
	if t.typedQuestion(tx, text) {
		return
	}
	t.fallback(tx, guesses)
}

// understood records what a typed message was taken as, for the corpus
// score and the metrics; it also ends a run of fallbacks.
func (t *turn) understood(kind, id string) {
	t.out.Understood = kind + ":" + id
	t.st.Data.Misses = 0
}

func (t *turn) redFlag(f *content.RedFlag) {
	d := t.d
	t.out.RedFlag, t.out.RedFlagLevel = f.ID, f.Level
	if f.Level == content.LevelEmergency {
		t.move("alarm")
		t.reply(f.Reply, []Button{{Label: d.msg("btn_safe"), Data: data("safe")}})
		return
	}
	if t.st.Name == stateCrisis {
		t.reply(f.Reply, []Button{{Label: d.msg("btn_safe"), Data: data("safe")}})
		return
	}
	text := f.Reply
	if f.Mastitis && !t.st.Data.Mastitis {
		t.st.Data.Mastitis = true
		text += "\n\n" + d.msg("mastitis_note")
		// The rest of her plan is made again for the changed advice.
		t.replan()
		// The tip on screen may be one she should now avoid.
		if s := t.currentStep(); s != nil && !t.st.Data.wants(s) {
			t.advance()
			if t.st.Name != stateWalk {
				t.say(text)
				return
			}
		}
	}
	text += "\n\n" + d.msg("referral_next")
	buttons := []Button{{Label: d.msg("btn_continue"), Data: data("go")}}
	if t.canStop() {
		buttons = append(buttons, Button{Label: d.msg("btn_stop"), Data: data("stop")})
	}
	t.reply(text, buttons)
}

// noteApart hears her say that her baby is in hospital or away from her,
// in any message: it shapes her plan, and a plan she is walking is made
// again for it.
func (t *turn) noteApart(tx understand.Text) {
	where := t.d.u.apartIn(tx)
	if where == "" || where == t.st.Data.Baby || t.st.Name == stateCrisis {
		return
	}
	t.st.Data.Baby = where
	if t.replan() {
		t.say(t.d.msg("plan_changed"))
	}
}

// currentStep is the guidance step on screen, or nil outside the walk.
func (t *turn) currentStep() *content.Step {
	if t.st.Name != stateWalk {
		return nil
	}
	return t.d.steps[t.st.Data.Step]
}

func (t *turn) canStop() bool {
	_, err := fire(t.st.Name, "stop")
	return err == nil && t.st.Name != stateStopped
}

// expired answers a button that does not fit where she is now: a stale
// message, a double tap, or forged data.
func (t *turn) expired() {
	t.say(t.d.msg("expired"))
	t.prompt()
}

func (t *turn) helpText() string {
	var b strings.Builder
	b.WriteString(t.d.msg("help"))
	b.WriteString("\n")
	for _, c := range t.d.cat.Commands {
		if handoffCommands[c.Name] && t.in.Support == "" {
			continue
		}
		fmt.Fprintf(&b, "\n/%s — %s", c.Name, c.Summary)
	}
	return b.String()
}

func (d *Dialog) whyText(s *content.Step) string {
	var b strings.Builder
	b.WriteString(s.Why)
	b.WriteString("\n")
	for _, id := range s.Sources {
		b.WriteString("\n• ")
		b.WriteString(d.cat.Sources[id].Line())
	}
	return b.String()
}

// sourcesText lists every source by its label and link, in the order of
// the labels, as many as fit in one message (the validator makes sure all
// of them do).
func (d *Dialog) sourcesText() string {
	var b strings.Builder
	b.WriteString(d.msg("why_general"))
	b.WriteString("\n")
	ids := sortedKeys(d.cat.Sources)
	slices.SortStableFunc(ids, func(a, b string) int {
		return strings.Compare(d.cat.Sources[a].Label(), d.cat.Sources[b].Label())
	})
	for _, id := range ids {
		line := "\n• " + d.cat.Sources[id].ListLine()
		if b.Len()+len(line) > content.MaxMessage {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}
