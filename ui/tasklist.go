package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// The task list's columns, in the order they are drawn: state, TaskId,
// note, last error, the two ages, files and SdkAppId (only when it tells
// rows apart). Width goes first to FILES ("my recording has no files" is
// the usual question), a TaskId that still tells rows apart, a note, and
// once any call has failed the error code whole; then the ages; what is
// left goes to the TaskId and the note, up to their widest value (a demo
// TaskId is whole from 200 columns). The error column's width comes from
// the widest code seen this run (Model.codeSeen), never from the rows shown
// now, so nothing moves as calls fail and recover.
const (
	ageW     = 6
	filesW   = 5
	appW     = 10
	idMinW   = 16 // a TaskId shortened in the middle still tells rows apart
	idAgesW  = 10 // what it may shrink to so FOR and ANSWER stay beside a code
	idFloorW = 5  // what it may shrink to so an error code shows whole: both ends
	idMidW   = 40 // the TaskId grows to this before the note grows
	noteMinW = 12 // a ticket number, readable
	noteMidW = 24
	codeMinW = 8  // below this a code is not worth cutting to
	codeMaxW = 40 // the longest TRTC codes are under 40; longer is garbage, cut
	agesW    = 2 * (ageW + 1)
	// badgeWidth is the state cell (kept for the tests that locate it).
	badgeWidth = common.StateW
)

// cols is a plan: 0 means the column is not shown.
type cols struct {
	w                          int
	id, note, code, files, app int
	ages                       bool
	mark                       bool // the mark column (marks.go) is drawn
	// merged: there is no room for the code beside the note, so the note
	// column is as wide as the code and a row whose call failed shows its
	// code there instead of its note (the detail pane keeps the note).
	merged bool
}

// want is what the rows would like: the widest TaskId and note shown, the
// widest error code seen (0 before any call failed), and whether SdkAppId
// tells rows apart.
type want struct {
	id, note, code int
	showApp        bool
}

// colCache keeps the column plan and the header line for one width and want.
type colCache struct {
	key  [6]int
	c    cols
	head string
}

// planCols gives width by priority; every column costs its width plus one
// separating space.
func planCols(w int, wt want) cols {
	c := cols{w: w}
	avail := w - 1 - common.StateW - 1 // marker, state, a margin at the right
	take := func(n int) int {
		if n <= 0 || avail < n+1 {
			return 0
		}
		avail -= n + 1
		return n
	}
	grow := func(cur *int, upTo int) {
		if *cur == 0 || upTo <= *cur || avail <= 0 {
			return
		}
		g := min(upTo-*cur, avail)
		*cur += g
		avail -= g
	}
	// room reports whether n more cells fit once the TaskId gives up what
	// it has above floor, and takes them from it if so.
	room := func(n, floor int) bool {
		short := n - avail
		if short <= 0 {
			return true
		}
		if c.id-short < floor {
			return false
		}
		c.id -= short
		avail += short
		return true
	}
	c.files = take(filesW)
	c.id = take(min(max(wt.id, 1), idMinW))
	if c.id == 0 && avail > 1 { // very narrow: what is left
		c.id = take(avail - 1)
	}
	c.note = take(min(wt.note, noteMinW))
	code := min(wt.code, codeMaxW)
	if code > 0 {
		// The code whole: in a column of its own while the ages still fit
		// beside it; else in the note column, with the ages if the TaskId
		// can spare the cells, without them if it must; cut only when even
		// a TaskId at its floor leaves no room for the widest code seen.
		own, inNote := code+1, code+1
		if c.note > 0 {
			inNote = max(code-c.note, 0)
		}
		intoNote := func() {
			if c.note == 0 {
				c.code = take(code)
				return
			}
			avail -= inNote
			c.note, c.merged = max(c.note, code), true
		}
		switch {
		case avail >= own+agesW:
			c.code = take(code)
		case room(inNote+agesW, idAgesW):
			intoNote()
		case avail >= own:
			c.code = take(code)
		case room(inNote, idFloorW):
			intoNote()
		case c.note > 0:
			// Not whole anywhere (only a code longer than a real one):
			// the note column takes what is left, cut rather than hide a
			// failure.
			c.note, c.merged = c.note+avail, true
			avail = 0
		default:
			room(codeMinW+1, idFloorW)
			if avail-1 >= codeMinW {
				c.code = take(avail - 1) // cut rather than hide a failure
			}
		}
	}
	if avail >= agesW {
		c.ages = true
		avail -= agesW
	}
	if wt.showApp {
		c.app = take(appW)
	}
	grow(&c.note, min(wt.note, noteMidW)) // a ticket number before more of a shortened id
	grow(&c.id, min(wt.id, idMidW))
	if c.merged {
		grow(&c.note, code+1+ageW) // the failure's age beside its code
	} else {
		grow(&c.code, code+1+ageW)
	}
	grow(&c.id, wt.id)
	grow(&c.note, wt.note)
	return c
}

// used is the cells a plan fills; the rest of the line is padding.
func (c cols) used() int {
	n := 1 + common.StateW
	if c.mark {
		n += markW
	}
	for _, x := range []int{c.id, c.note, c.code, c.files, c.app} {
		if x > 0 {
			n += x + 1
		}
	}
	if c.ages {
		n += 2 * (ageW + 1)
	}
	return n
}

// failCell is what a row shows beside its state when its latest call
// failed: the API's error code (or our word when there is none, e.g. a
// network error) and how long ago. Empty when the latest call answered.
func failCell(r *row) (code string, ok bool) {
	if !r.t.Phase.Failed() || r.t.LastErr == nil {
		return "", false
	}
	if r.code != "" {
		return r.code, true
	}
	return string(r.t.Phase), true
}

// shownPhase is the state a row names. A failed call does not erase what
// the API last said: the row keeps the last known API status and the
// failure is marked beside it (failCell). Only a task that never answered
// shows the failure itself ("error", "throttled", "auth error") as its
// state. Phase stays the engine's for counts, filter and sort.
func shownPhase(t *watch.Task) watch.Phase {
	if t.Phase.Failed() && t.Last != nil && watch.Live(t.Last.Status) {
		return watch.Phase(t.Last.Status)
	}
	return t.Phase
}

// wants is what the columns need, from the counts of the visible rows'
// lengths (widths.go), so no update or frame scans 10,000 rows for it.
// Byte lengths stand in for cells: exact for the ASCII ids, an upper bound
// otherwise, and no grapheme segmentation on 10,000 rows. The code is the
// widest seen this run (see setRow), shown or not.
func (m *Model) wants() want {
	wt := want{id: m.widths.id.widest(), note: min(m.widths.note.widest(), 200), code: m.codeSeen}
	wt.showApp = len(m.apps) > 1
	if len(m.apps) == 1 {
		for app := range m.apps {
			wt.showApp = app != m.opts.SdkAppID
		}
	}
	return wt
}

func (m *Model) columns(w int) *colCache {
	wt := m.wants()
	marks := m.markCount() > 0
	key := [6]int{w, wt.id, wt.note, wt.code, boolInt(m.st.Dark), boolInt(wt.showApp) | boolInt(marks)<<1}
	if m.cols.key == key && m.cols.head != "" {
		return &m.cols
	}
	c := planCols(w, wt)
	if marks {
		// While tasks are marked, the list gives up markW cells for a mark
		// column rather than hide the mark behind the cursor or a '!'.
		c = planCols(w-markW, wt)
		c.w, c.mark = w, true
	}
	var b strings.Builder
	b.WriteString(m.st.ColHead)
	b.WriteString(" ")
	if c.mark {
		b.WriteString(common.Spaces(markW))
	}
	b.WriteString(common.Fit("STATE", common.StateW))
	if c.id > 0 {
		b.WriteString(" " + common.Fit("TASK ID", c.id))
	}
	if c.note > 0 {
		b.WriteString(" " + common.Fit(noteHead(c), c.note))
	}
	if c.code > 0 {
		b.WriteString(" " + common.Fit("LAST ERROR", c.code))
	}
	if c.ages {
		b.WriteString(" " + common.FitRight("FOR", ageW) + " " + common.FitRight("ANSWER", ageW))
	}
	if c.files > 0 {
		b.WriteString(" " + common.FitRight("FILES", c.files))
	}
	if c.app > 0 {
		b.WriteString(" " + common.Fit("SDKAPPID", c.app))
	}
	b.WriteString(common.Spaces(w - c.used()))
	b.WriteString(common.SGRReset)
	m.cols = colCache{key: key, c: c, head: b.String()}
	return &m.cols
}

// adoptedW is the cells an adopted task's mark takes at the start of its
// TaskId cell: the glyph and a space.
const adoptedW = 2

// adoptedGlyph marks a task the engine added because a callback named it
// (--adopt); the details say its room.
func (m *Model) adoptedGlyph() string {
	if m.opts.ASCII {
		return "@"
	}
	return "⇣"
}

// noteHead names the note column, which also holds a failed call's code
// when the plan merged them.
func noteHead(c cols) string {
	switch {
	case !c.merged:
		return "NOTE"
	case c.note >= len("NOTE / LAST ERROR"):
		return "NOTE / LAST ERROR"
	}
	return "NOTE/ERROR"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listLines renders the column header and only the visible window of rows:
// one string per row, cells cut with ansi.Truncate and padded, SGR spliced
// around the state and the failure badge. No lipgloss Render per cell.
func (m *Model) listLines(w, h int) []string {
	cc := m.columns(w)
	out := make([]string, 0, h+1)
	out = append(out, cc.head)
	if len(m.visible) == 0 {
		msg := "No tasks watched yet. Press a to add one, or paste a list."
		if len(m.rows) > 0 {
			msg = "No task matches (esc clears the filter, f shows all states)."
		}
		for _, s := range common.Wrap(msg, w-2) {
			out = append(out, " "+common.Fit(s, w-1))
		}
		return out
	}
	off := common.ClampOffset(m.offset, m.cursor, h, len(m.visible))
	end := min(off+h, len(m.visible))
	var b strings.Builder
	b.Grow(w * 2)
	for i := off; i < end; i++ {
		b.Reset()
		m.renderRow(&b, m.visible[i], cc.c, i == m.cursor)
		out = append(out, b.String())
	}
	return out
}

// renderRow draws one task. A row in trouble is never faint: its marker
// and its failure badge are the boldest things on the line. Only the age
// of a stale answer is dimmed.
func (m *Model) renderRow(b *strings.Builder, r *row, c cols, sel bool) {
	base := ""
	if sel {
		base = m.st.Selected
	}
	// restore ends a styled run and goes back to the row's base style.
	restore := func() {
		b.WriteString(common.SGRReset)
		b.WriteString(base)
	}
	b.WriteString(base)
	code, failed := failCell(r)
	switch {
	case failed || m.problem(r):
		// Trouble keeps its mark under the cursor too: the reversed row
		// says it is selected.
		b.WriteString(m.st.Bad)
		b.WriteByte('!')
		restore()
	case sel:
		b.WriteByte('>')
	default:
		b.WriteByte(' ')
	}
	if c.mark {
		m.writeMark(b, r, restore)
	}
	p := shownPhase(&r.t)
	b.WriteString(m.st.PhaseSGR(p))
	b.WriteString(common.Fit(m.st.StateText(p), common.StateW))
	restore()
	if c.id > 0 {
		b.WriteByte(' ')
		w := c.id
		if r.adopted && c.id > adoptedW+idFloorW {
			// Adopted: the mark, then the TaskId in what is left.
			w -= adoptedW
			b.WriteString(m.st.Title)
			b.WriteString(m.adoptedGlyph())
			restore()
			b.WriteByte(' ')
		}
		if r.idCellW != w {
			r.idCell, r.idCellW = common.ShortenMiddle(r.id, w), w
		}
		b.WriteString(r.idCell)
	}
	if c.note > 0 {
		b.WriteByte(' ')
		if c.merged && failed {
			m.writeFailure(b, r, code, c.note, restore)
		} else {
			b.WriteString(common.Fit(r.note, c.note))
		}
	}
	if c.code > 0 {
		b.WriteByte(' ')
		if failed {
			m.writeFailure(b, r, code, c.code, restore)
		} else {
			b.WriteString(common.Spaces(c.code))
		}
	}
	if c.ages {
		b.WriteByte(' ')
		b.WriteString(common.FitRight(m.clock.Since(r.t.Since), ageW))
		b.WriteByte(' ')
		answered := "-"
		if r.t.Last != nil {
			answered = m.clock.Since(r.t.Last.At)
		}
		if r.t.Stale && !sel {
			b.WriteString(m.st.Dim)
			b.WriteString(common.FitRight(answered, ageW))
			restore()
		} else {
			b.WriteString(common.FitRight(answered, ageW))
		}
	}
	if c.files > 0 {
		files := "-"
		if r.t.Last != nil {
			files = strconv.Itoa(r.t.Last.FileCount)
		}
		b.WriteByte(' ')
		b.WriteString(common.FitRight(files, c.files))
	}
	if c.app > 0 {
		b.WriteByte(' ')
		b.WriteString(common.Fit(strconv.FormatUint(r.t.Ref.SdkAppID, 10), c.app))
	}
	b.WriteString(common.Spaces(c.w - c.used()))
	if base != "" {
		b.WriteString(common.SGRReset)
	}
}

// writeFailure draws a failed call's badge in a cell n wide: the code,
// and how long ago when it fits.
func (m *Model) writeFailure(b *strings.Builder, r *row, code string, n int, restore func()) {
	age := m.clock.Since(r.t.LastErr.At)
	cell := code
	if common.Width(code)+1+common.Width(age) <= n {
		cell = code + " " + age
	}
	cell = common.Cut(cell, n)
	b.WriteString(m.st.FailSGR(r.t.Phase))
	b.WriteString(cell)
	restore()
	b.WriteString(common.Spaces(n - common.Width(cell)))
}
