package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/watch"
)

// header is the column header of CSV and Markdown, in order.
var header = []string{"task", "sdkappid", "region", "status", "since", "note", "request_id", "files"}

// fileSeparator joins file names in one CSV cell: a line break, because a
// sanitised file name never holds one (a ';' or ',' could be part of a
// name). Spreadsheets show one file per line in the cell. Markdown uses
// "<br>", which renders the same way.
const fileSeparator = "\n"

// row is one task's cells but the files, and its file names, raw (not yet
// sanitised).
func row(t watch.Task, loc *time.Location) (cells, names []string) {
	names = make([]string, 0, len(files(t)))
	for _, f := range files(t) {
		names = append(names, f.FileName)
	}
	app := ""
	if t.Ref.SdkAppID != 0 {
		app = strconv.FormatUint(t.Ref.SdkAppID, 10)
	}
	return []string{t.Ref.TaskID, app, t.Ref.Region, statusCell(t), since(t, loc), t.Note, requestID(t)}, names
}

// statusCell is Status for CSV and Markdown, which have no error line
// under the row as the table has: a task the API does not know (not found,
// vanished) also names the code it answered, to quote in a ticket.
func statusCell(t watch.Task) string {
	if e := t.LastErr; e != nil && e.Kind == client.KindGone && e.Code != "" && t.Phase.Problem() {
		return status(t) + " (" + e.Code + ")"
	}
	return status(t)
}

// csvCell makes a cell safe for a spreadsheet: sanitised to one terminal-safe
// line, and a cell a spreadsheet would evaluate (starting with = + - @, or a
// tab or carriage return) gets a leading apostrophe, the OWASP advice for
// CSV injection.
func csvCell(s string) string {
	s = sanitize.String(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeCSV(w io.Writer, tasks []watch.Task, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, t := range tasks {
		cells, names := row(t, loc)
		for i, c := range cells {
			cells[i] = csvCell(c)
		}
		for j := range names {
			names[j] = csvCell(names[j])
		}
		if err := cw.Write(append(cells, strings.Join(names, fileSeparator))); err != nil {
			return fmt.Errorf("write csv task %s: %w", t.Ref, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// mdEscaper backslash-escapes the ASCII punctuation that would end a table
// cell (|) or turn text into formatting, links or HTML in a ticket.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`,
	"[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "~", `\~`, "&", `\&`)

// mdCell is one Markdown table cell: sanitised (so one line, no controls),
// escaped, and "-" for nothing so the table keeps its shape.
func mdCell(s string) string {
	if s == "" {
		return "-"
	}
	return mdEscaper.Replace(sanitize.String(s))
}

var mdHeader = []string{"Task", "SdkAppId", "Region", "Status", "Since", "Note", "Last RequestId", "Files"}

func writeMarkdown(w io.Writer, tasks []watch.Task, loc *time.Location) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("| " + strings.Join(mdHeader, " | ") + " |\n")
	bw.WriteString(strings.Repeat("| --- ", len(mdHeader)) + "|\n")
	for _, t := range tasks {
		cells, names := row(t, loc)
		for i := range cells {
			cells[i] = mdCell(cells[i])
		}
		for j := range names {
			names[j] = mdCell(names[j])
		}
		if len(names) == 0 {
			names = []string{"-"}
		}
		cells = append(cells, strings.Join(names, "<br>"))
		bw.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// safe makes a string printable for the plain table; "-" stands for nothing.
func safe(s string) string {
	if s == "" {
		return "-"
	}
	return sanitize.String(s)
}

// writeTable is the plain table `trtcwatch snapshot` has always printed: one
// row per task and, under it, the error that stood instead of an answer
// and the task's files (or a note when there are none).
func writeTable(w io.Writer, tasks []watch.Task, loc *time.Location, now time.Time) error {
	bw := bufio.NewWriter(w)
	rows := [][]string{{"TASK", "REGION", "STATUS", "SINCE", "FILES", "REQUEST ID", "NOTE"}}
	for _, t := range tasks {
		nfiles := "-"
		if t.Last != nil {
			nfiles = strconv.Itoa(t.Last.FileCount)
		}
		rows = append(rows, []string{safe(t.Ref.String()), safe(t.Ref.Region), safe(status(t)),
			safe(since(t, loc)), nfiles, safe(requestID(t)), safe(t.Note)})
	}
	widths := columnWidths(rows)
	writeRow(bw, "", rows[0], widths)
	for i, t := range tasks {
		writeRow(bw, "", rows[i+1], widths)
		writeDetail(bw, t, loc, now)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func writeDetail(w *bufio.Writer, t watch.Task, loc *time.Location, now time.Time) {
	const indent = "    "
	if e := t.LastErr; e != nil {
		fmt.Fprintf(w, "%s%s [%s]: %s\n", indent, safe(e.Code), e.Kind.String(), safe(e.Message))
	}
	defer writeCallbacks(w, t, loc, now)
	fs := files(t)
	if len(fs) == 0 {
		if t.LastErr == nil && t.Last != nil {
			fmt.Fprintf(w, "%s%s\n", indent, recfile.NoFilesHint)
		}
		return
	}
	rows := [][]string{{"USER", "TRACK", "BEGIN", "FILE"}}
	for _, f := range fs {
		user := sanitize.String(f.UserID)
		if pf, ok := t.Pushed.File(f.FileName); ok && f.UserID == "" && pf.UserID != "" {
			user = sanitize.String(pf.UserID) + " (callback)" // the API left it empty; the file's 307 named it
		}
		if user == "" {
			user = `""` // mixed-mode files have an empty UserId: show that it is empty
		}
		rows = append(rows, []string{user, safe(f.TrackType), beginTime(f.Begin, loc, now), safe(f.FileName)})
	}
	widths := columnWidths(rows)
	for _, r := range rows {
		writeRow(w, indent, r, widths)
	}
}

// writeCallbacks lists what recording callbacks said about t under its
// files: each fact (watch.PushedFact) with its time, then the files they
// named that the API's list does not hold yet.
func writeCallbacks(w *bufio.Writer, t watch.Task, loc *time.Location, now time.Time) {
	const indent = "    "
	facts := t.Pushed.Facts()
	if len(facts) == 0 {
		return
	}
	fmt.Fprintf(w, "%scallbacks (what TRTC pushed; the status is the API's):\n", indent)
	for _, f := range facts {
		at := ""
		if !f.At.IsZero() {
			at = beginTime(f.At, loc, now) + "  "
		}
		fmt.Fprintf(w, "%s  %-9s %s%s\n", indent, f.Label, at, sanitize.String(f.Text))
	}
	for _, f := range t.Pushed.Unlisted(files(t)) {
		user := sanitize.String(f.UserID)
		if user == "" {
			user = `""`
		}
		fmt.Fprintf(w, "%s  %-9s %s  %s  %s  %s (not listed by the API yet)\n", indent, "File", user, safe(f.TrackType), beginTime(f.Begin, loc, now), safe(f.FileName))
	}
}

func columnWidths(rows [][]string) []int {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	return widths
}

// writeRow pads every cell but the last to its column's display width
// (wide characters count double), two spaces apart.
func writeRow(w *bufio.Writer, indent string, row []string, widths []int) {
	w.WriteString(indent)
	for i, cell := range row {
		w.WriteString(cell)
		if i < len(row)-1 {
			w.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
		}
	}
	w.WriteByte('\n')
}

// beginTime shows a file's start in loc and relative to now, the relative
// part as the dashboard writes it (watch.Ago), so an export pasted into a
// ticket reads like the screen it was taken from.
func beginTime(t time.Time, loc *time.Location, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04:05") + " (" + watch.Ago(now, t) + ")"
}
