//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// holdChild holds the lock (inside an Update) until its stdin closes.
func holdChild(path string) {
	err := Open(path, Options{}).Update(func(e []Entry) []Entry {
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		return e
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(4)
	}
}

// TestLockWaitTimesOut: a lock held by another handle is waited for with a
// word about it, then given up after the timeout with a clear error; Load
// goes on read-only with what it could read.
func TestLockWaitTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		path := write(valid1)(t, dir)
		release, err := lockFile(path, time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		var waits []LockWait
		f := Open(path, Options{LockTimeout: 10 * time.Second, OnLockWait: func(w LockWait) { waits = append(waits, w) }})
		start := time.Now()
		got, warns := f.Load()
		if waited := time.Since(start); waited != 10*time.Second {
			t.Errorf("Load waited %v, want the 10s timeout", waited)
		}
		pid := fmt.Sprintf("pid %d", os.Getpid())
		if len(waits) != 1 || waits[0].Pid != os.Getpid() || !strings.Contains(waits[0].String(), "waiting for the watch list lock on "+path) ||
			!strings.Contains(waits[0].String(), pid) {
			t.Fatalf("waits = %v, want one naming the file and %s", waits, pid)
		}
		if len(got) != 1 || len(warns) != 1 || !strings.Contains(warns[0], "gave up waiting") || !strings.Contains(warns[0], pid) ||
			!strings.Contains(warns[0], "will not be saved") {
			t.Fatalf("Load = %v, %q", got, warns)
		}
		err = Open(path, Options{LockTimeout: 3 * time.Second}).Update(add(entry("b", 1)))
		var lt *lockTimeoutError
		if !errors.As(err, &lt) || lt.Pid != os.Getpid() || lt.Waited != 3*time.Second {
			t.Fatalf("Update = %v, want a lockTimeoutError after 3s naming pid %d", err, os.Getpid())
		}
	})
}

// TestLockWaitEnds: the holder lets go after 3s; Load then takes the lock
// and loads normally, having said once that it waited.
func TestLockWaitEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := write(valid1)(t, t.TempDir())
		release, err := lockFile(path, time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		go func() { time.Sleep(3 * time.Second); release() }()
		waits := 0
		got, warns := Open(path, Options{OnLockWait: func(LockWait) { waits++ }}).Load()
		if len(got) != 1 || warns != nil || waits != 1 {
			t.Fatalf("Load = %v, %q after %d waits; want the task, no warning, one wait", got, warns, waits)
		}
	})
}

// TestLockHeldByAnotherProcess: the lock held by a child process names the
// child's pid, and the wait ends at the timeout.
func TestLockHeldByAnotherProcess(t *testing.T) {
	path := write(valid1)(t, t.TempDir())
	cmd := child(t, "hold", path, "")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	var seen LockWait
	f := Open(path, Options{LockTimeout: 100 * time.Millisecond, OnLockWait: func(w LockWait) { seen = w }})
	_, warns := f.Load()
	if seen.Pid != cmd.Process.Pid {
		t.Errorf("wait named pid %d, want the child's %d", seen.Pid, cmd.Process.Pid)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], fmt.Sprintf("another trtcwatch (pid %d)", cmd.Process.Pid)) {
		t.Fatalf("warnings %q", warns)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	if _, warns := Open(path, Options{}).Load(); warns != nil {
		t.Fatalf("after the child let go: %q", warns)
	}
}

// TestChanged: another File's save is seen, one's own is not, and a list
// whose directory did not exist at Load is seen once another process makes it.
func TestChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "watchlist.json")
	a, b := Open(path, Options{}), Open(path, Options{})
	a.Load()
	if a.Changed() {
		t.Fatal("Changed before anyone wrote")
	}
	if err := b.Update(add(entry("b", 1))); err != nil {
		t.Fatal(err)
	}
	if !a.Changed() || b.Changed() {
		t.Fatalf("after b's save: a.Changed()=%v (want true), b.Changed()=%v (want false)", a.Changed(), b.Changed())
	}
	if err := a.Update(func(e []Entry) []Entry { return e }); err != nil {
		t.Fatal(err)
	}
	if a.Changed() {
		t.Fatal("a still sees a change after reading the file")
	}
	for i := 2; i < 30; i++ { // same size each time: the rename is what shows
		if err := b.Update(func(e []Entry) []Entry { e[0].Note = fmt.Sprint(i % 10); return e }); err != nil {
			t.Fatal(err)
		}
		if !a.Changed() {
			t.Fatalf("save %d by b not seen", i)
		}
		a.Update(func(e []Entry) []Entry { return e })
	}
}
