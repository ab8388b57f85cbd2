package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// row is the model's copy of one task plus what is derived from it once
// per change (sanitised strings, the filter key), not once per frame.
type row struct {
	t      watch.Task
	seq    int // arrival order, the "added" sort
	slot   int // phaseSlot(t.Phase), for counts and the state sort
	ver    int // bumped on each change; keys the detail cache
	id     string
	note   string
	code   string
	search string // lower-case text the filter matches
	// adopted: the engine added the task because a callback named it
	// (drawn with adoptedGlyph before the TaskId).
	adopted bool
	placed  placed // what it is sorted by in the visible list (order.go)
	lens    lens   // what it adds to m.widths while shown (widths.go)

	idCell  string // TaskId cut to idCellW, cached per width
	idCellW int
}

// phaseIndex maps a phase to its slot in counts; unknown phases share
// the last slot so a newer engine never breaks the header.
var phaseIndex = func() map[watch.Phase]int {
	ix := map[watch.Phase]int{}
	for i, p := range watch.Phases {
		ix[p] = i
	}
	return ix
}()

func phaseSlot(p watch.Phase) int {
	if i, ok := phaseIndex[p]; ok {
		return i
	}
	return len(watch.Phases)
}

// bellPhase is a change worth ringing for: the task ended or failed.
func bellPhase(p watch.Phase) bool {
	return p == watch.Ended || p == watch.Vanished || p == watch.Exited || p == watch.Error || p == watch.AuthError
}

// applyUpdate folds one Collect into the model's rows.
func (m *Model) applyUpdate(up watch.Update) tea.Cmd {
	m.clock.Now = m.opts.Now()
	ring := false
	// Many changes at once (the first load, a paste) sort the whole list;
	// a few are placed one by one (order.go).
	bulk := len(up.Changed)+len(up.Removed) > bulkPlace
	var moved []*row
	m.evp.Add(up.Events)
	// The engine reports every phase change, also those that happened
	// between two collects (Exited then ended); tasks that only just
	// arrived (startup, an add) do not ring.
	for _, ev := range up.Events {
		if _, known := m.rows[ev.Ref]; known && ev.Kind == watch.EventTransition && bellPhase(ev.To) {
			ring = true
		}
	}
	for _, t := range up.Changed {
		r := m.rows[t.Ref]
		if r == nil {
			r = &row{seq: m.nextSeq}
			m.nextSeq++
			m.rows[t.Ref] = r
			m.apps[t.Ref.SdkAppID]++
			m.all = append(m.all, r)
			moved = append(moved, r)
		} else {
			if r.t.Phase != t.Phase && bellPhase(t.Phase) {
				ring = true
			}
			m.counts[r.slot]--
		}
		oldSlot, oldSince, oldSearch, arrived := r.slot, r.t.Since, r.search, r.ver == 0
		m.setRow(r, t)
		m.counts[r.slot]++
		// Only what the order or the filter looks at can move a row.
		if !arrived && (r.slot != oldSlot || !r.t.Since.Equal(oldSince) || r.search != oldSearch) {
			moved = append(moved, r)
		}
	}
	gone, intact := false, true
	for _, ref := range up.Removed {
		if r := m.rows[ref]; r != nil {
			if bulk {
				m.dropRow(r)
			} else {
				intact = m.forget(r) && intact
			}
			gone = true
		}
	}
	m.stats = up.Stats
	m.stats.Paused = up.Stats.Paused
	m.desc.SetPaused(m.stats.Paused)
	if bulk && (len(moved) > 0 || gone) {
		m.rebuild(gone)
	} else {
		m.reorder(moved, gone, intact)
	}

	var cmds []tea.Cmd
	if ring && m.opts.Bell {
		cmds = append(cmds, tea.Raw("\a"))
	}
	var fresh []string
	for _, w := range up.Stats.WatchWarnings {
		if !m.seenWarn[w] {
			m.seenWarn[w] = true
			fresh = append(fresh, common.Clean(w))
		}
	}
	if len(fresh) > 0 {
		cmds = append(cmds, m.setFlash("watch list: "+strings.Join(fresh, "; "), common.FlashWarn, common.FlashLongTTL))
	}
	return tea.Batch(cmds...)
}

// set copies a task in and derives its display strings once.
func (r *row) set(t watch.Task) {
	r.t = t
	r.ver++
	r.id = common.Clean(t.Ref.TaskID)
	r.note = common.Clean(t.Note)
	r.code = ""
	if t.LastErr != nil {
		r.code = common.Clean(t.LastErr.Code)
	}
	r.idCellW = -1
	r.slot = phaseSlot(t.Phase)
	r.search = strings.ToLower(r.id + "\x00" + r.note + "\x00" + string(t.Phase) + "\x00" + r.code)
	r.adopted = false
	if p := t.Pushed; p != nil {
		// The room a callback named, as "room:ROOM" so that / room:1234
		// finds a room's tasks (and plain 1234 finds it too).
		r.adopted = p.Adopted
		if p.RoomID != "" {
			r.search += "\x00room:" + strings.ToLower(common.Clean(p.RoomID))
		}
	}
}

// dropRow forgets a task; the hole in m.all is compacted by rebuild.
func (m *Model) dropRow(r *row) {
	delete(m.rows, r.t.Ref)
	if r.t.Ref == m.desc.Ref() {
		m.desc.SetGone()
	}
	delete(m.marks, r.t.Ref) // a task removed elsewhere keeps no mark
	if m.apps[r.t.Ref.SdkAppID]--; m.apps[r.t.Ref.SdkAppID] <= 0 {
		delete(m.apps, r.t.Ref.SdkAppID)
	}
	m.counts[r.slot]--
	r.seq = -1
}

// setRow copies a task into its row and, if the row is shown, updates the
// counts for what changed. A failure's code widens the error column's
// bound (codeSeen), which never narrows: the column keeps its width while
// calls fail and recover, so one row's error never reflows every row.
func (m *Model) setRow(r *row, t watch.Task) {
	if r.placed.in {
		m.uncount(r)
	}
	r.set(t)
	if r.placed.in {
		m.count(r)
	}
	if t.Ref == m.desc.Ref() {
		m.desc.SetTask(r.t, r.ver)
	}
	if code, ok := failCell(r); ok {
		m.codeSeen = max(m.codeSeen, min(common.Width(code), codeMaxW))
	}
}
