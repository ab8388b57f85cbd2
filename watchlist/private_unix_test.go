//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package watchlist

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckPrivate: a file is trusted only where the watch list would be,
// and only when nobody but its owner may write it.
func TestCheckPrivate(t *testing.T) {
	file := func(mode os.FileMode) func(t *testing.T, dir string) string {
		return func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "events.jsonl")
			if err := os.WriteFile(p, []byte("{}\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		want  string // "" means accepted
	}{
		{"private file", file(0o600), ""},
		{"readable by all", file(0o644), ""},
		{"absent file", func(t *testing.T, dir string) string { return filepath.Join(dir, "none") }, ""},
		{"absent directory", func(t *testing.T, dir string) string { return filepath.Join(dir, "no", "none") }, ""},
		{"writable by others", file(0o606), "writable by every user"},
		{"writable by the group", file(0o620), "writable by its group"},
		{"a symbolic link", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "link")
			if err := os.Symlink(file(0o600)(t, dir), p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "symbolic link"},
		{"directory writable by others", func(t *testing.T, dir string) string {
			return file(0o600)(t, mkdirMode(t, filepath.Join(dir, "shared"), 0o777|os.ModeSticky))
		}, "writable by every user"},
	}
	if os.Geteuid() == 0 { // only root can give a file away; the suite runs as root
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, dir string) string
			want  string
		}{"owned by another user", func(t *testing.T, dir string) string {
			p := file(0o600)(t, dir)
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
			return p
		}, "belongs to another user"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPrivate(tt.setup(t, t.TempDir()))
			var unsafe *unsafePathError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (!errors.As(err, &unsafe) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("CheckPrivate = %v, want an *unsafePathError saying %q", err, tt.want)
			}
		})
	}
}
