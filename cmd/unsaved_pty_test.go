//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// loseStateDir makes every later save of the watch list in dir fail, as a
// full or vanished disk does: the directory is moved away and a plain file
// takes its name.
func loseStateDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.Rename(dir, dir+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestQuitWithUnsavedEdits: the real dashboard in a terminal; after start
// its watch list's directory goes, then two tasks are added. The screen
// says NOT SAVED and keeps saying it; however the dashboard then ends (q,
// ctrl+c, SIGTERM, SIGHUP) it exits 1 and, after giving the terminal back,
// says the list could not be saved and prints each added task on a line of
// its own on stderr, ready to paste back. It never says "saved".
func TestQuitWithUnsavedEdits(t *testing.T) {
	t.Parallel()
	for _, end := range []struct {
		name string
		key  string
		sig  syscall.Signal
	}{{"q", "q", 0}, {"ctrl+c", "\x03", 0}, {"SIGTERM", "", syscall.SIGTERM}, {"SIGHUP", "", syscall.SIGHUP}} {
		t.Run(end.name, func(t *testing.T) {
			t.Parallel()
			ep := emutest.Start(t, emulator.Config{SecretID: canaryID, SecretKey: canaryKey}, secretScenario).URL()
			dir := filepath.Join(t.TempDir(), "state")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			var stderr lockedBuffer
			c := startPTYStderr(t, []string{"--endpoint", ep, "--sdk-app-id", "1400000001", "--interval", "200ms",
				"--state", filepath.Join(dir, "watchlist.json"), "sec-live-1"}, canaryEnviron(t), 120, 30, &stderr)
			c.waitText(t, "InProgress", 15*time.Second)
			loseStateDir(t, dir)
			c.tty.Write([]byte("a"))
			c.waitText(t, "TASKID or SDKAPPID:TASKID", 5*time.Second)
			c.tty.Write([]byte("lost-one 1400000001:lost-two\r"))
			c.waitText(t, "WATCH LIST NOT SAVED", 10*time.Second)
			if end.sig != 0 {
				if err := c.cmd.Process.Signal(end.sig); err != nil {
					t.Fatal(err)
				}
			} else {
				c.tty.Write([]byte(end.key))
			}
			if code := c.wait(t, 20*time.Second); code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr.String())
			}
			terminalGivenBack(t, c)
			out := stderr.String()
			for _, want := range []string{"could NOT be saved", "not saved: added 1400000001:lost-one, 1400000001:lost-two",
				"\n1400000001:lost-one\n1400000001:lost-two\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("stderr lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "is saved") {
				t.Errorf("stderr claims the list is saved:\n%s", out)
			}
			noLeak(t, "stderr", out)
		})
	}
}
