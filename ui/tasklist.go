package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/watch"
)

// Column widths of the task list. The badge, TaskId and the two ages are
// always there; files, error code, SdkAppId and note join as width allows.
// When every task is in the application the header names, the SdkAppId
// column would repeat it on every row: it then yields its cells to the note
// unless there is room for both.
const (
	ageW   = 6
	filesW = 5
	codeW  = 14
	appW   = 10
	idMinW = 12
	idMaxW = 28 // longer ids are shortened in the middle; the detail pane has them whole
	noteW  = 24 // what a note needs to be read before a redundant SdkAppId column
)

type cols struct {
	w                          int
	id, files, code, app, note int
}

// colCache keeps the column plan and the header line for one width.
type colCache struct {
	key  [4]int // width, widest id, dark, SdkAppId column wanted
	c    cols
	head string
}

func planCols(w, widestID int, showApp bool) cols {
	c := cols{w: w}
	avail := w - (1 + badgeWidth + 1 + 1 + ageW + 1 + ageW)
	c.id = min(avail, min(max(widestID, idMinW), idMaxW))
	avail -= c.id
	if avail >= filesW+1 {
		c.files = filesW
		avail -= filesW + 1
	}
	if avail >= codeW+1 {
		c.code = codeW
		avail -= codeW + 1
	}
	// Redundant, the SdkAppId still shows when the note keeps noteW cells.
	if avail >= appW+1 && (showApp || avail-(appW+1) >= noteW+1) {
		c.app = appW
		avail -= appW + 1
	}
	if avail >= 6 {
		c.note = avail - 1
	}
	return c
}

func (m *Model) columns(w int) *colCache {
	widest := 0
	for _, r := range m.visible {
		widest = max(widest, len(r.id)) // bytes >= cells; only a hint for the plan
		if widest >= idMaxW {
			break
		}
	}
	showApp := len(m.apps) > 1
	if len(m.apps) == 1 {
		for app := range m.apps {
			showApp = app != m.opts.SdkAppID
		}
	}
	key := [4]int{w, widest, boolInt(m.dark), boolInt(showApp)}
	if m.cols.key == key && m.cols.head != "" {
		return &m.cols
	}
	c := planCols(w, widest, showApp)
	var b strings.Builder
	b.WriteString(m.st.colHead)
	b.WriteString(" ")
	b.WriteString(fit("STATE", badgeWidth))
	b.WriteString(" ")
	b.WriteString(fit("TASK ID", c.id))
	b.WriteString(" ")
	b.WriteString(fitRight("FOR", ageW))
	b.WriteString(" ")
	b.WriteString(fitRight("ANSWER", ageW))
	if c.files > 0 {
		b.WriteString(" " + fitRight("FILES", c.files))
	}
	if c.code > 0 {
		b.WriteString(" " + fit("ERROR", c.code))
	}
	if c.app > 0 {
		b.WriteString(" " + fit("SDKAPPID", c.app))
	}
	if c.note > 0 {
		b.WriteString(" " + fit("NOTE", c.note))
	}
	used := 1 + badgeWidth + 1 + c.id + 1 + ageW + 1 + ageW
	used += sumCols(c)
	b.WriteString(spaces(w - used))
	b.WriteString(sgrReset)
	m.cols = colCache{key: key, c: c, head: b.String()}
	return &m.cols
}

func sumCols(c cols) int {
	n := 0
	for _, w := range []int{c.files, c.code, c.app, c.note} {
		if w > 0 {
			n += w + 1
		}
	}
	return n
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listLines renders the column header and only the visible window of rows:
// one string per row, cells cut with ansi.Truncate and padded, SGR spliced
// around the badge. No lipgloss Render per cell (see the perf notes).
func (m *Model) listLines(l layout) []string {
	w := l.listW
	cc := m.columns(w)
	out := make([]string, 0, l.listH+1)
	out = append(out, cc.head)
	if len(m.visible) == 0 {
		msg := "No tasks watched yet. Press a to add one, or paste a list."
		if len(m.rows) > 0 {
			msg = "No task matches (esc clears the filter, f shows all states)."
		}
		for _, s := range wrap(msg, w-2) {
			out = append(out, " "+fit(s, w-1))
		}
		return out
	}
	off := clampOffset(m.offset, m.cursor, l.listH, len(m.visible))
	end := min(off+l.listH, len(m.visible))
	var b strings.Builder
	b.Grow(w * 2)
	for i := off; i < end; i++ {
		b.Reset()
		m.renderRow(&b, m.visible[i], cc.c, i == m.cursor)
		out = append(out, b.String())
	}
	return out
}

func (m *Model) renderRow(b *strings.Builder, r *row, c cols, sel bool) {
	base := ""
	switch {
	case sel:
		base = m.st.selected
	case r.t.Stale || m.stats.Health == watch.HealthDown:
		base = m.st.dim
	}
	b.WriteString(base)
	if sel {
		b.WriteByte('>')
	} else {
		b.WriteByte(' ')
	}
	bd := badgeOf(r.t.Phase)
	if p := m.st.phaseSGR(r.t.Phase); p != "" {
		b.WriteString(p)
		b.WriteString(fit(bd.text(), badgeWidth))
		b.WriteString(sgrReset)
		b.WriteString(base)
	} else {
		b.WriteString(fit(bd.text(), badgeWidth))
	}
	b.WriteByte(' ')
	if r.idCellW != c.id {
		r.idCell, r.idCellW = shortenMiddle(r.id, c.id), c.id
	}
	b.WriteString(r.idCell)
	b.WriteByte(' ')
	b.WriteString(fitRight(since(m.now, r.t.Since), ageW))
	b.WriteByte(' ')
	answered, files := "-", "-"
	if r.t.Last != nil {
		answered = since(m.now, r.t.Last.At)
		files = strconv.Itoa(len(r.t.Last.Files))
	}
	b.WriteString(fitRight(answered, ageW))
	if c.files > 0 {
		b.WriteByte(' ')
		b.WriteString(fitRight(files, c.files))
	}
	if c.code > 0 {
		b.WriteByte(' ')
		b.WriteString(fit(r.code, c.code))
	}
	if c.app > 0 {
		b.WriteByte(' ')
		b.WriteString(fit(strconv.FormatUint(r.t.Ref.SdkAppID, 10), c.app))
	}
	if c.note > 0 {
		b.WriteByte(' ')
		b.WriteString(fit(r.note, c.note))
	}
	used := 1 + badgeWidth + 1 + c.id + 1 + ageW + 1 + ageW + sumCols(c)
	b.WriteString(spaces(c.w - used))
	if base != "" {
		b.WriteString(sgrReset)
	}
}
