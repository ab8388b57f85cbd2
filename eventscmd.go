package main

import (
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
	"github.com/trtcwatch/trtcwatch/sanitize"
)

// runEvents prints the event log for scripts and tickets: plain columns,
// or JSON lines with --json (the log's own format). It reads the log the
// dashboard writes (beside --state, as the dashboard finds it) with its
// rotated files, oldest first. Exit 0 when read (an absent log is empty),
// 1 when it cannot be read, 2 for bad usage.
func runEvents(_ context.Context, args []string, stdout, stderr io.Writer) int {
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
	if err := parseFlags(fs, eventsUsage, args, stdout); err != nil {
		return fail(stderr, err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, usagef("events takes no arguments, got %q (use --task ID)", fs.Arg(0)))
	}
	if since < 0 {
		return fail(stderr, usagef("--since must be a positive duration such as 2h, got %v", since))
	}
	task = strings.TrimSpace(task)
	if task == "" && flagSet(fs, "task") {
		return fail(stderr, usagef("--task needs a TASKID or SDKAPPID:TASKID"))
	}
	path, err := eventlog.DefaultPath(state)
	if err != nil {
		return fail(stderr, usagef("cannot find the event log (%v); pass --state FILE", err))
	}
	f := eventlog.Filter{Task: task}
	if since > 0 {
		f.Since = time.Now().Add(-since)
	}
	res, err := eventlog.Load(path, f)
	if err != nil {
		return fail(stderr, err)
	}
	if res.Skipped > 0 {
		fmt.Fprintf(stderr, "trtcwatch: %d line(s) of %s skipped (torn by a crash or garbled)\n", res.Skipped, path)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) && len(res.Records) == 0 {
		fmt.Fprintf(stderr, "trtcwatch: no event log at %s yet\n", path)
	}
	if asJSON {
		err = writeEventsJSON(stdout, res.Records)
	} else {
		err = writeEventsTable(stdout, res.Records)
	}
	if err != nil {
		return fail(stderr, fmt.Errorf("write events: %w", err))
	}
	return 0
}

// flagSet says whether the command line gave the flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func writeEventsJSON(w io.Writer, recs []eventlog.Record) error {
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// writeEventsTable prints one event a line in aligned columns, every
// string sanitised: the log holds what the API and people wrote.
func writeEventsTable(w io.Writer, recs []eventlog.Record) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tTASK\tKIND\tFROM→TO\tCODE\tREQUESTID\tBY\tNOTE")
	for _, r := range recs {
		change := ""
		if r.From != "" || r.To != "" {
			change = r.From + "→" + r.To
		}
		cells := []string{r.Time.Format(time.RFC3339), r.Ref().String(), r.Kind, change, r.ErrorCode, r.RequestID, r.By, r.Note}
		for i, c := range cells {
			c = sanitize.String(c)
			if c == "" {
				c = "-"
			}
			cells[i] = strings.ReplaceAll(c, "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

const eventsUsage = "Usage: trtcwatch events [flags]   print the event log, oldest first\n\nFlags:\n"
