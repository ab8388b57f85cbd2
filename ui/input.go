package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
)

// startInput gives the keyboard to the one-line input f, over what has it.
func (m *Model) startInput(f focus, value string) tea.Cmd {
	m.closeBox()
	m.focus.push(f)
	m.input.Reset()
	m.paste.reset()
	switch f {
	case focusAdd:
		m.input.CharLimit = maxTypedAddRunes
		m.input.LimitText = "the add box takes up to " + common.Itoa(maxTypedAddRunes) + " typed characters: paste a longer list"
		m.addPrompt()
	case focusFilter:
		m.input.CharLimit = maxFilterRunes
		m.input.LimitText = "the filter takes up to " + common.Itoa(maxFilterRunes) + " characters"
		m.input.SetPrompt("filter> ", "part of a TaskId, note or state", m.w)
	case focusNote:
		m.input.CharLimit = maxNoteRunes
		m.input.LimitText = "a note takes up to " + common.Itoa(maxNoteRunes) + " characters"
		m.input.SetPrompt("note> ", "a note for this task (empty clears it)", m.w)
	}
	m.input.SetValue(common.Typable(value)) // a note from the watch list may hold anything
	m.input.CursorEnd()
	m.ensureVisible()
	return m.input.Focus()
}

// endInput gives the keyboard back to what had it before the input.
func (m *Model) endInput() {
	m.focus.pop()
	m.input.Blur()
	m.paste.reset()
	m.ensureVisible()
}

// inputKey: the input has every key first. Only keys that type nothing
// (enter, esc, ctrl+c) act; a letter such as q is text.
func (m *Model) inputKey(k tea.KeyPressMsg) tea.Cmd {
	ks := &m.keys
	switch {
	case k.Text == "" && key.Matches(k, ks.Quit):
		return m.quit()
	case key.Matches(k, ks.Back):
		if m.focus.top() == focusFilter {
			m.setFilter("")
		}
		m.endInput()
		return nil
	case k.Text == "" && key.Matches(k, ks.Submit):
		return m.submit()
	}
	cmd, changed := m.typeKey(k)
	if changed && m.focus.top() == focusFilter {
		m.setFilter(m.input.Value())
	}
	return cmd
}

// submit acts on the input's text and returns the keyboard to the list.
func (m *Model) submit() tea.Cmd {
	value := m.input.Value()
	f := m.focus.top()
	if f == focusAdd {
		value = m.addText()
	}
	if f == focusFilter {
		m.setFilter(value) // while the events pane, if it is open, is under it
	}
	m.endInput()
	switch f {
	case focusNote:
		if len(m.noteFor.refs) > 0 {
			return m.submitNoteMany(value)
		}
		ref := m.noteFor.ref
		old := m.noteLocally(ref, value)
		m.noteSeq++
		return noteCmd(m.eng, ref, value, old, m.noteSeq)
	case focusAdd:
		return m.addEntries(value)
	}
	return nil
}

// noteLocally shows note on ref's row at once (the engine's update
// confirms it) and returns the note it replaced.
func (m *Model) noteLocally(ref taskref.Ref, note string) string {
	r := m.rows[ref]
	if r == nil {
		return ""
	}
	old := r.t.Note
	t := r.t
	t.Note = note
	m.setRow(r, t)
	m.reorder([]*row{r}, false, true) // the filter may now hide or show it
	return old
}

// onNote is the engine's answer to a note edit: a refused or failed edit
// puts the note it replaced back, unless a later edit has changed it.
func (m *Model) onNote(msg noteMsg) tea.Cmd {
	if msg.err == nil {
		return nil
	}
	if r := m.rows[msg.ref]; r != nil && r.t.Note == msg.note {
		m.noteLocally(msg.ref, msg.old)
	}
	return m.editFailed("editing notes", "note not saved", msg.err)
}

// addEntries parses one entry or a whole pasted list. Valid entries are
// added even when others are refused; every refusal is listed with its
// reason in a box that scrolls (esc closes it).
func (m *Model) addEntries(text string) tea.Cmd {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	b := taskref.ParseList(text, m.opts.SdkAppID, m.opts.Region, m.has)
	if len(b.Rejected) > 0 {
		report := make([]string, 0, 2*len(b.Rejected))
		for _, rj := range b.Rejected {
			report = append(report, common.Clean(rj.Entry), "    "+common.Clean(rj.Reason.Error()))
		}
		title := common.Itoa(len(b.Rejected)) + " entries rejected"
		if len(b.Rejected) == 1 {
			title = "1 entry rejected"
		}
		m.openBox(focusReport, title+" (esc closes)", report)
	}
	m.ensureVisible()
	if len(b.Refs) == 0 {
		kind := common.FlashInfo
		if len(b.Rejected) > 0 {
			kind = common.FlashWarn
		}
		return m.setFlash(b.Summary(), kind, common.FlashLongTTL)
	}
	return tea.Batch(addCmd(m.eng, b.Refs, len(b.Duplicates), len(b.Rejected)),
		m.setFlash("adding "+common.Plural(len(b.Refs), "task")+"…", common.FlashInfo, common.FlashTTL))
}

// onPaste handles bracketed paste itself: textinput would squash a list
// into one line and cut it at its limit without a word. Outside an input,
// a paste opens the add box with the pasted list in it.
func (m *Model) onPaste(content string) tea.Cmd {
	text := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case common.Unwanted(r):
			return -1
		}
		return r
	}, content)
	switch top := m.focus.top(); {
	case top == focusConfirm, m.focus.has(focusDescribe) && !top.input():
		return nil
	case top == focusCmdline:
		return m.child(m.cmd.Update(tea.PasteMsg{Content: text}))
	case top == focusAdd:
		return m.pasteAdd(text)
	case !top.input():
		if m.opts.ReadOnly {
			return m.refuse("adding tasks")
		}
		return tea.Batch(m.startInput(focusAdd, ""), m.pasteAdd(strings.TrimSpace(text)))
	}
	var said tea.Cmd
	if m.input.Insert(text) {
		said = m.sayLimit()
	}
	if m.focus.top() == focusFilter {
		m.setFilter(m.input.Value())
	}
	return said
}
