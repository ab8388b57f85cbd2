package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/trtcwatch/trtcwatch/watch"
)

// ending turns how a run that held the watch list ended into the exit
// code and what stderr says, once the terminal is given back and the
// engine stopped (unsaved is what stopping it answered): after a panic,
// the guard's report; after a signal, its name, with "the watch list is
// saved" only when it is (and the shell's 128+n); else runErr, the
// dashboard's or the server's own failure. Edits that did not reach the
// watch list are listed on stderr and make the exit code 1, whatever
// ended the run (a panic keeps its own code).
func ending(ctx context.Context, stderr io.Writer, g *guard, info exitInfo, unsaved, runErr error) int {
	code := 0
	panicked := g.failed()
	var sc signalCause
	switch {
	case panicked:
		code = g.report(stderr, info)
	case errors.As(context.Cause(ctx), &sc) && unsaved == nil:
		fmt.Fprintf(stderr, "trtcwatch: %v; the watch list is saved\n", sc)
		code = sc.exitCode()
	case errors.As(context.Cause(ctx), &sc):
		fmt.Fprintf(stderr, "trtcwatch: %v\n", sc)
	case runErr != nil && ctx.Err() == nil:
		code = fail(stderr, runErr)
	}
	if reportUnsaved(stderr, info.statePath, unsaved) && !panicked {
		return 1
	}
	return code
}

// reportUnsaved says on stderr what the watch list at statePath could not
// save (err from stopping the engine) and lists the added tasks one a line
// as SDKAPPID:TASKID, ready to paste into the add box (a) or to pass as
// arguments once the disk is fixed. It reports whether anything was lost.
func reportUnsaved(stderr io.Writer, statePath string, err error) bool {
	if err == nil {
		return false
	}
	var u *watch.UnsavedError
	if !errors.As(err, &u) {
		fmt.Fprintf(stderr, "trtcwatch: the last edits may not be in the watch list %s: %v\n", statePath, err)
		return true
	}
	fmt.Fprintf(stderr, "trtcwatch: the watch list %s could NOT be saved: %v\n", statePath, u.Err)
	fmt.Fprintf(stderr, "trtcwatch: not saved: %s\n", u.Edits(unsavedNamed))
	if len(u.Added) == 0 {
		return true
	}
	regions := map[string]bool{}
	for _, r := range u.Added {
		regions[r.Region] = true
	}
	n := "1 task was"
	if len(u.Added) > 1 {
		n = fmt.Sprintf("%d tasks were", len(u.Added))
	}
	fmt.Fprintf(stderr, "trtcwatch: %s added but not saved (region %s); paste these into a once the disk is fixed:\n",
		n, strings.Join(slices.Sorted(maps.Keys(regions)), ", "))
	for _, r := range u.Added {
		fmt.Fprintln(stderr, r.String())
	}
	return true
}

// unsavedNamed is how many tasks of each kind the "not saved" line names;
// the added ones are all listed below it.
const unsavedNamed = 5
