//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("hello"), 0o600)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 100), 0o600)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, fi, err := ReadRegular(ok, 10); err != nil || string(b) != "hello" || fi.Size() != 5 {
		t.Fatalf("regular file: %q %v", b, err)
	}
	// The refusals are typed, so a caller can word its own message.
	var large *TooLargeError
	if _, _, err := ReadRegular(big, 10); !errors.As(err, &large) || large.Size != 100 || large.Limit != 10 || large.Grew {
		t.Errorf("too large: %#v", err)
	}
	var odd *NotRegularError
	if _, _, err := ReadRegular(dir, 10); !errors.As(err, &odd) || !odd.Mode.IsDir() {
		t.Errorf("a directory: %#v", err)
	}
	for _, tc := range []struct{ path, want string }{
		{big, "more than the 10 allowed"},
		{fifo, "is not a regular file (a FIFO)"},
		{"/dev/zero", "is not a regular file (a character device)"},
		{dir, "is not a regular file (a directory)"},
		{filepath.Join(dir, "none"), "no such file"},
	} {
		done := make(chan error, 1)
		go func() { _, _, err := ReadRegular(tc.path, 10); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ReadRegular hangs", tc.path)
		}
	}
}

func TestLoose(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, nil, 0o600)
	for _, tc := range []struct {
		mode os.FileMode
		want string
	}{
		{0o600, ""},
		{0o644, ""},
		{0o620, "is writable by its group (mode 0620)"},
		{0o602, "is writable by every user (mode 0602)"},
		{0o666, "is writable by every user (mode 0666)"},
	} {
		os.Chmod(path, tc.mode)
		fi, _ := os.Stat(path)
		if got := Loose(fi); got != tc.want {
			t.Errorf("mode %04o: %q, want %q", tc.mode, got, tc.want)
		}
	}
	if os.Geteuid() == 0 { // only root can give a file away
		os.Chmod(path, 0o600)
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		if got := Loose(fi); got != "belongs to another user (uid 65534)" {
			t.Errorf("a file of uid 65534: %q", got)
		}
	}
	fi, _ := os.Stat("/usr") // root's, 0755: trusted
	if got := Loose(fi); got != "" {
		t.Errorf("/usr: %q", got)
	}
}
