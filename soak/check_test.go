//go:build long

package soak

// What only the soaks check: the heap with no call in flight, and the
// emulator's faults by kind.

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trtcwatch/trtcwatch/watch"
)

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
