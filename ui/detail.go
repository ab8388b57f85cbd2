package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// labelW is the width of the detail pane's labels.
const labelW = 10

// detailCache holds the selected task's rendered lines; they depend on
// the task's version, the width, the palette, and the clock while span
// holds (repaint.go).
type detailCache struct {
	ref   taskref.Ref
	ver   int
	w     int
	span  span
	dark  bool
	focus bool
	alert string // the rules the task met when drawn
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
	focus := m.detailFocused()
	alert := strings.Join(m.alerts(ref), ", ")
	if c.ok && c.ref == ref && c.ver == ver && c.w == w && c.dark == m.dark && c.focus == focus && c.alert == alert && m.fresh(c.span) {
		return c.lines
	}
	var lines []string
	sp := m.spanOf(func() {
		if r == nil {
			lines = []string{cut(" No task selected.", w)}
		} else {
			lines = m.buildDetail(r, w)
		}
	})
	*c = detailCache{ref: ref, ver: ver, w: w, span: sp, dark: m.dark, focus: focus, alert: alert, ok: true, lines: lines}
	return lines
}

// clock is a time with its zone, in the zone chosen with z (clock.go).
func (m *Model) clock(t time.Time) string { return m.clockText(t) }

func (m *Model) buildDetail(r *row, w int) []string {
	d := &doc{w: w, indent: 1, labelW: labelW - 1}
	t := r.t
	// The pane's own title names it ("Details") and says which keys work.
	d.field(m.st.dim, "TaskId", m.st.bold, r.id, prose) // 76 characters: wraps in place
	d.field(m.st.dim, "SdkAppId", "", strconv.FormatUint(t.Ref.SdkAppID, 10)+"   region "+clean(t.Ref.Region), prose)
	status := m.st.stateText(t.Phase)
	if t.Last != nil && t.Last.Status != "" {
		status += "  (API status " + clean(t.Last.Status) + ")"
	}
	d.field(m.st.dim, "Status", m.st.phaseSGR(t.Phase), status, prose)
	if why := phaseExplain(t); why != "" {
		d.field(m.st.dim, "", "", why, prose)
	}
	d.field(m.st.dim, "Since", "", m.clock(t.Since)+" ("+m.ago(t.Since)+")", prose)
	if fired := m.alerts(t.Ref); len(fired) > 0 {
		// The row's ! may sit under the cursor: the pane says why too.
		d.field(m.st.dim, "Alert", m.st.bad, "meets "+clean(strings.Join(fired, ", "))+" (--alert, :alert)", prose)
	}
	if r.note != "" {
		d.field(m.st.dim, "Note", "", r.note, prose)
	}
	if t.Last != nil {
		d.field(m.st.dim, "Answered", "", m.clock(t.Last.At)+" ("+m.ago(t.Last.At)+")", prose)
		d.field(m.st.dim, "RequestId", "", clean(t.Last.RequestID), id)
	} else {
		d.field(m.st.dim, "Answered", "", "not yet", prose)
	}
	if e := t.LastErr; e != nil {
		d.field(m.st.dim, "Error", m.st.bad, clean(e.Code)+" ("+e.Kind.String()+")", prose)
		d.field(m.st.dim, "", "", clean(e.Message), prose)
		if e.RequestID != "" {
			d.idField(m.st.dim, "", "RequestId", clean(e.RequestID))
		}
		when := "at " + m.clock(e.At) + " (" + m.ago(e.At) + ")"
		if t.Failures > 0 { // a "gone" answer is not a failure to retry
			when += ", " + plural(t.Failures, "failure") + " in a row"
		}
		d.field(m.st.dim, "", "", when, prose)
	}
	d.field(m.st.dim, "Next poll", "", m.nextPoll(t), prose)

	d.blank()
	m.filesTable(d, r)
	d.blank()
	d.title(m.st.title, "History (newest first)")
	if len(t.History) == 0 {
		d.raw(cut("  no transitions yet", w), "")
	}
	for _, h := range historyNewestFirst(t.History) {
		m.historyLine(d, h, 2, m.clock)
	}
	return d.lines
}

// change is a transition as history lines say it: "InProgress -> error
// (InternalError.CRInternalError)", naming the failed call's code when the
// change was into a failure (watch.Transition.Code).
func change(h watch.Transition) string {
	s := word(h.From) + " -> " + word(h.To)
	if h.Code != "" {
		s += " (" + clean(h.Code) + ")"
	}
	return s
}

// historyNewestFirst is the one order history is shown and copied in.
func historyNewestFirst(hs []watch.Transition) []watch.Transition {
	out := make([]watch.Transition, len(hs))
	for i, h := range hs {
		out[len(hs)-1-i] = h
	}
	return out
}

// historyLine writes one transition; its RequestId goes on the next line
// when it does not fit whole beside the change. A change to a failure
// names its code (see change).
func (m *Model) historyLine(d *doc, h watch.Transition, indent int, ts func(time.Time) string) {
	s := spaces(indent) + ts(h.At) + "  " + change(h)
	rid := clean(h.RequestID)
	plain := s
	if rid != "" {
		plain += "  " + rid
	}
	d.plain = append(d.plain, plain)
	if rid != "" && width(s)+2+width(rid) <= d.w {
		d.lines = append(d.lines, s+"  "+m.st.dim+rid+sgrReset)
		return
	}
	d.lines = append(d.lines, cut(s, d.w))
	if rid != "" {
		x := min(indent+10, max(d.w-width(rid), 0))
		d.hang(x, x, m.st.dim, rid, id)
	}
}

// phaseExplain says what a gone task's phase means, honestly: the API
// forgets a task a few seconds after Exited, and polls are seconds apart,
// so a clean stop can look like a task that vanished. The last good answer
// tells which was last seen.
func phaseExplain(t watch.Task) string {
	last := ""
	if t.Last != nil {
		last = t.Last.Status
	}
	if t.EndUnseen && t.Phase == watch.Ended {
		return "gone while last seen " + clean(last) + ", but this program could not poll for a while before " +
			"(stopped, starved or asleep): its end was not seen; the recording callbacks (302 LeaveCode) tell how it stopped."
	}
	switch string(t.Phase) {
	case "ended", "vanished":
		switch last {
		case "Exited":
			return "seen Exited, then the API stopped knowing it: a clean stop."
		case "":
			return "gone. Exited lasts only seconds and can fall between two polls, " +
				"so it may have stopped cleanly; the recording callbacks (302 LeaveCode) tell for sure."
		}
		return "gone while last seen " + clean(last) + ". Exited lasts only seconds and can fall between two polls, " +
			"so it may still have stopped cleanly; the recording callbacks (302 LeaveCode) tell for sure."
	case "not found":
		return "the API answered that it has no such task here: check the TaskId, SdkAppId and region; " +
			"a task that ended before it was watched, or whose ResourceExpiredHour has passed, answers the same."
	}
	return ""
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
	return m.ago(t.NextPoll)
}
