package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// onKey routes a key press. A focused input or the y/n question takes the
// key first, so `q` typed in the add box is a letter; `esc` never quits.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch m.mode {
	case modeAdd, modeFilter, modeNote:
		return m.inputKey(k)
	case modeConfirm:
		return m.confirmKey(k)
	}
	ks := &m.keys
	switch {
	case key.Matches(k, ks.Quit):
		return m.quit()
	case key.Matches(k, ks.Help):
		m.showHelp = !m.showHelp
		return nil
	case key.Matches(k, ks.Back):
		m.back()
		return nil
	}
	if m.mode == modeDescribe {
		return m.describeKey(k)
	}
	if m.mode == modeDetail && m.detailKey(k) {
		return nil
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
	case m.showHelp:
		m.showHelp = false
	case m.mode == modeDescribe:
		m.mode = modeDetail
	case m.mode == modeDetail:
		m.mode = modeList
	case m.filter != "":
		m.filter = ""
		m.rebuild(false)
	case len(m.rejected) > 0:
		m.rejected = nil
		m.ensureVisible()
	default:
		m.flash.text = ""
	}
}

// detailKey scrolls the focused detail pane; false lets the key fall
// through to the list actions (r, y, d … act on the selected task).
func (m *Model) detailKey(k tea.KeyPressMsg) bool {
	ks := &m.keys
	page := max(1, m.layout().detH-1)
	switch {
	case key.Matches(k, ks.Up):
		m.dscroll--
	case key.Matches(k, ks.Down):
		m.dscroll++
	case key.Matches(k, ks.PageUp):
		m.dscroll -= page
	case key.Matches(k, ks.PageDown):
		m.dscroll += page
	case key.Matches(k, ks.Top):
		m.dscroll = 0
	case key.Matches(k, ks.Bottom):
		m.dscroll = 1 << 30
	case key.Matches(k, ks.Describe), key.Matches(k, ks.Submit):
		m.openDescribe() // enter twice from the list
		return true
	case key.Matches(k, ks.Focus):
		m.mode = modeList
	default:
		return false
	}
	m.clampDetail()
	return true
}

func (m *Model) listKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	page := max(1, m.layout().listH-1)
	r := m.selected()
	switch {
	case key.Matches(k, ks.Up):
		m.move(-1)
	case key.Matches(k, ks.Down):
		m.move(1)
	case key.Matches(k, ks.PageUp):
		m.move(-page)
	case key.Matches(k, ks.PageDown):
		m.move(page)
	case key.Matches(k, ks.Top):
		m.move(-len(m.visible))
	case key.Matches(k, ks.Bottom):
		m.move(len(m.visible))
	case key.Matches(k, ks.Focus):
		if r != nil {
			m.mode = modeDetail
			m.ensureVisible()
		}
	case key.Matches(k, ks.Describe):
		m.openDescribe()
	case key.Matches(k, ks.Add):
		return m.startInput(modeAdd, "")
	case key.Matches(k, ks.Filter):
		return m.startInput(modeFilter, m.filter)
	case key.Matches(k, ks.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		m.rebuild(false)
		return m.setFlash("sorted by "+m.sortBy.String(), flashInfo, flashTTL)
	case key.Matches(k, ks.Problems):
		m.problems = !m.problems
		m.rebuild(false)
	case key.Matches(k, ks.Pause):
		m.paused = !m.paused
		word := "polling resumed"
		if m.paused {
			word = "polling paused (p resumes)"
		}
		return tea.Batch(pauseCmd(m.eng, m.paused), m.setFlash(word, flashInfo, flashTTL))
	case key.Matches(k, ks.RefreshAll):
		return tea.Batch(refreshAllCmd(m.eng), m.setFlash("refreshing all tasks", flashInfo, flashTTL))
	case r == nil:
		return nil // the rest act on the selected task
	case key.Matches(k, ks.Remove):
		m.mode, m.confirmRef = modeConfirm, r.t.Ref
		m.ensureVisible()
	case key.Matches(k, ks.Refresh):
		return tea.Batch(refreshCmd(m.eng, r.t.Ref), m.setFlash("refreshing "+brief(r.id), flashInfo, flashTTL))
	case key.Matches(k, ks.Note):
		m.inputRef = r.t.Ref
		return m.startInput(modeNote, r.t.Note)
	case key.Matches(k, ks.Copy):
		return copyCmd(m.opts.Clipboard, "TaskId", r.id)
	case key.Matches(k, ks.CopyDetails):
		return copyCmd(m.opts.Clipboard, "task details", ticketText(r, m.now, m.loc))
	}
	return nil
}

// confirmKey answers "remove this task?"; anything but yes or no is ignored.
func (m *Model) confirmKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	switch {
	case key.Matches(k, ks.Yes):
		m.mode = modeList
		ref := m.confirmRef
		m.ensureVisible()
		return tea.Batch(removeCmd(m.eng, ref), m.setFlash("removing "+brief(clean(ref.TaskID)), flashInfo, flashTTL))
	case key.Matches(k, ks.No):
		m.mode = modeList
		m.ensureVisible()
		return m.setFlash("kept", flashInfo, flashTTL)
	case k.Text == "" && key.Matches(k, ks.Quit):
		return m.quit()
	}
	return nil
}

// onClick selects the clicked row (mouse is opt-in, see Options.Mouse).
func (m *Model) onClick(mo tea.Mouse) {
	l := m.layout()
	if l.tooSmall || m.showHelp || mo.Button != tea.MouseLeft {
		return
	}
	if mo.X < l.listW && mo.Y >= l.listY && mo.Y < l.listY+l.listH {
		i := m.offset + mo.Y - l.listY
		if i < len(m.visible) {
			m.cursor = i
			m.syncSel()
			m.ensureVisible()
		}
		if m.mode == modeDetail {
			m.mode = modeList
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
	if m.mode == modeDescribe {
		m.syncDescribe()
		if step < 0 {
			m.desc.vp.ScrollUp(-step)
		} else {
			m.desc.vp.ScrollDown(step)
		}
		return
	}
	inDetail := mo.X >= l.detX && mo.Y >= l.detY && mo.Y < l.detY+l.detH
	if inDetail {
		m.dscroll += step
		m.clampDetail()
		return
	}
	m.move(step)
}
