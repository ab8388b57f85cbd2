package snapshot

import (
	"io"
	"time"

	"github.com/trtcwatch/trtcwatch/export"
	"github.com/trtcwatch/trtcwatch/watch"
)

// tasksOf turns lookups into the engine's task values, read the way the
// dashboard reads answers (watch.AnswerFrom, watch.FailureFrom,
// watch.Derive), so export renders a snapshot exactly as it renders the
// dashboard's rows. One call cannot tell how long a task has been in its
// state, so Since is only set where the answer itself says: for a task
// recording, when its first file began (see recordingSince); and one call
// cannot tell a clean end from a task that vanished, so a gone task is
// "not found".
func tasksOf(results []Result, at time.Time) []watch.Task {
	tasks := make([]watch.Task, len(results))
	for i, r := range results {
		t := watch.Task{Ref: r.Ref, AddedAt: at}
		if r.Err != nil {
			t.LastErr = watch.FailureFrom(r.Err, at)
			if t.LastErr.Code == "" {
				t.LastErr.Code = "Error" // a foreign error still gets a code to show
			}
		} else {
			t.Last = watch.AnswerFrom(r.Resp, at)
			t.SeenLive = watch.Live(t.Last.Status)
			t.Since = recordingSince(t.Last)
		}
		t.Phase = watch.Derive(t.Last, t.LastErr, t.SeenLive, false)
		tasks[i] = t
	}
	return tasks
}

// recordingSince is what one answer says about how long its status has
// held: for InProgress, the earliest BeginTimeStamp among its files (the
// recorder began the first file when it began recording); zero for any
// other status or when no file has a time. Not the time of the lookup,
// which would read as "recording since a second ago".
func recordingSince(a *watch.Answer) time.Time {
	var first time.Time
	if a == nil || watch.Phase(a.Status) != watch.InProgress || a.FileCount == 0 {
		return first
	}
	for _, f := range a.Files() {
		if !f.Begin.IsZero() && (first.IsZero() || f.Begin.Before(first)) {
			first = f.Begin
		}
	}
	return first
}

// Write prints the results in one of export's formats, times in loc (nil
// means UTC). now is the lookup time: the reference of the table's "ago".
func Write(w io.Writer, f export.Format, results []Result, loc *time.Location, now time.Time) error {
	return export.Write(w, f, tasksOf(results, now), loc, now)
}
