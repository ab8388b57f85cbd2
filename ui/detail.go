package ui

import (
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// labelW is the width of the detail pane's labels.
const labelW = 10

// detailCache holds the selected task's rendered lines; they depend on
// the task's version, the width, the second shown and the palette.
type detailCache struct {
	ref   taskref.Ref
	ver   int
	w     int
	sec   int64
	dark  bool
	focus bool
	ok    bool
	lines []string
}

// detailWindow is the visible part of the detail pane.
func (m *Model) detailWindow(l layout) []string {
	lines := m.detailLines(l.detW)
	top := min(max(m.dscroll, 0), max(len(lines)-l.detH, 0))
	return lines[top:min(top+l.detH, len(lines))]
}

// clampDetail keeps the detail scroll inside its content.
func (m *Model) clampDetail() {
	l := m.layout()
	if l.tooSmall {
		return
	}
	n := len(m.detailLines(l.detW))
	m.dscroll = min(max(m.dscroll, 0), max(n-l.detH, 0))
}

func (m *Model) detailLines(w int) []string {
	r := m.selected()
	c := &m.detail
	var ref taskref.Ref
	ver := 0
	if r != nil {
		ref, ver = r.t.Ref, r.ver
	}
	focus := m.mode == modeDetail
	if c.ok && c.ref == ref && c.ver == ver && c.w == w && c.sec == m.now.Unix() && c.dark == m.dark && c.focus == focus {
		return c.lines
	}
	var lines []string
	if r == nil {
		lines = []string{cut(" No task selected.", w)}
	} else {
		lines = m.buildDetail(r, w)
	}
	*c = detailCache{ref: ref, ver: ver, w: w, sec: m.now.Unix(), dark: m.dark, focus: focus, ok: true, lines: lines}
	return lines
}

// detailBuilder collects label/value lines cut or wrapped to the pane.
type detailBuilder struct {
	m     *Model
	w     int
	lines []string
}

func (d *detailBuilder) raw(s string) { d.lines = append(d.lines, s) }

// kv writes "label  value", wrapping value under itself when long.
func (d *detailBuilder) kv(label, value, sgr string, maxLines int) {
	vw := d.w - labelW - 1
	if vw < 4 {
		d.raw(cut(label+" "+value, d.w))
		return
	}
	parts := wrap(value, vw)
	if len(parts) == 0 {
		parts = []string{""}
	}
	if maxLines > 0 && len(parts) > maxLines {
		parts = parts[:maxLines]
		parts[maxLines-1] = cut(parts[maxLines-1]+"…", vw)
	}
	for i, p := range parts {
		lab := spaces(labelW)
		if i == 0 {
			lab = fit(label, labelW)
		}
		d.raw(" " + d.m.st.dim + lab + sgrReset + styled(sgr, cut(p, vw)))
	}
}

func (d *detailBuilder) title(s string) {
	d.raw(styled(d.m.st.title, cut(s, d.w)))
}

// clock is a time with its zone, in the zone chosen with z (clock.go).
func (m *Model) clock(t time.Time) string { return m.clockText(t) }

func (m *Model) buildDetail(r *row, w int) []string {
	d := &detailBuilder{m: m, w: w}
	t := r.t
	head := "Task"
	if m.mode == modeDetail && m.w >= sideBySide {
		head = "Task (j/k scroll, esc back)" // stacked, the divider says it
	}
	d.title(head)
	d.kv("TaskId", r.id, m.st.bold, 0)
	d.kv("SdkAppId", strconv.FormatUint(t.Ref.SdkAppID, 10)+"   region "+clean(t.Ref.Region), "", 1)
	status := badgeOf(t.Phase).text()
	if t.Last != nil && t.Last.Status != "" {
		status += "  (API status " + clean(t.Last.Status) + ")"
	}
	d.kv("Status", status, m.st.phaseSGR(t.Phase), 2)
	d.kv("Since", m.clock(t.Since)+" ("+ago(m.now, t.Since)+")", "", 1)
	if r.note != "" {
		d.kv("Note", r.note, "", 3)
	}
	if t.Last != nil {
		d.kv("Answered", m.clock(t.Last.At)+" ("+ago(m.now, t.Last.At)+")", "", 1)
		d.kv("RequestId", clean(t.Last.RequestID), "", 2)
	} else {
		d.kv("Answered", "not yet", "", 1)
	}
	if e := t.LastErr; e != nil {
		d.kv("Error", clean(e.Code)+" ("+e.Kind.String()+")", m.st.bad, 2)
		d.kv("", clean(e.Message), "", 4)
		if e.RequestID != "" {
			d.kv("", "RequestId "+clean(e.RequestID), "", 2)
		}
		when := "at " + m.clock(e.At) + " (" + ago(m.now, e.At) + ")"
		if t.Failures > 0 { // a "gone" answer is not a failure to retry
			when += ", " + plural(t.Failures, "failure") + " in a row"
		}
		d.kv("", when, "", 1)
	}
	d.kv("Next poll", m.nextPoll(t), "", 1)

	d.raw("")
	m.filesTable(d, t)
	d.raw("")
	d.title("History (newest first)")
	if len(t.History) == 0 {
		d.raw(cut("  no transitions yet", w))
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		h := t.History[i]
		s := "  " + m.clock(h.At) + "  " + badgeOf(h.From).label + " -> " + badgeOf(h.To).label
		if h.RequestID != "" {
			s += "  " + clean(h.RequestID)
		}
		d.raw(cut(s, w))
	}
	return d.lines
}

func (m *Model) nextPoll(t watch.Task) string {
	switch {
	case t.InFlight:
		return "asking now"
	case m.paused:
		return "paused (p resumes)"
	case t.Phase.Final():
		return "not polled any more (r asks once)"
	case t.NextPoll.IsZero():
		return "not scheduled"
	}
	return ago(m.now, t.NextPoll)
}

// filesTable lists the storage files: UserId, TrackType, FileName, begin
// time (local and relative).
func (m *Model) filesTable(d *detailBuilder, t watch.Task) {
	if t.Last == nil {
		d.title("Files")
		d.raw(cut("  no answer yet", d.w))
		return
	}
	files := t.Last.Files
	d.title("Files (" + itoa(len(files)) + ")")
	if len(files) == 0 {
		msg := "  none listed"
		if t.Last.Status == "InProgress" {
			msg = "  none listed: empty by design for VOD storage (files go to VOD, not listed here)"
		}
		for _, s := range wrap(msg, d.w) {
			d.raw(s)
		}
		return
	}
	inner := d.w - 2
	beginW := 8
	if inner >= 60 {
		beginW = 17 // "15:04:05 (12m03s)"
	}
	trackW := 6
	if inner >= 70 {
		trackW = 11
	}
	rest := inner - beginW - trackW - 3
	if rest < 8 {
		for _, f := range files {
			d.raw("  " + shortenMiddle(clean(f.FileName), inner))
		}
		return
	}
	userW := max(6, rest/3)
	fileW := rest - userW
	d.raw("  " + m.st.colHead + fit("USERID", userW) + " " + fit("TRACK", trackW) + " " + fit("FILENAME", fileW) + " " + fit("BEGIN", beginW) + sgrReset)
	for _, f := range files {
		begin := m.clock(f.Begin)
		if beginW > 8 && !f.Begin.IsZero() {
			begin += " (" + compact(m.now.Sub(f.Begin)) + ")"
		}
		d.raw("  " + fit(clean(f.UserID), userW) + " " + fit(clean(f.TrackType), trackW) + " " + shortenMiddle(clean(f.FileName), fileW) + " " + fit(begin, beginW))
	}
}
