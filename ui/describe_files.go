package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/recfile"
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
func (m *Model) fileRows(files []watch.File, long bool) []fileRow {
	out := make([]fileRow, len(files))
	for i, f := range files {
		n := recfile.Parse(f.FileName)
		fr := fileRow{f: f, n: n, track: clean(f.TrackType), begin: m.clock(f.Begin)}
		switch {
		case f.UserID != "":
			fr.user = clean(f.UserID)
		case n.Mixed:
			fr.user = "(all users)"
		case n.OK:
			fr.user = clean(n.User) // the API left UserId empty; the name says who
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
			fr.begin += " (" + m.since(f.Begin) + ")"
		}
		out[i] = fr
	}
	return out
}

// roomOf says a parsed name's room for a heading: numeric as is, a string
// room quoted.
func roomOf(n recfile.Name) string {
	if n.RoomString {
		return strconv.Quote(clean(n.Room))
	}
	return clean(n.Room)
}

// commonFolder is the folder every file shares, or "" (none or mixed).
func commonFolder(rows []fileRow) string {
	return shared(rows, func(r fileRow) string { return r.n.Folder })
}

// filesTable lists the storage files across the pane's whole width: who,
// which stream (main, aux, mixed, and haN after a failover), the track and
// when it began, then the file name whole, wrapped with a hanging indent.
// The room and folder, the same for every file of a task, are said once.
func (m *Model) filesTable(d *doc, r *row) {
	t := r.t
	if t.Last == nil {
		d.title(m.st.title, "Files")
		d.raw("  no answer yet", "  no answer yet")
		return
	}
	files := t.Last.Files()
	if len(files) == 0 {
		d.title(m.st.title, "Files (0)")
		d.hang(2, 4, "", recfile.NoFilesHint, prose)
		d.plain = append(d.plain, "  "+recfile.NoFilesHint)
		return
	}
	inner := d.w - 2
	rows := m.fileRows(files, inner >= 56)
	head := "Files (" + itoa(len(files)) + ")"
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
	d.title(m.st.title, head)
	folder := commonFolder(rows)
	if folder != "" {
		shown := clean(folder)
		if folder == t.Ref.TaskID+"/" {
			shown = "<TaskId>/"
		}
		d.hang(2, 4, m.st.dim, "in "+shown, name)
		d.plain = append(d.plain, "  in "+clean(folder))
	}
	if failover {
		d.hang(2, 4, m.st.dim, "haN: written after the recorder's Nth restart (failover)", prose)
	}
	for _, fr := range rows {
		if !fr.n.OK {
			d.hang(2, 4, m.st.dim, "STREAM -: a name not in the documented form, shown as given", prose)
			break
		}
	}
	streamW, trackW, beginW, userMax := len("STREAM"), len("TRACK"), len("BEGIN"), len("USER")
	for _, fr := range rows {
		streamW, trackW = max(streamW, cells(fr.stream)), max(trackW, cells(fr.track))
		beginW, userMax = max(beginW, cells(fr.begin)), max(userMax, cells(fr.user))
	}
	userW := min(userMax, inner-streamW-trackW-beginW-3)
	// A user id may wrap inside its column only if the column is roomy.
	stacked := userW < min(userMax, 16)
	if !stacked {
		d.raw("  "+m.st.colHead+fit("USER", userW)+" "+fit("STREAM", streamW)+" "+fit("TRACK", trackW)+" "+fit("BEGIN", beginW)+sgrReset, "")
	}
	for _, fr := range rows {
		d.plain = append(d.plain, "  "+fr.user+"  "+fr.stream+"  "+fr.track+"  "+fr.begin)
		if stacked {
			// Too narrow for columns: who on one line, the rest below.
			d.hang(2, 4, m.st.bold, fr.user, name)
			d.hang(4, 6, "", fr.stream+"  "+fr.track+"  "+fr.begin, prose)
		} else {
			for i, u := range wrapAs(fr.user, userW, userW, name) {
				line := "  " + fit(u, userW)
				if i == 0 {
					line += " " + fit(fr.stream, streamW) + " " + fit(fr.track, trackW) + " " + fr.begin
				}
				d.lines = append(d.lines, strings.TrimRight(line, " "))
			}
		}
		shown := fr.f.FileName
		if folder != "" {
			shown = fr.n.Base
		}
		d.hang(4, 6, m.st.dim, clean(shown), name)
		d.plain = append(d.plain, "    "+clean(fr.f.FileName))
	}
}
