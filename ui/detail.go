package ui

import (
	"github.com/trtcwatch/trtcwatch/ui/common"
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// labelW is the width of the detail pane's labels.
const labelW = 10

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
	if why := phaseExplain(t); why != "" {
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
	d.Field(m.st.Dim, "Next poll", "", m.nextPoll(t), common.Prose)

	d.Blank()
	m.filesTable(d, r)
	d.Blank()
	d.Title(m.st.Title, "History (newest first)")
	if len(t.History) == 0 {
		d.Raw(common.Cut("  no transitions yet", w), "")
	}
	for _, h := range historyNewestFirst(t.History) {
		m.historyLine(d, h, 2, m.clock.Text)
	}
	return d.Lines
}

// change is a transition as history lines say it: "InProgress -> error
// (InternalError.CRInternalError)", naming the failed call's code when the
// change was into a failure (watch.Transition.Code).
func change(h watch.Transition) string {
	s := common.Word(h.From) + " -> " + common.Word(h.To)
	if h.Code != "" {
		s += " (" + common.Clean(h.Code) + ")"
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
func (m *Model) historyLine(d *common.Doc, h watch.Transition, indent int, ts func(time.Time) string) {
	s := common.Spaces(indent) + ts(h.At) + "  " + change(h)
	rid := common.Clean(h.RequestID)
	plain := s
	if rid != "" {
		plain += "  " + rid
	}
	d.Plain = append(d.Plain, plain)
	if rid != "" && common.Width(s)+2+common.Width(rid) <= d.W {
		d.Lines = append(d.Lines, s+"  "+m.st.Dim+rid+common.SGRReset)
		return
	}
	d.Lines = append(d.Lines, common.Cut(s, d.W))
	if rid != "" {
		x := min(indent+10, max(d.W-common.Width(rid), 0))
		d.Hang(x, x, m.st.Dim, rid, common.ID)
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
		return "gone while last seen " + common.Clean(last) + ", but this program could not poll for a while before " +
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
		return "gone while last seen " + common.Clean(last) + ". Exited lasts only seconds and can fall between two polls, " +
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
	return m.clock.Ago(t.NextPoll)
}
