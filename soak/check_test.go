//go:build long

package soak

// What only the soaks check: the screen against the engine row by row, the
// heap with no call in flight, and the emulator's faults by kind.

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// shownLabel is the state a row names for a task: a failed call keeps the
// last API status on the row (the failure is a badge beside it).
func shownLabel(t watch.Task) string {
	if t.Phase.Failed() && t.Last != nil && watch.Live(t.Last.Status) {
		return t.Last.Status
	}
	return string(t.Phase)
}

// codeCell is what the LAST ERROR column shows for a task: the failed
// call's code (our word when it has none); nothing for an answer, "gone"
// included.
func codeCell(t watch.Task) string {
	if !t.Phase.Failed() || t.LastErr == nil {
		return ""
	}
	if t.LastErr.Code == "" {
		return string(t.Phase)
	}
	return t.LastErr.Code
}

// mismatches compares the drawn rows with the engine's tasks: every task
// has a row, with its phase's badge and its last error's code.
func mismatches(tasks []watch.Task, sv screenView) []string {
	var out []string
	if len(sv.rows) != len(tasks) {
		out = append(out, fmt.Sprintf("%d rows drawn, engine has %d tasks", len(sv.rows), len(tasks)))
	}
	for _, tk := range tasks {
		r, ok := sv.rows[tk.Ref.TaskID]
		switch {
		case !ok:
			out = append(out, tk.Ref.TaskID+": no row")
		case r.label != shownLabel(tk) || r.code != codeCell(tk):
			out = append(out, fmt.Sprintf("%s: row shows %s %q, engine has %s %q", tk.Ref.TaskID, r.label, r.code, shownLabel(tk), codeCell(tk)))
		}
	}
	return out
}

// settle pauses polling, waits for calls in flight to end, then waits for
// the screen to show exactly what the engine holds, and resumes. It
// returns the engine's tasks and the matching screen.
func (d *dash) settle(t testing.TB) ([]watch.Task, screenView) {
	t.Helper()
	d.eng.SetPaused(true, 0)
	defer d.eng.SetPaused(false, 0)
	tasks := waitTasks(t, d.eng, "calls in flight to end", func(ts []watch.Task) bool {
		for _, tk := range ts {
			if tk.InFlight {
				return false
			}
		}
		return true
	})
	var sv screenView
	var bad []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		sv = parseScreen(d.screen(t))
		if bad = mismatches(tasks, sv); len(bad) == 0 {
			return tasks, sv
		}
	}
	t.Fatalf("screen does not match the engine 5s after polling paused (%d differences), first: %v\nscreen:\n%s",
		len(bad), bad[:min(len(bad), 5)], sv.text())
	return nil, sv
}

// heapQuiet is the heap after GC with polling paused and no call in
// flight, so what a call holds while it reads a body (a hostile one is
// megabytes) is not counted as the engine's: the memory checks compare what
// stays, not what was being read at the moment.
func (d *dash) heapQuiet(t testing.TB) uint64 {
	t.Helper()
	d.eng.SetPaused(true, 0)
	defer d.eng.SetPaused(false, 0)
	waitTasks(t, d.eng, "calls in flight to end", func(ts []watch.Task) bool {
		return !slices.ContainsFunc(ts, func(tk watch.Task) bool { return tk.InFlight })
	})
	return heapAfterGC()
}

// waitTasks polls the engine's tasks until cond holds (at most 60s).
func waitTasks(t testing.TB, eng *watch.Engine, what string, cond func([]watch.Task) bool) []watch.Task {
	t.Helper()
	// A wait for behaviour, not a speed check: on a loaded 2-core machine
	// under -race the first sweep of 200 tasks at 30% faults took over 10 s.
	deadline := time.Now().Add(60 * time.Second)
	for {
		ts := eng.Tasks()
		if cond(ts) {
			return ts
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// faultLog counts the emulator's request log lines by injected fault.
type faultLog struct {
	mu    sync.Mutex
	kinds map[string]int
	lines int
}

func (f *faultLog) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.kinds == nil {
		f.kinds = map[string]int{}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		f.lines++
		if i := strings.Index(line, "[fault: "); i >= 0 {
			k := line[i+len("[fault: "):]
			if j := strings.IndexAny(k, "]("); j >= 0 {
				k = strings.TrimSpace(k[:j])
			}
			f.kinds[k]++
		}
	}
	return len(p), nil
}

func (f *faultLog) snapshot() (map[string]int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.kinds {
		out[k] = v
	}
	return out, f.lines
}
