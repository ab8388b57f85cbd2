package ui

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
