package watchlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

var t0 = time.Date(2026, 11, 25, 21, 40, 0, 0, time.UTC)

func entry(prefix string, i int) Entry {
	return Entry{
		Ref:     taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("%s-%04d", prefix, i)},
		AddedAt: t0.Add(time.Duration(i) * time.Second),
	}
}

// add is the Update callback the engine uses: append what is not there yet.
func add(es ...Entry) func([]Entry) []Entry {
	return func(list []Entry) []Entry {
		for _, e := range es {
			if !slices.ContainsFunc(list, func(x Entry) bool { return x.Ref == e.Ref }) {
				list = append(list, e)
			}
		}
		return list
	}
}

func equalEntries(a, b []Entry) bool {
	return slices.EqualFunc(a, b, func(x, y Entry) bool {
		return x.Ref == y.Ref && x.Note == y.Note && x.AddedAt.Equal(y.AddedAt) && x.Adopted == y.Adopted && x.Room == y.Room
	})
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "trtcwatch", "watchlist.json")
	want := []Entry{
		entry("a", 1),
		{Ref: taskref.Ref{Region: "na-siliconvalley", SdkAppID: 20000, TaskID: "x+y/z="}, Note: "INC-123 «录制» \x1b]0;t\x07 \"q\""},
		{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "t"}, AddedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))},
		{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: "adopted"}, Adopted: true, Room: "room 7 «录制»"},
	}
	f := Open(path, Options{})
	if got, w := f.Load(); got != nil || w != nil {
		t.Fatalf("missing file: Load = %v, %v; want nothing", got, w)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load of a missing file created its directory (%v)", err)
	}
	if err := f.Update(add(want...)); err != nil {
		t.Fatal(err)
	}
	got, warnings := Open(path, Options{}).Load()
	if len(warnings) > 0 || !equalEntries(got, want) {
		t.Fatalf("Load = %+v, %q; want %+v", got, warnings, want)
	}
	assertMode(t, path, 0o600)
	assertMode(t, filepath.Dir(path), os.ModeDir|0o700)

	// The documented format, field by field.
	raw, _ := os.ReadFile(path)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	first := doc["tasks"].([]any)[0].(map[string]any)
	wantFirst := map[string]any{"region": "ap-singapore", "sdk_app_id": 1400000001.0, "task_id": "a-0001", "added_at": "2026-11-25T21:40:01Z"}
	if doc["version"] != 1.0 || !reflect.DeepEqual(first, wantFirst) {
		t.Fatalf("on disk: %s", raw)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, st.Mode(), want)
	}
}

func TestUpdateKeepsMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"tasks":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Open(path, Options{}).Update(add(entry("a", 1))); err != nil {
		t.Fatal(err)
	}
	assertMode(t, path, 0o600)
	assertMode(t, path+".lock", 0o600)
}

func TestUpdateValidatesAndDedupes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	f := Open(path, Options{})
	a, b := entry("a", 1), entry("b", 2)
	if err := f.Update(func([]Entry) []Entry { return []Entry{a, b, a} }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := []Entry{
		{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1, TaskID: "bad id"}},
		{Ref: taskref.Ref{Region: "ap-singapore", TaskID: "t"}},
		{Ref: taskref.Ref{SdkAppID: 1, TaskID: "t"}},
		{Ref: taskref.Ref{Region: "AP Singapore", SdkAppID: 1, TaskID: "t"}},
		{Ref: taskref.Ref{Region: "ap-singapore", SdkAppID: 1, TaskID: "t"}, AddedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, e := range bad {
		if err := f.Update(add(e)); err == nil {
			t.Errorf("Update accepted invalid %+v", e)
		}
	}
	after, _ := os.ReadFile(path)
	if got, _ := f.Load(); string(before) != string(after) || !equalEntries(got, []Entry{a, b}) {
		t.Fatalf("file changed or wrong after rejected updates: %s", after)
	}
}

func TestMergeTwoFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	one, two := Open(path, Options{}), Open(path, Options{})
	one.Load()
	two.Load()
	steps := []struct {
		f  *File
		fn func([]Entry) []Entry
	}{
		{one, add(entry("one", 1))},
		{two, add(entry("two", 1))}, // two never saw one's addition
		{one, add(entry("one", 2))},
		{two, func(l []Entry) []Entry { // two removes only its own
			return slices.DeleteFunc(l, func(e Entry) bool { return e.Ref == entry("two", 1).Ref })
		}},
		{two, add(entry("two", 2))},
	}
	for i, s := range steps {
		if err := s.f.Update(s.fn); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, _ := Open(path, Options{}).Load()
	if want := []Entry{entry("one", 1), entry("one", 2), entry("two", 2)}; !equalEntries(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestConcurrentUpdates(t *testing.T) {
	t.Parallel() // own temp dir; waits on fsync, so it runs beside the CPU-bound tests
	path := filepath.Join(t.TempDir(), "watchlist.json")
	const writers, each = 8, 20
	var wg sync.WaitGroup
	shared := Open(path, Options{}) // used by all writers: they contend on its mutex
	for w := range writers {
		f := Open(path, Options{}) // a File per writer: they contend on the flock
		wg.Go(func() {
			for i := range each {
				target := f
				if i%2 == 1 {
					target = shared
				}
				if err := target.Update(add(entry(fmt.Sprintf("w%d", w), i))); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	got, warnings := Open(path, Options{}).Load()
	if len(got) != writers*each || len(warnings) > 0 {
		t.Fatalf("after %d concurrent additions the file holds %d entries (%q)", writers*each, len(got), warnings)
	}
}

func TestUpdateSkipsUnchangedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	f := Open(path, Options{})
	if err := f.Update(add(entry("a", 1))); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(path)
	if err := f.Update(add(entry("a", 1))); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(path); !os.SameFile(st1, st2) {
		t.Error("an Update that changed nothing rewrote the file")
	}
}

func TestStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "watchlist.json")
	f := Open(path, Options{})
	if err := f.Update(add(entry("a", 1))); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "watchlist.json.tmp-12345")
	if err := os.WriteFile(stale, []byte(`{"version":1,"tas`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, w := Open(path, Options{}).Load(); len(w) > 0 || !equalEntries(got, []Entry{entry("a", 1)}) {
		t.Fatalf("a stale temp file disturbed Load: %v %q", got, w)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("stale temp file not removed")
	}
	if err := f.Update(add(entry("b", 2))); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"watchlist.json", "watchlist.json.lock"}) {
		t.Errorf("directory holds %q", names)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}

// TestSymlinkedDirectoryIsFollowed: a directory on the way may be a link
// (a state directory kept on another disk, say): it is resolved once and the
// list inside it is used and stays there. Only the file itself must not be a
// link (see TestSymlinkedListIsRefused).
func TestSymlinkedDirectoryIsFollowed(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles")
	os.MkdirAll(real, 0o700)
	os.WriteFile(filepath.Join(real, "watchlist.json"), []byte(`{"version":1,"tasks":[]}`), 0o600)
	if err := os.Symlink(real, filepath.Join(dir, "state")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "state", "watchlist.json")
	f := Open(path, Options{})
	if _, w := f.Load(); w != nil {
		t.Fatalf("Load through a linked directory: %q", w)
	}
	if err := f.Update(add(entry("a", 1))); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(filepath.Join(dir, "state")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the directory link was replaced (%v)", err)
	}
	if got, _ := Open(filepath.Join(real, "watchlist.json"), Options{}).Load(); !equalEntries(got, []Entry{entry("a", 1)}) {
		t.Fatalf("target holds %v", got)
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct{ xdg, want string }{
		{"/var/state", "/var/state/trtcwatch/watchlist.json"},
		{"", filepath.Join(home, ".local/state/trtcwatch/watchlist.json")},
		{"relative/dir", filepath.Join(home, ".local/state/trtcwatch/watchlist.json")}, // the spec says ignore it
	}
	for _, tt := range tests {
		t.Setenv("XDG_STATE_HOME", tt.xdg)
		if got, err := DefaultPath(); err != nil || got != tt.want {
			t.Errorf("XDG_STATE_HOME=%q: DefaultPath() = %q, %v; want %q", tt.xdg, got, err, tt.want)
		}
	}
}

func TestCleanNote(t *testing.T) {
	long := strings.Repeat("é", MaxNoteLen+10)
	tests := []struct{ in, want string }{
		{"", ""},
		{"  INC-123  ", "INC-123"},
		{"line one\nline\ttwo\r\n", "line one line two"},
		{"bad\xffbyte", "bad\uFFFDbyte"},
		{long, long[:2*MaxNoteLen]},
		{strings.Repeat("a", MaxNoteLen-1) + " b", strings.Repeat("a", MaxNoteLen-1)},
	}
	for _, tt := range tests {
		if got := CleanNote(tt.in); got != tt.want {
			t.Errorf("CleanNote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
