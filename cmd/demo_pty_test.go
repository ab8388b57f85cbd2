//go:build unix

package cmd

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestDemoInATerminal runs `trtcwatch --demo` as a user does, in a real
// (pseudo) terminal at 80x24: the dashboard comes up against the built-in
// emulator, help opens and closes, a resize to 280x30 (the width the
// demo's long TaskIds need beside the detail pane; 30 rows, as each
// frame costs per cell) switches to the side by side layout, and q quits
// with exit 0 and the terminal given back (alternate screen left, cursor
// shown).
func TestDemoInATerminal(t *testing.T) {
	t.Parallel()
	home := t.TempDir() // --demo must not touch the user's watch list
	c := startPTY(t, []string{"--demo"}, homeEnv(home), 80, 24)
	c.waitText(t, "DEMO (local emulator)", 15*time.Second)
	c.waitText(t, "● InProgress", 15*time.Second)
	c.waitText(t, "─ Details ─", 5*time.Second) // stacked below 120 columns

	c.tty.Write([]byte("?"))
	c.waitText(t, "Move (in the list", 5*time.Second)
	mark := len(c.text())
	c.tty.Write([]byte("?"))

	if err := pty.Setsize(c.tty, &pty.Winsize{Cols: 280, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	// Side by side: the detail pane's border starts right after the list
	// pane's top-right corner, and the header has room for the SdkAppId.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		after := c.text()[mark:]
		if strings.Contains(after, "╮╭─ Details") && strings.Contains(after, "SdkAppId 1400000001") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no side-by-side layout after the resize:\n%s", tail(after, 3000))
		}
	}

	c.tty.Write([]byte("q"))
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d after q:\n%s", code, tail(c.text(), 2000))
	}
	if _, err := os.Stat(filepath.Join(home, ".local", "state", "trtcwatch")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("--demo wrote to the user's state directory (%v)", err)
	}
	out := c.out.String()
	if !strings.Contains(out, "\x1b[?1049l") {
		t.Error("the alternate screen was not left on quit")
	}
	if i, j := strings.LastIndex(out, "\x1b[?25h"), strings.LastIndex(out, "\x1b[?25l"); i < j {
		t.Error("the cursor was left hidden on quit")
	}
}
