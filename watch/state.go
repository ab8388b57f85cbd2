package watch

import (
	"errors"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

// Derive is the one place a row's phase comes from, so the list, the detail
// pane, the counts and snapshot never disagree. It looks only at the last
// good answer, the failure of the latest call (nil when it succeeded),
// whether the task was ever seen alive and whether the engine could poll
// between those two (endUnseen: see Task.EndUnseen). A task gone after its
// last answer said Exited is "ended" (a clean stop); gone after Idle or
// InProgress it "vanished" (a problem: perhaps it exited between two polls,
// perhaps not), unless the engine could not poll in between: then it is
// "ended", its end not seen; gone and never seen alive it is "not found".
func Derive(last *Answer, lastErr *Failure, seenLive, endUnseen bool) Phase {
	if lastErr != nil {
		switch lastErr.Kind {
		case client.KindGone:
			switch {
			case !seenLive:
				return NotFound
			case last != nil && Phase(last.Status) == Exited, endUnseen:
				return Ended
			}
			return Vanished
		case client.KindThrottled:
			return Throttled
		case client.KindAuth:
			return AuthError
		}
		return Error
	}
	if last == nil {
		return Pending
	}
	switch Phase(last.Status) {
	case Idle, InProgress, Exited:
		return Phase(last.Status)
	}
	// A status this build does not know is shown as an error rather than
	// guessed at; the raw value stays in Last.Status for the detail pane.
	return Error
}

// Live reports whether an API status means the task exists and runs. It is
// what turns a later "gone" into Ended or Vanished rather than NotFound.
func Live(status string) bool {
	switch Phase(status) {
	case Idle, InProgress, Exited:
		return true
	}
	return false
}

// AnswerFrom turns a response into an Answer, so snapshot and the engine read
// the API's optional fields the same way. The status is interned (thousands
// of answers repeat it); files and the raw JSON are packed (NewAnswer).
func AnswerFrom(resp *client.DescribeCloudRecordingResponse, at time.Time) *Answer {
	if resp == nil {
		return &Answer{At: at}
	}
	var files []File
	for _, f := range resp.StorageFileList {
		if f == nil {
			continue
		}
		file := File{UserID: client.Deref(f.UserId), FileName: client.Deref(f.FileName), TrackType: client.Deref(f.TrackType)}
		file.Begin, _ = beginTime(f.BeginTimeStamp)
		files = append(files, file)
	}
	return NewAnswer(intern(client.Deref(resp.Status)), client.Deref(resp.RequestId), at, files, resp.Raw)
}

// beginTime reads a file's BeginTimeStamp, the one decoder the dashboard
// and snapshot share so a task never shows 1970 in one and the right date
// in the other. The API documents milliseconds; an old callback example
// used seconds, so a value too small to be milliseconds (before 1973) is
// read as seconds. ok is false for nil, 0 and values past any real time.
func beginTime(ts *uint64) (t time.Time, ok bool) {
	switch {
	case ts == nil || *ts == 0 || *ts >= 1<<62:
		return time.Time{}, false
	case *ts < 1e11:
		return time.Unix(int64(*ts), 0), true
	}
	return time.UnixMilli(int64(*ts)), true
}

// FailureFrom classifies an error from the client. Errors that are not a
// *client.Error (a fake, a bug) count as transient so they are retried with
// backoff rather than trusted.
func FailureFrom(err error, at time.Time) *Failure {
	var ce *client.Error
	if !errors.As(err, &ce) {
		return &Failure{Kind: client.KindTransient, Message: err.Error(), At: at}
	}
	// The engine keeps its own copy with the time set, and without the
	// underlying cause: the task snapshots handed to every reader hold only
	// what is shown, not a network error's internals.
	f := *ce
	f.At, f.Err = at, nil
	if f.Kind == client.KindUnknown {
		f.Kind = client.KindTransient
	}
	return &f
}

// apply records one call's outcome on t (exactly one of a and f is non-nil)
// and reports the transition it caused, if any. It is pure so every
// transition can be table-tested without an engine. Since is when the
// phase began, except that a failed call between two answers of the same
// status does not restart it: "Since" is how long the API has said this
// status, and an InternalError for 15 s is not a recorder restart. The
// history keeps the failure's window.
//
// unseen says the engine could not poll (a Gap) between the call that
// brought t.Last and this one; it matters only for a gone answer.
func apply(t *Task, a *Answer, f *Failure, now time.Time, unseen bool, historyLimit int) (Transition, bool) {
	reqID := ""
	switch {
	case a != nil:
		if t.Last == nil || t.Last.Status != a.Status || t.statusSince.IsZero() {
			t.statusSince = now // failures in between do not restart it
		}
		t.Last, t.LastErr, t.Failures, t.Stale = a, nil, 0, false
		t.EndUnseen = false
		if Live(a.Status) {
			t.SeenLive = true
			t.EndedAt = time.Time{}
		}
		reqID = a.RequestID
	case f != nil:
		t.LastErr = f
		reqID = f.RequestID
		if f.Kind == client.KindGone {
			// Gone is an answer, not a failure: nothing to retry, and the
			// last files are the task's final state, not stale data.
			t.Failures, t.Stale = 0, false
			t.statusSince = time.Time{} // an answer that ends the status
			if t.SeenLive && t.EndedAt.IsZero() {
				t.EndedAt = f.At
				t.EndUnseen = unseen && t.Last != nil && Phase(t.Last.Status) != Exited
			}
		} else {
			t.Failures++
			t.Stale = t.Last != nil
		}
	default:
		return Transition{}, false
	}
	p := Derive(t.Last, t.LastErr, t.SeenLive, t.EndUnseen)
	if p == t.Phase {
		return Transition{}, false
	}
	tr := Transition{At: now, From: t.Phase, To: p, RequestID: reqID}
	if f != nil && (p.Failed() || p == NotFound) {
		tr.Code = f.Code // the history names what caused it
	}
	t.Phase, t.Since = p, now
	if t.LastErr == nil {
		// Back to what the API said before a failed call: its status has
		// held since it was first answered.
		t.Since = t.statusSince
	}
	t.History = append(t.History, tr)
	if historyLimit > 0 && len(t.History) > historyLimit {
		t.History = append([]Transition(nil), t.History[len(t.History)-historyLimit:]...)
	}
	return tr, true
}

// clone copies a task so callers can hold it while the engine keeps polling.
func (t *Task) clone() Task {
	c := *t
	c.History = append([]Transition(nil), t.History...)
	c.Pushed = t.Pushed.view()
	return c
}
