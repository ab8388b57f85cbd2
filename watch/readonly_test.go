package watch

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// TestReadOnlySessionRefusesEdits: a read-only session's Add, Remove,
// RemoveMany, SetNote, SetPaused and RefreshAll each return ErrReadOnly and
// change nothing: not the tasks, not the pause, not the file, and no other
// reader hears of anything. The same calls on a read-write session do
// change the state, so the check can fail.
func TestReadOnlySessionRefusesEdits(t *testing.T) {
	edits := []struct {
		name string
		call func(s *Session) error
	}{
		{"Add", func(s *Session) error { _, err := s.Add([]taskref.Ref{ref(7)}); return err }},
		{"Remove", func(s *Session) error { return s.Remove(ref(0)) }},
		{"RemoveMany", func(s *Session) error { _, err := s.RemoveMany(refs(2)); return err }},
		{"SetNote", func(s *Session) error { return s.SetNote(ref(1), "INC-42", 1) }},
		{"SetPaused", func(s *Session) error { return s.SetPaused(true, 1) }},
		{"RefreshAll", func(s *Session) error { return s.RefreshAll() }},
	}
	for _, tc := range edits {
		for _, readOnly := range []bool{true, false} {
			name := tc.name + "/read-write"
			if readOnly {
				name = tc.name + "/read-only"
			}
			t.Run(name, func(t *testing.T) {
				// Loaded tasks wait as background work, so a refresh would
				// show: it makes them asks.
				st := &memStore{entries: []watchlist.Entry{{Ref: ref(0)}, {Ref: ref(1), Note: "ticket 1"}, {Ref: ref(2)}}}
				e := New(newFake(status("Idle")), Config{Store: st})
				watcher := e.Session("alice")
				defer watcher.Close()
				watcher.Collect()
				open := e.Session
				if readOnly {
					open = e.ReadOnlySession
				}
				s := open("viewer")
				defer s.Close()
				s.Collect()
				tasks, writes := e.Tasks(), st.writes

				err := tc.call(s)
				mustFlush(t, e)
				u := watcher.Collect()
				changed := !reflect.DeepEqual(e.Tasks(), tasks) || e.Stats().Paused ||
					len(u.Changed)+len(u.Removed)+len(u.Events) > 0 || st.writes != writes
				if !readOnly {
					if err != nil || !changed {
						t.Fatalf("a read-write session's %s: err %v, changed %v", tc.name, err, changed)
					}
					return
				}
				if !errors.Is(err, ErrReadOnly) {
					t.Fatalf("%s on a read-only session: err %v, want ErrReadOnly", tc.name, err)
				}
				if changed {
					t.Errorf("%s on a read-only session changed the engine: tasks %+v -> %+v, paused %v, news %+v, writes %d -> %d",
						tc.name, tasks, e.Tasks(), e.Stats().Paused, u, writes, st.writes)
				}
				if u := s.Collect(); len(u.Changed)+len(u.Removed)+len(u.Events) > 0 {
					t.Errorf("the refused session itself hears of a change: %+v", u)
				}
			})
		}
	}
}

// TestReadOnlySessionLooksAndRefreshesOne: a read-only session reads every
// task and every change like any other, and may ask about one task now.
func TestReadOnlySessionLooksAndRefreshesOne(t *testing.T) {
	st := &memStore{entries: []watchlist.Entry{{Ref: ref(0)}, {Ref: ref(1)}}}
	e := New(newFake(status("Idle")), Config{Store: st})
	s := e.ReadOnlySession("viewer")
	defer s.Close()
	if u := s.Collect(); len(u.Changed) != 2 {
		t.Fatalf("first collect holds %d tasks, want 2", len(u.Changed))
	}
	s.Refresh(ref(1))
	u := s.Collect()
	if len(u.Changed) != 1 || u.Changed[0].Ref != ref(1) || u.Changed[0].NextPoll.After(time.Now()) {
		t.Errorf("refresh of one task: changed %+v, want task 1 asked now", u.Changed)
	}
	if _, err := e.Session("alice").Add([]taskref.Ref{ref(2)}); err != nil {
		t.Fatal(err)
	}
	if u := s.Collect(); !slices.Equal(edits(u, EventAdd), []string{"alice:task-00002"}) {
		t.Errorf("a read-only session must see others' edits: %+v", u.Events)
	}
}
