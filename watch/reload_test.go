package watch

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

func diskRefs(t *testing.T, path string) []taskref.Ref {
	t.Helper()
	list, warns := watchlist.Open(path, watchlist.Options{}).Load()
	if warns != nil {
		t.Fatalf("load %s: %q", path, warns)
	}
	var out []taskref.Ref
	for _, e := range list {
		out = append(out, e.Ref)
	}
	return out
}

// TestTwoDashboardsMergeByOperation: A's note on a task B removed does not
// bring the task back, on disk or in A; B's removal and A's own additions
// all survive, and each engine ends up showing the merged list.
func TestTwoDashboardsMergeByOperation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "watchlist.json")
	a := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{})})
	if _, err := a.Add([]taskref.Ref{ref(1), ref(2)}); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, a)
	b := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{})})
	if err := b.Remove(ref(1)); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, b)
	a.Collect()
	if err := a.SetNote(ref(1), "INC-1", 0); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, a)
	if got := diskRefs(t, path); !slices.Equal(got, []taskref.Ref{ref(2)}) {
		t.Fatalf("disk holds %v after A noted the task B removed; want only %v", got, ref(2))
	}
	if a.Has(ref(1)) {
		t.Error("A still shows the task B removed after saving")
	}
	if u := a.Collect(); !slices.Contains(u.Removed, ref(1)) {
		t.Errorf("A's Update does not publish the removal: %+v", u.Removed)
	}
	// B adds; A's next save brings it in, with B's note.
	if _, err := b.Add([]taskref.Ref{ref(3)}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetNote(ref(3), "from B", 0); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, b)
	if err := a.SetNote(ref(2), "from A", 0); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, a)
	tasks := a.Tasks()
	if len(tasks) != 2 || tasks[0].Ref != ref(2) || tasks[0].Note != "from A" || tasks[1].Ref != ref(3) || tasks[1].Note != "from B" {
		t.Fatalf("A shows %+v", tasks)
	}
}

// TestReloadPicksUpOtherDashboard: while A runs, B's additions, notes and
// removals show in A within the reload period, through A's normal Update.
func TestReloadPicksUpOtherDashboard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "watchlist.json")
		a := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{}), Interval: time.Hour})
		if _, err := a.Add([]taskref.Ref{ref(1)}); err != nil {
			t.Fatal(err)
		}
		mustFlush(t, a)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { a.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		a.Collect()

		b := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{})})
		if _, err := b.Add([]taskref.Ref{ref(2)}); err != nil {
			t.Fatal(err)
		}
		if err := b.SetNote(ref(1), "noted by B", 0); err != nil {
			t.Fatal(err)
		}
		mustFlush(t, b)
		time.Sleep(defaultReloadInterval + time.Second)
		synctest.Wait()
		u := a.Collect()
		changed := map[taskref.Ref]Task{}
		for _, tk := range u.Changed {
			changed[tk.Ref] = tk
		}
		if _, ok := changed[ref(2)]; !ok || changed[ref(1)].Note != "noted by B" {
			t.Fatalf("A's Update after B's add and note: %+v", u.Changed)
		}
		if err := b.Remove(ref(2)); err != nil {
			t.Fatal(err)
		}
		mustFlush(t, b)
		time.Sleep(defaultReloadInterval + time.Second)
		synctest.Wait()
		if u := a.Collect(); !slices.Equal(u.Removed, []taskref.Ref{ref(2)}) || a.Has(ref(2)) {
			t.Fatalf("A's Update after B's removal: removed %v", u.Removed)
		}
	})
}

// TestAddStopsAtMaxTasks: the engine adds up to watchlist.MaxTasks and
// refuses the rest with the reason, returned to the caller.
func TestAddStopsAtMaxTasks(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	refs := make([]taskref.Ref, watchlist.MaxTasks+3)
	for i := range refs {
		refs[i] = taskref.Ref{Region: "ap-singapore", SdkAppID: 7, TaskID: fmt.Sprintf("t-%d", i)}
	}
	added, err := e.Add(refs[:watchlist.MaxTasks-1])
	if err != nil || len(added) != watchlist.MaxTasks-1 {
		t.Fatalf("Add below the limit: %d, %v", len(added), err)
	}
	added, err = e.Add(refs[watchlist.MaxTasks-1:])
	if len(added) != 1 || !errors.Is(err, watchlist.ErrTooManyTasks) || !strings.Contains(err.Error(), "3 tasks not added") {
		t.Fatalf("Add past the limit: added %d, err %v", len(added), err)
	}
	mustFlush(t, e)
	if e.Has(refs[watchlist.MaxTasks]) || len(st.refs()) != watchlist.MaxTasks {
		t.Fatalf("the excess was watched or saved (%d on disk)", len(st.refs()))
	}
}

// TestPendingEditsStayBounded: while saving fails, edits wait to be retried,
// at most two per task however many the user makes; the first save that
// works applies them.
func TestPendingEditsStayBounded(t *testing.T) {
	st := &memStore{fail: errDisk}
	e := New(newFake(status("Idle")), Config{Store: st})
	for i := range 50 {
		e.Add([]taskref.Ref{ref(1), ref(2)})
		e.SetNote(ref(1), fmt.Sprint("note ", i), 0)
		e.Remove(ref(2))
	}
	if err := e.Flush(); !errors.Is(err, errDisk) {
		t.Fatalf("Flush while saving fails = %v", err)
	}
	e.storeMu.Lock()
	n := len(e.pending)
	e.storeMu.Unlock()
	if n > 3 {
		t.Fatalf("%d edits pending after 150 failed saves, want at most 3", n)
	}
	st.mu.Lock()
	st.fail = nil
	st.mu.Unlock()
	if err := e.SetNote(ref(1), "last", 0); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, e)
	if got := st.refs(); !slices.Equal(got, []taskref.Ref{ref(1)}) || st.entries[0].Note != "last" {
		t.Fatalf("disk %+v", st.entries)
	}
}
