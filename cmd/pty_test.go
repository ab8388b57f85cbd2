//go:build unix

package cmd

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// ptyChild is the real program (what main runs, in a copy of this test
// binary) running in a pseudo-terminal, as a user runs it: Bubble Tea opens
// the terminal, reads keys from it and draws on it; stderr goes there too.
type ptyChild struct {
	cmd  *exec.Cmd
	tty  *os.File
	out  lockedBuffer // everything the program wrote to the terminal
	done chan error   // Wait's result
}

// startPTY runs the program with args in a cols×rows pseudo-terminal. env is added
// to the test's environment.
func startPTY(t *testing.T, args []string, env []string, cols, rows uint16) *ptyChild {
	t.Helper()
	return startPTYStderr(t, args, env, cols, rows, nil)
}

// startPTYStderr is startPTY with the program's stderr going to stderr
// instead of the terminal, when not nil.
func startPTYStderr(t *testing.T, args []string, env []string, cols, rows uint16, stderr io.Writer) *ptyChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(childEnviron(args, "TERM=xterm-256color"), env...)
	cmd.Stderr = stderr
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: rows})
	if err != nil {
		t.Fatalf("start in a pty: %v", err)
	}
	c := &ptyChild{cmd: cmd, tty: tty, done: make(chan error, 1)}
	copied := make(chan struct{})
	go func() { io.Copy(&c.out, tty); close(copied) }() //nolint:errcheck // ends with EIO when the child exits
	go func() { err := cmd.Wait(); <-copied; c.done <- err }()
	t.Cleanup(func() {
		cmd.Process.Kill() //nolint:errcheck // already gone when the test waited
		tty.Close()
	})
	return c
}

// homeEnv is the environment of a child whose state goes under home, not
// the user's own (a parallel test cannot t.Setenv).
func homeEnv(home string) []string { return []string{"HOME=" + home, "XDG_STATE_HOME="} }

// text is what was drawn so far with the escape sequences taken out, so a
// word split by colour codes still reads as one.
func (c *ptyChild) text() string { return ansi.Strip(c.out.String()) }

// waitText waits until the drawn text contains s.
func (c *ptyChild) waitText(t *testing.T, s string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); !strings.Contains(c.text(), s); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the terminal never showed %q; it shows:\n%s", s, tail(c.text(), 3000))
		}
	}
}

// wait waits for the child to exit and returns its exit code.
func (c *ptyChild) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-c.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("the program did not exit within %v; it shows:\n%s", within, tail(c.text(), 3000))
	}
	return -1
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// childEnviron is the environment of a child run of this test binary as
// the real program with args: the test's own, the arguments, and no wait
// at exit (the race runtime otherwise sleeps a second as each child
// exits, which was most of what a child cost), then extra.
func childEnviron(args []string, extra ...string) []string {
	env := append(os.Environ(), childEnv+"="+strings.Join(args, "\x1f"), "GORACE=atexit_sleep_ms=0")
	return append(env, extra...)
}
