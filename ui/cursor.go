package ui

import (
	"slices"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
)

// The list's cursor: it stays on the selected task whatever the order,
// the filter or a refresh does, and the list scrolls only as far as it
// must to show it.

// rebuild recomputes the visible rows (filter, problems-only, sort) and
// puts the cursor back on the same task, so a refresh never moves the
// selection. compact drops removed rows from the arrival list first.
func (m *Model) rebuild(compact bool) {
	if compact {
		m.all = slices.DeleteFunc(m.all, func(r *row) bool { return r.seq < 0 })
	}
	m.sortVisible()
	m.reselect()
}

// reselect finds the selected task again; if it is gone (removed or
// filtered out) the cursor stays at the same height in the list.
func (m *Model) reselect() {
	if i := m.indexOf(m.sel); i >= 0 {
		m.cursor = i
	} else {
		m.cursor = min(m.cursor, len(m.visible)-1)
		m.cursor = max(m.cursor, 0)
	}
	m.syncSel()
	m.ensureVisible()
}

func (m *Model) indexOf(ref taskref.Ref) int {
	if r := m.selected(); r != nil && r.t.Ref == ref {
		return m.cursor
	}
	if r := m.rows[ref]; r != nil {
		if i, ok := m.position(r); ok {
			return i
		}
	}
	return -1
}

func (m *Model) syncSel() {
	prev := m.sel
	if r := m.selected(); r != nil {
		m.sel = r.t.Ref
	} else {
		m.sel = taskref.Ref{}
	}
	if m.sel != prev {
		m.det.scroll = 0
		m.evp.SetSelected(m.sel)
	}
}

// move shifts the cursor by n rows, clamped.
func (m *Model) move(n int) {
	if len(m.visible) == 0 {
		return
	}
	m.cursor = min(max(m.cursor+n, 0), len(m.visible)-1)
	m.syncSel()
	m.ensureVisible()
}

// ensureVisible scrolls the list only as far as needed to show the cursor.
func (m *Model) ensureVisible() {
	m.offset = common.ClampOffset(m.offset, m.cursor, m.layout().listH, len(m.visible))
}

// selectAdded puts the cursor on the first task an add brought in, once
// its row exists (the engine's update and the add's answer race). A filter
// that would hide it is cleared: the user just asked for this task.
func (m *Model) selectAdded() {
	ref := m.pendingSel
	if ref == (taskref.Ref{}) {
		return
	}
	r := m.rows[ref]
	if r == nil {
		return
	}
	m.pendingSel = taskref.Ref{}
	m.selectTask(ref)
}

// selectTask puts the cursor on ref, clearing the filter and "only
// problems" when they hide it: the user asked for this task.
func (m *Model) selectTask(ref taskref.Ref) {
	if m.indexOf(ref) < 0 && (m.filter != "" || m.problems) {
		m.filter, m.problems = "", false
		m.rebuild(false)
	}
	if i := m.indexOf(ref); i >= 0 {
		m.cursor = i
		m.syncSel()
		m.ensureVisible()
	}
}
