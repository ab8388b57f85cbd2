package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// labelW is the width of the detail pane's labels.
const labelW = 10

// detailPane is the detail pane's state: the selected task's lines, how
// far they are scrolled, and the visible part padded to the pane.
type detailPane struct {
	cache  detailCache
	scroll int
	pads   padCache
}

// detailCache holds the selected task's rendered lines; they depend on
// the task's version, the width, the palette, and the clock while common.Span
// holds (repaint.go).
type detailCache struct {
	ref   taskref.Ref
	ver   int
	w     int
	span  common.Span
	dark  bool
	focus bool
	alert string // the rules the task met when drawn
	ok    bool
	lines []string
}

// detailWindow is the visible part of the detail pane.
func (m *Model) detailWindow(l layout) []string {
	lines := m.detailLines(l.detW)
	top := min(max(m.det.scroll, 0), max(len(lines)-l.detH, 0))
	return lines[top:min(top+l.detH, len(lines))]
}

// clampDetail keeps the detail scroll inside its content.
func (m *Model) clampDetail() {
	l := m.layout()
	if l.tooSmall {
		return
	}
	n := len(m.detailLines(l.detW))
	m.det.scroll = min(max(m.det.scroll, 0), max(n-l.detH, 0))
}

func (m *Model) detailLines(w int) []string {
	r := m.selected()
	c := &m.det.cache
	var ref taskref.Ref
	ver := 0
	if r != nil {
		ref, ver = r.t.Ref, r.ver
	}
	focus := m.detailFocused()
	alert := strings.Join(m.alerts(ref), ", ")
	if c.ok && c.ref == ref && c.ver == ver && c.w == w && c.dark == m.st.Dark && c.focus == focus && c.alert == alert && m.clock.Fresh(c.span) {
		return c.lines
	}
	var lines []string
	sp := m.clock.SpanOf(func() {
		if r == nil {
			lines = []string{common.Cut(" No task selected.", w)}
		} else {
			lines = m.buildDetail(r, w)
		}
	})
	*c = detailCache{ref: ref, ver: ver, w: w, span: sp, dark: m.st.Dark, focus: focus, alert: alert, ok: true, lines: lines}
	return lines
}

func (m *Model) buildDetail(r *row, w int) []string {
	d := &common.Doc{W: w, Indent: 1, LabelW: labelW - 1}
	t := r.t
	// The pane's own title names it ("Details") and says which keys work.
	d.Field(m.st.Dim, "TaskId", m.st.Bold, r.id, common.Prose) // 76 characters: wraps in place
	d.Field(m.st.Dim, "SdkAppId", "", strconv.FormatUint(t.Ref.SdkAppID, 10)+"   region "+common.Clean(t.Ref.Region), common.Prose)
	status := m.st.StateText(t.Phase)
	if t.Last != nil && t.Last.Status != "" {
		status += "  (API status " + common.Clean(t.Last.Status) + ")"
	}
	d.Field(m.st.Dim, "Status", m.st.PhaseSGR(t.Phase), status, common.Prose)
	if why := common.PhaseExplain(t); why != "" {
		d.Field(m.st.Dim, "", "", why, common.Prose)
	}
	d.Field(m.st.Dim, "Since", "", m.clock.Text(t.Since)+" ("+m.clock.Ago(t.Since)+")", common.Prose)
	if fired := m.alerts(t.Ref); len(fired) > 0 {
		// The row's ! may sit under the cursor: the pane says why too.
		d.Field(m.st.Dim, "Alert", m.st.Bad, "meets "+common.Clean(strings.Join(fired, ", "))+" (--alert, :alert)", common.Prose)
	}
	if r.note != "" {
		d.Field(m.st.Dim, "Note", "", r.note, common.Prose)
	}
	if t.Last != nil {
		d.Field(m.st.Dim, "Answered", "", m.clock.Text(t.Last.At)+" ("+m.clock.Ago(t.Last.At)+")", common.Prose)
		d.Field(m.st.Dim, "RequestId", "", common.Clean(t.Last.RequestID), common.ID)
	} else {
		d.Field(m.st.Dim, "Answered", "", "not yet", common.Prose)
	}
	if e := t.LastErr; e != nil {
		d.Field(m.st.Dim, "Error", m.st.Bad, common.Clean(e.Code)+" ("+e.Kind.String()+")", common.Prose)
		d.Field(m.st.Dim, "", "", common.Clean(e.Message), common.Prose)
		if e.RequestID != "" {
			d.IDField(m.st.Dim, "", "RequestId", common.Clean(e.RequestID))
		}
		when := "at " + m.clock.Text(e.At) + " (" + m.clock.Ago(e.At) + ")"
		if t.Failures > 0 { // a "gone" answer is not a failure to retry
			when += ", " + common.Plural(t.Failures, "failure") + " in a row"
		}
		d.Field(m.st.Dim, "", "", when, common.Prose)
	}
	d.Field(m.st.Dim, "Next poll", "", common.NextPoll(m.clock, t, m.stats.Paused), common.Prose)

	d.Blank()
	m.filesTable(d, r)
	if t.Pushed != nil {
		var listed []watch.File
		if t.Last != nil {
			listed = t.Last.Files()
		}
		d.Blank()
		common.Pushed(d, m.st, t.Pushed, listed, m.clock.Text)
	}
	d.Blank()
	d.Title(m.st.Title, "History (newest first)")
	if len(t.History) == 0 {
		d.Raw(common.Cut("  no transitions yet", w), "")
	}
	for _, h := range common.HistoryNewestFirst(t.History) {
		common.HistoryLine(d, m.st.Dim, h, 2, m.clock.Text)
	}
	return d.Lines
}
