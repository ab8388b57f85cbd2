package serve

import (
	"strings"
	"testing"
	"time"
)

// TestQuitMidInputLeavesNothing: sessions that quit with keys still
// arriving (q, then 1,000 more) leave no goroutine and no memory behind
// (quitMidInputSessions of them: 3, 8 with -tags long). Before, Bubble
// Tea's input reader stayed blocked for ever on each such session (each
// of 8, in each of 3 runs with the reader put back), holding its program
// and screen: 30 sessions at 500x100 kept 185 MB, and any authorized key
// could repeat it until the server died.
func TestQuitMidInputLeavesNothing(t *testing.T) {
	r := startRig(t, 20, time.Second)
	goroutines, _ := serverGoroutines()
	heap := heapMB()
	for range quitMidInputSessions {
		tm := openSized(t, r.addr, r.alice, 120, 40)
		tm.waitText(t, "task-0001", wait)
		tm.typeText(t, "q"+strings.Repeat("jk", 500))
		tm.waitEnd(t, wait)
		tm.c.Close()
	}
	eventually(t, "the sessions end", func() bool { return r.srv.Sessions() == 0 })
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		n, dump := serverGoroutines()
		if n <= goroutines {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d server goroutines left, %d before:\n%s", n, goroutines, dump)
		}
	}
	if grew := heapMB() - heap; grew > 16 {
		t.Fatalf("the heap grew %.1f MB over %d sessions that ended", grew, quitMidInputSessions)
	}
}
