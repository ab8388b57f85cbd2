package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// bigModel is 10,000 watched tasks with 20 files each on a 160×50 terminal.
func bigModel(b *testing.B) *Model { return bigModelAt(b, 160, 50) }

// bigModelAt is bigModel on a w×h terminal; every tenth task's latest call
// failed, so the failure badges and their column are drawn too.
func bigModelAt(b *testing.B, w, h int) *Model {
	tasks := make([]watch.Task, 10000)
	for i := range tasks {
		files := make([]watch.File, 20)
		for j := range files {
			files[j] = watch.File{UserID: fmt.Sprintf("user_%05d_%02d", i, j), TrackType: "audio_video",
				FileName: fmt.Sprintf("1400000001_room%05d_user_%02d_main_%d.mp4", i, j, j), Begin: t0.Add(-time.Duration(j) * time.Minute)}
		}
		tasks[i] = watch.Task{Ref: ref(fmt.Sprintf("1-rJp4NqIK2FYuJD8RvXoKlGAu0e-%05d-AQYZQNSjkI9Ozf0qzAGl12", i)),
			Note: fmt.Sprintf("note %d", i), Phase: watch.Phases[i%len(watch.Phases)], Since: t0.Add(-time.Duration(i) * time.Second),
			Last:    watch.NewAnswer("InProgress", fmt.Sprintf("req-%d", i), t0.Add(-time.Second), files, nil),
			History: []watch.Transition{{At: t0.Add(-time.Hour), From: watch.Pending, To: watch.Idle}, {At: t0.Add(-time.Minute), From: watch.Idle, To: watch.InProgress}}}
	}
	for i := 0; i < len(tasks); i += 10 {
		tasks[i].Phase = watch.Error
		tasks[i].LastErr = &watch.Failure{Code: "InternalError.CRInternalError", At: t0.Add(-time.Second)}
	}
	m := newTestModel(b, newCountingEngine(), w, h)
	m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
	press(m, "pgdown", "pgdown", "j")
	return m
}

// BenchmarkView10k is one frame as the program draws it after a message
// that changed nothing visible in the detail pane (its cache holds).
func BenchmarkView10k(b *testing.B) {
	m := bigModel(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView10kTick is a frame after the 1 s tick: every age and the
// whole detail pane (20 files) are rebuilt.
func BenchmarkView10kTick(b *testing.B) {
	m := bigModel(b)
	benchTicks(b, m)
}

// BenchmarkKeyDown10k is a key press end to end (Update and View): the
// selection moves, so the detail pane is rebuilt for another task.
func BenchmarkKeyDown10k(b *testing.B) {
	m := bigModel(b)
	benchKeySwing(b, m, 100)
}

// BenchmarkEngineUpdate10k applies a Collect of 100 changed tasks to a
// model holding 10,000, sorted by state (the costliest order), each one
// changing state so the list is re-filtered and re-sorted.
func BenchmarkEngineUpdate10k(b *testing.B) {
	m := bigModel(b)
	press(m, "s")
	changed := make([]watch.Task, 100)
	for i := range changed {
		changed[i] = m.all[i*97].t
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		// Every task changes state, so the list must be re-sorted.
		for j := range changed {
			changed[j].Phase = watch.Phases[(i+j)%len(watch.Phases)]
		}
		i++
		m.Update(engineMsg{watch.Update{Changed: changed, Stats: okStats()}})
	}
}

// BenchmarkView10k200x60 is BenchmarkView10kTick on the budget's screen:
// 200×60, every age and the detail pane rebuilt (budget: under 2 ms).
func BenchmarkView10k200x60(b *testing.B) {
	m := bigModelAt(b, 200, 60)
	benchTicks(b, m)
}

// BenchmarkKeyDown10k200x60 is a key press end to end on 200×60 (budget:
// under 5 ms).
func BenchmarkKeyDown10k200x60(b *testing.B) {
	m := bigModelAt(b, 200, 60)
	benchKeySwing(b, m, 100)
}

// benchTicks times a frame after each 1 s tick: every age and the detail
// pane are rebuilt. The clock goes round ten minutes, so the ages stay
// under an hour and change every second (a frame is drawn only when a
// shown text changes).
func benchTicks(b *testing.B, m *Model) {
	now := t0
	m.opts.Now = func() time.Time { return now }
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		now = t0.Add(time.Duration(1+i%600) * time.Second)
		m.Update(tickMsg{})
		_ = m.View()
	}
}

// benchKeySwing times a key press end to end (Update and View): down for
// `swing` presses, then up as many, so the cursor stays in range.
func benchKeySwing(b *testing.B, m *Model, swing int) {
	down, up := tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyUp}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		k := down
		if i/swing%2 == 1 {
			k = up
		}
		i++
		m.Update(k)
		_ = m.View()
	}
}
