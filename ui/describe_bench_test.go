package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/uitest"
	"github.com/trtcwatch/trtcwatch/watch"
)

// BenchmarkDetailPane is the detail pane rebuilt from scratch (it is
// rebuilt once per second or per change; frames in between use the cache).
func BenchmarkDetailPane(b *testing.B) {
	m := newTestModel(b, newCountingEngine(), 200, 60)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{uitest.BigRecording()}, Stats: okStats()}})
	r := m.selected()
	for b.Loop() {
		m.buildDetail(r, 80)
	}
}

// BenchmarkDescribeFrame is one frame with the describe view open and its
// content cached: what a key press or a redraw costs.
func BenchmarkDescribeFrame(b *testing.B) {
	m := newTestModel(b, newCountingEngine(), 200, 60)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{uitest.BigRecording()}, Stats: okStats()}})
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
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{uitest.BigRecording()}, Stats: okStats()}})
	press(m, "i")
	h := 60
	for b.Loop() {
		h = 119 - h // 60, 59, 60, …
		m.Update(tea.WindowSizeMsg{Width: 200, Height: h})
		_ = m.View()
	}
}
