//go:build unix

package cmd

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// TestKeysInATerminal drives the new keys of the real program in a
// pseudo-terminal at 60x20: the help scrolls to its legend, z changes the
// zone, d then enter keeps the task, y copies (the OSC 52 bytes reach the
// terminal when there is no system clipboard) and v shows the text, and
// ctrl+z gives the terminal back until SIGCONT, then the screen is drawn
// again.
func TestKeysInATerminal(t *testing.T) {
	t.Parallel()
	c := startPTY(t, []string{"--demo"}, homeEnv(t.TempDir()), 60, 20)
	c.waitText(t, "DEMO", 15*time.Second)
	c.waitText(t, "? help", 5*time.Second)

	// since returns what was drawn after the mark.
	since := func(mark int) string { return c.text()[mark:] }
	waitAfter := func(mark int, s string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(since(mark), s); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("never showed %q; after the mark:\n%s", s, tail(since(mark), 3000))
			}
		}
	}
	press := func(s, want string) {
		t.Helper()
		mark := len(c.text())
		c.tty.Write([]byte(s))
		waitAfter(mark, want)
	}

	press("?", "Move (in the list")
	press("G", "Banners and messages")
	press("\x1b", "a add")
	press("z", "times in UTC")
	press("z", "+8") // the renderer writes only the changed cells
	press("d", "y removes; other keys keep")
	press("\r", "kept ")
	mark := len(c.text())
	raw := len(c.out.String())
	c.tty.Write([]byte("y"))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s := since(mark)
		if strings.Contains(s, "copied TaskId to the clipboard") {
			break
		}
		if strings.Contains(s, "sent TaskId to the terminal (OSC 52)") {
			// The sequence goes out by a command of its own, which may
			// reach the terminal after the frame that says so: waited for.
			for !strings.Contains(c.out.String()[raw:], "\x1b]52;c;") {
				if time.Now().After(deadline) {
					t.Fatal("said OSC 52 but sent no OSC 52 sequence")
				}
				time.Sleep(20 * time.Millisecond)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no copy message:\n%s", tail(s, 3000))
		}
	}
	press("v", "Copied TaskId")
	press("\x1b", "a add")

	// ctrl+z: the program leaves the alternate screen and waits for
	// SIGCONT (here its process group is orphaned, so the stop itself is
	// discarded by the kernel, as it would be when no shell job-controls
	// it); on SIGCONT it takes the screen again and redraws.
	raw = len(c.out.String())
	c.tty.Write([]byte{0x1a})
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(c.out.String()[raw:], "\x1b[?1049l"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("ctrl+z did not give the terminal back")
		}
	}
	// The program gives the terminal back before it starts waiting for
	// SIGCONT, so a signal sent at once can come before the wait and be
	// lost; a shell's fg never comes that fast. Send it until the screen
	// is back.
	raw = len(c.out.String())
	mark = len(c.text())
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(since(mark), "? help"); {
		if err := c.cmd.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("never redrawn after SIGCONT; after the mark:\n%s", tail(since(mark), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(c.out.String()[raw:], "\x1b[?1049h") {
		t.Error("the alternate screen was not taken back on resume")
	}
	press("q", "")
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d after q:\n%s", code, tail(ansi.Strip(c.out.String()), 30000))
	}
}
