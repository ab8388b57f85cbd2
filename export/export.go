// Package export renders watched tasks for people and scripts outside the
// dashboard: a CSV for a spreadsheet, JSON lines for jq, a Markdown table to
// paste into a ticket, and the plain table `trtcwatch snapshot` prints. The
// dashboard's export key and `snapshot --format` both call Write, so a task
// looks the same whichever way it was exported.
//
// Every string that came from the API or from a user (task IDs, notes, file
// names, RequestIds, error codes) is untrusted. The text formats pass it
// through sanitize.String, Markdown also escapes what would break its table
// or format the text, CSV guards cells a spreadsheet would run as a formula,
// and JSON keeps the exact data but escapes every character a terminal acts
// on or hides.
package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Format is one of the export shapes; its value is what `--format` and
// `:export` accept.
type Format string

// The formats.
const (
	CSV      Format = "csv"   // RFC 4180 via encoding/csv, one header row
	JSON     Format = "json"  // JSON lines: one object per task
	Markdown Format = "md"    // a GitHub-flavoured Markdown table
	Table    Format = "table" // aligned columns, files listed under each task
)

// ParseFormat reads a format name as typed on the command line.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, JSON, Markdown, Table:
		return f, nil
	case "jsonl", "jsonlines":
		return JSON, nil
	case "markdown":
		return Markdown, nil
	}
	return "", fmt.Errorf("export format %q: want one of csv, json, md, table", sanitize.String(s))
}

// ext is the file name extension WriteFile uses for the format.
func (f Format) ext() string {
	switch f {
	case JSON:
		return "jsonl"
	case Table:
		return "txt"
	}
	return string(f)
}

// Write renders tasks in format f. Times are shown in loc (the zone the
// dashboard displays; nil means UTC); now is when the export is made, used
// for the table's "ago" column so tests are reproducible.
func Write(w io.Writer, f Format, tasks []watch.Task, loc *time.Location, now time.Time) error {
	if loc == nil {
		loc = time.UTC
	}
	switch f {
	case CSV:
		return writeCSV(w, tasks, loc)
	case JSON:
		return writeJSON(w, tasks, loc)
	case Markdown:
		return writeMarkdown(w, tasks, loc)
	case Table:
		return writeTable(w, tasks, loc, now)
	}
	return fmt.Errorf("export: unknown format %q", sanitize.String(string(f)))
}

// status is the status column: the phase as the dashboard shows it, in the
// API's words (Idle, InProgress, Exited) or plainly ours (ended, vanished,
// not found, ...). When the last call failed the failure's code stands
// beside it, after the last status the API gave if there was one, so
// "InProgress (throttled: RequestLimitExceeded)" reads as "was recording,
// the latest poll was refused". The result is raw: callers sanitise.
func status(t watch.Task) string {
	p := string(t.Phase)
	if p == "" {
		p = string(watch.Pending)
	}
	switch {
	case t.Phase.Failed() && t.LastErr != nil:
		code := t.LastErr.Code
		if code == "" {
			code = t.LastErr.Kind.String()
		}
		if t.Last != nil && watch.Live(t.Last.Status) {
			return t.Last.Status + " (" + p + ": " + code + ")"
		}
		return p + " (" + code + ")"
	case t.Phase == watch.Error && t.LastErr == nil && t.Last != nil:
		// An answer with a status this build does not know.
		return p + " (status " + t.Last.Status + ")"
	}
	return p
}

// apiStatus is what the API last said, as `snapshot --json` has always put
// in "status": Idle|InProgress|Exited, "gone" when the task no longer
// exists, "error" when the latest call failed, "" before any answer.
func apiStatus(t watch.Task) string {
	switch {
	case t.LastErr != nil && t.LastErr.Kind == client.KindGone:
		return "gone"
	case t.LastErr != nil:
		return "error"
	case t.Last != nil:
		return t.Last.Status
	}
	return ""
}

// requestID is the RequestId to quote: the failed call's when the latest
// call failed, else the last answer's.
func requestID(t watch.Task) string {
	if t.LastErr != nil && t.LastErr.RequestID != "" {
		return t.LastErr.RequestID
	}
	if t.Last != nil {
		return t.Last.RequestID
	}
	return ""
}

// files is the task's last known file list (kept through errors and after
// the task ended: its final state).
func files(t watch.Task) []watch.File {
	if t.Last == nil {
		return nil
	}
	return t.Last.Files()
}

// since is the RFC 3339 time (with the zone's offset) the phase began.
func since(t watch.Task, loc *time.Location) string {
	if t.Since.IsZero() {
		return ""
	}
	return t.Since.In(loc).Format(time.RFC3339)
}
