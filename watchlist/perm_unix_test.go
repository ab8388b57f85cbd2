//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the unprivileged user the permission tests run as when the
// suite runs as root: root reads and writes past file modes, so "unreadable"
// and "read-only" mean nothing to it.
const nobody = 65534

// unprivileged reports whether the calling test may go on here. As root it
// runs the same test again in a child process as nobody (from a copy of this
// test binary that nobody may execute), checks it passed, and reports false.
func unprivileged(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return true
	}
	dir, err := os.MkdirTemp("", "watchlist-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "watchlist.test")
	if err := copyFile(os.Args[0], bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = childEnv("HOME="+dir, "TMPDIR="+os.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s as uid %d: %v\n%s", t.Name(), nobody, err, out)
	}
	t.Logf("ran as uid %d:\n%s", nobody, out)
	return false
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestLoadUnreadable: a watch list the user may not read is reported, left
// alone, and the session goes on read-only with an empty list.
func TestLoadUnreadable(t *testing.T) {
	if !unprivileged(t) {
		return
	}
	checkDamaged(t, func(t *testing.T, dir string) string {
		path := write(valid1)(t, dir)
		if err := os.Chmod(path, 0); err != nil {
			t.Fatal(err)
		}
		return path
	}, 0, untouched, []string{"cannot read watch list", "permission denied", "started with an empty list"})
}

// TestReadOnlyDirectory: the file is readable but its directory takes no
// writes, as on a read-only file system. Fresh, the lock cannot be made:
// the tasks load and the session is read-only. With the lock left by an
// earlier session, the tasks load, and a change is refused with the reason
// while the file stays as it was.
func TestReadOnlyDirectory(t *testing.T) {
	if !unprivileged(t) {
		return
	}
	t.Run("no lock yet", func(t *testing.T) {
		checkDamaged(t, func(t *testing.T, dir string) string {
			sub := filepath.Join(dir, "ro")
			os.Mkdir(sub, 0o700)
			path := write(valid1)(t, sub)
			if err := os.Chmod(sub, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(sub, 0o700) })
			return path
		}, 1, untouched, []string{"cannot be locked for writing", "permission denied", "loaded 1 task"})
	})
	t.Run("lock from an earlier session", func(t *testing.T) {
		sub := filepath.Join(t.TempDir(), "ro")
		os.Mkdir(sub, 0o700)
		path := write(valid1)(t, sub)
		if err := Open(path, Options{}).Update(func(e []Entry) []Entry { return e }); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		if err := os.Chmod(sub, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(sub, 0o700) })
		f := Open(path, Options{})
		got, warns := f.Load()
		if len(got) != 1 || len(warns) != 0 {
			t.Fatalf("Load = %d entries, warnings %q; want the 1 task and no warning", len(got), warns)
		}
		err := f.Update(add(entry("new", 1)))
		if err == nil || !strings.Contains(err.Error(), path) && !strings.Contains(err.Error(), sub) || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("Update in a read-only directory: err = %v, want the place and the reason", err)
		}
		t.Logf("Update refused: %v", err)
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Fatalf("the file changed:\n%s\n%s", before, after)
		}
	})
}
