package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// The visible list (filtered, sorted) is kept in order as rows change,
// instead of being filtered and sorted again: sorted by state, one answer
// that changed a state used to re-sort the whole list (1.3 ms at 10,000
// tasks, 7.1 ms at 40,000). A row that moves is taken out where its old
// key says it is and put in where its new key goes, each found by binary
// search: O(log N) comparisons plus a memmove of the pointers after it,
// which is a few microseconds even at 40,000. m.visible stays a plain
// slice, so everything that reads it (the window drawn, the cursor, the
// column widths) is unchanged; a B-tree would have made each of those an
// O(log N) walk and added a dependency for no gain at this size.

// sortKey is the list order, cycled with `s`.
type sortKey int

const (
	sortAdded sortKey = iota
	sortState
	sortChange
	sortID
	sortKeys
)

func (s sortKey) String() string {
	return [...]string{"added", "state", "last change", "id"}[s]
}

// placed is what a row was sorted by when it took its place in m.visible.
// Comparisons read this, never the live fields, so the slice stays
// searchable while the rows of one Collect are updated one by one. id and
// seq never change for a row, so they are read live.
type placed struct {
	slot  int
	since time.Time
	alert bool // an alert rule flagged the task (the state sort puts it first)
	in    bool // the row is in m.visible
}

// placedOf is what r is sorted by now (not yet in m.visible).
func (m *Model) placedOf(r *row) placed {
	return placed{slot: r.slot, since: r.t.Since, alert: m.flagged(r.t.Ref)}
}

// bulkPlace is how many rows one update may move one by one; more, and
// sorting the whole list again is cheaper than a memmove per row.
const bulkPlace = 128

// cmpPlaced is the list order: the sort chosen, ties in arrival order, so
// equal rows never swap on a refresh.
func (m *Model) cmpPlaced(a, b *row) int {
	switch m.sortBy {
	case sortState:
		// Worst first (see worstFirst): what needs a look belongs at the
		// top of the screen; a clean "ended" sinks to the bottom.
		return cmp.Or(boolInt(b.placed.alert)-boolInt(a.placed.alert),
			slotSeverity[b.placed.slot]-slotSeverity[a.placed.slot], a.seq-b.seq)
	case sortChange:
		return cmp.Or(b.placed.since.Compare(a.placed.since), a.seq-b.seq)
	case sortID:
		return cmp.Or(strings.Compare(a.id, b.id), a.seq-b.seq)
	}
	return a.seq - b.seq
}

// shows reports whether the problems-only switch and the filter let r in.
// needle is the filter, lower-cased.
func (m *Model) shows(r *row, needle string) bool {
	if m.problems && !m.problem(r) {
		return false
	}
	return needle == "" || strings.Contains(r.search, needle)
}

// sortVisible filters and sorts every row: after the sort, the filter or
// the problems switch changed, or when too many rows moved at once.
func (m *Model) sortVisible() {
	needle := strings.ToLower(m.filter)
	vis := make([]*row, 0, len(m.all))
	m.widths = widthCounts{}
	for _, r := range m.all {
		r.placed = m.placedOf(r)
		if m.shows(r, needle) {
			r.placed.in = true
			m.count(r)
			vis = append(vis, r)
		}
	}
	if m.sortBy != sortAdded { // m.all is in arrival order already
		slices.SortFunc(vis, m.cmpPlaced)
	}
	m.visible = vis
}

// place puts r where it now belongs after its fields changed (or takes
// it out, or lets it in, as the filter now says). It reports false if r
// was not found where its old key says, which would be a bug: the caller
// then sorts the whole list.
func (m *Model) place(r *row, needle string) bool {
	in := m.shows(r, needle)
	now := m.placedOf(r)
	if in == r.placed.in && (!in || m.samePlace(r, now)) {
		now.in = in
		r.placed = now
		return true
	}
	if r.placed.in && !m.unplace(r) {
		return false
	}
	r.placed = now
	if in {
		i, _ := slices.BinarySearchFunc(m.visible, r, m.cmpPlaced)
		m.visible = slices.Insert(m.visible, i, r)
		r.placed.in = true
		m.count(r)
	}
	return true
}

// samePlace reports whether r, now sorted by now, keeps its place in the order.
func (m *Model) samePlace(r *row, now placed) bool {
	switch m.sortBy {
	case sortState:
		return slotSeverity[now.slot] == slotSeverity[r.placed.slot] && now.alert == r.placed.alert
	case sortChange:
		return now.since.Equal(r.placed.since)
	}
	return true // arrival and TaskId never change
}

// unplace takes r out of m.visible.
func (m *Model) unplace(r *row) bool {
	i, ok := m.position(r)
	if !ok {
		return false
	}
	m.visible = slices.Delete(m.visible, i, i+1)
	r.placed.in = false
	m.uncount(r)
	return true
}

// position is where r is in m.visible, by binary search.
func (m *Model) position(r *row) (int, bool) {
	if !r.placed.in {
		return 0, false
	}
	i, found := slices.BinarySearchFunc(m.visible, r, m.cmpPlaced)
	if !found || m.visible[i] != r {
		return 0, false
	}
	return i, true
}

// reorder brings m.visible up to date after one update: moved rows
// changed (or arrived) and are placed one by one; gone says rows were
// dropped (taken out of m.visible with unplace before dropRow, as their
// seq then no longer compares), so m.all is compacted. intact false means
// a row was not found where its key says: the list is sorted whole. The
// cursor stays on the selected task.
func (m *Model) reorder(moved []*row, gone, intact bool) {
	if len(moved) == 0 && !gone && intact {
		return
	}
	if gone {
		m.all = slices.DeleteFunc(m.all, func(r *row) bool { return r.seq < 0 })
	}
	needle := strings.ToLower(m.filter)
	for _, r := range moved {
		intact = intact && m.place(r, needle)
	}
	if !intact {
		m.rebuild(false)
		return
	}
	m.reselect()
}

// replaceRows puts rows whose sort key or filter match changed outside an
// engine update (an alert began or stopped flagging them, a bulk note)
// where they now belong: one by one, or the whole list sorted again when
// many moved.
func (m *Model) replaceRows(rs []*row) {
	switch {
	case len(rs) > bulkPlace:
		m.rebuild(false)
	case len(rs) > 0:
		m.reorder(rs, false, true)
	}
}

// forget drops a row that is no longer watched and takes it out of the
// list; it reports false if the row was not where its key says.
func (m *Model) forget(r *row) bool {
	ok := !r.placed.in || m.unplace(r)
	m.dropRow(r)
	return ok
}

// slotSeverity is watch.Phase.Severity by count slot (see phaseSlot), so
// the state sort compares two ints instead of two phase names.
var slotSeverity = func() []int {
	s := make([]int, len(watch.Phases)+1)
	for i, p := range watch.Phases {
		s[i] = p.Severity()
	}
	s[len(watch.Phases)] = watch.Phase("").Severity() // unknown: with errors
	return s
}()
