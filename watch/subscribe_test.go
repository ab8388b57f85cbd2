package watch

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// kinds lists the events of one kind as "By:ref" strings, for comparing.
func edits(u Update, k EventKind) []string {
	var out []string
	for _, ev := range u.Events {
		if ev.Kind == k {
			out = append(out, ev.By+":"+ev.Ref.TaskID)
		}
	}
	return out
}

func TestSessionsEachSeeEveryChange(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	e.Add([]taskref.Ref{ref(0)})
	alice, bob := e.Session("alice"), e.Session("bob")
	defer bob.Close()

	// A session's first Collect holds every watched task.
	for _, s := range []*Session{alice, bob} {
		select {
		case <-s.Changed():
		default:
			t.Fatal("a new session must be signalled with the tasks already watched")
		}
		if u := s.Collect(); len(u.Changed) != 1 || u.Changed[0].Ref != ref(0) {
			t.Fatalf("first collect %+v", u.Changed)
		}
	}

	if _, err := alice.Add([]taskref.Ref{ref(1)}); err != nil {
		t.Fatal(err)
	}
	if err := bob.SetNote(ref(1), "TICKET-9", 1); err != nil {
		t.Fatal(err)
	}
	if err := alice.Remove(ref(0)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		s    interface{ Collect() Update }
	}{{"alice", alice}, {"bob", bob}, {"engine", e}}
	for _, tc := range tests {
		u := tc.s.Collect()
		if got := edits(u, EventAdd); tc.name != "engine" && !slices.Equal(got, []string{"alice:task-00001"}) {
			t.Errorf("%s: adds %v", tc.name, got)
		}
		if got := edits(u, EventNote); !slices.Equal(got, []string{"bob:task-00001"}) {
			t.Errorf("%s: notes %v", tc.name, got)
		}
		if got := edits(u, EventRemove); !slices.Equal(got, []string{"alice:task-00000"}) {
			t.Errorf("%s: removes %v", tc.name, got)
		}
		if !slices.Equal(u.Removed, []taskref.Ref{ref(0)}) || len(u.Changed) != 1 || u.Changed[0].Note != "TICKET-9" {
			t.Errorf("%s: changed %+v removed %v", tc.name, u.Changed, u.Removed)
		}
	}

	// A closed session is no longer written to; the others still are.
	alice.Close()
	e.Add([]taskref.Ref{ref(2)})
	if len(alice.s.dirty) != 0 || len(alice.s.events) != 0 {
		t.Error("a closed session must not collect news")
	}
	if u := bob.Collect(); !slices.Equal(edits(u, EventAdd), []string{"local:task-00002"}) {
		t.Errorf("engine's own edits are by Config.Actor: %v", edits(u, EventAdd))
	}
}

func TestSessionOrdersItsOwnEdits(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	e.Add([]taskref.Ref{ref(0)})
	a, b := e.Session("a"), e.Session("b")
	defer a.Close()
	defer b.Close()

	// a's second pause request arrives first: the first is then stale.
	a.SetPaused(false, 2)
	a.SetPaused(true, 1)
	if e.Stats().Paused {
		t.Error("a late, older request undid a newer one")
	}
	// b's sequence is its own: its first request is not older than a's.
	b.SetPaused(true, 1)
	if !e.Stats().Paused {
		t.Error("another session's first request must apply")
	}

	a.SetNote(ref(0), "new", 5)
	a.SetNote(ref(0), "old", 4)
	b.SetNote(ref(0), "from b", 1)
	if task, _ := taskOf(e, ref(0)); task.Note != "from b" {
		t.Errorf("note %q, want b's (a's stale edit dropped, b's own sequence applies)", task.Note)
	}
}

func TestRemoveManyTellsEveryReader(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	e.Add(refs(3))
	s := e.Session("alice")
	defer s.Close()
	e.Collect()
	s.Collect()
	if n, _ := s.RemoveMany([]taskref.Ref{ref(0), ref(2), ref(0), ref(9)}); n != 2 {
		t.Fatalf("removed %d, want 2 (a repeat and an unwatched ref count for nothing)", n)
	}
	for _, u := range []Update{e.Collect(), s.Collect()} {
		if got := edits(u, EventRemove); !slices.Equal(got, []string{"alice:task-00000", "alice:task-00002"}) {
			t.Errorf("remove events %v", got)
		}
		if len(u.Removed) != 2 {
			t.Errorf("removed %v", u.Removed)
		}
	}
}

func TestEventsForTransitionsAndErrorCodes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(status("Idle"))
		e := New(f, Config{Interval: time.Second})
		e.Add([]taskref.Ref{ref(0)})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		step := func(answer func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error)) []Event {
			f.setAnswer(answer)
			time.Sleep(1500 * time.Millisecond) // one more poll, on the fake clock
			synctest.Wait()
			return e.Collect().Events
		}
		synctest.Wait()
		first := e.Collect().Events
		errs := step(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
			return nil, cerr(client.KindTransient, "InternalError")
		})
		other := step(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
			return nil, cerr(client.KindTransient, "FailedOperation")
		})
		// A failure streak backs off; give it time to retry and recover.
		f.setAnswer(status("InProgress"))
		time.Sleep(time.Minute)
		synctest.Wait()
		back := e.Collect().Events

		type seen struct {
			kind     EventKind
			from, to Phase
			code     string
		}
		flat := func(evs []Event) []seen {
			var out []seen
			for _, ev := range evs {
				if ev.Kind == EventTransition || ev.Kind == EventError {
					out = append(out, seen{ev.Kind, ev.From, ev.To, ev.Code})
				}
			}
			return out
		}
		tests := []struct {
			name string
			got  []Event
			want []seen
		}{
			{"first answer", first, []seen{{EventTransition, Pending, Idle, ""}}},
			{"starts failing", errs, []seen{{EventTransition, Idle, Error, ""}, {EventError, "", Error, "InternalError"}}},
			{"another code", other, []seen{{EventError, "", Error, "FailedOperation"}}},
			{"recovers", back, []seen{{EventTransition, Error, InProgress, ""}, {EventError, "", InProgress, ""}}},
		}
		for _, tc := range tests {
			if got := flat(tc.got); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
			}
		}
		// The API forgetting the task ends it; that is no error.
		gone := step(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
			return nil, cerr(client.KindGone, "InvalidParameter.TaskNotExist")
		})
		if got := flat(gone); len(got) != 1 || got[0].kind != EventTransition || got[0].to != Vanished {
			t.Errorf("gone: %+v, want only the transition to vanished", got)
		}
		for _, ev := range errs {
			if ev.Kind == EventError && ev.RequestID != "req-err" {
				t.Errorf("an error event carries the failed call's RequestId, got %q", ev.RequestID)
			}
		}
	})
}

func TestReloadedEditsAreByAnotherDashboard(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	e.Add([]taskref.Ref{ref(0), ref(1)})
	mustFlush(t, e)
	e.Collect()
	// Another dashboard removes 0, notes 1 and adds 2; our next save reads it.
	st.mu.Lock()
	st.entries = []watchlist.Entry{{Ref: ref(1), Note: "theirs"}, {Ref: ref(2)}}
	st.mu.Unlock()
	e.Add([]taskref.Ref{ref(3)})
	mustFlush(t, e)
	u := e.Collect()
	other := otherDashboard + ":"
	if got := edits(u, EventAdd); !slices.Equal(got, []string{"local:task-00003", other + "task-00002"}) {
		t.Errorf("adds %v", got)
	}
	if got := edits(u, EventRemove); !slices.Equal(got, []string{other + "task-00000"}) {
		t.Errorf("removes %v", got)
	}
	if got := edits(u, EventNote); !slices.Equal(got, []string{other + "task-00001"}) {
		t.Errorf("notes %v", got)
	}
}

func TestSlowReaderLosesOldestEventsCounted(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	s := e.Session("slow")
	defer s.Close()
	e.Add(refs(maxEvents + 7))
	u := s.Collect()
	if len(u.Events) != maxEvents || u.EventsDropped != 7 {
		t.Errorf("events %d dropped %d", len(u.Events), u.EventsDropped)
	}
	if u.Events[0].Ref != ref(7) {
		t.Errorf("the oldest must go first, kept from %v", u.Events[0].Ref)
	}
	if len(e.Collect().Events) != maxEvents {
		t.Error("another reader's backlog is its own")
	}
}

// TestSessionStartsWhileTheEngineSignals: a session opened while the engine
// signals its readers (every poll and every second) must still start. Its
// own first notice used to be sent after it was registered, and blocked for
// ever when the engine's signal had filled its one-slot channel first: a
// team-mode session hung on connect, and shutdown waited on it.
func TestSessionStartsWhileTheEngineSignals(t *testing.T) {
	e := New(newFake(nil), Config{})
	e.Add(refs(3))
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				e.signal()
			}
		}
	}()
	defer close(stop)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 2000 {
			s := e.Session("test")
			<-s.Changed() // its first notice is there
			if u := s.Collect(); len(u.Changed) != 3 {
				t.Errorf("first collect holds %d tasks, want 3", len(u.Changed))
				return
			}
			s.Close()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Session blocked while the engine signalled")
	}
}
