package serve

import (
	"testing"
	"time"
)

// TestSessionsCostNoAPICalls: sessions only read what the one engine
// publishes, so with 1 session open, then costSessions (3; 10 with -tags
// long), typing nothing, and the engine's polling paused, the emulator
// receives not one call: any call it
// counted would be a session's own (a session that polled, refreshed on
// connect or on its ticks, through the engine or not). Pausing makes the
// proof exact instead of a comparison of noisy rates, and a short window
// enough: the engine's background schedule is its own, and explicit asks
// go out even while it is paused.
func TestSessionsCostNoAPICalls(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	r := startRig(t, 8, 200*time.Millisecond)
	eventually(t, "the engine polls", func() bool { return r.emu.Stats().Requests() >= 8 })
	seq := uint64(0)
	pause := func(p bool) {
		seq++
		if err := r.eng.SetPaused(p, seq); err != nil {
			t.Fatal(err)
		}
	}
	const window = 500 * time.Millisecond
	for _, n := range []int{1, costSessions} {
		pause(true)
		eventually(t, "the calls in flight answered", func() bool {
			for _, tk := range r.eng.Tasks() {
				if tk.InFlight {
					return false
				}
			}
			return true
		})
		before := r.emu.Stats().Requests()
		terms := make([]*term, n)
		for i := range terms {
			terms[i] = open(t, r.addr, r.alice, nil, true)
		}
		for _, tm := range terms {
			tm.waitText(t, "task-0007", wait)
		}
		time.Sleep(window) // the sessions live on, ticking, not a wait for an outcome
		if got := r.emu.Stats().Requests() - before; got != 0 {
			t.Errorf("%d sessions opened and watched with polling paused: the API got %d calls", n, got)
		}
		for _, tm := range terms {
			tm.s.Close()
			tm.c.Close()
		}
		for deadline := time.Now().Add(wait); r.srv.Sessions() != 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d sessions still open", r.srv.Sessions())
			}
		}
		pause(false)
	}
}
