package watch

import (
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// asideStore saves but reports that a damaged file was kept aside first,
// as watchlist.File does when it finds one behind a running dashboard.
type asideStore struct{ saved []watchlist.Entry }

func (s *asideStore) Load() ([]watchlist.Entry, []string) { return nil, nil }
func (s *asideStore) Update(fn func([]watchlist.Entry) []watchlist.Entry) error {
	s.saved = fn(s.saved)
	return &watchlist.KeptAsideError{Warning: "moved it to /x/watchlist.json.corrupt-1"}
}

func TestEditKeptAsideIsAWarningAndNotesAreCleaned(t *testing.T) {
	st := &asideStore{}
	e := New(nil, Config{Store: st})
	ref := taskref.Ref{Region: "ap-singapore", SdkAppID: 7, TaskID: "abc"}
	if _, err := e.Add([]taskref.Ref{ref}); err != nil {
		t.Fatalf("Add with a kept-aside file = %v, want nil (the change was saved)", err)
	}
	if err := e.SetNote(ref, "  INC-1\n\x1b[2J  more ", 0); err != nil {
		t.Fatalf("SetNote = %v", err)
	}
	if err := e.Flush(); err != nil {
		t.Fatalf("Flush with a kept-aside file = %v, want nil (the change was saved)", err)
	}
	if got, want := st.saved[0].Note, watchlist.CleanNote("  INC-1\n\x1b[2J  more "); got != want {
		t.Fatalf("saved note = %q, want cleaned %q", got, want)
	}
	warn := strings.Join(e.Stats().WatchWarnings, "\n")
	if !strings.Contains(warn, "corrupt-1") || strings.Contains(warn, "memory only") {
		t.Fatalf("warnings = %q, want the kept-aside path and no 'memory only'", warn)
	}
}

// TestNoteEditsInOrder: note edits sent from separate commands may arrive
// out of order; one older than the newest applied to that task is dropped,
// in memory and on disk, while other tasks keep their own order.
func TestNoteEditsInOrder(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	if _, err := e.Add(refs(2)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    taskref.Ref
		note string
		seq  uint64
	}{
		{ref(0), "INC-2 (newer)", 2},
		{ref(0), "INC-1 (older, late)", 1},
		{ref(1), "other task", 1}, // another task's order is its own
	} {
		if err := e.SetNote(c.r, c.note, c.seq); err != nil {
			t.Fatal(err)
		}
	}
	got := map[taskref.Ref]string{}
	for _, tk := range e.Tasks() {
		got[tk.Ref] = tk.Note
	}
	if got[ref(0)] != "INC-2 (newer)" || got[ref(1)] != "other task" {
		t.Errorf("notes %v", got)
	}
	mustFlush(t, e)
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, en := range st.entries {
		if en.Ref == ref(0) && en.Note != "INC-2 (newer)" {
			t.Errorf("disk holds %q", en.Note)
		}
	}
}
