package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Marks are keyed by task (Model.marks), so a sort, a filter or a refresh
// never moves them to another row. While any task is marked, remove,
// refresh, note and copy act on the marked tasks.

// removal is what the y/n question asks to remove: one task (d on the
// selected one), or many (refs, named what: "marked", "ended or
// not-found").
type removal struct {
	ref  taskref.Ref
	refs []taskref.Ref
	what string
}

// noteFor is whom the note box writes to: one task, or every one of refs
// (a note for the marked tasks).
type noteFor struct {
	ref  taskref.Ref
	refs []taskref.Ref
}

// markGlyph is drawn in the mark column of a marked row.
func (m *Model) markGlyph() string {
	if m.opts.ASCII {
		return "+"
	}
	return "◆"
}

// marked reports whether the task is marked.
func (m *Model) marked(ref taskref.Ref) bool { return m.marks[ref] }

// markCount is how many tasks are marked (tasks removed since are unmarked
// by dropRow).
func (m *Model) markCount() int { return len(m.marks) }

func (m *Model) setMark(ref taskref.Ref, on bool) {
	if !on {
		delete(m.marks, ref)
		return
	}
	if m.marks == nil {
		m.marks = map[taskref.Ref]bool{}
	}
	m.marks[ref] = true
}

// targets are the tasks an action applies to: the marked ones (in arrival
// order, shown or not) when any are marked, else the selected one.
func (m *Model) targets() []*row {
	if len(m.marks) == 0 {
		if r := m.selected(); r != nil {
			return []*row{r}
		}
		return nil
	}
	out := make([]*row, 0, len(m.marks))
	for _, r := range m.all {
		if r.seq >= 0 && m.marks[r.t.Ref] {
			out = append(out, r)
		}
	}
	return out
}

func rowRefs(rs []*row) []taskref.Ref {
	out := make([]taskref.Ref, len(rs))
	for i, r := range rs {
		out[i] = r.t.Ref
	}
	return out
}

// flowKey handles the workflow keys in the list and the detail pane: the
// marks, bulk removal, export, the command line, and the task actions
// while tasks are marked. false leaves the key to listKey (the single-task
// actions of before).
func (m *Model) flowKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	ks := &m.keys
	switch {
	case key.Matches(k, ks.Mark):
		r := m.selected()
		if r == nil {
			return nil, true
		}
		m.setMark(r.t.Ref, !m.marked(r.t.Ref))
		m.move(1)
		return nil, true
	case key.Matches(k, ks.MarkAll):
		for _, r := range m.visible {
			m.setMark(r.t.Ref, true)
		}
		return m.setFlash(common.Plural(m.markCount(), "task")+" marked ("+ks.ClearMarks.Help().Key+" clears)", common.FlashInfo, common.FlashTTL), true
	case key.Matches(k, ks.ClearMarks):
		n := m.markCount()
		m.marks = nil
		if n == 0 {
			return m.setFlash("no task is marked (space marks one)", common.FlashInfo, common.FlashTTL), true
		}
		return m.setFlash("cleared "+common.Plural(n, "mark"), common.FlashInfo, common.FlashTTL), true
	case key.Matches(k, ks.RemoveGone):
		return m.askRemoveGone(), true
	case key.Matches(k, ks.Command):
		return m.openCmdline(), true
	case key.Matches(k, ks.Export):
		return m.export(""), true
	}
	if len(m.marks) == 0 {
		if key.Matches(k, ks.Note) {
			m.noteFor.refs = nil // n on one task after an abandoned bulk note
		}
		return nil, false
	}
	rs := m.targets()
	switch {
	case key.Matches(k, ks.Remove):
		m.askRemove(rowRefs(rs), "marked")
	case key.Matches(k, ks.Refresh):
		return tea.Batch(refreshManyCmd(m.eng, rowRefs(rs)), m.setFlash("refreshing "+common.Plural(len(rs), "marked task"), common.FlashInfo, common.FlashTTL)), true
	case key.Matches(k, ks.Note):
		m.noteFor.refs = rowRefs(rs)
		cmd := m.startInput(focusNote, commonNote(rs))
		m.input.SetPrompt(bulkNotePrompt(rs), "one note for all of them (empty clears theirs)", m.w)
		return cmd, true
	case key.Matches(k, ks.Copy):
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = r.id
		}
		return copyCmd(m.opts.Clipboard, common.Plural(len(rs), "TaskId"), strings.Join(ids, "\n")), true
	case key.Matches(k, ks.CopyDetails):
		parts := make([]string, len(rs))
		for i, r := range rs {
			parts[i] = m.ticketText(r)
		}
		return copyCmd(m.opts.Clipboard, "details of "+common.Plural(len(rs), "task"), strings.Join(parts, "\n")), true
	default:
		return nil, false
	}
	return nil, true
}

// commonNote is the note every row shares, else empty: the input starts
// from it so a shared ticket number is edited, not retyped.
func commonNote(rs []*row) string { return shared(rs, func(r *row) string { return r.t.Note }) }

// bulkNotePrompt names how many tasks a bulk note is for and, when they
// do not already share one note (which the input then starts from), how
// many notes it will replace: nothing is overwritten unsaid.
func bulkNotePrompt(rs []*row) string {
	p := "note for " + common.Itoa(len(rs)) + " marked"
	if n := replacedNotes(rs, commonNote(rs)); n > 0 && commonNote(rs) == "" {
		p += " (replaces " + common.Plural(n, "note") + ")"
	}
	return p + "> "
}

// replacedNotes is how many of rs have a note other than value.
func replacedNotes(rs []*row, value string) int {
	n := 0
	for _, r := range rs {
		if r.t.Note != "" && r.t.Note != value {
			n++
		}
	}
	return n
}

// shared is the value of every x, or "" when there are none or they differ.
func shared[T any](xs []T, of func(T) string) string {
	if len(xs) == 0 {
		return ""
	}
	v := of(xs[0])
	for _, x := range xs[1:] {
		if of(x) != v {
			return ""
		}
	}
	return v
}

// gone are the tasks whose recording is over for good (ended) or that the
// API does not know (not found): the ones a clean-up removes.
func gone(p watch.Phase) bool { return p == watch.Ended || p == watch.NotFound }

// askRemoveGone asks once to remove every ended or not-found task.
func (m *Model) askRemoveGone() tea.Cmd {
	var refs []taskref.Ref
	for _, r := range m.all {
		if r.seq >= 0 && gone(r.t.Phase) {
			refs = append(refs, r.t.Ref)
		}
	}
	if len(refs) == 0 {
		return m.setFlash("no ended or not-found task to remove", common.FlashInfo, common.FlashTTL)
	}
	m.askRemove(refs, "ended or not-found")
	return nil
}

// askRemove puts the one y/n question for a bulk removal.
func (m *Model) askRemove(refs []taskref.Ref, what string) {
	m.focus.push(focusConfirm)
	m.ask.refs, m.ask.what = refs, what
	m.ensureVisible()
}

// confirmManyKey answers a bulk removal: only y removes, with one
// RemoveMany call (one watch-list write); every other key keeps them.
func (m *Model) confirmManyKey(k tea.KeyPressMsg) tea.Cmd {
	refs, what := m.ask.refs, m.ask.what
	m.ask.refs, m.ask.what = nil, ""
	m.focus.pop()
	m.ensureVisible()
	switch {
	case key.Matches(k, m.keys.Yes):
		return tea.Batch(removeManyCmd(m.eng, refs), m.setFlash("removing "+common.Plural(len(refs), what+" task")+"…", common.FlashInfo, common.FlashTTL))
	case k.Text == "" && key.Matches(k, m.keys.Quit):
		return m.quit()
	}
	return m.setFlash("kept "+common.Plural(len(refs), what+" task"), common.FlashInfo, common.FlashTTL)
}

// confirmManyLine is the bulk removal's question, naming the count.
func (m *Model) confirmManyLine() string {
	n := len(m.ask.refs)
	q := "remove " + common.Plural(n, m.ask.what+" task") + " from the watch list? "
	ans := "y removes all " + common.Itoa(n) + "; other keys keep them"
	if n == 1 {
		ans = "y removes it; other keys keep it"
	}
	if common.Width(q+ans) > m.w {
		q = "remove " + common.Plural(n, m.ask.what+" task") + "? "
	}
	if common.Width(q+ans) > m.w {
		ans = "y removes, other keys keep"
	}
	return m.st.Warn + common.Cut(q, m.w) + common.SGRReset + common.Cut(ans, max(0, m.w-common.Width(q)))
}

// removedManyMsg is the engine's answer to a bulk removal.
type removedManyMsg struct {
	refs []taskref.Ref
	n    int
	err  error
}

func removeManyCmd(eng Engine, refs []taskref.Ref) tea.Cmd {
	return func() tea.Msg {
		n, err := eng.RemoveMany(refs)
		return removedManyMsg{refs: refs, n: n, err: err}
	}
}

func refreshManyCmd(eng Engine, refs []taskref.Ref) tea.Cmd {
	return func() tea.Msg {
		for _, ref := range refs {
			eng.Refresh(ref)
		}
		return nil
	}
}

// onRemovedMany drops the removed rows at once (the engine's update
// follows) and says how many went.
func (m *Model) onRemovedMany(msg removedManyMsg) tea.Cmd {
	if msg.err != nil {
		return m.editFailed("removing tasks", "remove failed", msg.err)
	}
	drop := false
	for _, ref := range msg.refs {
		if r := m.rows[ref]; r != nil {
			m.dropRow(r)
			drop = true
		}
	}
	if drop {
		m.rebuild(true)
	}
	return m.setFlash("removed "+common.Plural(msg.n, "task"), common.FlashInfo, common.FlashTTL)
}

// submitNoteMany saves one note on every task it was typed for, each edit
// numbered like a single one so a late older edit never wins.
func (m *Model) submitNoteMany(value string) tea.Cmd {
	refs := m.noteFor.refs
	m.noteFor.refs = nil
	cmds := make([]tea.Cmd, 0, len(refs)+1)
	replaced := 0
	var moved []*row
	for _, ref := range refs {
		old := ""
		if r := m.rows[ref]; r != nil {
			replaced += replacedNotes([]*row{r}, value)
			old = r.t.Note
			t := r.t
			t.Note = value
			m.setRow(r, t)
			moved = append(moved, r)
		}
		m.noteSeq++
		cmds = append(cmds, noteCmd(m.eng, ref, value, old, m.noteSeq))
	}
	m.replaceRows(moved) // the filter may now hide or show them
	text := "note set on " + common.Plural(len(refs), "task")
	switch {
	case value == "":
		text = "notes cleared on " + common.Plural(len(refs), "task")
	case replaced > 0:
		text += " (" + common.Plural(replaced, "note") + " replaced)"
	}
	cmds = append(cmds, m.setFlash(text, common.FlashInfo, common.FlashTTL))
	return tea.Batch(cmds...)
}

// markW is the mark column: the glyph and a space.
const markW = 2

// writeMark draws a row's mark cell (see cols.mark).
func (m *Model) writeMark(b *strings.Builder, r *row, restore func()) {
	if !m.marked(r.t.Ref) {
		b.WriteString(common.Spaces(markW))
		return
	}
	b.WriteString(m.st.Title)
	b.WriteString(m.markGlyph())
	restore()
	b.WriteByte(' ')
}
