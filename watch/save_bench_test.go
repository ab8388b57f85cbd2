package watch

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// Benchmarks for issue 14's edit line: what one watch-list edit costs the
// caller (the dashboard's command) at 10,000 tasks, and what 1,000
// successive edits cost in all, writes included. Run with
//
//	go test -run XXX -bench Edit -benchmem ./watch

const editBenchTasks = 10_000

// editBenchEngine is an engine watching editBenchTasks tasks saved in a
// real watch-list file under b.TempDir().
func editBenchEngine(b *testing.B) *Engine {
	b.Helper()
	path := filepath.Join(b.TempDir(), "watchlist.json")
	refs := make([]taskref.Ref, editBenchTasks)
	for i := range refs {
		refs[i] = taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("bench-task-%05d", i)}
	}
	e := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{})})
	if _, err := e.Add(refs); err != nil {
		b.Fatal(err)
	}
	if err := e.Flush(); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkEditAt10k is one SetNote's cost to the caller at 10,000 tasks,
// on average, at worst and how often over 1 ms (on a shared machine the
// worst is mostly the scheduler and the writer's garbage collection).
func BenchmarkEditAt10k(b *testing.B) {
	e := editBenchEngine(b)
	r := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "bench-task-00042"}
	b.ReportAllocs()
	b.ResetTimer()
	var worst time.Duration
	n, slow := 0, 0
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if err := e.SetNote(r, fmt.Sprint("INC-", i), 0); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		worst = max(worst, took)
		n++
		if took > time.Millisecond {
			slow++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "worst-ms")
	b.ReportMetric(100*float64(slow)/float64(n), "%over-1ms")
	if err := e.Flush(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkThousandEditsAt10k is 1,000 successive SetNotes at 10,000 tasks,
// until the last is on disk.
func BenchmarkThousandEditsAt10k(b *testing.B) {
	e := editBenchEngine(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		for i := range 1000 {
			r := taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("bench-task-%05d", i)}
			if err := e.SetNote(r, fmt.Sprint("INC-", n, "-", i), 0); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
