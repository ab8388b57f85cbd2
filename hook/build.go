package hook

import (
	"time"

	"github.com/trtcwatch/trtcwatch/alert"
	"github.com/trtcwatch/trtcwatch/watch"
)

// FromTransition is the event for a phase change the engine published. t
// is the task's snapshot (for its note and error code); a transition into
// a failed phase is an "error" event, any other a "transition".
func FromTransition(te watch.TransitionEvent, t watch.Task) Event {
	ev := Event{Time: te.At, SdkAppID: te.Ref.SdkAppID, TaskID: te.Ref.TaskID, Region: te.Ref.Region,
		Kind: Transition, From: string(te.From), To: string(te.To), RequestID: te.RequestID, Note: t.Note}
	if te.To.Failed() {
		ev.Kind = Error
	}
	if t.LastErr != nil {
		ev.ErrorCode = t.LastErr.Code
	}
	return ev
}

// FromFiring is the event for a rule a task started to meet at now; Note
// is the firing's plain reason.
func FromFiring(t watch.Task, f alert.Firing, now time.Time) Event {
	ev := Event{Time: now, SdkAppID: t.Ref.SdkAppID, TaskID: t.Ref.TaskID, Region: t.Ref.Region,
		Kind: Alert, To: string(t.Phase), Rule: f.Rule.String(), Note: f.Reason}
	if t.LastErr != nil {
		ev.ErrorCode, ev.RequestID = t.LastErr.Code, t.LastErr.RequestID
	} else if t.Last != nil {
		ev.RequestID = t.Last.RequestID
	}
	return ev
}
