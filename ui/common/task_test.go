package common

import (
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/watch"
)

func TestPhaseExplain(t *testing.T) {
	gone := func(phase watch.Phase, last string) watch.Task {
		return watch.Task{Phase: phase, Last: &watch.Answer{Status: last}}
	}
	tests := []struct {
		t    watch.Task
		want string
	}{
		{gone(watch.Ended, "Exited"), "a clean stop"},
		{gone(watch.Ended, "InProgress"), "gone while last seen InProgress. Exited lasts only seconds and can fall between two polls"},
		{gone("vanished", "Idle"), "gone while last seen Idle"},
		{watch.Task{Phase: watch.NotFound}, "the API answered that it has no such task"},
		{watch.Task{Phase: "vanished"}, "gone. Exited lasts only seconds"},
		{gone(watch.InProgress, "InProgress"), ""},
	}
	for _, tt := range tests {
		got := PhaseExplain(tt.t)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("PhaseExplain(%s, last %v) = %q, want %q", tt.t.Phase, tt.t.Last, got, tt.want)
		}
	}
}
