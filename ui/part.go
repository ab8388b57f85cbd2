package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// part is a sub-model that fills the body while it has the keyboard: the
// describe view and the events pane. Its Update hands the root a message
// to apply (child), so that a part never reaches into the root.
type part interface {
	SetSize(w, h int)
	Update(tea.Msg) (tea.Msg, tea.Cmd)
	View() string
}

// partKey hands a key to the part that has the keyboard, sized as the
// body is now.
func (m *Model) partKey(p part, k tea.KeyPressMsg) tea.Cmd {
	p.SetSize(m.w, m.layout().bodyH)
	return m.child(p.Update(k))
}

// appendPart draws a part in the body.
func (m *Model) appendPart(lines []string, p part, l layout) []string {
	p.SetSize(m.w, l.bodyH)
	return append(lines, strings.Split(p.View(), "\n")...)
}
