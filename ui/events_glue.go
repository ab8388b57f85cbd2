package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/ui/events"
)

// The events pane (package events) keeps every engine update's events
// (applyUpdate) and follows the list's selection (syncSel); what it asks
// of the root comes back as events.GoToMsg, CloseMsg and FilterMsg.

// eventsMsg opens the events pane; the `:events` command sends it.
type eventsMsg struct{}

// openEvents shows the events pane from its newest event.
func (m *Model) openEvents() {
	m.closeBox()
	if !m.focus.has(focusEvents) {
		m.focus.push(focusEvents)
	}
	m.evp.Open()
}

// onEventsFilter opens the filter input for the events pane's own filter.
func (m *Model) onEventsFilter(msg events.FilterMsg) tea.Cmd {
	cmd := m.startInput(focusFilter, msg.Filter)
	m.input.SetPrompt("events filter> ", "part of a TaskId, change, code, RequestId or note", m.w)
	return cmd
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

// addNotWatched adds the task a "not watched" row names, as every add
// goes: through the engine (a read-only session refuses it there, and
// onAdded says so as the add key's refusal reads). A callback names no
// region: the engine's ref has the dashboard's, or none when it has none.
func (m *Model) addNotWatched(ref taskref.Ref) tea.Cmd {
	if ref.Region == "" {
		ref.Region = m.opts.Region
	}
	if ref.Region == "" {
		return m.setFlash("no region to add "+common.Brief(common.Clean(ref.TaskID))+" in: :region R sets one", common.FlashErr, common.FlashLongTTL)
	}
	return tea.Batch(addCmd(m.eng, []taskref.Ref{ref}, 0, 0), m.setFlash("adding "+common.Brief(common.Clean(ref.TaskID)), common.FlashInfo, common.FlashTTL))
}

// setFilter is what the `/` input typed: the events pane's filter while
// the pane is open, else the list's. The two never touch each other, so
// closing the pane leaves the list filtered as it was.
func (m *Model) setFilter(v string) {
	if m.focus.has(focusEvents) {
		m.evp.SetFilter(v)
		return
	}
	m.filter = v
	m.rebuild(false)
}
