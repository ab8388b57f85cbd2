package ui

import (
	"bytes"
	"encoding/json"
	"github.com/trtcwatch/trtcwatch/ui/common"
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
	span common.Span // when the clock texts in it read right (repaint.go)
	text string      // what `y` copies: the same content, unwrapped and plain
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
	k := describeKey{ok: true, w: w, h: h, dark: m.st.Dark, loc: m.clock.Loc.String(), gone: r == nil}
	if r != nil {
		k.ver = r.ver
	}
	if m.desc.key == k && m.clock.Fresh(m.desc.span) {
		return
	}
	m.desc.key = k
	var d *common.Doc
	m.desc.span = m.clock.SpanOf(func() {
		if r == nil {
			d = &common.Doc{W: w}
			d.Text("", "This task is no longer watched. esc goes back.", common.Prose)
		} else {
			d = m.describeDoc(r, w)
		}
	})
	m.desc.text = d.CopyText()
	m.desc.vp.SetWidth(w)
	m.desc.vp.SetHeight(h)
	m.desc.vp.SetContentLines(d.Lines)
}

// isoTime is the describe view's time: ISO 8601 with the offset, in the
// zone the dashboard shows, plus how long ago.
func (m *Model) isoTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(m.clock.Loc).Format("2006-01-02T15:04:05Z07:00") + " (" + m.clock.Ago(t) + ")"
}

// describeDoc is the whole account of r at width w.
func (m *Model) describeDoc(r *row, w int) *common.Doc {
	t := r.t
	d := &common.Doc{W: w, Indent: 0, LabelW: describeLabelW}
	dim := m.st.Dim
	d.Field(dim, "TaskId", m.st.Bold, r.id, common.Prose)
	d.Field(dim, "SdkAppId", "", strconv.FormatUint(t.Ref.SdkAppID, 10), common.Prose)
	d.Field(dim, "Region", "", common.Clean(t.Ref.Region), common.Prose)
	if r.note != "" {
		d.Field(dim, "Note", "", r.note, common.Prose)
	}
	d.Field(dim, "State", m.st.PhaseSGR(t.Phase), m.st.StateText(t.Phase)+" since "+m.isoTime(t.Since), common.Prose)
	if why := phaseExplain(t); why != "" {
		d.Field(dim, "", "", why, common.Prose)
	}
	d.Field(dim, "Watched since", "", m.isoTime(t.AddedAt), common.Prose)
	if !t.EndedAt.IsZero() {
		d.Field(dim, "Gone since", "", m.isoTime(t.EndedAt), common.Prose)
	}
	d.Field(dim, "Next poll", "", m.nextPoll(t), common.Prose)

	d.Blank()
	d.Title(m.st.Title, "Last answer (DescribeCloudRecording)")
	d.Indent = 2
	if a := t.Last; a == nil {
		d.Text("", "none yet", common.Prose)
	} else {
		d.Field(dim, "Answered", "", m.isoTime(a.At), common.Prose)
		if t.Stale {
			d.Field(dim, "", m.st.Bad, "stale: a later call failed (see Last error)", common.Prose)
		}
		d.Field(dim, "RequestId", "", common.Clean(a.RequestID), common.ID)
		d.Field(dim, "Status", "", common.Clean(a.Status), common.Prose)
		d.Field(dim, "StorageFileList", "", common.Plural(a.FileCount, "file")+" listed", common.Prose)
	}
	d.Indent = 0

	d.Blank()
	d.Title(m.st.Title, "Last error")
	d.Indent = 2
	if e := t.LastErr; e == nil {
		d.Text("", "none: the last call succeeded", common.Prose)
	} else {
		d.Field(dim, "Code", m.st.Bad, common.Clean(e.Code), common.Prose)
		d.Field(dim, "Kind", "", e.Kind.String(), common.Prose)
		d.Field(dim, "Message", "", common.Clean(e.Message), common.Prose)
		d.Field(dim, "RequestId", "", common.Clean(e.RequestID), common.ID)
		d.Field(dim, "At", "", m.isoTime(e.At), common.Prose)
		if t.Failures > 0 {
			d.Field(dim, "In a row", "", common.Plural(t.Failures, "failure"), common.Prose)
		}
	}
	d.Indent = 0

	d.Blank()
	m.describeFiles(d, t)

	d.Blank()
	d.Title(m.st.Title, "History (newest first, "+common.Itoa(len(t.History))+")")
	if len(t.History) == 0 {
		d.Raw("  no transitions yet", "  no transitions yet")
	}
	for _, h := range historyNewestFirst(t.History) {
		m.historyLine(d, h, 2, m.isoTime)
	}

	d.Blank()
	m.describeRaw(d, t.Last)
	return d
}

// describeFiles lists every file: its whole name, then the API's fields
// and what the name says.
func (m *Model) describeFiles(d *common.Doc, t watch.Task) {
	if t.Last == nil {
		d.Title(m.st.Title, "Files")
		d.Raw("  no answer yet", "  no answer yet")
		return
	}
	files := t.Last.Files()
	d.Title(m.st.Title, "Files ("+common.Itoa(len(files))+")")
	if len(files) == 0 {
		d.Indent = 2
		d.Text("", recfile.NoFilesHint, common.Prose)
		d.Indent = 0
		return
	}
	for i, f := range files {
		num := strconv.Itoa(i+1) + ". "
		d.Indent = 2
		d.Hang(2, 2+len(num), m.st.Bold, num+common.Clean(f.FileName), common.Name)
		d.Plain = append(d.Plain, "  "+num+common.Clean(f.FileName))
		d.Indent = 2 + len(num)
		user := common.Clean(f.UserID)
		if f.UserID == "" {
			user = `"" (empty)`
		}
		d.Field(m.st.Dim, "UserId", "", user, common.Prose)
		d.Field(m.st.Dim, "TrackType", "", common.Clean(f.TrackType), common.Prose)
		begin := "-"
		if !f.Begin.IsZero() {
			begin = m.isoTime(f.Begin) + ", " + strconv.FormatInt(f.Begin.UnixMilli(), 10) + " ms"
		}
		d.Field(m.st.Dim, "BeginTimeStamp", "", begin, common.Prose)
		n := recfile.Parse(f.FileName)
		for _, p := range n.Parts() {
			switch {
			case p.Label == "SdkAppId" && n.SdkAppID == strconv.FormatUint(t.Ref.SdkAppID, 10):
				continue // the task's own, said at the top
			case p.Label == "Folder" && n.Folder == t.Ref.TaskID+"/":
				p.Value = "<TaskId>/ (this task's id)"
			}
			d.Field(m.st.Dim, p.Label, "", p.Value, common.Prose) // breaks between words: a base64 id stays whole
		}
	}
	d.Indent = 0
}

// describeRaw pretty-prints the last response's JSON, every line
// sanitised: a server can put anything in a string. Lines wrap between
// tokens (tokens.go), never inside a quoted string that fits a line.
func (m *Model) describeRaw(d *common.Doc, a *watch.Answer) {
	d.Title(m.st.Title, "Raw response (last answer, pretty-printed)")
	raw := a.Raw()
	if len(raw) == 0 {
		d.Raw("  none kept", "  none kept")
		return
	}
	var buf bytes.Buffer
	body := raw
	if err := json.Indent(&buf, raw, "", "  "); err == nil {
		body = buf.Bytes()
	} else {
		d.Raw("  (not valid JSON; shown as received)", "  (not valid JSON; shown as received)")
	}
	lines := strings.Split(string(body), "\n")
	if len(lines) > maxRawLines {
		lines = lines[:maxRawLines]
		defer d.Raw("  … cut at "+common.Itoa(maxRawLines)+" lines", "  … cut at "+common.Itoa(maxRawLines)+" lines")
	}
	for _, l := range lines {
		s := common.Clean(l)
		lead := len(s) - len(strings.TrimLeft(s, " "))
		x := 2 + min(lead, d.W/2)
		// Between tokens only: a quoted string that fits a line is whole
		// on one, to be selected by hand.
		for _, p := range common.HangTokens(strings.TrimLeft(s, " "), d.W, x, x+4) {
			d.Lines = append(d.Lines, common.Spaces(p.X)+p.Text)
		}
		d.Plain = append(d.Plain, "  "+s)
	}
}
