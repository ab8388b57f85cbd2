package describe

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// What the describe view says: every field of the last answer, the last
// error in full, every file with its whole name and what the name says,
// the whole history and the raw JSON of the last response.

// maxRawLines bounds the pretty-printed JSON kept for the view.
const maxRawLines = 5000

// labelW is the label column of the describe view.
const labelW = 15

// isoTime is the describe view's time: ISO 8601 with the offset, in the
// zone the dashboard shows, plus how long ago.
func (m *Model) isoTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(m.clock.Loc).Format("2006-01-02T15:04:05Z07:00") + " (" + m.clock.Ago(t) + ")"
}

// doc is the whole account of t at width w.
func (m *Model) doc(t watch.Task, w int) *common.Doc {
	d := &common.Doc{W: w, Indent: 0, LabelW: labelW}
	dim := m.st.Dim
	d.Field(dim, "TaskId", m.st.Bold, common.Clean(t.Ref.TaskID), common.Prose)
	d.Field(dim, "SdkAppId", "", strconv.FormatUint(t.Ref.SdkAppID, 10), common.Prose)
	d.Field(dim, "Region", "", common.Clean(t.Ref.Region), common.Prose)
	if note := common.Clean(t.Note); note != "" {
		d.Field(dim, "Note", "", note, common.Prose)
	}
	d.Field(dim, "State", m.st.PhaseSGR(t.Phase), m.st.StateText(t.Phase)+" since "+m.isoTime(t.Since), common.Prose)
	if why := common.PhaseExplain(t); why != "" {
		d.Field(dim, "", "", why, common.Prose)
	}
	d.Field(dim, "Watched since", "", m.isoTime(t.AddedAt), common.Prose)
	if !t.EndedAt.IsZero() {
		d.Field(dim, "Gone since", "", m.isoTime(t.EndedAt), common.Prose)
	}
	d.Field(dim, "Next poll", "", common.NextPoll(m.clock, t, m.paused), common.Prose)

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
	m.files(d, t)
	if t.Pushed != nil {
		var listed []watch.File
		if t.Last != nil {
			listed = t.Last.Files()
		}
		d.Blank()
		common.Pushed(d, m.st, t.Pushed, listed, m.isoTime)
	}

	d.Blank()
	d.Title(m.st.Title, "History (newest first, "+common.Itoa(len(t.History))+")")
	if len(t.History) == 0 {
		d.Raw("  no transitions yet", "  no transitions yet")
	}
	for _, h := range common.HistoryNewestFirst(t.History) {
		common.HistoryLine(d, m.st.Dim, h, 2, m.isoTime)
	}

	d.Blank()
	m.raw(d, t.Last)
	return d
}

// files lists every file: its whole name, then the API's fields
// and what the name says.
func (m *Model) files(d *common.Doc, t watch.Task) {
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
		if pf, ok := t.Pushed.File(f.FileName); ok && pf.UserID != f.UserID {
			d.Field(m.st.Dim, "UserId (307)", "", common.PushedUser(pf.UserID)+" (the file's callback)", common.Prose)
		}
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

// raw pretty-prints the last response's JSON, every line
// sanitised: a server can put anything in a string. Lines wrap between
// tokens (common.HangTokens), never inside a quoted string that fits a line.
func (m *Model) raw(d *common.Doc, a *watch.Answer) {
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
		d.Lines = append(d.Lines, common.HangTokens(strings.TrimLeft(s, " "), d.W, x, x+4)...)
		d.Plain = append(d.Plain, "  "+s)
	}
}
