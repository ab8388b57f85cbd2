package ui

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/viewport"

	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// describeView is the full-screen, scrollable account of one task: every
// field of the last answer, the last error in full, every file with its
// whole name and what the name says, the whole history and the raw JSON of
// the last response. It follows the task by ref, so a re-sort or a filter
// does not swap the task under the reader.
type describeView struct {
	ref  taskref.Ref
	vp   viewport.Model
	key  describeKey
	span span   // when the clock texts in it read right (repaint.go)
	text string // what `y` copies: the same content, unwrapped and plain
}

// describeKey is what the content depends on; a change rebuilds it.
type describeKey struct {
	ok   bool
	ver  int
	w, h int
	dark bool
	loc  string
	gone bool
}

// maxRawLines bounds the pretty-printed JSON kept for the view.
const maxRawLines = 5000

// describeLabelW is the label column of the describe view.
const describeLabelW = 15

// describeBox is where the view's scrolling text goes: the body minus its
// title line.
func (m *Model) describeBox() (w, h int) {
	l := m.layout()
	return m.w, max(l.bodyH-1, 1)
}

// syncDescribe rebuilds the content when the task, the size, a time shown
// or the palette changed, keeping the scroll position.
func (m *Model) syncDescribe() {
	w, h := m.describeBox()
	r := m.rows[m.desc.ref]
	k := describeKey{ok: true, w: w, h: h, dark: m.dark, loc: m.loc.String(), gone: r == nil}
	if r != nil {
		k.ver = r.ver
	}
	if m.desc.key == k && m.fresh(m.desc.span) {
		return
	}
	m.desc.key = k
	var d *doc
	m.desc.span = m.spanOf(func() {
		if r == nil {
			d = &doc{w: w}
			d.text("", "This task is no longer watched. esc goes back.", prose)
		} else {
			d = m.describeDoc(r, w)
		}
	})
	m.desc.text = d.copyText()
	m.desc.vp.SetWidth(w)
	m.desc.vp.SetHeight(h)
	m.desc.vp.SetContentLines(d.lines)
}

// isoTime is the describe view's time: ISO 8601 with the offset, in the
// zone the dashboard shows, plus how long ago.
func (m *Model) isoTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(m.loc).Format("2006-01-02T15:04:05Z07:00") + " (" + m.ago(t) + ")"
}

// describeDoc is the whole account of r at width w.
func (m *Model) describeDoc(r *row, w int) *doc {
	t := r.t
	d := &doc{w: w, indent: 0, labelW: describeLabelW}
	dim := m.st.dim
	d.field(dim, "TaskId", m.st.bold, r.id, prose)
	d.field(dim, "SdkAppId", "", strconv.FormatUint(t.Ref.SdkAppID, 10), prose)
	d.field(dim, "Region", "", clean(t.Ref.Region), prose)
	if r.note != "" {
		d.field(dim, "Note", "", r.note, prose)
	}
	d.field(dim, "State", m.st.phaseSGR(t.Phase), m.st.stateText(t.Phase)+" since "+m.isoTime(t.Since), prose)
	if why := phaseExplain(t); why != "" {
		d.field(dim, "", "", why, prose)
	}
	d.field(dim, "Watched since", "", m.isoTime(t.AddedAt), prose)
	if !t.EndedAt.IsZero() {
		d.field(dim, "Gone since", "", m.isoTime(t.EndedAt), prose)
	}
	d.field(dim, "Next poll", "", m.nextPoll(t), prose)

	d.blank()
	d.title(m.st.title, "Last answer (DescribeCloudRecording)")
	d.indent = 2
	if a := t.Last; a == nil {
		d.text("", "none yet", prose)
	} else {
		d.field(dim, "Answered", "", m.isoTime(a.At), prose)
		if t.Stale {
			d.field(dim, "", m.st.bad, "stale: a later call failed (see Last error)", prose)
		}
		d.field(dim, "RequestId", "", clean(a.RequestID), id)
		d.field(dim, "Status", "", clean(a.Status), prose)
		d.field(dim, "StorageFileList", "", plural(a.FileCount, "file")+" listed", prose)
	}
	d.indent = 0

	d.blank()
	d.title(m.st.title, "Last error")
	d.indent = 2
	if e := t.LastErr; e == nil {
		d.text("", "none: the last call succeeded", prose)
	} else {
		d.field(dim, "Code", m.st.bad, clean(e.Code), prose)
		d.field(dim, "Kind", "", e.Kind.String(), prose)
		d.field(dim, "Message", "", clean(e.Message), prose)
		d.field(dim, "RequestId", "", clean(e.RequestID), id)
		d.field(dim, "At", "", m.isoTime(e.At), prose)
		if t.Failures > 0 {
			d.field(dim, "In a row", "", plural(t.Failures, "failure"), prose)
		}
	}
	d.indent = 0

	d.blank()
	m.describeFiles(d, t)

	d.blank()
	d.title(m.st.title, "History (newest first, "+itoa(len(t.History))+")")
	if len(t.History) == 0 {
		d.raw("  no transitions yet", "  no transitions yet")
	}
	for _, h := range historyNewestFirst(t.History) {
		m.historyLine(d, h, 2, m.isoTime)
	}

	d.blank()
	m.describeRaw(d, t.Last)
	return d
}

// describeFiles lists every file: its whole name, then the API's fields
// and what the name says.
func (m *Model) describeFiles(d *doc, t watch.Task) {
	if t.Last == nil {
		d.title(m.st.title, "Files")
		d.raw("  no answer yet", "  no answer yet")
		return
	}
	files := t.Last.Files()
	d.title(m.st.title, "Files ("+itoa(len(files))+")")
	if len(files) == 0 {
		d.indent = 2
		d.text("", recfile.NoFilesHint, prose)
		d.indent = 0
		return
	}
	for i, f := range files {
		num := strconv.Itoa(i+1) + ". "
		d.indent = 2
		d.hang(2, 2+len(num), m.st.bold, num+clean(f.FileName), name)
		d.plain = append(d.plain, "  "+num+clean(f.FileName))
		d.indent = 2 + len(num)
		user := clean(f.UserID)
		if f.UserID == "" {
			user = `"" (empty)`
		}
		d.field(m.st.dim, "UserId", "", user, prose)
		d.field(m.st.dim, "TrackType", "", clean(f.TrackType), prose)
		begin := "-"
		if !f.Begin.IsZero() {
			begin = m.isoTime(f.Begin) + ", " + strconv.FormatInt(f.Begin.UnixMilli(), 10) + " ms"
		}
		d.field(m.st.dim, "BeginTimeStamp", "", begin, prose)
		n := recfile.Parse(f.FileName)
		for _, p := range n.Parts() {
			switch {
			case p.Label == "SdkAppId" && n.SdkAppID == strconv.FormatUint(t.Ref.SdkAppID, 10):
				continue // the task's own, said at the top
			case p.Label == "Folder" && n.Folder == t.Ref.TaskID+"/":
				p.Value = "<TaskId>/ (this task's id)"
			}
			d.field(m.st.dim, p.Label, "", p.Value, prose) // breaks between words: a base64 id stays whole
		}
	}
	d.indent = 0
}

// describeRaw pretty-prints the last response's JSON, every line
// sanitised: a server can put anything in a string. Lines wrap between
// tokens (tokens.go), never inside a quoted string that fits a line.
func (m *Model) describeRaw(d *doc, a *watch.Answer) {
	d.title(m.st.title, "Raw response (last answer, pretty-printed)")
	raw := a.Raw()
	if len(raw) == 0 {
		d.raw("  none kept", "  none kept")
		return
	}
	var buf bytes.Buffer
	body := raw
	if err := json.Indent(&buf, raw, "", "  "); err == nil {
		body = buf.Bytes()
	} else {
		d.raw("  (not valid JSON; shown as received)", "  (not valid JSON; shown as received)")
	}
	lines := strings.Split(string(body), "\n")
	if len(lines) > maxRawLines {
		lines = lines[:maxRawLines]
		defer d.raw("  … cut at "+itoa(maxRawLines)+" lines", "  … cut at "+itoa(maxRawLines)+" lines")
	}
	for _, l := range lines {
		s := clean(l)
		lead := len(s) - len(strings.TrimLeft(s, " "))
		x := 2 + min(lead, d.w/2)
		// Between tokens only: a quoted string that fits a line is whole
		// on one, to be selected by hand.
		for _, p := range hangTokens(strings.TrimLeft(s, " "), d.w, x, x+4) {
			d.lines = append(d.lines, spaces(p.x)+p.text)
		}
		d.plain = append(d.plain, "  "+s)
	}
}
