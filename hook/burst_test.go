package hook

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBurst: 1,000 events at once. Fire never waits, the queue never holds
// more than its bound, the hooks alive at once (counted by the hooks
// themselves, in files) never exceed MaxConcurrent, and every event is
// either run or counted as dropped. The queue holds 6, more than the slots
// so that the hooks fill them all (PeakRunning reaches MaxConcurrent): any
// bound is the same code, and 1,000 events overflow it either way, while
// each event run starts a supervisor, this race-built binary (~100 ms of
// CPU): a queue of 16 ran 19 hooks, 6 runs 7 to 10.
func TestBurst(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	dir := t.TempDir()
	const n, maxRun, queue = 1000, 4, 6
	var fails failures
	r, err := New(Config{Cmd: Shell(slowHook), MaxConcurrent: maxRun, queue: queue,
		OnFailure: fails.add, environ: shellEnv("OUT="+dir, "MAX="+strconv.Itoa(maxRun))})
	if err != nil {
		t.Fatal(err)
	}
	maxQueued := 0
	for i := range n {
		r.Fire(event("t" + strconv.Itoa(i)))
		maxQueued = max(maxQueued, r.Stats().Queued)
	}
	r.Drain()
	r.Close()
	st := r.Stats()
	t.Logf("burst of %d: started %d, dropped %d, peak running %d, peak queued %d", n, st.Started, st.Dropped, st.PeakRunning, maxQueued)
	if st.Started+st.Dropped != n || st.Dropped == 0 || st.Started < maxRun {
		t.Errorf("started %d + dropped %d != %d (a burst past the queue must drop)", st.Started, st.Dropped, n)
	}
	if maxQueued > queue || st.PeakRunning != maxRun || st.Queued != 0 || st.Running != 0 {
		t.Errorf("bounds broken: %+v, peak queued %d", st, maxQueued)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "OVER-") {
			t.Errorf("a hook saw %s hooks alive at once (max %d)", strings.TrimPrefix(e.Name(), "OVER-"), maxRun)
		}
	}
	if f := fails.all(); len(f) != 0 {
		t.Errorf("failures: %v", f[0])
	}
}

// TestFireNeverBlocks: with every slot held by a hook that hangs, 1,000
// Fires still return, the oldest waiting events make way for the newest,
// and Close kills the hung hooks at their timeout and drops the rest.
func TestFireNeverBlocks(t *testing.T) {
	t.Parallel() // bound by real timeouts, not CPU: they overlap
	dir := t.TempDir()
	var fails failures
	r, err := New(Config{Cmd: Shell(hangHook), MaxConcurrent: 2, queue: 4, Timeout: time.Second,
		OnFailure: fails.add, environ: shellEnv("OUT=" + dir)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 1000 {
			r.Fire(event("t" + strconv.Itoa(i)))
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a guard against a hang, not a speed claim
		t.Fatal("Fire blocked")
	}
	// The waiting events are the newest (workers may still take one or two
	// of them before this look, so up to the bound of 4).
	r.mu.Lock()
	var waiting []string
	for _, ev := range r.queue {
		waiting = append(waiting, ev.TaskID)
	}
	r.mu.Unlock()
	if len(waiting) == 0 || len(waiting) > 4 || waiting[len(waiting)-1] != "t999" {
		t.Errorf("waiting %v, want at most 4 ending with the newest, t999", waiting)
	}
	for i := 1; i < len(waiting); i++ {
		a, _ := strconv.Atoi(strings.TrimPrefix(waiting[i-1], "t"))
		b, _ := strconv.Atoi(strings.TrimPrefix(waiting[i], "t"))
		if b != a+1 {
			t.Errorf("waiting %v: not the newest in order", waiting)
		}
	}
	r.Close()
	if r.Fire(event("late")) {
		t.Error("Fire after Close queued an event")
	}
	st := r.Stats()
	if st.Started+st.Dropped != 1001 || st.Running != 0 || st.Started > 2+4 {
		t.Errorf("stats after close %+v", st)
	}
	f := fails.all()
	if uint64(len(f)) != st.Started {
		t.Fatalf("%d failures for %d started hung hooks", len(f), st.Started)
	}
	for _, x := range f {
		if !x.TimedOut {
			t.Errorf("hung hook not reported as timed out: %+v", x)
		}
	}
}
