package alert

import (
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Check reports whether t meets r at now, and why in a short plain reason
// for the row, the header and a hook ("Idle for 7m (rule idle>5m)";
// terminal-safe). A timed rule fires once the condition has held strictly
// longer than its duration: idle>5m is quiet at exactly 5m and fires at
// 5m plus a nanosecond. It is the dashboard's ui.AlertRule.
func (r Rule) Check(t watch.Task, now time.Time) (reason string, ok bool) {
	var since time.Time
	var what, detail string // reason: what + held time + detail
	switch r.kind {
	case idle:
		if t.Phase != watch.Idle {
			return "", false
		}
		since, what = t.Since, "Idle for "
	case noFiles:
		if t.Phase != watch.InProgress {
			return "", false
		}
		var any bool
		since, any = lastFileAt(t)
		what = "InProgress with no new file for "
		if !any {
			what = "InProgress with no file listed for "
		}
	case failing:
		if !t.Phase.Failed() {
			return "", false
		}
		since = failingSince(t)
		what = "Failing for "
		if t.LastErr != nil && t.LastErr.Code != "" {
			detail = ": " + sanitize.String(t.LastErr.Code)
		}
	case vanished:
		if t.Phase != watch.Vanished {
			return "", false
		}
		return "Vanished while last seen live (rule vanished)", true
	case auth:
		if t.Phase != watch.AuthError {
			return "", false
		}
		reason := "Credentials rejected"
		if t.LastErr != nil && t.LastErr.Code != "" {
			reason += ": " + sanitize.String(t.LastErr.Code)
		}
		return reason + " (rule auth)", true
	default:
		return "", false
	}
	if since.IsZero() {
		return "", false // no time known: nothing honest to say
	}
	held := now.Sub(since)
	if held <= r.after {
		return "", false
	}
	return what + dur(held) + detail + " (rule " + r.String() + ")", true
}

// lastFileAt is when an InProgress task last got a new file: the latest
// Begin time among its listed files, or when it entered its phase if that
// is later (a task that resumed recording is judged from the resume) or no
// file has a Begin time. any is false when the task lists no file at all.
// Begin is when the recorder started the file, so a file that appears is
// new as of its Begin. It reads the answer's LastBegin, so checking
// 10,000 tasks every second unpacks no file list.
func lastFileAt(t watch.Task) (at time.Time, any bool) {
	at = t.Since
	if t.Last == nil {
		return at, false
	}
	if t.Last.LastBegin.After(at) {
		at = t.Last.LastBegin
	}
	return at, t.Last.FileCount > 0
}

// failingSince is when t's current streak of failed calls began: the
// oldest of the transitions at the end of its history that went into a
// failed phase without leaving the failed phases (throttled then error is
// one streak). Falls back to Since when the history no longer holds the
// start.
func failingSince(t watch.Task) time.Time {
	start := t.Since
	for i := len(t.History) - 1; i >= 0; i-- {
		h := t.History[i]
		if !h.To.Failed() {
			break
		}
		start = h.At
		if !h.From.Failed() {
			break
		}
	}
	return start
}
