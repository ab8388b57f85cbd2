package serve

import (
	"fmt"
	"io"
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

// TestEndlessPasteIsCut: a paste that does not end (its start, then
// without pause) closes the session once it passes pasteBound times
// MaxPaste, saying why, even on a read-only key. Before, the decoder kept
// every byte until the paste's end (40 MB sent held 48 MB of the server's
// heap), so any authorized key could fill the server's memory.
func TestEndlessPasteIsCut(t *testing.T) {
	r := startRig(t, 1, time.Minute, func(c *Config) { c.MaxPaste = 1 << 10 })
	tm := open(t, r.addr, r.reader, nil, true)
	tm.waitText(t, "task-0000", wait)
	go func() { // until the server stops reading and closes the session
		chunk := strings.Repeat("task-0001 ", 1<<10)
		for _, err := io.WriteString(tm.in, "\x1b[200~"); err == nil; _, err = io.WriteString(tm.in, chunk) {
		}
	}()
	tm.waitText(t, "more than 16 KiB pasted at once, or a paste that never ended, closed this session", wait)
	tm.waitEnd(t, wait)
}

// TestLongPasteOverSSH: a paste of 12 KB over SSH, within pasteBound
// times MaxPaste, reaches the dashboard cut at MaxPaste (1 KB: 85 task IDs
// of 12 bytes, at a word): the add box ends with the 85th.
func TestLongPasteOverSSH(t *testing.T) {
	r := startRig(t, 1, time.Minute, func(c *Config) { c.MaxPaste = 1 << 10 })
	tm := open(t, r.addr, r.alice, nil, true)
	tm.waitText(t, "task-0000", wait)
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "pasted-%04d ", i)
	}
	tm.typeText(t, "\x1b[200~"+b.String()+"\x1b[201~")
	tm.waitText(t, "pasted-0084", wait)
	if strings.Contains(tm.text(), "pasted-0085") {
		t.Fatalf("more than MaxPaste was pasted:\n%s", tail(tm.text(), 2000))
	}
}
