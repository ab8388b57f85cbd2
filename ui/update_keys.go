package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// onKey routes a key press. ctrl+z and ctrl+c act everywhere (they type
// nothing); then a focused input, the y/n question or an open box takes
// the key, so `q` typed in the add box is a letter; `esc` never quits.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	if k.Text == "" && key.Matches(k, ks.Suspend) {
		return tea.Suspend
	}
	switch top := m.focus.top(); {
	case top == focusCmdline:
		return m.cmdKey(k)
	case top.input():
		return m.inputKey(k)
	case top == focusConfirm:
		return m.confirmKey(k)
	case top.box():
		return m.boxKey(k)
	}
	switch {
	case key.Matches(k, ks.Quit):
		return m.quit()
	case key.Matches(k, ks.Help):
		m.openBox(focusHelp, "Help", nil)
		return nil
	case key.Matches(k, ks.Back):
		m.back()
		return nil
	case key.Matches(k, ks.Zone):
		return m.setFlash(m.cycleZone(), common.FlashInfo, common.FlashTTL)
	case key.Matches(k, ks.ShowCopied):
		return m.showCopied()
	}
	switch m.focus.top() {
	case focusEvents:
		return m.partKey(m.evp, k)
	case focusDescribe:
		return m.partKey(m.desc, k)
	case focusDetails:
		if m.detailKey(k) {
			return nil
		}
	}
	// Before the marks and bulk keys: an edit over marks is an edit.
	if what := m.readOnlyRefusal(k); what != "" {
		return m.refuse(what)
	}
	if cmd, ok := m.flowKey(k); ok {
		return cmd
	}
	return m.listKey(k)
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

// back undoes the innermost thing on screen, one per press.
func (m *Model) back() {
	switch {
	case m.focus.top() != focusList:
		m.focus.pop() // the events pane, the describe view, the details
	case m.filter != "":
		m.filter = ""
		m.rebuild(false)
	default:
		m.flash.text = ""
	}
}

// boxKey scrolls the open box; esc closes it, `?` toggles help, q quits,
// and every other key is ignored while the box is up.
func (m *Model) boxKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	m.syncBox(m.layout())
	vp := &m.box.vp
	switch {
	case key.Matches(k, ks.Quit):
		return m.quit()
	case key.Matches(k, ks.Back):
		m.closeBox()
	case key.Matches(k, ks.Help):
		if m.focus.top() == focusHelp {
			m.closeBox()
		} else {
			m.openBox(focusHelp, "Help", nil)
		}
	case key.Matches(k, ks.ShowCopied) && m.focus.top() == focusCopied:
		m.closeBox()
	default:
		ks.nav().Scroll(vp, k)
	}
	return nil
}

// showCopied opens the last copied text in a box to select by hand.
func (m *Model) showCopied() tea.Cmd {
	if m.lastCopy.text == "" {
		return m.setFlash("nothing copied yet: y copies the TaskId, Y the details", common.FlashInfo, common.FlashTTL)
	}
	title := "Copied " + m.lastCopy.what + ": select it by hand"
	if m.opts.Mouse {
		title += " (shift+drag)"
	}
	m.openBox(focusCopied, title, strings.Split(strings.TrimRight(m.lastCopy.text, "\n"), "\n"))
	return nil
}

// detailKey scrolls the focused detail pane; false lets the key fall
// through to the list actions (r, y, d … act on the selected task).
func (m *Model) detailKey(k tea.KeyPressMsg) bool {
	ks := &m.keys
	if n := ks.nav().Step(k, max(1, m.layout().detH-1), 1<<30); n != 0 {
		m.det.scroll += n // clamped below: g and G reach either end
		m.clampDetail()
		return true
	}
	switch {
	case key.Matches(k, ks.Describe), key.Matches(k, ks.Submit):
		m.openDescribe() // enter twice from the list
		return true
	case key.Matches(k, ks.Focus):
		m.focus.pop()
	default:
		return false
	}
	m.clampDetail()
	return true
}

func (m *Model) listKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	if n := ks.nav().Step(k, max(1, m.layout().listH-1), len(m.visible)); n != 0 {
		m.move(n)
		return nil
	}
	r := m.selected()
	switch {
	case key.Matches(k, ks.Focus):
		if r != nil {
			m.focus.push(focusDetails)
			m.ensureVisible()
		}
	case key.Matches(k, ks.Describe):
		m.openDescribe()
	case key.Matches(k, ks.Events):
		m.openEvents()
	case key.Matches(k, ks.Add):
		return m.startInput(focusAdd, "")
	case key.Matches(k, ks.Filter):
		return m.startInput(focusFilter, m.filter)
	case key.Matches(k, ks.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		m.rebuild(false)
		return m.setFlash("sorted by "+m.sortBy.String(), common.FlashInfo, common.FlashTTL)
	case key.Matches(k, ks.Problems):
		m.problems = !m.problems
		m.rebuild(false)
	case key.Matches(k, ks.Pause):
		m.pauseReq.want = !m.pauseReq.want
		m.pauseReq.seq++
		word := "resuming polling"
		if m.pauseReq.want {
			word = "pausing polling (p resumes)"
		}
		return tea.Batch(pauseCmd(m.eng, m.pauseReq.want, m.pauseReq.seq), m.setFlash(word, common.FlashInfo, common.FlashTTL))
	case key.Matches(k, ks.RefreshAll):
		return tea.Batch(refreshAllCmd(m.eng), m.setFlash("refreshing all tasks", common.FlashInfo, common.FlashTTL))
	case r == nil:
		return nil // the rest act on the selected task
	case key.Matches(k, ks.Remove):
		m.focus.push(focusConfirm)
		m.ask.ref = r.t.Ref
		m.ensureVisible()
	case key.Matches(k, ks.Refresh):
		return tea.Batch(refreshCmd(m.eng, r.t.Ref), m.setFlash("refreshing "+common.Brief(r.id), common.FlashInfo, common.FlashTTL))
	case key.Matches(k, ks.Note):
		m.noteFor.ref = r.t.Ref
		return m.startInput(focusNote, r.t.Note)
	case key.Matches(k, ks.Copy):
		return copyCmd(m.opts.Clipboard, "TaskId", r.id)
	case key.Matches(k, ks.CopyDetails):
		return copyCmd(m.opts.Clipboard, "task details", m.ticketText(r))
	}
	return nil
}

// confirmKey answers "remove this task?": only y removes; enter, esc,
// n and every other key keep it (ctrl+c still quits, see onKey).
func (m *Model) confirmKey(k tea.KeyPressMsg) tea.Cmd {
	if len(m.ask.refs) > 0 {
		return m.confirmManyKey(k)
	}
	ks := &m.keys
	m.focus.pop()
	m.ensureVisible()
	switch {
	case key.Matches(k, ks.Yes):
		ref := m.ask.ref
		return tea.Batch(removeCmd(m.eng, ref), m.setFlash("removing "+common.Brief(common.Clean(ref.TaskID)), common.FlashInfo, common.FlashTTL))
	case k.Text == "" && key.Matches(k, ks.Quit):
		return m.quit()
	}
	return m.setFlash("kept "+common.Brief(common.Clean(m.ask.ref.TaskID)), common.FlashInfo, common.FlashTTL)
}

// onClick selects the clicked row (mouse is opt-in, see Options.Mouse).
func (m *Model) onClick(mo tea.Mouse) {
	l := m.layout()
	if _, open := m.boxKind(); l.tooSmall || open || mo.Button != tea.MouseLeft {
		return
	}
	if mo.X < l.listW && mo.Y >= l.listY && mo.Y < l.listY+l.listH {
		i := m.offset + mo.Y - l.listY
		if i < len(m.visible) {
			m.cursor = i
			m.syncSel()
			m.ensureVisible()
		}
		if m.focus.top() == focusDetails {
			m.focus.pop()
		}
	}
}

// onWheel scrolls whichever pane is under the pointer.
func (m *Model) onWheel(mo tea.Mouse) {
	l := m.layout()
	if l.tooSmall {
		return
	}
	step := 0
	switch mo.Button {
	case tea.MouseWheelUp:
		step = -3
	case tea.MouseWheelDown:
		step = 3
	default:
		return
	}
	if _, open := m.boxKind(); open {
		m.syncBox(l)
		if step < 0 {
			m.box.vp.ScrollUp(-step)
		} else {
			m.box.vp.ScrollDown(step)
		}
		return
	}
	if m.focus.has(focusDescribe) {
		m.desc.SetSize(m.w, l.bodyH)
		m.desc.ScrollBy(step)
		return
	}
	inDetail := mo.X >= l.detX && mo.Y >= l.detY && mo.Y < l.detY+l.detH
	if inDetail {
		m.det.scroll += step
		m.clampDetail()
		return
	}
	m.move(step)
}

// cycleZone moves to the next zone and says which it is.
func (m *Model) cycleZone() string {
	m.clock.Zone = (m.clock.Zone + 1) % common.NZones
	m.det.cache = detailCache{} // its lines hold formatted times
	return "times in " + m.clock.ZoneName()
}
