package ui

import (
	"github.com/trtcwatch/trtcwatch/ui/common"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// openDescribe shows the describe view of the selected task, from the top.
func (m *Model) openDescribe() {
	r := m.selected()
	if r == nil {
		return
	}
	m.desc.ref = r.t.Ref
	m.desc.key = describeKey{}
	if m.focus.top() == focusList {
		m.focus.push(focusDetails) // esc goes back to the details, as from enter twice
	}
	m.focus.push(focusDescribe)
	m.syncDescribe()
	m.desc.vp.GotoTop()
}

// describeKey scrolls the describe view; y copies it; esc (handled by
// back) returns to the detail pane. Other keys do nothing here, so a
// stray `d` cannot remove the task being read.
func (m *Model) describeKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	m.syncDescribe()
	vp := &m.desc.vp
	switch {
	case key.Matches(k, ks.Copy), key.Matches(k, ks.CopyDetails):
		return copyCmd(m.opts.Clipboard, "the describe view", m.desc.text)
	default:
		ks.nav().Scroll(vp, k)
	}
	return nil
}

// appendDescribe draws the describe view in the body: a title line with
// the position, then the scrolled text.
func (m *Model) appendDescribe(lines []string, l layout) []string {
	m.syncDescribe()
	vp := &m.desc.vp
	total := vp.TotalLineCount()
	first := min(vp.YOffset()+1, total)
	last := min(vp.YOffset()+vp.Height(), total)
	pos := common.Itoa(first) + "-" + common.Itoa(last) + " of " + common.Itoa(total)
	head := "Describe " + common.Brief(common.Clean(m.desc.ref.TaskID))
	gap := m.w - common.Width(head) - common.Width(pos) - 1
	if gap < 1 {
		head = common.Cut(head, max(m.w-common.Width(pos)-2, 1))
		gap = max(m.w-common.Width(head)-common.Width(pos)-1, 1)
	}
	lines = append(lines, common.Styled(m.st.Title, common.Cut(head+common.Spaces(gap)+pos, m.w)))
	body := strings.Split(vp.View(), "\n")
	for i := 0; i < l.bodyH-1; i++ {
		if i < len(body) {
			lines = append(lines, body[i])
		} else {
			lines = append(lines, "")
		}
	}
	return lines
}
