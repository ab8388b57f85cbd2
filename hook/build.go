package hook

import (
	"time"

	"github.com/trtcwatch/trtcwatch/alert"
	"github.com/trtcwatch/trtcwatch/watch"
)

// FromEvent is the hook event for what the engine published, if hooks
// are told about it: a phase change ("transition", or "error" when it is
// into a failed phase) or a new failure code ("error"). Adds, removals
// and notes are the user's own doing and run no hook. t is the task's
// snapshot, for its note and error code.
func FromEvent(we watch.Event, t watch.Task) (Event, bool) {
	ev := Event{Time: we.At, SdkAppID: we.Ref.SdkAppID, TaskID: we.Ref.TaskID, Region: we.Ref.Region,
		From: string(we.From), To: string(we.To), RequestID: we.RequestID, Note: t.Note}
	switch {
	case we.Kind == watch.EventTransition && we.To.Failed():
		ev.Kind = Error
	case we.Kind == watch.EventTransition:
		ev.Kind = Transition
	case we.Kind == watch.EventError && we.Code != "":
		ev.Kind, ev.ErrorCode = Error, we.Code
		return ev, true
	default:
		return Event{}, false
	}
	if t.LastErr != nil {
		ev.ErrorCode = t.LastErr.Code
	}
	return ev, true
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
