package serve

import (
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trtcwatch/trtcwatch/watch"
)

// captureStderr collects what is written to the process's stderr (file
// descriptor 2: Bubble Tea prints a caught panic there) while the test
// runs. The descriptor is swapped, not os.Stderr, which other goroutines
// read.
func captureStderr(t *testing.T) func() string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := unix.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup2(int(w.Fd()), 2); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var got lockedBuffer
	done := make(chan struct{})
	go func() { io.Copy(&got, r); close(done) }()
	var once sync.Once
	restore := func() string {
		once.Do(func() {
			unix.Dup2(saved, 2) //nolint:errcheck // back to the test's own stderr
			unix.Close(saved)
			<-done
			r.Close()
		})
		return got.String()
	}
	t.Cleanup(func() { restore() })
	return restore
}

// TestSessionPanicIsContained: a panic in a session's dashboard, in Update
// or View (through Options.Now) or in a command (an export), ends only
// that session, with a polite line; it is logged with its stack to the
// server's log, nothing reaches the server's stderr, and the server keeps
// serving. Before, Bubble Tea printed the panic and stack on the server's
// stderr and the session was cut without a word.
func TestSessionPanicIsContained(t *testing.T) {
	var armed atomic.Bool
	var logged lockedBuffer
	r := startRig(t, 2, time.Second, func(c *Config) {
		c.Log = slog.New(slog.NewTextHandler(&logged, nil))
		c.Options.Now = func() time.Time {
			if armed.CompareAndSwap(true, false) {
				panic("boom in the dashboard")
			}
			return time.Now()
		}
		c.Options.ExportFormats = []string{"csv"}
		c.Options.Export = func(string, []watch.Task, *time.Location, time.Time) (string, error) {
			panic("boom in a command")
		}
	})
	stderr := captureStderr(t)
	for _, tc := range []struct {
		name, keys, panic string
		arm               bool
	}{
		{"update", "j", "boom in the dashboard", true},
		{"command", "x", "boom in a command", false},
	} {
		tm := open(t, r.addr, r.alice, nil, true)
		tm.waitText(t, "task-0001", wait)
		armed.Store(tc.arm)
		tm.typeText(t, tc.keys)
		tm.waitEnd(t, wait)
		if !strings.Contains(tm.text(), "trtcwatch: "+panicGoodbye) {
			t.Fatalf("%s: no goodbye line:\n%s", tc.name, tail(tm.text(), 800))
		}
		log := logged.String()
		if !strings.Contains(log, "session panic") || !strings.Contains(log, tc.panic) || !strings.Contains(log, "stack=") ||
			!strings.Contains(log, "goroutine") {
			t.Fatalf("%s: the log has no panic with its stack:\n%s", tc.name, log)
		}
		// The server still serves.
		next := open(t, r.addr, r.reader, nil, true)
		next.waitText(t, "task-0001", wait)
		next.typeText(t, "q")
		next.waitEnd(t, wait)
	}
	if out := stderr(); out != "" {
		t.Fatalf("the server's stderr got:\n%s", tail(out, 2000))
	}
}
