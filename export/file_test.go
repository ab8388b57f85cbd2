package export

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exports")
	p1, err := WriteFile(dir, Markdown, fixture(), zone, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "trtcwatch-20261128-224301.md"); p1 != want {
		t.Fatalf("path %s, want %s (named after now in the zone)", p1, want)
	}
	st, err := os.Stat(p1)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v; want 0600", st.Mode(), err)
	}
	if dst, _ := os.Stat(dir); dst.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, want 0700", dst.Mode())
	}
	first, _ := os.ReadFile(p1)
	if !strings.HasPrefix(string(first), "| Task | SdkAppId |") {
		t.Errorf("content:\n%s", first)
	}

	// The same second again never overwrites: the next name is taken.
	p2, err := WriteFile(dir, Markdown, fixture()[:1], zone, now)
	if err != nil || p2 != filepath.Join(dir, "trtcwatch-20261128-224301-2.md") {
		t.Fatalf("second export %s, %v", p2, err)
	}
	if again, _ := os.ReadFile(p1); string(again) != string(first) {
		t.Fatal("the first export was overwritten")
	}
	for _, f := range []Format{CSV, JSON, Table} {
		p, err := WriteFile(dir, f, fixture(), zone, now)
		if err != nil || filepath.Ext(p) != "."+f.ext() {
			t.Errorf("%s: %s, %v", f, p, err)
		}
	}
	if _, err := WriteFile(dir, "xml", nil, zone, now); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestWriteFileFailures(t *testing.T) {
	dir := t.TempDir()
	// A directory that cannot be created: a file is in the way.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFile(filepath.Join(blocker, "sub"), CSV, fixture(), zone, now); err == nil || !strings.Contains(err.Error(), "export: create") {
		t.Errorf("err %v", err)
	}
	// Every name taken: a clear error, nothing overwritten.
	full := filepath.Join(dir, "full")
	os.Mkdir(full, 0o700)
	for i := 1; i <= maxSameName; i++ {
		name := "trtcwatch-20261128-224301"
		if i > 1 {
			name += "-" + itoa(i)
		}
		os.WriteFile(filepath.Join(full, name+".csv"), []byte("keep"), 0o600)
	}
	if _, err := WriteFile(full, CSV, fixture(), zone, now); err == nil || !strings.Contains(err.Error(), "already exist") {
		t.Errorf("err %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(full, "trtcwatch-20261128-224301.csv")); string(b) != "keep" {
		t.Error("an existing file was overwritten")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/state")
	if got := defaultDir(); got != filepath.Join("/state", "trtcwatch", "exports") {
		t.Errorf("defaultDir with XDG_STATE_HOME = %s", got)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if got := defaultDir(); got != filepath.Join("/home/u", ".local", "state", "trtcwatch", "exports") {
		t.Errorf("defaultDir ignoring a relative XDG_STATE_HOME = %s", got)
	}
}
