package describe

import (
	"fmt"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// bigRecording is a task with 200 documented files (a 25-user room over a
// few failovers) and a full history.
func bigRecording() watch.Task {
	t := recordingTask()
	var files []watch.File
	for i := range 200 {
		user := fmt.Sprintf("student_%03d", i%25)
		prefix := ""
		if i >= 50 {
			prefix = fmt.Sprintf("ha%d_", min(i/50, 3))
		}
		files = append(files, watch.File{UserID: user, TrackType: "audio",
			FileName: recName(prefix, user, "main", "audio"), Begin: t0.Add(-time.Duration(i) * time.Second)})
	}
	t.Last = watch.NewAnswer(t.Last.Status, t.Last.RequestID, t.Last.At, files, t.Last.Raw())
	for i := range 50 {
		t.History = append(t.History, watch.Transition{At: t0.Add(-time.Duration(i) * time.Minute), From: watch.Idle, To: watch.InProgress, RequestID: recReq1})
	}
	return t
}

// BenchmarkDescribeView is the describe view's content rebuilt from
// scratch, as on each second or change while it is open.
func BenchmarkDescribeView(b *testing.B) {
	t := bigRecording()
	m := newView(t, 200, 60)
	for b.Loop() {
		m.doc(t, 200)
	}
}
