package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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

// BenchmarkDetailPane is the detail pane rebuilt from scratch (it is
// rebuilt once per second or per change; frames in between use the cache).
func BenchmarkDetailPane(b *testing.B) {
	m := newTestModel(b, newCountingEngine(), 200, 60)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{bigRecording()}, Stats: okStats()}})
	r := m.selected()
	for b.Loop() {
		m.buildDetail(r, 80)
	}
}

// BenchmarkDescribeFrame is one frame with the describe view open and its
// content cached: what a key press or a redraw costs.
func BenchmarkDescribeFrame(b *testing.B) {
	m := newTestModel(b, newCountingEngine(), 200, 60)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{bigRecording()}, Stats: okStats()}})
	press(m, "i")
	for b.Loop() {
		press(m, "j")
		_ = m.View()
	}
}

// BenchmarkDescribeResizeHeight is a frame of the describe view after its
// height changed (a message line came or went, the terminal was made
// taller): the text keeps its layout, only the view's bottom moves.
func BenchmarkDescribeResizeHeight(b *testing.B) {
	m := newTestModel(b, newCountingEngine(), 200, 60)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{bigRecording()}, Stats: okStats()}})
	press(m, "i")
	h := 60
	for b.Loop() {
		h = 119 - h // 60, 59, 60, …
		m.Update(tea.WindowSizeMsg{Width: 200, Height: h})
		_ = m.View()
	}
}
