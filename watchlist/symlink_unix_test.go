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
			f := Open(link)
			got, warns := f.Load()
			if len(got) != 0 || len(warns) != 1 || !strings.Contains(warns[0], "symbolic link") ||
				!strings.Contains(warns[0], "will not be saved") {
				t.Fatalf("Load = %v, %q; want nothing and a warning about the link", got, warns)
			}
			if err := f.Update(add(entry("a", 1))); err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Fatalf("Update through a link = %v, want read-only", err)
			}
			// A fresh File that skips Load must refuse as well.
			if err := Open(link).Update(add(entry("a", 1))); err == nil || !strings.Contains(err.Error(), "symbolic link") {
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
