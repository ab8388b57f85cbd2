//go:build unix

package cmd

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/ui"
)

// serveRun is `trtcwatch serve` run in this process with a context the
// test ends, its stdout read into a buffer and its exit code on code.
type serveRun struct {
	cancel         context.CancelCauseFunc
	stdout, stderr lockedBuffer
	code           chan int
}

func startServe(t *testing.T, args ...string) *serveRun {
	t.Helper()
	return launchServe(t, func(ctx context.Context, keys string, stdout, stderr io.Writer) int {
		return run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--authorized-keys", keys}, args...), nil, stdout, stderr)
	})
}

// startServeKey is startServe with the client signing with cred, given
// in the backend's client configuration as the environment would give
// it: the test needs no t.Setenv and may run in parallel.
func startServeKey(t *testing.T, cred *common.Credential, args ...string) *serveRun {
	t.Helper()
	return launchServe(t, func(ctx context.Context, keys string, stdout, stderr io.Writer) int {
		f, b, err := newServe(append([]string{"--listen", "127.0.0.1:0", "--authorized-keys", keys}, args...), io.Discard, ui.DefaultKeyMap())
		if err != nil {
			return fail(stderr, err)
		}
		b.cfg.Credential = cred
		return f.serve(ctx, b, stdout, stderr)
	})
}

// launchServe runs serve (start) with an empty authorized_keys file.
func launchServe(t *testing.T, start func(ctx context.Context, keys string, stdout, stderr io.Writer) int) *serveRun {
	t.Helper()
	keys := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(keys, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	s := &serveRun{cancel: cancel, code: make(chan int, 1)}
	outR, outW := io.Pipe()
	go io.Copy(&s.stdout, outR) //nolint:errcheck // ends when serve returns
	go func() {
		s.code <- start(ctx, keys, outW, &s.stderr)
		outW.Close()
	}()
	t.Cleanup(func() { cancel(nil) })
	return s
}

// wait waits for serve to return and gives its exit code.
func (s *serveRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case c := <-s.code:
		return c
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not return; stderr:\n%s", s.stderr.String())
	}
	return -1
}

// waitFor waits until buf shows want.
func waitFor(t *testing.T, buf *lockedBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(buf.String(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never said %q; it said:\n%s", want, buf.String())
		}
	}
}

// TestServeEventLogBesideState: serve puts the event log where the
// dashboard does, beside --state even with --demo (where the watch list
// itself is the demo's throwaway one), so `trtcwatch events --state FILE`
// finds what a demo server logged.
func TestServeEventLogBesideState(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	state := filepath.Join(t.TempDir(), "watchlist.json")
	s := startServe(t, "--demo", "--state", state)
	waitFor(t, &s.stdout, "listening on")
	s.cancel(signalCause{syscall.SIGTERM})
	if c := s.wait(t); c != 128+int(syscall.SIGTERM) {
		t.Fatalf("exit %d:\n%s", c, s.stderr.String())
	}
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"events", "--state", state}, nil, &out, &errOut); code != 0 ||
		!strings.Contains(out.String(), "1400000001:") || !strings.Contains(out.String(), "server") {
		t.Errorf("events --state beside serve --demo --state: exit %d\n%s%s", code, out.String(), errOut.String())
	}
}

// TestServePanicIsCaught: a panic on a goroutine serve started (as on one
// the dashboard started) stops the server with the guard's short report
// (exit 3, no secret, the details in the --log-file), instead of killing
// the process mid-save.
func TestServePanicIsCaught(t *testing.T) {
	setCanaryEnv(t)
	testSpawn = func(spawn func(func())) { spawn(func() { panic("goroutine " + canaryKey) }) }
	t.Cleanup(func() { testSpawn = nil })
	dir := t.TempDir()
	logFile := filepath.Join(dir, "debug.log")
	s := startServe(t, "--demo", "--state", filepath.Join(dir, "watchlist.json"), "--log-file", logFile)
	if c := s.wait(t); c != exitPanic {
		t.Fatalf("exit %d, want %d:\n%s", c, exitPanic, s.stderr.String())
	}
	for _, want := range []string{"internal error, the server stopped", "details for a bug report are in " + logFile} {
		if !strings.Contains(s.stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, s.stderr.String())
		}
	}
	noLeak(t, "stderr", s.stderr.String())
	log, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(log), "panic: goroutine [redacted]") {
		t.Errorf("the crash log lacks the panic (%v):\n%s", err, log)
	}
	noLeak(t, "crash log", string(log))
}

// TestServeWaitsForTheLock: while another trtcwatch holds the watch
// list's lock, serve says what it waits for and does not say it listens
// before the command-line tasks are saved, as the dashboard does not
// start before.
func TestServeWaitsForTheLock(t *testing.T) {
	t.Parallel()
	ep := emutest.Start(t, emulator.Config{SecretID: canaryID, SecretKey: canaryKey}, secretScenario).URL()
	state, release := lockedState(t)
	s := startServeKey(t, common.NewCredential(canaryID, canaryKey), "--endpoint", ep, "--region", "ap-singapore", "--sdk-app-id", "1400000001", "--state", state, "sec-live-1")
	waitFor(t, &s.stderr, "waiting for the watch list "+state+" (another trtcwatch may hold its lock)\n")
	if strings.Contains(s.stdout.String(), "listening") {
		t.Errorf("serve listens before its tasks are saved:\n%s", s.stdout.String())
	}
	release()
	waitFor(t, &s.stdout, "listening on")
	if b, err := os.ReadFile(state); err != nil || !strings.Contains(string(b), "sec-live-1") {
		t.Errorf("the command-line task is not saved once serve listens (%v):\n%s", err, b)
	}
	s.cancel(signalCause{syscall.SIGTERM})
	if c := s.wait(t); c != 128+int(syscall.SIGTERM) {
		t.Errorf("exit %d:\n%s", c, s.stderr.String())
	}
}

// lockedState is a watch-list path in a directory of its own whose lock
// the test holds, as another trtcwatch would; release lets it go.
func lockedState(t *testing.T) (state string, release func()) {
	t.Helper()
	state = filepath.Join(t.TempDir(), "watchlist.json")
	lock, err := os.OpenFile(state+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Close() })
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	return state, func() {
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_UN); err != nil {
			t.Fatal(err)
		}
	}
}
