package ui

import (
	"github.com/trtcwatch/trtcwatch/ui/common"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// The events pane (k9s's :events): every task's events newest first, from
// the event log (Options.PastEvents, read before the program starts) and
// from each engine update. It takes the body like the describe view; `/`
// filters it with a filter of its own (the list's stays as it was), t
// switches between the selected task's events and all tasks', enter jumps
// to the event's task.

// eventsRingMax bounds the events the dashboard keeps in memory.
const eventsRingMax = 5000

// eventsPane is the pane's state. The ring is filled whether or not the
// pane is open, so opening it never waits for anything.
type eventsPane struct {
	open   bool
	follow bool   // only the list's selected task
	filter string // the pane's own `/` filter, empty when it opens
	ring   []evRow
	seeded bool
	added  int // events ever added: keys the shown cache
	cursor int
	offset int

	shown    []int // indexes into ring, newest first
	shownKey struct {
		added  int
		filter string
		follow bool
		sel    taskref.Ref
	}
}

// evRow is one event and what is derived from it once: its text on the
// row (sanitised) and the lower-case text the filter matches.
type evRow struct {
	ev     watch.Event
	what   string
	headW  int // the cells of what before the free text (a note): what the TaskId gives way to
	search string
}

func newEvRow(ev watch.Event) evRow {
	var what, tail string // tail: the free text, last so it cannot push the rest off
	switch ev.Kind {
	case watch.EventTransition:
		what = common.Clean(string(ev.From)) + " → " + common.Clean(string(ev.To))
	case watch.EventError:
		what = "error " + common.Clean(ev.Code)
		if ev.Code == "" {
			what = "error cleared"
		}
	case watch.EventAdd:
		what = "added"
	case watch.EventRemove:
		what = "removed"
	case watch.EventNote:
		what, tail = "note", common.Clean(ev.Note)
		if ev.Note == "" {
			what = "note cleared"
		}
	default:
		what = common.Clean(string(ev.Kind))
	}
	if ev.RequestID != "" {
		what += "  " + common.Clean(ev.RequestID)
	}
	if ev.By != "" {
		what += "  by " + common.Clean(ev.By)
	}
	headW := common.Width(what)
	if tail != "" {
		what += "  " + tail
	}
	id := common.Clean(ev.Ref.TaskID)
	return evRow{ev: ev, what: what, headW: headW, search: strings.ToLower(id + " " + ev.Ref.String() + " " + what)}
}

// eventsMsg opens the events pane; the `:events` command sends it.
type eventsMsg struct{}

// openEvents shows the events pane from its newest event.
func (m *Model) openEvents() {
	m.seedEvents()
	m.closeBox()
	if !m.focus.has(focusEvents) {
		m.focus.push(focusEvents)
	}
	m.evp.cursor, m.evp.offset, m.evp.filter = 0, 0, ""
}

// seedEvents puts Options.PastEvents in the ring once.
func (m *Model) seedEvents() {
	if m.evp.seeded {
		return
	}
	m.evp.seeded = true
	past := m.opts.PastEvents
	if len(past) > eventsRingMax {
		past = past[len(past)-eventsRingMax:]
	}
	old := m.evp.ring
	m.evp.ring = make([]evRow, 0, len(past)+len(old))
	for _, ev := range past {
		m.evp.ring = append(m.evp.ring, newEvRow(ev))
	}
	m.evp.ring = append(m.evp.ring, old...)
	m.evp.added += len(past)
	m.trimEvents()
}

// addEvents keeps an engine update's events (applyUpdate calls it).
func (m *Model) addEvents(evs []watch.Event) {
	if len(evs) == 0 {
		return
	}
	m.seedEvents()
	for _, ev := range evs {
		m.evp.ring = append(m.evp.ring, newEvRow(ev))
	}
	m.evp.added += len(evs)
	m.trimEvents()
	if m.focus.has(focusEvents) && m.evp.cursor > 0 {
		m.evp.cursor += len(evs) // stay on the event being read (approximately, under a filter)
	}
}

func (m *Model) trimEvents() {
	if n := len(m.evp.ring); n > eventsRingMax {
		m.evp.ring = slices.Clone(m.evp.ring[n-eventsRingMax:])
	}
}

// shownEvents is the pane's rows, newest first: filtered by the pane's
// filter and, when following, by the selected task. Cached until one of
// those changes.
func (m *Model) shownEvents() []int {
	p := &m.evp
	k := p.shownKey
	if k.added == p.added && k.filter == p.filter && k.follow == p.follow && k.sel == m.sel && p.shown != nil {
		return p.shown
	}
	p.shownKey.added, p.shownKey.filter, p.shownKey.follow, p.shownKey.sel = p.added, p.filter, p.follow, m.sel
	f := strings.ToLower(strings.TrimSpace(p.filter))
	p.shown = make([]int, 0, len(p.ring))
	for i := len(p.ring) - 1; i >= 0; i-- {
		r := &p.ring[i]
		if p.follow && r.ev.Ref != m.sel {
			continue
		}
		if f != "" && !strings.Contains(r.search, f) {
			continue
		}
		p.shown = append(p.shown, i)
	}
	p.cursor = min(p.cursor, max(len(p.shown)-1, 0))
	return p.shown
}

// eventsKey handles a key while the pane is open: movement, `/` filter,
// t all tasks / this task, enter jump, e (or esc, see back) close.
func (m *Model) eventsKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	shown := m.shownEvents()
	page := max(1, m.layout().bodyH-2)
	moveBy := 0
	switch {
	case key.Matches(k, ks.Up):
		moveBy = -1
	case key.Matches(k, ks.Down):
		moveBy = 1
	case key.Matches(k, ks.PageUp):
		moveBy = -page
	case key.Matches(k, ks.PageDown):
		moveBy = page
	case key.Matches(k, ks.Top):
		moveBy = -len(shown)
	case key.Matches(k, ks.Bottom):
		moveBy = len(shown)
	case key.Matches(k, ks.Events):
		m.focus.pop()
	case key.Matches(k, ks.EventsScope):
		m.evp.follow = !m.evp.follow
		m.evp.cursor, m.evp.offset = 0, 0
		if m.evp.follow && m.sel == (taskref.Ref{}) {
			return m.setFlash("no task selected: showing all tasks", common.FlashInfo, common.FlashTTL)
		}
	case key.Matches(k, ks.Filter):
		cmd := m.startInput(focusFilter, m.evp.filter)
		m.input.Prompt = "events filter> "
		m.input.Placeholder = "part of a TaskId, change, code, RequestId or note"
		m.input.SetWidth(max(1, m.w-common.Width(m.input.Prompt)-1))
		return cmd
	case key.Matches(k, ks.Submit):
		if m.evp.cursor < len(shown) {
			return m.jumpToTask(m.evp.ring[shown[m.evp.cursor]].ev.Ref)
		}
	case key.Matches(k, ks.Copy), key.Matches(k, ks.CopyDetails):
		// A narrow row cuts the RequestId; the copy never does.
		if m.evp.cursor < len(shown) {
			ev := m.evp.ring[shown[m.evp.cursor]].ev
			if key.Matches(k, ks.Copy) && ev.RequestID != "" {
				return copyCmd(m.opts.Clipboard, "RequestId", common.Clean(ev.RequestID))
			}
			return copyCmd(m.opts.Clipboard, "the event", m.eventText(ev))
		}
	}
	if moveBy != 0 && len(shown) > 0 {
		m.evp.cursor = min(max(m.evp.cursor+moveBy, 0), len(shown)-1)
	}
	return nil
}

// jumpToTask closes the pane and selects ref in the list, clearing the
// filter and "only problems" when they hide it.
func (m *Model) jumpToTask(ref taskref.Ref) tea.Cmd {
	if m.rows[ref] == nil {
		return m.setFlash(common.Brief(common.Clean(ref.TaskID))+" is no longer watched", common.FlashInfo, common.FlashTTL)
	}
	m.focus = newFocusStack()
	m.selectTask(ref)
	return nil
}

// appendEvents draws the pane in the body: a bordered pane titled with
// what it shows, one event a line, newest first.
func (m *Model) appendEvents(lines []string, l layout) []string {
	shown := m.shownEvents()
	h := l.bodyH
	inner := max(h-2, 0)
	w := max(m.w-2, 1)
	if !l.border {
		inner, w = max(h-1, 0), m.w
	}
	p := &m.evp
	p.offset = common.ClampOffset(p.offset, p.cursor, inner, len(shown))
	body := make([]string, 0, inner)
	loc := m.clock.Location()
	// The TaskId gives way first: what happened and its RequestId are what
	// an engineer quotes, so they keep their cells and the TaskId (whole
	// in the details and in Y) is shortened in the middle to what is left.
	whatW, idsW := 0, 0
	for i := p.offset; i < len(shown) && i-p.offset < inner; i++ {
		r := &p.ring[shown[i]]
		whatW = max(whatW, min(r.headW, eventWhatW))
		idsW = max(idsW, common.Width(common.Clean(r.ev.Ref.TaskID)))
	}
	idW := min(max(w-len("15:04:05")-4-whatW, eventIDMinW), idsW)
	// When the selected row is cut, its change and RequestId are shown
	// whole under the rows (wrapped between words, a RequestId never
	// broken), so a narrow terminal still shows what an engineer quotes.
	strip := m.eventStrip(shown, idW, w, inner, loc)
	rows := inner - len(strip)
	// What start-up left unread of the log is said under the oldest event,
	// kept in view when the cursor reaches it.
	older := m.opts.PastEventsOlder
	if older != "" && len(shown) > 0 && p.cursor == len(shown)-1 && rows > 1 {
		rows--
	}
	p.offset = common.ClampOffset(p.offset, p.cursor, rows, len(shown))
	for i := p.offset; i < len(shown) && len(body) < rows; i++ {
		line := common.Fit(m.eventLine(&p.ring[shown[i]], idW, loc), w)
		if i == p.cursor {
			line = common.Styled(m.st.Selected, line)
		}
		body = append(body, line)
	}
	if len(shown) == 0 {
		body = append(body, common.Fit(m.noEventsText(), w))
	}
	if older != "" && p.offset+len(body) >= len(shown) && len(body) < inner {
		body = append(body, common.Styled(m.st.Dim, common.Fit(common.Clean(older), w)))
	}
	if len(strip) > 0 {
		for len(body) < rows {
			body = append(body, "")
		}
		for _, l := range strip {
			body = append(body, common.Styled(m.st.Title, common.Fit(l, w)))
		}
	}
	title := "Events: all tasks"
	if p.follow {
		title = "Events: " + common.Brief(common.Clean(m.sel.TaskID))
	}
	if m.evp.filter != "" {
		title += " /" + common.Clean(m.evp.filter)
	}
	title += " (" + common.Itoa(len(shown)) + ", newest first, " + m.clock.ZoneName() + ")"
	if !l.border {
		return common.AppendPadded(append(lines, common.Styled(m.st.Title, common.Cut(title, m.w))), body, h-1)
	}
	return append(lines, m.st.Pane(title, true, w, h, body, false)...)
}

// eventLine is an event's row before it is fitted to the pane: its time,
// its TaskId shortened to idW, and what happened.
func (m *Model) eventLine(r *evRow, idW int, loc *time.Location) string {
	id := strings.TrimRight(common.ShortenMiddle(common.Clean(r.ev.Ref.TaskID), idW), " ")
	return m.eventTime(r.ev.At, loc) + "  " + common.Fit(id, idW) + "  " + r.what
}

// eventStrip is the selected event's change, RequestId and note, whole,
// when its row is wider than w; nil when the row shows them whole or the
// pane has too few rows to spare the lines.
func (m *Model) eventStrip(shown []int, idW, w, inner int, loc *time.Location) []string {
	p := &m.evp
	if p.cursor >= len(shown) {
		return nil
	}
	r := &p.ring[shown[p.cursor]]
	if common.Width(m.eventLine(r, idW, loc)) <= w {
		return nil
	}
	strip := common.Wrap("▸ "+r.what, w)
	if inner-len(strip) < eventStripMinRows {
		return nil
	}
	return strip
}

// eventStripMinRows is the fewest event rows the pane keeps when it shows
// the selected event's strip.
const eventStripMinRows = 4

// An event row's TaskId column is whole when there is room, and never
// narrower than both ends of an id; eventWhatW is the most a row's "what"
// (change and RequestId) may claim from it.
const (
	eventIDMinW = 12
	eventWhatW  = 58
)

// eventTime is an event's time on its row: the time of day today, the
// date too on another day; the zone is in the pane's title.
func (m *Model) eventTime(t time.Time, loc *time.Location) string {
	lt, ln := t.In(loc), m.clock.Now.In(loc)
	if lt.YearDay() == ln.YearDay() && lt.Year() == ln.Year() {
		return lt.Format("15:04:05")
	}
	return lt.Format("Jan 02 15:04")
}

func (m *Model) noEventsText() string {
	switch {
	case m.evp.filter != "":
		return "no events match the filter (/ then esc clears it)"
	case m.evp.follow:
		return "no events for this task yet (t shows all tasks)"
	}
	return "no events yet: changes of state, errors, adds, removes and notes appear here"
}

// eventsHints is the hint bar while the pane is open.
func (m *Model) eventsHints() (head, tail []key.Binding) {
	ks := m.keys
	scope := common.WithHelp(ks.EventsScope, "this task")
	if m.evp.follow {
		scope = common.WithHelp(ks.EventsScope, "all tasks")
	}
	head = []key.Binding{
		common.OnlyKey(ks.Down, "↑↓/jk", "move"), common.OnlyKey(ks.Submit, "enter", "go to task"),
		scope, ks.Filter, common.WithHelp(ks.Copy, "copy RequestId"), common.WithHelp(ks.Back, "back"),
	}
	return head, []key.Binding{ks.Help, ks.Quit}
}

// eventText is one event whole, for a ticket: the time in ISO 8601 with
// its offset, the task as SDKAPPID:TASKID, and every field it has.
func (m *Model) eventText(ev watch.Event) string {
	parts := []string{common.ISOText(ev.At, m.clock.Location()), common.Clean(ev.Ref.String()), common.Clean(ev.Ref.Region), string(ev.Kind)}
	switch {
	case ev.Kind == watch.EventTransition:
		parts = append(parts, common.Clean(string(ev.From))+" → "+common.Clean(string(ev.To)))
	case ev.To != "":
		parts = append(parts, "state "+common.Clean(string(ev.To)))
	}
	for _, f := range []struct{ name, v string }{{"code", ev.Code}, {"RequestId", ev.RequestID}, {"by", ev.By}, {"note", ev.Note}} {
		if f.v != "" {
			parts = append(parts, f.name+" "+common.Clean(f.v))
		}
	}
	return strings.Join(parts, "  ")
}

// setFilter is what the `/` input typed: the events pane's filter while
// the pane is open, else the list's. The two never touch each other, so
// closing the pane leaves the list filtered as it was.
func (m *Model) setFilter(v string) {
	if m.focus.has(focusEvents) {
		m.evp.filter = v
		m.evp.cursor, m.evp.offset = 0, 0
		return
	}
	m.filter = v
	m.rebuild(false)
}
