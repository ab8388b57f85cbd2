package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// The describe view (package describe) follows one task by ref: the root
// opens it on the selected task and hands it each new version of that
// task (setRow), its removal (dropRow) and whether polling is paused.

// openDescribe shows the describe view of the selected task, from the
// top, over the details (esc goes back to them, from the list too).
func (m *Model) openDescribe() {
	r := m.selected()
	if r == nil {
		return
	}
	if m.focus.top() == focusList {
		m.focus.push(focusDetails)
	}
	m.focus.push(focusDescribe)
	m.desc.SetPaused(m.stats.Paused)
	m.desc.SetSize(m.w, m.layout().bodyH)
	m.desc.Open(r.t, r.ver)
}

// describeKey hands a key to the describe view.
func (m *Model) describeKey(k tea.KeyPressMsg) tea.Cmd {
	m.desc.SetSize(m.w, m.layout().bodyH)
	return m.child(m.desc.Update(k))
}

// appendDescribe draws the describe view in the body.
func (m *Model) appendDescribe(lines []string, l layout) []string {
	m.desc.SetSize(m.w, l.bodyH)
	return append(lines, strings.Split(m.desc.View(), "\n")...)
}
