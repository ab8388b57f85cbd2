package ui

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// BenchmarkStateSortUpdate is one answer that changes one task's state,
// applied to a model of 1,000, 10,000 and 40,000 tasks sorted by state
// (issue 14: it used to re-sort the whole list). The selected task is in
// the middle of the list, so the cursor has to follow it.
func BenchmarkStateSortUpdate(b *testing.B) {
	for _, n := range []int{1000, 10000, 40000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			m := newTestModel(b, newCountingEngine(), 160, 50)
			tasks := make([]watch.Task, n)
			for i := range tasks {
				tasks[i] = watch.Task{Ref: ref(fmt.Sprintf("1-rJp4NqIK2FYuJD8RvXoKlGAu0e-%05d-AQYZQNSjkI9Ozf0qzAGl12", i)),
					Note: fmt.Sprintf("note %d", i), Phase: watch.Phases[i%len(watch.Phases)], Since: t0.Add(-time.Duration(i) * time.Second)}
			}
			m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
			press(m, "s")
			for range n / 2 {
				m.move(1)
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				tk := m.all[(i*7919)%n].t
				tk.Phase = watch.Phases[(slices.Index(watch.Phases, tk.Phase)+1)%len(watch.Phases)]
				i++
				m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: okStats()}})
			}
		})
	}
}
