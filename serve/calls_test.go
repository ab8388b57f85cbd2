package serve

import (
	"testing"
	"time"
)

// TestSessionsCostNoAPICalls: the emulator counts the same calls over the
// same window with 0, 1 and 10 sessions watching, since sessions only read
// what the one engine publishes. (Were each session to poll, 10 sessions
// would multiply the count by ten.)
func TestSessionsCostNoAPICalls(t *testing.T) {
	// 8 tasks every 500 ms is 16 calls/s: under the emulator's quota of 20,
	// so no throttle (and the rate cut that follows) muddies the counts.
	r := startRig(t, 8, 500*time.Millisecond)
	const window = 2 * time.Second
	var counts []int
	for _, n := range []int{0, 1, 10} {
		terms := make([]*term, n)
		for i := range terms {
			terms[i] = open(t, r.addr, r.alice, nil, true)
		}
		for _, tm := range terms {
			tm.waitText(t, "task-0007", wait)
		}
		before := r.emu.Stats().Requests()
		time.Sleep(window) // the measured window, not a wait for an outcome
		counts = append(counts, r.emu.Stats().Requests()-before)
		for _, tm := range terms {
			tm.s.Close()
			tm.c.Close()
		}
		for deadline := time.Now().Add(wait); r.srv.Sessions() != 0; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d sessions still open", r.srv.Sessions())
			}
		}
	}
	t.Logf("API calls over %v with 0, 1, 10 sessions: %v", window, counts)
	base := counts[0]
	if base == 0 {
		t.Fatal("the engine made no calls")
	}
	// Sessions never add calls. (On a starved CPU the engine may make
	// fewer in the window; that is the machine, not the sessions' calls.)
	for i, n := range []int{0, 1, 10} {
		if d := counts[i] - base; d*4 > base {
			t.Errorf("%d sessions: %d calls, vs %d with none", n, counts[i], base)
		}
	}
}
