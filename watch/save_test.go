package watch

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// gatedStore is a memStore whose every Update waits for a value on gate,
// so a test can hold a write in flight.
type gatedStore struct {
	memStore
	gate chan struct{}
}

func (s *gatedStore) Update(fn func([]watchlist.Entry) []watchlist.Entry) error {
	<-s.gate
	return s.memStore.Update(fn)
}

func (s *gatedStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

// TestEditsCoalesceWhileAWriteIsInFlight: edits made while the file is
// being written return at once (in a synctest bubble a blocked edit would
// deadlock the test), are all saved by one more write, in order, the latest
// note winning; and an add made during a write stays on screen when that
// write, which did not include it, finishes.
func TestEditsCoalesceWhileAWriteIsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &gatedStore{gate: make(chan struct{})}
		e := New(newFake(status("Idle")), Config{Store: st})
		if _, err := e.Add(refs(2)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the writer now waits in Update with the add
		for i := range 100 {
			if err := e.SetNote(ref(i%2), fmt.Sprint("note ", i), 0); err != nil {
				t.Fatal(err)
			}
		}
		late := ref(7)
		if _, err := e.Add([]taskref.Ref{late}); err != nil {
			t.Fatal(err)
		}
		e.Collect()
		st.gate <- struct{}{} // the first write ends
		synctest.Wait()       // and the second waits in Update
		if !e.Has(late) || slices.Contains(e.Collect().Removed, late) {
			t.Fatal("a task added during a write vanished when that write ended")
		}
		st.gate <- struct{}{}
		mustFlush(t, e)
		if n := st.count(); n != 2 {
			t.Errorf("%d writes for 1 add, 100 notes and 1 add made during the first; want 2", n)
		}
		want := []watchlist.Entry{{Ref: ref(0), Note: "note 98"}, {Ref: ref(1), Note: "note 99"}, {Ref: late}}
		st.mu.Lock()
		defer st.mu.Unlock()
		if !slices.EqualFunc(st.entries, want, func(a, b watchlist.Entry) bool { return a.Ref == b.Ref && a.Note == b.Note }) {
			t.Errorf("disk %+v, want %+v", st.entries, want)
		}
	})
}

// TestRemoveManyIsOneWrite: removing 1,000 of 1,200 tasks costs one write.
func TestRemoveManyIsOneWrite(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	all := refs(1200)
	if _, err := e.Add(all); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, e)
	before := st.writes
	n, err := e.RemoveMany(append(all[:1000:1000], ref(5000))) // one not watched
	if n != 1000 || err != nil {
		t.Fatalf("RemoveMany = %d, %v; want 1000, nil", n, err)
	}
	mustFlush(t, e)
	if got := st.writes - before; got != 1 {
		t.Errorf("removing 1,000 tasks took %d writes, want 1", got)
	}
	if got := st.refs(); !slices.Equal(got, all[1000:]) {
		t.Errorf("disk holds %d tasks, want the last 200", len(got))
	}
	if tasks := e.Tasks(); len(tasks) != 200 || tasks[0].Ref != all[1000] {
		t.Errorf("engine shows %d tasks", len(tasks))
	}
	if u := e.Collect(); len(u.Removed) != 1000 {
		t.Errorf("Update publishes %d removals, want 1000", len(u.Removed))
	}
}

// TestRunFlushesOnExit: an edit made just before shutdown is on disk when
// Run returns; Run waits for its write.
func TestRunFlushesOnExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &gatedStore{gate: make(chan struct{})}
		e := New(newFake(status("Idle")), Config{Store: st})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		if _, err := e.Add([]taskref.Ref{ref(1)}); err != nil {
			t.Fatal(err)
		}
		cancel()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("Run returned while the last edit was still being written")
		default:
		}
		st.gate <- struct{}{}
		<-done
		if got := st.refs(); !slices.Equal(got, []taskref.Ref{ref(1)}) {
			t.Fatalf("disk after Run returned: %v", got)
		}
	})
}
