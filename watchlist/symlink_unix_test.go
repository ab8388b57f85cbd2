//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymlinkedListIsRefused: a --state path that is a symbolic link is
// neither read, moved, replaced nor chmodded through; the session is
// read-only and says why. The link's target is exactly as it was, even when
// it is damaged (it used to be renamed aside through the link).
func TestSymlinkedListIsRefused(t *testing.T) {
	for _, tc := range []struct{ name, content string }{
		{"valid target", valid1},
		{"corrupt target", "{not json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "elsewhere", "precious.json")
			os.MkdirAll(filepath.Dir(target), 0o700)
			if err := os.WriteFile(target, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, "watchlist.json")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			f := Open(link, Options{})
			got, warns := f.Load()
			if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0], "symbolic link") ||
				!strings.Contains(warns[0], "will not be saved") {
				t.Fatalf("Load = %v, %q; want nothing and a warning about the link", got, warns)
			}
			if err := f.Update(add(entry("a", 1))); err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Fatalf("Update through a link = %v, want read-only", err)
			}
			// A fresh File that skips Load must refuse as well.
			if err := Open(link, Options{}).Update(add(entry("a", 1))); err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("Update without Load = %v, want the link refused", err)
			}
			assertUntouched(t, target, tc.content, 0o644)
			if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("the link itself was replaced (%v)", err)
			}
			if names := dirNames(t, dir); len(names) != 2 {
				t.Fatalf("directory holds %v, want only the link and the target's directory", names)
			}
		})
	}
}

func assertUntouched(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	st, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("%s vanished: %v", path, err)
	}
	if st.Mode().Perm() != mode {
		t.Errorf("%s mode %v, want %v", path, st.Mode().Perm(), mode)
	}
	if b, _ := os.ReadFile(path); string(b) != content {
		t.Errorf("%s now holds %q, want %q", path, b, content)
	}
}

// TestUnsafePlaces covers the rest of the class: a place another user could
// swap files in, a lock file that is a link, a list that belongs to someone
// else. Each is refused with the reason, read-only, and nothing outside the
// watch list's own names is touched.
func TestUnsafePlaces(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the --state path
		want  string
	}{
		{"directory writable by others", func(t *testing.T, dir string) string {
			sub := mkdirMode(t, filepath.Join(dir, "shared"), 0o777)
			return write(valid1)(t, sub)
		}, "writable by every user"},
		{"directory writable by others with the sticky bit", func(t *testing.T, dir string) string {
			sub := mkdirMode(t, filepath.Join(dir, "tmp"), 0o777|os.ModeSticky)
			return write(valid1)(t, sub)
		}, "writable by every user"},
		{"parent writable by others without the sticky bit", func(t *testing.T, dir string) string {
			up := mkdirMode(t, filepath.Join(dir, "open"), 0o777)
			sub := mkdirMode(t, filepath.Join(up, "mine"), 0o700)
			return write(valid1)(t, sub)
		}, "no sticky bit"},
		{"lock file is a link", func(t *testing.T, dir string) string {
			victim := filepath.Join(dir, "victim")
			os.WriteFile(victim, []byte("keep me"), 0o644)
			path := write(valid1)(t, dir)
			if err := os.Symlink(victim, path+".lock"); err != nil {
				t.Fatal(err)
			}
			return path
		}, "symbolic link"},
	}
	if os.Geteuid() == 0 { // only root can give a file away; the suite runs as root
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, dir string) string
			want  string
		}{"list owned by another user", func(t *testing.T, dir string) string {
			path := write(valid1)(t, dir)
			if err := os.Chown(path, nobody, nobody); err != nil {
				t.Fatal(err)
			}
			return path
		}, "another user"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			before := snapshotDir(t, dir)
			f := Open(path, Options{})
			got, warns := f.Load()
			if len(warns) != 1 || !strings.Contains(warns[0], tt.want) || !strings.Contains(warns[0], "will not be saved") {
				t.Fatalf("Load = %v, %q; want a warning saying %q", got, warns, tt.want)
			}
			if err := f.Update(add(entry("b", 2))); err == nil {
				t.Fatal("Update in an unsafe place succeeded")
			}
			if err := Open(path, Options{}).Update(add(entry("b", 2))); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Update without Load = %v, want %q", err, tt.want)
			}
			if after := snapshotDir(t, dir); after != before {
				t.Fatalf("files changed:\n%s\n---\n%s", before, after)
			}
		})
	}
}

// TestPlantedTempLink: a link planted under the name of a temp file, or a
// stale-looking temp name, is neither written through nor followed.
func TestPlantedTempLink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("keep me"), 0o644)
	path := filepath.Join(dir, "watchlist.json")
	for _, name := range []string{"watchlist.json.tmp-1", "watchlist.json.tmp-2"} {
		if err := os.Symlink(victim, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	f := Open(path, Options{})
	f.Load()
	for i := range 20 {
		if err := f.Update(add(entry("a", i))); err != nil {
			t.Fatal(err)
		}
	}
	assertUntouched(t, victim, "keep me", 0o644)
	if got, _ := Open(path, Options{}).Load(); len(got) != 20 {
		t.Fatalf("loaded %d entries, want 20", len(got))
	}
}

func mkdirMode(t *testing.T, dir string, mode os.FileMode) string {
	t.Helper()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshotDir lists every name under dir with its mode and content.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		b.WriteString(p + " " + fi.Mode().String())
		if fi.Mode().IsRegular() {
			data, _ := os.ReadFile(p)
			b.WriteString(" " + string(data))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}
