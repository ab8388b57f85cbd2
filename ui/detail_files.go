package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// fileRow is one storage file as the detail pane shows it, sanitised.
type fileRow struct {
	f      watch.File
	n      recfile.Name
	user   string
	stream string
	track  string
	begin  string
}

// fileRows parses every file name once per render of the pane.
// A file the API lists without a UserId takes the one its callback (307)
// gave, marked as the callback's.
func (m *Model) fileRows(files []watch.File, p *watch.Pushed, long bool) []fileRow {
	out := make([]fileRow, len(files))
	for i, f := range files {
		n := recfile.Parse(f.FileName)
		fr := fileRow{f: f, n: n, track: common.Clean(f.TrackType), begin: m.clock.Text(f.Begin)}
		pf, pushed := p.File(f.FileName)
		switch {
		case f.UserID != "":
			fr.user = common.Clean(f.UserID)
		case pushed && pf.UserID != "":
			fr.user = common.Clean(pf.UserID) + " (callback)"
		case n.Mixed:
			fr.user = "(all users)"
		case n.OK:
			fr.user = common.Clean(n.User) // the API left UserId empty; the name says who
		default:
			fr.user = "(none)"
		}
		fr.stream = n.Stream()
		if fr.stream == "" {
			fr.stream = "-"
		}
		if n.Failover > 0 {
			fr.stream += " ha" + strconv.Itoa(n.Failover)
		}
		if fr.track == "" {
			fr.track = "-"
		}
		if long && !f.Begin.IsZero() {
			fr.begin += " (" + m.clock.Since(f.Begin) + ")"
		}
		out[i] = fr
	}
	return out
}

// roomOf says a parsed name's room for a heading: numeric as is, a string
// room quoted.
func roomOf(n recfile.Name) string {
	if n.RoomString {
		return strconv.Quote(common.Clean(n.Room))
	}
	return common.Clean(n.Room)
}

// commonFolder is the folder every file shares, or "" (none or mixed).
func commonFolder(rows []fileRow) string {
	return shared(rows, func(r fileRow) string { return r.n.Folder })
}

// filesTable lists the storage files across the pane's whole width: who,
// which stream (main, aux, mixed, and haN after a failover), the track and
// when it began, then the file name whole, wrapped with a hanging indent.
// The room and folder, the same for every file of a task, are said once.
func (m *Model) filesTable(d *common.Doc, r *row) {
	t := r.t
	if t.Last == nil {
		d.Title(m.st.Title, "Files")
		d.Raw("  no answer yet", "  no answer yet")
		return
	}
	files := t.Last.Files()
	if len(files) == 0 {
		d.Title(m.st.Title, "Files (0)")
		d.Hang(2, 4, "", recfile.NoFilesHint, common.Prose)
		d.Plain = append(d.Plain, "  "+recfile.NoFilesHint)
		return
	}
	inner := d.W - 2
	rows := m.fileRows(files, t.Pushed, inner >= 56)
	head := "Files (" + common.Itoa(len(files)) + ")"
	rooms := map[string]bool{}
	failover := false
	for _, fr := range rows {
		if fr.n.OK {
			rooms[roomOf(fr.n)] = true
		}
		failover = failover || fr.n.Failover > 0
	}
	if len(rooms) == 1 {
		for room := range rooms {
			head += "  room " + room
		}
	}
	d.Title(m.st.Title, head)
	folder := commonFolder(rows)
	if folder != "" {
		shown := common.Clean(folder)
		if folder == t.Ref.TaskID+"/" {
			shown = "<TaskId>/"
		}
		d.Hang(2, 4, m.st.Dim, "in "+shown, common.Name)
		d.Plain = append(d.Plain, "  in "+common.Clean(folder))
	}
	if failover {
		d.Hang(2, 4, m.st.Dim, "haN: written after the recorder's Nth restart (failover)", common.Prose)
	}
	for _, fr := range rows {
		if !fr.n.OK {
			d.Hang(2, 4, m.st.Dim, "STREAM -: a name not in the documented form, shown as given", common.Prose)
			break
		}
	}
	streamW, trackW, beginW, userMax := len("STREAM"), len("TRACK"), len("BEGIN"), len("USER")
	for _, fr := range rows {
		streamW, trackW = max(streamW, common.Width(fr.stream)), max(trackW, common.Width(fr.track))
		beginW, userMax = max(beginW, common.Width(fr.begin)), max(userMax, common.Width(fr.user))
	}
	userW := min(userMax, inner-streamW-trackW-beginW-3)
	// A user id may wrap inside its column only if the column is roomy.
	stacked := userW < min(userMax, 16)
	if !stacked {
		d.Raw("  "+m.st.ColHead+common.Fit("USER", userW)+" "+common.Fit("STREAM", streamW)+" "+common.Fit("TRACK", trackW)+" "+common.Fit("BEGIN", beginW)+common.SGRReset, "")
	}
	for _, fr := range rows {
		d.Plain = append(d.Plain, "  "+fr.user+"  "+fr.stream+"  "+fr.track+"  "+fr.begin)
		if stacked {
			// Too narrow for columns: who on one line, the rest below.
			d.Hang(2, 4, m.st.Bold, fr.user, common.Name)
			d.Hang(4, 6, "", fr.stream+"  "+fr.track+"  "+fr.begin, common.Prose)
		} else {
			for i, u := range common.WrapAs(fr.user, userW, userW, common.Name) {
				line := "  " + common.Fit(u, userW)
				if i == 0 {
					line += " " + common.Fit(fr.stream, streamW) + " " + common.Fit(fr.track, trackW) + " " + fr.begin
				}
				d.Lines = append(d.Lines, strings.TrimRight(line, " "))
			}
		}
		shown := fr.f.FileName
		if folder != "" {
			shown = fr.n.Base
		}
		d.Hang(4, 6, m.st.Dim, common.Clean(shown), common.Name)
		d.Plain = append(d.Plain, "    "+common.Clean(fr.f.FileName))
	}
}
