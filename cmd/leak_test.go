//go:build unix

package cmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"go.uber.org/goleak"
)

// TestDashboardLeavesNoGoroutine runs the whole program in this process
// (run, as main does, with --demo) on a pseudo-terminal, waits until the
// demo's emulator, feeder, engine and Bubble Tea all run, quits with q,
// and then requires every goroutine started since to have ended: the
// engine, the demo's feeder and its stop timers, the emulator's server,
// the client's connections, the guard's and Bubble Tea's own.
//
// Bubble Tea reads os.Stdin and draws on os.Stdout, so for the run those
// are the terminal's end; the test's own output is not written meanwhile.
func TestDashboardLeavesNoGoroutine(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("TERM", "xterm-256color")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 120, Rows: 40}); err != nil {
		t.Fatal(err)
	}
	// Taken before anything of ours starts; the pty reader below is the
	// test's own and ends when ptmx closes.
	before := goleak.IgnoreCurrent()

	var mu sync.Mutex
	var screen bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	drawn := func(s string) bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(screen.String(), s)
	}

	stdin, stdout := os.Stdin, os.Stdout
	os.Stdin, os.Stdout = tty, tty
	code := make(chan int, 1)
	go func() { code <- run(context.Background(), []string{"--demo"}, tty, tty, io.Discard) }()
	// Wait until the engine has polled (a row shows the API's InProgress):
	// by then the emulator, client, engine, feeder and Bubble Tea all run.
	var up bool
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if up = drawn("● InProgress"); up {
			break
		}
	}
	ptmx.Write([]byte("q")) //nolint:errcheck // a failed write shows as the exit timeout below
	var got int
	var ended bool
	select {
	case got = <-code:
		ended = true
	case <-time.After(20 * time.Second):
	}
	os.Stdin, os.Stdout = stdin, stdout
	tty.Close()
	if !up {
		t.Fatal("the demo dashboard never showed an InProgress row")
	}
	if !ended {
		t.Fatal("run did not return within 20s of q")
	}
	if got != 0 {
		t.Fatalf("run returned %d after q", got)
	}
	ptmx.Close()
	<-read
	goleak.VerifyNone(t, before)
}
