package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// runEvents prints the event log for scripts and tickets: plain columns,
// or JSON lines with --json (the log's own format, with the characters a
// terminal would act on or hide escaped as export escapes them). It reads
// the log the dashboard writes (beside --state, as the dashboard finds it)
// with its rotated files, oldest first, streaming: memory stays flat
// whatever the log's size, and a signal stops it. Exit 0 when read (an
// absent log is empty), 1 when it cannot be read, 2 for bad usage.
func runEvents(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	var (
		state  string
		since  time.Duration
		task   string
		asJSON bool
	)
	fs.StringVar(&state, "state", "", "the watch list whose event log to print (default $XDG_STATE_HOME/trtcwatch/watchlist.json)")
	fs.DurationVar(&since, "since", 0, "only events from this long ago on, such as 2h or 30m (default: all)")
	fs.StringVar(&task, "task", "", "only this task's events: TASKID or SDKAPPID:TASKID")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object per event (the log's format) instead of columns")
	if err := parseNoArgs(fs, eventsUsage, args, stdout, " (use --task ID)"); err != nil {
		return fail(stderr, err)
	}
	if since < 0 {
		return fail(stderr, usagef("--since must be a positive duration such as 2h, got %v", since))
	}
	task, err := taskFilter(task, flagSet(fs, "task"))
	if err != nil {
		return fail(stderr, err)
	}
	path, err := eventlog.DefaultPath(state)
	if err != nil {
		return fail(stderr, usagef("cannot find the event log (%v); pass --state FILE", err))
	}
	f := eventlog.Filter{Task: task}
	if since > 0 {
		f.Since = time.Now().Add(-since)
	}
	pr := newEventPrinter(stdout, asJSON)
	sum, err := eventlog.Read(ctx, path, f, 0, pr.print)
	if ferr := pr.flush(); err == nil {
		err = ferr
	}
	for _, w := range sum.Warnings {
		fmt.Fprintf(stderr, "trtcwatch: %s\n", w)
	}
	if sum.Skipped > 0 {
		fmt.Fprintf(stderr, "trtcwatch: %d line(s) of %s skipped (torn by a crash or garbled)\n", sum.Skipped, path)
	}
	var sc signalCause
	switch {
	case ctx.Err() != nil && errors.As(context.Cause(ctx), &sc):
		fmt.Fprintf(stderr, "trtcwatch: %v\n", sc)
		return sc.exitCode()
	case err != nil:
		return fail(stderr, err)
	}
	if !logExists(path) {
		fmt.Fprintf(stderr, "trtcwatch: no event log at %s yet (a --demo run without --state logs in a temporary directory, removed when it exits)\n", path)
	}
	return 0
}

// taskFilter checks --task: a TaskId, or SDKAPPID:TASKID, as the
// dashboard takes them. A value no task could have is a usage error naming
// it, rather than a filter that silently matches nothing.
func taskFilter(task string, given bool) (string, error) {
	task = strings.TrimSpace(task)
	switch {
	case task == "" && given:
		return "", usagef("--task needs a TASKID or SDKAPPID:TASKID")
	case task == "":
		return "", nil
	case strings.Contains(task, ":"):
		ref, err := taskref.Parse(task, 0, "")
		if err != nil {
			return "", usagef("--task %s is not SDKAPPID:TASKID: %v", sanitize.String(task), err)
		}
		return ref.String(), nil
	}
	if err := taskref.ValidateTaskID(task); err != nil {
		return "", usagef("--task %s is not a TaskId: %v", sanitize.String(task), err)
	}
	return task, nil
}

// logExists says whether any file of the log at path is there.
func logExists(path string) bool {
	for _, p := range eventlog.Files(path) {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	return false
}

// eventPrinter prints records as they are read: JSON lines in the log's
// format, or aligned columns (in blocks of tableBlock lines, so a log of
// any size costs one block of memory). Every string is made safe for a
// terminal: in columns by sanitize.String, in JSON by escaping what a
// terminal would act on or hide (C1 controls, bidi overrides, zero-width
// characters) as \uXXXX, as export does (export.EscapeInvisible).
type eventPrinter struct {
	w  *bufio.Writer
	tw *tabwriter.Writer // nil for JSON lines
	n  int               // records printed
}

// tableBlock is how many lines of the table share their column widths.
const tableBlock = 1000

func newEventPrinter(w io.Writer, asJSON bool) *eventPrinter {
	p := &eventPrinter{w: bufio.NewWriterSize(w, 64<<10)}
	if !asJSON {
		p.tw = tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(p.tw, "TIME\tTASK\tKIND\tFROM→TO\tCODE\tREQUESTID\tBY\tNOTE\tTEXT")
	}
	return p
}

func (p *eventPrinter) print(r eventlog.Record) error {
	p.n++
	if p.tw == nil {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		p.w.Write(export.EscapeInvisible(b)) //nolint:errcheck // bufio keeps the error for WriteByte
		return p.w.WriteByte('\n')
	}
	if p.n%tableBlock == 0 {
		if err := p.tw.Flush(); err != nil {
			return err
		}
	}
	change := ""
	if r.From != "" || r.To != "" {
		change = r.From + "→" + r.To
	}
	cells := []string{r.Time.Format(time.RFC3339), r.Ref().String(), r.Kind, change, r.ErrorCode, r.RequestID, r.By, r.Note, r.Text}
	for i, c := range cells {
		c = sanitize.String(c)
		if c == "" {
			c = "-"
		}
		cells[i] = strings.ReplaceAll(c, "\t", " ")
	}
	_, err := fmt.Fprintln(p.tw, strings.Join(cells, "\t"))
	return err
}

// flush writes out what is buffered.
func (p *eventPrinter) flush() error {
	if p.tw != nil {
		if err := p.tw.Flush(); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

const eventsUsage = "Usage: trtcwatch events [flags]   print the event log, oldest first\n\nFlags:\n"
