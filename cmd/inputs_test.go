//go:build unix

package cmd

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"
	"time"
)

// endless is an input that never ends, as /dev/zero or `yes` on a pipe.
// It copies whole chunks: a loop that sets each byte costs seconds under
// the race detector for the 16 MiB snapshot reads before it stops.
type endless struct{}

var endlessChunk = bytes.Repeat([]byte("a"), 64<<10)

func (endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], endlessChunk)
	}
	return n, nil
}

// TestSnapshotStdinBounded: `snapshot -` reading an endless stdin stops at
// its bound and refuses the list with a clear error, exit 2.
func TestSnapshotStdinBounded(t *testing.T) {
	t.Parallel() // the TASKs are read before credentials are looked for: no environment needed
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"snapshot", "--endpoint", "http://127.0.0.1:1", "--sdk-app-id", "1400000001", "-"}, endless{}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "the rest was not read") {
		t.Fatalf("exit %d, stderr %.300q; want exit 2 naming the bound", code, stderr.String())
	}
}

// TestLogFileMustBeRegular: a --log-file that is a device or a FIFO is
// refused before anything starts (a FIFO would block the open forever).
func TestLogFileMustBeRegular(t *testing.T) {
	fifo := t.TempDir() + "/fifo"
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/null", fifo, t.TempDir()} {
		if _, _, err := openLog(path); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("openLog(%s) = %v, want a refusal", path, err)
		}
	}
	if log, closeLog, err := openLog(t.TempDir() + "/debug.log"); err != nil || log == nil {
		t.Fatalf("a regular log file: %v", err)
	} else {
		closeLog()
	}
}

// TestKeyFilesWithAFIFO: a named pipe given as --keys-file or
// --callback-key-file (nobody writes to it) is refused as not a regular
// file; it does not hang the emulator's start.
func TestKeyFilesWithAFIFO(t *testing.T) {
	fifo := t.TempDir() + "/keys"
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--keys-file", fifo}, {"--callback-url", "http://127.0.0.1:1/", "--callback-key-file", fifo}} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"emulator", "--quiet"}, args...), nil, &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), fifo+" is not a regular file (a FIFO)") {
				t.Errorf("%v: exit %d, %q", args, code, stderr.String())
			}
		}()
		select {
		case <-done:
		case <-time.After(time.Minute): // a hang, not a speed limit
			t.Fatalf("%v: a named pipe hangs the emulator's start", args)
		}
	}
}
