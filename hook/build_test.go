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
		{"transition", FromTransition(watch.TransitionEvent{Ref: ref, Transition: watch.Transition{At: at, From: watch.Idle, To: watch.InProgress, RequestID: "req-1"}},
			watch.Task{Ref: ref, Note: "vip", Phase: watch.InProgress, Last: &watch.Answer{Status: "InProgress"}}),
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Transition, From: "Idle", To: "InProgress", RequestID: "req-1", Note: "vip"}},
		{"into a failure is an error event", FromTransition(watch.TransitionEvent{Ref: ref, Transition: watch.Transition{At: at, From: watch.InProgress, To: watch.Error, RequestID: "req-f"}}, failing),
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Error, From: "InProgress", To: "error", RequestID: "req-f", ErrorCode: "InternalError", Note: "vip"}},
		{"alert", FromFiring(failing, alert.Firing{Rule: alert.Rule{Kind: alert.Error, After: 2 * time.Minute}, Reason: "Failing for 3m: InternalError (rule error>2m)"}, at.Add(3*time.Minute)),
			Event{Time: at.Add(3 * time.Minute), SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: Alert, To: "error", RequestID: "req-f",
				ErrorCode: "InternalError", Rule: "error>2m", Note: "Failing for 3m: InternalError (rule error>2m)"}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, tt.got, tt.want)
		}
	}
}
