// Package events is the events pane (k9s's :events): every task's events
// newest first, from the event log (read before the program starts) and
// from each engine update. It takes the body like the describe view; `/`
// filters it with a filter of its own (the list's stays as it was), t
// switches between the selected task's events and all tasks', enter
// goes to the event's task, y copies its RequestId and Y the whole event.
package events

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// ringMax bounds the events the dashboard keeps in memory.
const ringMax = 5000

// KeyMap is what the pane reacts to: the movement keys move its cursor;
// Close (e) closes it, Scope (t) switches what it shows, Filter (/) asks
// for its filter, Submit (enter) goes to the event's task, Add (a) adds
// the task of a "not watched" row, Copy (y) and CopyDetails (Y) copy. Back is named in the hint bar (the root model
// closes the pane on it).
type KeyMap struct {
	common.Nav
	Close, Scope, Filter, Submit, Add, Copy, CopyDetails, Back key.Binding
}

// What the pane hands the root model.
type (
	// GoToMsg: close the pane and select the task in the list.
	GoToMsg struct{ Ref taskref.Ref }
	// AddMsg: add the task a not-watched row names (through the engine,
	// as every add goes).
	AddMsg struct{ Ref taskref.Ref }
	// CloseMsg: close the pane.
	CloseMsg struct{}
	// FilterMsg: open the filter input, starting from the pane's filter
	// (SetFilter gets what is typed).
	FilterMsg struct{ Filter string }
)

// Model is the pane. Its ring is filled whether or not the pane is open,
// so opening it never waits for anything.
type Model struct {
	st    *common.Styles
	clock *common.Clock
	keys  KeyMap
	w, h  int // the body

	past   []watch.Event // the event log's newest, put in the ring once
	older  string        // what the log holds before past that was not read
	seeded bool
	ring   []row
	added  int // events ever added: keys the shown cache

	follow bool        // only the list's selected task
	sel    taskref.Ref // the list's selected task
	filter string      // the pane's own `/` filter, empty when it opens
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

var _ common.Component = (*Model)(nil)

// New is a pane drawn with st and clock, which the root model owns; past
// are the event log's newest events, oldest first, and older says what
// the log holds before them that was not read ("" when nothing).
func New(st *common.Styles, clock *common.Clock, keys KeyMap, past []watch.Event, older string) *Model {
	return &Model{st: st, clock: clock, keys: keys, past: past, older: older}
}

// Open shows the pane from its newest event, unfiltered.
func (m *Model) Open() {
	m.seed()
	m.cursor, m.offset, m.filter = 0, 0, ""
}

// seed puts the past events in the ring once.
func (m *Model) seed() {
	if m.seeded {
		return
	}
	m.seeded = true
	past := m.past
	if len(past) > ringMax {
		past = past[len(past)-ringMax:]
	}
	old := m.ring
	m.ring = make([]row, 0, len(past)+len(old))
	for _, ev := range past {
		m.ring = append(m.ring, newRow(ev, m.keys.Add.Help().Key))
	}
	m.ring = append(m.ring, old...)
	m.added += len(past)
	m.trim()
}

// Add keeps an engine update's events.
func (m *Model) Add(evs []watch.Event) {
	if len(evs) == 0 {
		return
	}
	m.seed()
	for _, ev := range evs {
		m.ring = append(m.ring, newRow(ev, m.keys.Add.Help().Key))
	}
	m.added += len(evs)
	m.trim()
	if m.cursor > 0 {
		m.cursor += len(evs) // stay on the event being read (approximately, under a filter)
	}
}

func (m *Model) trim() {
	if n := len(m.ring); n > ringMax {
		m.ring = slices.Clone(m.ring[n-ringMax:])
	}
}

// SetSelected is the list's selected task, which t follows.
func (m *Model) SetSelected(ref taskref.Ref) { m.sel = ref }

// SetFilter is what the filter input typed; the list's filter is another.
func (m *Model) SetFilter(v string) {
	m.filter = v
	m.cursor, m.offset = 0, 0
}

// Follow reports whether the pane shows the selected task's events only.
func (m *Model) Follow() bool { return m.follow }

// SetSize is the body the pane has, w×h cells.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// shownRows is the pane's rows, newest first: filtered by the pane's
// filter and, when following, by the selected task. Cached until one of
// those changes.
func (m *Model) shownRows() []int {
	k := m.shownKey
	if k.added == m.added && k.filter == m.filter && k.follow == m.follow && k.sel == m.sel && m.shown != nil {
		return m.shown
	}
	m.shownKey.added, m.shownKey.filter, m.shownKey.follow, m.shownKey.sel = m.added, m.filter, m.follow, m.sel
	f := strings.ToLower(strings.TrimSpace(m.filter))
	m.shown = make([]int, 0, len(m.ring))
	for i := len(m.ring) - 1; i >= 0; i-- {
		r := &m.ring[i]
		if m.follow && r.ev.Ref != m.sel {
			continue
		}
		if f != "" && !strings.Contains(r.search, f) {
			continue
		}
		m.shown = append(m.shown, i)
	}
	m.cursor = min(m.cursor, max(len(m.shown)-1, 0))
	return m.shown
}

// Update handles a key while the pane is open: movement, t, /, enter,
// y and Y, e (esc is the root's: back).
func (m *Model) Update(msg tea.Msg) (tea.Msg, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	ks := &m.keys
	shown := m.shownRows()
	if n := ks.Step(k, max(1, m.h-2), len(shown)); n != 0 {
		if len(shown) > 0 {
			m.cursor = min(max(m.cursor+n, 0), len(shown)-1)
		}
		return nil, nil
	}
	switch {
	case key.Matches(k, ks.Close):
		return CloseMsg{}, nil
	case key.Matches(k, ks.Scope):
		m.follow = !m.follow
		m.cursor, m.offset = 0, 0
		if m.follow && m.sel == (taskref.Ref{}) {
			return common.FlashMsg{Text: "no task selected: showing all tasks", Kind: common.FlashInfo, TTL: common.FlashTTL}, nil
		}
	case key.Matches(k, ks.Filter):
		return FilterMsg{Filter: m.filter}, nil
	case key.Matches(k, ks.Submit):
		if m.cursor < len(shown) {
			ev := m.ring[shown[m.cursor]].ev
			if ev.Kind == watch.EventNotWatched {
				// No row to go to: it never was in the list.
				return common.FlashMsg{Text: common.Brief(common.Clean(ev.Ref.TaskID)) + " is not watched: " + ks.Add.Help().Key + " adds it",
					Kind: common.FlashInfo, TTL: common.FlashTTL}, nil
			}
			return GoToMsg{Ref: ev.Ref}, nil
		}
	case key.Matches(k, ks.Add):
		if m.cursor < len(shown) {
			if ev := m.ring[shown[m.cursor]].ev; ev.Kind == watch.EventNotWatched {
				return AddMsg{Ref: ev.Ref}, nil
			}
		}
		return common.FlashMsg{Text: ks.Add.Help().Key + " adds the task of a \"not watched\" row (a callback named it)", Kind: common.FlashInfo, TTL: common.FlashTTL}, nil
	case key.Matches(k, ks.Copy), key.Matches(k, ks.CopyDetails):
		// A narrow row cuts the RequestId; the copy never does.
		if m.cursor < len(shown) {
			ev := m.ring[shown[m.cursor]].ev
			if key.Matches(k, ks.Copy) && ev.RequestID != "" {
				return common.CopyMsg{What: "RequestId", Text: common.Clean(ev.RequestID)}, nil
			}
			return common.CopyMsg{What: "the event", Text: m.text(ev)}, nil
		}
	}
	return nil, nil
}

// ShortHelp is the hint bar's part while the pane is open: t says what
// it would show.
func (m *Model) ShortHelp() []key.Binding {
	ks := m.keys
	scope := common.WithHelp(ks.Scope, "this task")
	if m.follow {
		scope = common.WithHelp(ks.Scope, "all tasks")
	}
	bs := []key.Binding{common.OnlyKey(ks.Down, "↑↓/jk", "move"), common.OnlyKey(ks.Submit, "enter", "go to task")}
	if m.OnNotWatched() {
		bs = append(bs, common.WithHelp(ks.Add, "add this task"))
	}
	return append(bs, scope, ks.Filter, common.WithHelp(ks.Copy, "copy RequestId"), common.WithHelp(ks.Back, "back"))
}

// OnNotWatched reports whether the cursor is on a "not watched" row,
// where the hint bar offers Add.
func (m *Model) OnNotWatched() bool {
	shown := m.shownRows()
	return m.cursor < len(shown) && m.ring[shown[m.cursor]].ev.Kind == watch.EventNotWatched
}

// FullHelp is every key of the pane, for the help's first section.
func (m *Model) FullHelp() [][]key.Binding {
	ks := m.keys
	return [][]key.Binding{
		{ks.Up, ks.Down, ks.PageUp, ks.PageDown, ks.Top, ks.Bottom},
		{common.WithHelp(ks.Submit, "go to the event's task"), common.WithHelp(ks.Scope, "the selected task's events, or all tasks'"),
			common.WithHelp(ks.Filter, "filter the events"),
			common.WithHelp(ks.Add, "add the task of a \"not watched\" row: a callback named a task the list lacks (the engine adds it as any add; --adopt adds them all)"),
			common.WithHelp(ks.Copy, "copy the RequestId"),
			common.WithHelp(ks.CopyDetails, "copy the whole event"), common.WithHelp(ks.Close, "close"), common.WithHelp(ks.Back, "back")},
	}
}
