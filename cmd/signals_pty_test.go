//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// dashboardInPTY starts the real dashboard in a terminal against a local
// emulator of its own with the canary credential in the child's own
// environment (canaryEnviron, so the tests may run in parallel), watching
// two tasks from the command line, and waits until it draws live data.
// extraEnv is added to the child's environment.
func dashboardInPTY(t *testing.T, extraEnv ...string) (c *ptyChild, state, logFile string) {
	t.Helper()
	ep := emutest.Start(t, emulator.Config{SecretID: canaryID, SecretKey: canaryKey}, secretScenario).URL()
	dir := t.TempDir()
	state, logFile = filepath.Join(dir, "watchlist.json"), filepath.Join(dir, "debug.log")
	c = startPTY(t, []string{"--endpoint", ep, "--sdk-app-id", "1400000001", "--interval", "200ms",
		"--state", state, "--log-file", logFile, "sec-live-1", "sec-idle-2"}, append(canaryEnviron(t), extraEnv...), 120, 30)
	c.waitText(t, "InProgress", 15*time.Second)
	return c, state, logFile
}

// terminalGivenBack checks what the program left the terminal in: the
// alternate screen left, the cursor shown and the tty back in cooked mode
// with echo (read through the pty's master, which shares the termios).
func terminalGivenBack(t *testing.T, c *ptyChild) {
	t.Helper()
	out := c.out.String()
	if strings.Contains(out, "DATA RACE") {
		t.Errorf("the race detector fired in the program:\n%s", tail(out, 4000))
	}
	if i, j := strings.LastIndex(out, "\x1b[?1049l"), strings.LastIndex(out, "\x1b[?1049h"); i < j {
		t.Error("the alternate screen was left on")
	}
	if i, j := strings.LastIndex(out, "\x1b[?25h"), strings.LastIndex(out, "\x1b[?25l"); i < j {
		t.Error("the cursor was left hidden")
	}
	tio, err := unix.IoctlGetTermios(int(c.tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatalf("read the terminal mode: %v", err)
	}
	if tio.Lflag&unix.ICANON == 0 || tio.Lflag&unix.ECHO == 0 {
		t.Errorf("the terminal was left raw (lflag %#x)", tio.Lflag)
	}
}

// watchListWhole checks the watch list file is valid JSON naming both
// command-line tasks.
func watchListWhole(t *testing.T, state string) string {
	t.Helper()
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatalf("watch list: %v", err)
	}
	if !json.Valid(data) || !strings.Contains(string(data), "sec-live-1") || !strings.Contains(string(data), "sec-idle-2") {
		t.Fatalf("watch list not whole:\n%s", data)
	}
	return string(data)
}

// TestSignalsGiveTheTerminalBack: each signal that ends the dashboard
// (terminal closed, kill, interrupt, quit) leaves the terminal usable and
// the watch list whole, with the shell's exit code (SIGQUIT: the runtime's
// goroutine dump and exit 2, after the terminal is restored).
//
// The SIGQUIT case dumps every goroutine's stack the way a crash does
// (GOTRACEBACK=system: runtime goroutines too, as a panic in any
// goroutine would print them) while the dashboard polls with the canary
// credential: the trace must name the engine's frames and the runtime's,
// so it really was taken mid-polling, and hold no fragment of the key or
// the token.
func TestSignalsGiveTheTerminalBack(t *testing.T) {
	tests := []struct {
		sig  syscall.Signal
		code int
		says []string
	}{
		{syscall.SIGHUP, 128 + int(syscall.SIGHUP), []string{"stopped by SIGHUP"}},
		{syscall.SIGTERM, 128 + int(syscall.SIGTERM), []string{"stopped by SIGTERM"}},
		{syscall.SIGINT, 128 + int(syscall.SIGINT), []string{"stopped by SIGINT"}},
		{syscall.SIGQUIT, 2, []string{"SIGQUIT", "goroutine ", "watch.(*Engine)", "runtime."}},
	}
	t.Parallel()
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			c, state, _ := dashboardInPTY(t, "GOTRACEBACK=system")
			if err := c.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			if code := c.wait(t, 20*time.Second); code != tt.code {
				t.Errorf("exit %d, want %d:\n%s", code, tt.code, tail(c.text(), 2000))
			}
			terminalGivenBack(t, c)
			for _, says := range tt.says {
				if !strings.Contains(c.text(), says) {
					t.Errorf("the terminal does not say %q, so it proves nothing:\n%s", says, tail(c.out.String(), 4000))
				}
			}
			watchListWhole(t, state)
			noLeak(t, "terminal after "+tt.sig.String(), c.out.String())
		})
	}
}

// TestPanicGivesTheTerminalBack: a panic in Update, View, a Cmd (alone, in
// a Batch, in a Sequence) or a goroutine the dashboard started restores
// the terminal, keeps the watch list whole, exits 3 and says so in a few
// lines naming the crash log; neither the screen nor the log holds the
// secret the panic value carried.
func TestPanicGivesTheTerminalBack(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"update", "view", "cmd", "batch", "sequence", "goroutine"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c, state, logFile := dashboardInPTY(t, panicEnv+"="+kind)
			mark := len(c.out.String())
			c.tty.Write([]byte("!"))
			if code := c.wait(t, 20*time.Second); code != exitPanic {
				t.Errorf("exit %d, want %d:\n%s", code, exitPanic, tail(c.text(), 2000))
			}
			terminalGivenBack(t, c)
			after := c.out.String()[mark:]
			for _, want := range []string{"internal error", "watch list " + state + " is intact", logFile} {
				if !strings.Contains(after, want) {
					t.Errorf("the note lacks %q:\n%s", want, tail(after, 2000))
				}
			}
			value := map[string]string{"batch": "cmd", "sequence": "cmd"}[kind]
			if value == "" {
				value = kind
			}
			if strings.Contains(after, "goroutine ") || strings.Contains(after, value+" [redacted]") {
				t.Errorf("the stack or the panic value reached the screen:\n%s", tail(after, 2000))
			}
			noLeak(t, "terminal after a panic", c.out.String())
			watchListWhole(t, state)
			log, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(log), "panic: "+value+" [redacted]") || !strings.Contains(string(log), "goroutine ") {
				t.Errorf("the crash log lacks the panic and its stack:\n%s", tail(string(log), 2000))
			}
			noLeak(t, "crash log", string(log))
		})
	}
}

// TestTypedAheadKeysDropped: keys typed while start-up waits on the watch
// list's lock (held here by the test) are dropped, not replayed into the
// dashboard as "a" (add) and a task name; and start-up says what it waits
// for.
func TestTypedAheadKeysDropped(t *testing.T) {
	t.Parallel()
	ep := emutest.Start(t, emulator.Config{SecretID: canaryID, SecretKey: canaryKey}, secretScenario).URL()
	state, release := lockedState(t)
	c := startPTY(t, []string{"--endpoint", ep, "--sdk-app-id", "1400000001", "--state", state, "sec-live-1"}, canaryEnviron(t), 120, 30)
	c.waitText(t, "waiting for the watch list "+state, 15*time.Second)
	c.tty.Write([]byte("atyped-ahead-task"))
	c.waitText(t, "atyped-ahead-task", 5*time.Second) // the terminal echoed it: it is queued
	release()
	c.waitText(t, "InProgress", 15*time.Second)
	c.tty.Write([]byte("\r")) // would submit the replayed task name
	c.tty.Write([]byte("q"))  // quits, or (after a submit) quits too
	if code := c.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d:\n%s", code, tail(c.text(), 2000))
	}
	out := c.text()
	if drawn := out[strings.LastIndex(out, "atyped-ahead-task")+len("atyped-ahead-task"):]; strings.Contains(drawn, "typed-ahead-task") {
		t.Errorf("the typed-ahead keys reached the dashboard:\n%s", tail(drawn, 2000))
	}
	data, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "typed-ahead-task") || !strings.Contains(string(data), "sec-live-1") {
		t.Errorf("watch list after start-up:\n%s", data)
	}
}
