package cmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/snapshot"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// runSnapshot looks every task up once and prints the result: the path end
// to end for scripts and tickets. Exit 0 when every lookup got an answer,
// 1 when any failed, 2 for bad usage.
func runSnapshot(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	var (
		api    apiFlags
		asJSON bool
		format string
	)
	api.register(fs)
	fs.BoolVar(&asJSON, "json", false, "same as --format json")
	fs.StringVar(&format, "format", "", "output: table (default), csv, json (one JSON object per task per line) or md (a Markdown table for a ticket)")
	if err := parseFlags(fs, snapshotUsage, args, stdout); err != nil {
		return fail(stderr, err)
	}
	f, err := snapshotFormat(format, asJSON)
	if err != nil {
		return fail(stderr, err)
	}
	refs, err := snapshotRefs(fs.Args(), stdin, &api)
	if err != nil {
		return fail(stderr, err)
	}
	cfg, err := api.clientConfig()
	if err != nil {
		return fail(stderr, err)
	}
	c, err := newClient(cfg)
	if err != nil {
		return fail(stderr, err)
	}
	results := snapshot.Lookup(ctx, c, refs, 8)
	if err := snapshot.Write(stdout, f, results, time.Local, time.Now()); err != nil {
		return fail(stderr, fmt.Errorf("write snapshot: %w", err))
	}
	if !snapshot.AllOK(results) {
		return 1
	}
	return 0
}

// snapshotFormat reads --format and --json. --json is kept as a synonym of
// --format json (JSON lines, the shape --json has always printed, with new
// fields added); asking for another format beside it is a contradiction.
func snapshotFormat(format string, asJSON bool) (export.Format, error) {
	if format == "" {
		if asJSON {
			return export.JSON, nil
		}
		return export.Table, nil
	}
	f, err := export.ParseFormat(format)
	if err != nil {
		return "", usagef("--format: %v", err)
	}
	if asJSON && f != export.JSON {
		return "", usagef("--json means --format json; it cannot go with --format %s", f)
	}
	return f, nil
}

// snapshotRefs gathers the TASK arguments (and stdin for "-"), refusing the
// whole command if any is malformed: a script should not get half an answer.
func snapshotRefs(args []string, stdin io.Reader, api *apiFlags) ([]taskref.Ref, error) {
	app, err := api.defaults()
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, usagef("snapshot needs at least one TASK (TASKID or SDKAPPID:TASKID, or - for stdin)")
	}
	var refs []taskref.Ref
	var rejected []taskref.Rejection
	seen := map[taskref.Ref]bool{}
	add := func(rs []taskref.Ref) {
		for _, r := range rs {
			if !seen[r] {
				seen[r] = true
				refs = append(refs, r)
			}
		}
	}
	for _, a := range args {
		if a == "-" {
			rs, rej := snapshot.ReadRefs(stdin, app, api.region)
			add(rs)
			rejected = append(rejected, rej...)
			continue
		}
		r, err := taskref.Parse(a, app, api.region)
		if err != nil {
			rejected = append(rejected, taskref.Rejection{Entry: a, Reason: err})
			continue
		}
		add([]taskref.Ref{r})
	}
	if len(rejected) > 0 {
		var b strings.Builder
		for i, r := range rejected {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%q: %v", r.Entry, r.Reason)
		}
		return nil, usagef("bad TASK: %s", b.String())
	}
	if len(refs) == 0 {
		return nil, usagef("no TASK on stdin")
	}
	return refs, nil
}

const snapshotUsage = `Usage: trtcwatch snapshot [flags] TASK... (TASK is TASKID or SDKAPPID:TASKID; - reads them from stdin)

Looks every task up once. SINCE is what that one answer says: for a task
recording (InProgress), when its first file began (BeginTimeStamp); empty
for any other state, since one look cannot tell when a status began.
Flags may also follow the TASKs; a TaskId that starts with - goes after --.

Flags:
`
