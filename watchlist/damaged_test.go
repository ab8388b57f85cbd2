package watchlist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const valid1 = `{"version":1,"tasks":[{"region":"ap-singapore","sdk_app_id":1400000001,"task_id":"a-0001","added_at":"2026-11-25T21:40:01Z"}]}`

func write(content string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		path := filepath.Join(dir, "watchlist.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
}

// huge makes a 100 MB file, sparse so the test is fast; Load must not read it.
func huge(t *testing.T, dir string) string {
	path := filepath.Join(dir, "watchlist.json")
	f, err := os.Create(path)
	if err == nil {
		err = f.Truncate(100 << 20)
		f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// Outcomes of loading a damaged file.
const (
	moved     = "moved"     // renamed aside, list starts empty, writable
	copied    = "copied"    // copy kept aside, valid entries written back
	untouched = "untouched" // nothing moved; read-only for the session
)

func TestLoadDamaged(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns the path
		entries int
		outcome string
		warn    []string
	}{
		{"not JSON", write("hello, not json"), 0, moved,
			[]string{"is not valid JSON (invalid character 'h'", "moved it to", "started with an empty list"}},
		{"truncated", write(`{"version":1,"tasks":[{"region":"ap-singapore"`), 0, moved,
			[]string{"is not valid JSON (unexpected end of JSON input"}},
		{"array", write(`[{"version":1}]`), 0, moved, []string{"is JSON but not a watch list"}},
		{"tasks not an array", write(`{"version":1,"tasks":{"a":1}}`), 0, moved, []string{"not a watch list"}},
		{"no version", write(`{"tasks":[]}`), 0, moved, []string{"has no format version"}},
		{"version 0", write(`{"version":0,"tasks":[]}`), 0, moved, []string{"has format version 0"}},
		{"version string", write(`{"version":"1","tasks":[]}`), 0, moved, []string{`not a whole number ("1")`}},
		{"newer version", write(`{"version":2,"tasks":[],"shiny":true}`), 0, untouched,
			[]string{"was written by a newer trtcwatch (format version 2; this one reads 1)", "left it untouched", "changes will not be saved"}},
		{"some invalid entries", write(`{"version":1,"tasks":[
			{"region":"ap-singapore","sdk_app_id":1400000001,"task_id":"a-0001","added_at":"2026-11-25T21:40:01Z"},
			{"region":"ap-singapore","sdk_app_id":1400000001,"task_id":"bad\u001b[2Jid"},
			{"region":"ap-singapore","sdk_app_id":0,"task_id":"t"},
			{"region":"","sdk_app_id":1,"task_id":"t"},
			{"region":"ap-singapore","sdk_app_id":-1,"task_id":"t"},
			{"region":"ap-singapore","sdk_app_id":1,"task_id":"t","added_at":"yesterday"},
			{"region":"ap-singapore","sdk_app_id":1400000001,"task_id":"a-0001"},
			null,
			{"region":"ap-singapore","sdk_app_id":1400000001,"task_id":"a-0002","added_at":"2026-11-25T21:40:02Z"}]}`),
			2, copied, []string{"has 7 invalid entries (entry 2: task_id: '\\x1b' at position 4: task ID may only hold", "entry 3: sdk_app_id is missing or 0",
				"kept a copy of it at", "loaded the 2 valid tasks"}},
		{"all entries invalid", write(`{"version":1,"tasks":[{"task_id":"x"}]}`), 0, copied,
			[]string{`has 1 invalid entry (entry 1: sdk_app_id is missing or 0)`, "started with an empty list"}},
		{"huge", huge, 0, moved, []string{"is 104857600 bytes, too big to be a watch list"}},
		{"directory", func(t *testing.T, dir string) string {
			path := filepath.Join(dir, "watchlist.json")
			os.Mkdir(path, 0o700)
			return path
		}, 0, untouched, []string{"cannot read watch list", "(it is a directory, not a file)", "changes will not be saved"}},
		{"parent is a file", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "notadir"), nil, 0o600)
			return filepath.Join(dir, "notadir", "watchlist.json")
		}, 0, untouched, []string{"cannot read watch list", "not a directory"}},
		{"cannot lock, valid", func(t *testing.T, dir string) string {
			path := write(valid1)(t, dir)
			os.Mkdir(path+".lock", 0o700)
			return path
		}, 1, untouched, []string{"cannot be locked for writing", "loaded 1 task", "changes will not be saved"}},
		{"cannot lock, damaged", func(t *testing.T, dir string) string {
			path := write("garbage")(t, dir)
			os.Mkdir(path+".lock", 0o700)
			return path
		}, 0, untouched, []string{"is not valid JSON", "could not lock it to keep a copy aside", "left it untouched"}},
		{"cannot lock, huge", func(t *testing.T, dir string) string {
			path := huge(t, dir)
			os.Mkdir(path+".lock", 0o700)
			return path
		}, 0, untouched, []string{"too big to be a watch list", "could not lock it to keep a copy aside"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDamaged(t, tt.setup, tt.entries, tt.outcome, tt.warn)
		})
	}
}

func checkDamaged(t *testing.T, setup func(*testing.T, string) string, entries int, outcome string, warn []string) {
	t.Helper()
	dir := t.TempDir()
	path := setup(t, dir)
	origInfo, _ := os.Lstat(path)
	var original []byte
	if origInfo != nil && origInfo.Mode().IsRegular() && origInfo.Size() <= maxSize {
		original, _ = os.ReadFile(path)
	}
	before := snapshot(t, dir)

	f := Open(path, Options{})
	got, warnings := f.Load()
	if len(got) != entries || len(warnings) != 1 {
		t.Fatalf("Load = %d entries, warnings %q; want %d entries and one warning", len(got), warnings, entries)
	}
	w := warnings[0]
	for _, s := range append(warn, path) {
		if !strings.Contains(w, s) {
			t.Errorf("warning %q does not say %q", w, s)
		}
	}

	if outcome == untouched {
		err := f.Update(add(entry("new", 1)))
		if err == nil || !strings.Contains(err.Error(), "read-only for this session") {
			t.Errorf("Update in read-only mode: err = %v", err)
		}
		if after := snapshot(t, dir); after != before {
			t.Fatalf("read-only mode touched the directory:\nbefore %s\nafter  %s", before, after)
		}
		return
	}

	asides, _ := filepath.Glob(path + ".corrupt-2*")
	if len(asides) != 1 || !strings.Contains(w, asides[0]) {
		t.Fatalf("copies kept aside: %q; warning %q", asides, w)
	}
	asideInfo, _ := os.Stat(asides[0])
	_, err := os.Stat(path)
	switch outcome {
	case moved:
		if !os.SameFile(asideInfo, origInfo) {
			t.Fatalf("%s is not the original file, renamed", asides[0])
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("the damaged file is still at the path (%v)", err)
		}
	case copied:
		if kept, _ := os.ReadFile(asides[0]); string(kept) != string(original) {
			t.Fatalf("the copy at %s is not the original file: %q", asides[0], kept)
		}
		again, w2 := Open(path, Options{}).Load()
		if len(w2) > 0 || !equalEntries(again, got) {
			t.Fatalf("the valid entries were not written back: %v %q", again, w2)
		}
	}
	if err := f.Update(add(entry("new", 1))); err != nil {
		t.Fatalf("Update after recovery: %v", err)
	}
	if again, w2 := Open(path, Options{}).Load(); len(again) != entries+1 || len(w2) > 0 {
		t.Fatalf("after Update: %v %q", again, w2)
	}
	if after, _ := os.Stat(asides[0]); after.Size() != asideInfo.Size() || !after.ModTime().Equal(asideInfo.ModTime()) {
		t.Fatal("the kept copy changed")
	}
}

// snapshot describes every file under dir: name, mode, size, mtime, and
// content for small regular files.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d %d", p, info.Mode(), info.Size(), info.ModTime().UnixNano())
		if info.Mode().IsRegular() && info.Size() < 1<<20 {
			data, _ := os.ReadFile(p)
			fmt.Fprintf(&b, " %q", data)
		}
		b.WriteString("; ")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestLoadEmptyFile(t *testing.T) {
	dir := t.TempDir()
	path := write(" \n")(t, dir)
	if got, w := Open(path, Options{}).Load(); got != nil || w != nil {
		t.Fatalf("empty file: Load = %v, %q", got, w)
	}
	if names := dirNames(t, dir); len(names) != 2 { // the file and its lock
		t.Fatalf("directory holds %q", names)
	}
}

// TestUpdateFindsDamage: the file is damaged behind a running dashboard's
// back. Update keeps it aside like Load, saves the change, and says so.
func TestUpdateFindsDamage(t *testing.T) {
	dir := t.TempDir()
	path := write(valid1)(t, dir)
	f := Open(path, Options{})
	if _, w := f.Load(); len(w) > 0 {
		t.Fatal(w)
	}
	os.WriteFile(path, []byte("{oops"), 0o600)
	err := f.Update(add(entry("new", 1)))
	var kept *KeptAsideError
	if !errors.As(err, &kept) || !strings.Contains(err.Error(), "is not valid JSON") ||
		!strings.Contains(err.Error(), "saved the change on a new list") {
		t.Fatalf("Update = %v, want a *KeptAsideError", err)
	}
	asides, _ := filepath.Glob(path + ".corrupt-*")
	if len(asides) != 1 {
		t.Fatalf("asides %q", asides)
	}
	if data, _ := os.ReadFile(asides[0]); string(data) != "{oops" {
		t.Fatalf("kept %q", data)
	}
	if got, w := f.Load(); len(w) > 0 || !equalEntries(got, []Entry{entry("new", 1)}) {
		t.Fatalf("after Update: %v %q", got, w)
	}

	os.WriteFile(path, []byte(`{"version":7}`), 0o600) // a newer trtcwatch took over
	if err := f.Update(add(entry("x", 2))); err == nil || errors.As(err, &kept) {
		t.Fatalf("Update over a newer format: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != `{"version":7}` {
		t.Fatalf("Update overwrote a file it could not parse: %q", data)
	}

	os.Remove(path)
	os.Mkdir(path, 0o700) // and now something put a directory there
	err = f.Update(add(entry("x", 2)))
	if err == nil || !strings.Contains(err.Error(), "(it is a directory, not a file); nothing was written") {
		t.Fatalf("Update over a directory: %v", err)
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		t.Fatalf("the directory is gone (%v)", err)
	}
}
