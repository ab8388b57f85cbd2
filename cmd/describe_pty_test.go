//go:build unix

package cmd

import (
	"strings"
	"testing"
	"time"
)

// TestDescribeInATerminal opens the describe view of a demo task the way a
// user does, in a real (pseudo) terminal: enter twice from the list, G to
// the raw response at the bottom, esc back to the detail pane, then q.
func TestDescribeInATerminal(t *testing.T) {
	t.Parallel()
	c := startPTY(t, []string{"--demo"}, homeEnv(t.TempDir()), 100, 30)
	c.waitText(t, "InProgress", 15*time.Second)
	c.tty.Write([]byte("j")) // the class of five: files from the start
	c.tty.Write([]byte("\r"))
	c.waitText(t, "enter describe", 5*time.Second)
	c.tty.Write([]byte("\r"))
	c.waitText(t, "Last answer (DescribeCloudRecording)", 5*time.Second)
	c.tty.Write([]byte("G"))
	c.waitText(t, "Raw response (last answer, pretty-printed)", 5*time.Second)
	mark := len(c.text())
	c.tty.Write([]byte("\x1b"))
	waitAfter(t, c, mark, "Details (j/k scroll, enter describe, esc back)") // back to the detail pane
	c.tty.Write([]byte("q"))
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d after q:\n%s", code, tail(c.text(), 2000))
	}
}

// waitAfter waits for s in what the terminal printed after mark.
func waitAfter(t *testing.T, c *ptyChild, mark int, s string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if strings.Contains(c.text()[mark:], s) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q not shown:\n%s", s, tail(c.text()[mark:], 2000))
		}
	}
}
