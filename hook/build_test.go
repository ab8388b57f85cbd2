package hook

import (
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/alert"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

func TestBuild(t *testing.T) {
	ref := taskref.Ref{SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai"}
	at := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	failing := watch.Task{Ref: ref, Note: "vip", Phase: watch.Error, Since: at,
		LastErr: &watch.Failure{Kind: client.KindTransient, Code: "InternalError", RequestID: "req-f"}}
	tests := []struct {
		name string
		got  Event
		want Event
	}{
		{"transition", fromEvent(watch.Event{At: at, Kind: watch.EventTransition, Ref: ref, From: watch.Idle, To: watch.InProgress, RequestID: "req-1"},
			watch.Task{Ref: ref, Note: "vip", Phase: watch.InProgress, Last: &watch.Answer{Status: "InProgress"}}),
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Transition, From: "Idle", To: "InProgress", RequestID: "req-1", Note: "vip"}},
		{"into a failure is an error event", fromEvent(watch.Event{At: at, Kind: watch.EventTransition, Ref: ref, From: watch.InProgress, To: watch.Error, RequestID: "req-f"}, failing),
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Error, From: "InProgress", To: "error", RequestID: "req-f", ErrorCode: "InternalError", Note: "vip"}},
		{"a new failure code", fromEvent(watch.Event{At: at, Kind: watch.EventError, Ref: ref, To: watch.Error, Code: "LimitExceeded", RequestID: "req-g"}, failing),
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Error, To: "error", RequestID: "req-g", ErrorCode: "LimitExceeded", Note: "vip"}},
		{"alert", FromFiring(failing, alert.Firing{Rule: alert.Rule{Kind: alert.Error, After: 2 * time.Minute}, Reason: "Failing for 3m: InternalError (rule error>2m)"}, at.Add(3*time.Minute)),
			Event{Time: at.Add(3 * time.Minute), SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Alert, To: "error", RequestID: "req-f",
				ErrorCode: "InternalError", Rule: "error>2m", Note: "Failing for 3m: InternalError (rule error>2m)"}},
	}
	for _, we := range []watch.Event{{Kind: watch.EventAdd, Ref: ref}, {Kind: watch.EventNote, Ref: ref}, {Kind: watch.EventRemove, Ref: ref},
		{Kind: watch.EventError, Ref: ref, To: watch.InProgress}} {
		if _, ok := FromEvent(we, watch.Task{Ref: ref}); ok {
			t.Errorf("%s (code %q) must run no hook", we.Kind, we.Code)
		}
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, tt.got, tt.want)
		}
	}
}

// fromEvent is FromEvent for events that must run a hook.
func fromEvent(we watch.Event, t watch.Task) Event {
	ev, ok := FromEvent(we, t)
	if !ok {
		return Event{Kind: "none"}
	}
	return ev
}
