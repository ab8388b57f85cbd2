package watch

import (
	"slices"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
)

func TestRestoreHistory(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	tr := func(i int) Transition {
		return Transition{At: t0.Add(time.Duration(i) * time.Minute), From: Idle, To: InProgress, RequestID: "r" + string(rune('a'+i))}
	}
	many := make([]Transition, 7)
	for i := range many {
		many[i] = tr(i)
	}
	tests := []struct {
		name string
		in   map[taskref.Ref][]Transition
		want []Transition // ref(0)'s history after restore
	}{
		{"restored as given", map[taskref.Ref][]Transition{ref(0): many[:2]}, many[:2]},
		{"newest HistoryLimit kept", map[taskref.Ref][]Transition{ref(0): many}, many[2:]},
		{"zero times dropped", map[taskref.Ref][]Transition{ref(0): {{From: Idle, To: Exited}, tr(1)}}, []Transition{tr(1)}},
		{"other tasks' history not given to this one", map[taskref.Ref][]Transition{ref(9): many}, nil},
		{"nothing", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New(newFake(status("Idle")), Config{HistoryLimit: 5})
			e.Add([]taskref.Ref{ref(0)})
			e.Collect()
			e.RestoreHistory(tc.in)
			u := e.Collect()
			var got []Transition
			var phase Phase
			for _, task := range e.Tasks() {
				if task.Ref == ref(0) {
					got, phase = task.History, task.Phase
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("history %v, want %v", got, tc.want)
			}
			if phase != Pending {
				t.Errorf("phase %q: a restored history must not set the current phase", phase)
			}
			if changed := len(u.Changed) > 0; changed != (tc.want != nil) {
				t.Errorf("readers told of %d changed tasks", len(u.Changed))
			}
		})
	}
}

func TestSetWarning(t *testing.T) {
	e := New(newFake(status("Idle")), Config{})
	s := e.Session("x")
	defer s.Close()
	s.Collect()
	steps := []struct {
		source, text string
		want         []string
	}{
		{"event log", "event log: disk full", []string{"event log: disk full"}},
		{"hooks", "hook failed", []string{"event log: disk full", "hook failed"}},
		{"event log", "", []string{"hook failed"}},
		{"hooks", "", nil},
	}
	for _, st := range steps {
		e.SetWarning(st.source, st.text)
		select {
		case <-s.Changed():
		default:
			t.Fatalf("SetWarning(%q, %q) did not tell readers", st.source, st.text)
		}
		if got := s.Collect().Stats.WatchWarnings; !slices.Equal(got, st.want) {
			t.Errorf("after SetWarning(%q, %q): %q, want %q", st.source, st.text, got, st.want)
		}
	}
}

// A task added after the restore (the command line's, the demo's, one the
// user adds again) gets its history once, before what it records itself.
func TestRestoreHistoryOnAdd(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	old := []Transition{{At: t0, From: Pending, To: Idle, RequestID: "old-1"}, {At: t0.Add(time.Minute), From: Idle, To: Ended, RequestID: "old-2"}}
	e := New(newFake(status("Idle")), Config{HistoryLimit: 5})
	e.RestoreHistory(map[taskref.Ref][]Transition{ref(1): old})
	if _, err := e.Add([]taskref.Ref{ref(1)}); err != nil {
		t.Fatal(err)
	}
	ts := e.Tasks()
	if len(ts) != 1 || !slices.Equal(ts[0].History, old) || ts[0].Phase != Pending {
		t.Fatalf("added task: history %v, phase %q", ts[0].History, ts[0].Phase)
	}
	e.Remove(ref(1))
	e.Add([]taskref.Ref{ref(1)})
	if h := e.Tasks()[0].History; len(h) != 0 {
		t.Errorf("history given twice: %v", h)
	}
}
