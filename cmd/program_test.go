package cmd

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// TestFinishSaysSavedOnlyWhenSaved: every way the dashboard ends (q, a
// signal, a panic) says "saved" only when the last save worked; with edits
// left unsaved it names them, lists the added tasks one a line, and exits
// 1 (a panic keeps its own code).
func TestFinishSaysSavedOnlyWhenSaved(t *testing.T) {
	added := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "lost-1"}
	unsaved := &watch.UnsavedError{Added: []taskref.Ref{added}, Removed: []taskref.Ref{{SdkAppID: 1400000001, TaskID: "gone-2"}},
		Err: errors.New("write /s/watchlist.json.tmp-1: no space left on device")}
	lost := []string{"the watch list /s/watchlist.json could NOT be saved: write /s/watchlist.json.tmp-1: no space left on device",
		"not saved: added 1400000001:lost-1; removed 1400000001:gone-2", "\n1400000001:lost-1\n"}
	signalled, cancel := context.WithCancelCause(context.Background())
	cancel(signalCause{syscall.SIGTERM})
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		panic bool
		stop  error
		code  int
		want  []string
		not   string
	}{
		{"q, saved", context.Background(), false, nil, 0, nil, "saved"},
		{"q, unsaved", context.Background(), false, unsaved, 1, lost, "is saved"},
		{"SIGTERM, saved", signalled, false, nil, 143, []string{"stopped by SIGTERM; the watch list is saved"}, "NOT"},
		{"SIGTERM, unsaved", signalled, false, unsaved, 1, append([]string{"stopped by SIGTERM\n"}, lost...), "is saved"},
		{"SIGTERM, engine stuck", signalled, false, errEngineStuck, 1, []string{"the last edits may not be in the watch list /s/watchlist.json: the engine did not stop within 10s"}, "is saved"},
		{"panic, unsaved", context.Background(), true, unsaved, exitPanic, append([]string{"internal error"}, lost...), "is saved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGuard()
			if tc.panic {
				g.record("boom", nil)
			}
			var stderr strings.Builder
			code := finish(tc.ctx, programEnd{}, g, &stderr, exitInfo{statePath: "/s/watchlist.json", logFile: t.TempDir() + "/crash.log"},
				func() error { return tc.stop })
			out := stderr.String()
			if code != tc.code {
				t.Errorf("exit %d, want %d:\n%s", code, tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("stderr lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, tc.not) {
				t.Errorf("stderr says %q:\n%s", tc.not, out)
			}
		})
	}
}
