package snapshot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/watch"
)

// WriteTable prints one row per task and, under each, its files (or the
// error that stood instead of an answer). now makes the "ago" column
// reproducible in tests.
func WriteTable(w io.Writer, results []Result, now time.Time) error {
	bw := bufio.NewWriter(w)
	rows := [][]string{{"TASK", "REGION", "STATUS", "FILES", "REQUEST ID"}}
	for _, r := range results {
		files := "-"
		if r.Resp != nil {
			files = fmt.Sprint(len(r.Resp.StorageFileList))
		}
		rows = append(rows, []string{safe(r.Ref.String()), safe(r.Ref.Region), safe(statusWord(r.Status())), files, safe(r.requestID())})
	}
	widths := columnWidths(rows)
	writeRow(bw, "", rows[0], widths)
	for i, r := range results {
		writeRow(bw, "", rows[i+1], widths)
		writeDetail(bw, r, now)
	}
	return bw.Flush()
}

// statusWord is the table's word for a status: the API's own three, and
// the dashboard's plain words for ours. One call cannot tell a clean end
// from a task that vanished, so a gone task is "not found", as the
// dashboard says of a task it never saw alive. (--json keeps "gone".)
func statusWord(s string) string {
	if s == "gone" {
		return "not found"
	}
	return s
}

// writeDetail prints what sits under a task row: its files, a note when
// there are none, or the error.
func writeDetail(w *bufio.Writer, r Result, now time.Time) {
	const indent = "    "
	if e := r.apiError(); e != nil {
		kind := e.Kind.String()
		fmt.Fprintf(w, "%s%s [%s]: %s\n", indent, safe(e.Code), kind, safe(e.Message))
		return
	}
	if r.Resp == nil || len(r.Resp.StorageFileList) == 0 {
		fmt.Fprintf(w, "%s%s\n", indent, recfile.NoFilesHint)
		return
	}
	rows := [][]string{{"USER", "TRACK", "BEGIN", "FILE"}}
	for _, f := range r.Resp.StorageFileList {
		if f == nil {
			continue
		}
		user := client.Deref(f.UserId)
		if f.UserId != nil && user == "" {
			user = `""` // mixed-mode files have an empty UserId: show that it is empty, not missing
		}
		rows = append(rows, []string{safe(user), safe(client.Deref(f.TrackType)), beginTime(f.BeginTimeStamp, now), safe(client.Deref(f.FileName))})
	}
	widths := columnWidths(rows)
	for _, row := range rows {
		writeRow(w, indent, row, widths)
	}
}

// safe makes an API string printable; "-" stands for nothing at all.
func safe(s string) string {
	if s == "" {
		return "-"
	}
	return sanitize.String(s)
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

// beginTime shows a file's start in local time and relative to now, read
// by the dashboard's own decoder (watch.BeginTime).
func beginTime(ts *uint64, now time.Time) string {
	t, ok := watch.BeginTime(ts)
	switch {
	case ok:
	case ts == nil || *ts == 0:
		return "-"
	default:
		return fmt.Sprintf("%d (invalid)", *ts)
	}
	return t.Local().Format("2006-01-02 15:04:05") + " (" + relative(now.Sub(t)) + ")"
}

func relative(d time.Duration) string {
	if d < 0 {
		return watch.Compact(-d) + " ahead"
	}
	return watch.Compact(d) + " ago"
}

// jsonTask is one line of --json output. Field names are snake_case like
// the watch list file; strings are the API's, exact.
type jsonTask struct {
	SdkAppID     uint64     `json:"sdk_app_id"`
	TaskID       string     `json:"task_id"`
	Region       string     `json:"region"`
	Status       string     `json:"status"` // Idle|InProgress|Exited as the API says, or gone|error
	Files        []jsonFile `json:"files"`  // [] when none, never null
	RequestID    string     `json:"request_id"`
	ErrorCode    string     `json:"error_code"`
	ErrorMessage string     `json:"error_message"`
	ErrorKind    string     `json:"error_kind"`
}

type jsonFile struct {
	UserID    *string `json:"user_id"`
	TrackType *string `json:"track_type"`
	FileName  *string `json:"file_name"`
	BeginMS   *uint64 `json:"begin_ms"`
}

// WriteJSON prints one JSON object per task per line.
func WriteJSON(w io.Writer, results []Result) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range results {
		t := jsonTask{SdkAppID: r.Ref.SdkAppID, TaskID: r.Ref.TaskID, Region: r.Ref.Region,
			Status: r.Status(), Files: []jsonFile{}, RequestID: r.requestID()}
		if r.Resp != nil {
			for _, f := range r.Resp.StorageFileList {
				if f != nil {
					t.Files = append(t.Files, jsonFile{f.UserId, f.TrackType, f.FileName, f.BeginTimeStamp})
				}
			}
		}
		if e := r.apiError(); e != nil {
			t.ErrorCode, t.ErrorMessage, t.ErrorKind = e.Code, e.Message, kindName(e.Kind)
		}
		if err := enc.Encode(t); err != nil {
			return fmt.Errorf("encode task %s: %w", r.Ref, err)
		}
	}
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}

// kindName is the machine form of a Kind for scripts ("bad_request").
func kindName(k client.Kind) string { return strings.ReplaceAll(k.String(), " ", "_") }

// escapeInvisible rewrites, as \uXXXX, the characters that encoding/json
// leaves raw but a terminal acts on or hides: DEL, C1 controls, bidi
// controls, zero-width and other invisible format characters. They can
// only occur inside JSON strings (the rest of the output is ASCII), where
// the escape decodes back to the same character, so the data stays exact.
func escapeInvisible(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if invisible(r) {
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// invisible: the runes sanitize escapes on screen, above ASCII (the
// encoder has escaped the ASCII controls; a raw newline ends each object).
func invisible(r rune) bool { return r >= 0x7f && sanitize.Escaped(r) }
