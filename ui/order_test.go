package ui

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// orderRef is the property test's own account of the list: every task as
// last sent, in arrival order, and the sort, filter and problems switch
// it has pressed. want() is the visible list computed from scratch.
type orderRef struct {
	arrival  []taskref.Ref
	tasks    map[taskref.Ref]watch.Task
	sort     sortKey
	problems bool
	needle   string
	rule     AlertRule // nil: no alert rule
}

// flagged is whether the alert rule holds for the task at t0.
func (o *orderRef) flagged(t watch.Task) bool {
	if o.rule == nil {
		return false
	}
	_, ok := o.rule.Check(t, t0)
	return ok
}

func (o *orderRef) want() []taskref.Ref {
	idx := map[taskref.Ref]int{}
	var out []taskref.Ref
	for i, r := range o.arrival {
		idx[r] = i
		t := o.tasks[r]
		if o.problems && !t.Phase.Problem() && !o.flagged(t) {
			continue
		}
		code := ""
		if t.LastErr != nil {
			code = t.LastErr.Code
		}
		if o.needle != "" && !strings.Contains(strings.ToLower(t.Ref.TaskID+"\x00"+t.Note+"\x00"+string(t.Phase)+"\x00"+code), o.needle) {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b taskref.Ref) int {
		ta, tb := o.tasks[a], o.tasks[b]
		switch o.sort {
		case sortState:
			// Worst first: flagged by an alert, then by severity.
			return cmp.Or(boolInt(o.flagged(tb))-boolInt(o.flagged(ta)), tb.Phase.Severity()-ta.Phase.Severity())
		case sortChange:
			return tb.Since.Compare(ta.Since)
		case sortID:
			return strings.Compare(a.TaskID, b.TaskID)
		}
		return cmp.Compare(idx[a], idx[b])
	})
	return out
}

// TestIncrementalOrderMatchesFullSort drives the model through random
// sequences of engine updates (state, time and note changes, a few at a
// time and in bulk; arrivals; removals by the engine and by the user),
// note edits, sort changes, the problems switch, filters and cursor moves,
// and after every step compares the visible list with a full filter and
// sort of the same tasks, and checks the cursor is still on the selected
// task. Each seed is 300 steps; the normal suite runs seeds 0 to 15,
// -tags long 0 to 39.
func TestIncrementalOrderMatchesFullSort(t *testing.T) {
	phases := append(slices.Clone(watch.Phases), "Paused") // and one this build does not know
	notes := []string{"", "alpha", "beta ticket", "gamma"}
	needles := []string{"", "alp", "task-00", "error", "ended", "ticket", "7"}
	t.Parallel()
	for seed := range orderSeeds { // 16, 40 with -tags long
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			eng := newCountingEngine()
			m := newTestModel(t, eng, 120, 30)
			o := &orderRef{tasks: map[taskref.Ref]watch.Task{}}
			if seed%2 == 1 {
				// An alert rule on what only the engine changes (state and
				// its time): flags come and go with the updates.
				o.rule = idleRule{20 * time.Second}
				m.alert.rules = []AlertRule{o.rule}
			}
			used := map[string]bool{}
			newTask := func() watch.Task {
				id := ""
				for id == "" || used[id] { // random, so arrival and TaskId orders differ
					id = fmt.Sprintf("task-%04d", rng.IntN(5000))
				}
				used[id] = true
				return withErr(watch.Task{Ref: ref(id), Phase: phases[rng.IntN(len(phases))],
					Since: t0.Add(-time.Duration(rng.IntN(50)) * time.Second), Note: notes[rng.IntN(len(notes))]}, rng)
			}
			send := func(up watch.Update) {
				for _, tk := range up.Changed {
					if _, ok := o.tasks[tk.Ref]; !ok {
						o.arrival = append(o.arrival, tk.Ref)
					}
					o.tasks[tk.Ref] = tk
				}
				for _, r := range up.Removed {
					o.arrival = slices.DeleteFunc(o.arrival, func(x taskref.Ref) bool { return x == r })
					delete(o.tasks, r)
				}
				up.Stats = okStats()
				m.Update(engineMsg{up})
			}
			pick := func() (watch.Task, bool) {
				if len(o.arrival) == 0 {
					return watch.Task{}, false
				}
				return o.tasks[o.arrival[rng.IntN(len(o.arrival))]], true
			}
			change := func(n int) {
				var up watch.Update
				seen := map[taskref.Ref]bool{}
				for range n {
					tk, ok := pick()
					if !ok || seen[tk.Ref] {
						continue
					}
					seen[tk.Ref] = true
					switch rng.IntN(4) {
					case 0, 1:
						tk.Phase = phases[rng.IntN(len(phases))]
					case 2:
						tk.Since = t0.Add(-time.Duration(rng.IntN(50)) * time.Second)
					case 3:
						tk.Note = notes[rng.IntN(len(notes))]
					}
					up.Changed = append(up.Changed, withErr(tk, rng))
				}
				send(up)
			}
			var initial []watch.Task
			for range 60 {
				initial = append(initial, newTask())
			}
			send(watch.Update{Changed: initial})
			codes := 0
			scanWants(m, &codes)

			for step := range 300 {
				what := ""
				switch op := rng.IntN(20); {
				case op < 8:
					what = "change a few"
					change(1 + rng.IntN(4))
				case op == 8:
					what = "change many"
					change(bulkPlace + 20)
				case op == 9:
					what = "arrive"
					var up watch.Update
					for range 1 + rng.IntN(3) {
						up.Changed = append(up.Changed, newTask())
					}
					send(up)
				case op == 10:
					what = "engine removes"
					if tk, ok := pick(); ok {
						var up watch.Update
						up.Removed = append(up.Removed, tk.Ref)
						if tk2, ok := pick(); ok && tk2.Ref != tk.Ref {
							up.Removed = append(up.Removed, tk2.Ref)
							tk3, _ := pick()
							if tk3.Ref != tk.Ref && tk3.Ref != tk2.Ref {
								tk3.Phase = phases[rng.IntN(len(phases))]
								up.Changed = append(up.Changed, tk3)
							}
						}
						send(up)
					}
				case op == 11:
					what = "user removes"
					if tk, ok := pick(); ok {
						m.Update(removedMsg{ref: tk.Ref})
						o.arrival = slices.DeleteFunc(o.arrival, func(x taskref.Ref) bool { return x == tk.Ref })
						delete(o.tasks, tk.Ref)
					}
				case op == 12:
					what = "sort"
					press(m, "s")
					o.sort = (o.sort + 1) % sortKeys
				case op == 13:
					what = "problems"
					press(m, "f")
					o.problems = !o.problems
				case op == 14:
					o.needle = needles[rng.IntN(len(needles))]
					what = "filter " + o.needle
					press(m, "/", "esc")
					if o.needle != "" {
						press(m, "/")
						typeText(m, o.needle)
						press(m, "enter")
					}
				case op == 15:
					what = "note"
					if r := m.selected(); r != nil {
						note := notes[rng.IntN(len(notes))]
						press(m, "n")
						for range 30 {
							press(m, "backspace")
						}
						typeText(m, note)
						press(m, "enter")
						tk := o.tasks[r.t.Ref]
						tk.Note = note
						o.tasks[r.t.Ref] = tk
					}
				default:
					what = "move"
					press(m, []string{"j", "k", "G", "g", "j", "j"}[rng.IntN(6)])
				}
				want := o.want()
				got := make([]taskref.Ref, len(m.visible))
				for i, r := range m.visible {
					got[i] = r.t.Ref
					if !r.placed.in {
						t.Fatalf("step %d (%s): visible row %s not marked in", step, what, r.id)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("step %d (%s), sort %v problems %v filter %q:\n got %v\nwant %v", step, what, o.sort, o.problems, o.needle, got, want)
				}
				if n := len(m.all); n != len(o.arrival) {
					t.Fatalf("step %d (%s): %d rows kept, want %d", step, what, n, len(o.arrival))
				}
				if got, want := m.wants(), scanWants(m, &codes); got != want {
					t.Fatalf("step %d (%s): column wants %+v, a scan of the list says %+v", step, what, got, want)
				}
				if r := m.selected(); r != nil && r.t.Ref != m.sel {
					t.Fatalf("step %d (%s): cursor on %s, selection %s", step, what, r.id, m.sel.TaskID)
				}
			}
		})
	}
}

// withErr gives a task in a failed phase a failure with a code of some
// length, so the failure column's width changes as tasks change.
func withErr(tk watch.Task, rng *rand.Rand) watch.Task {
	tk.LastErr = nil
	if tk.Phase.Failed() {
		code := []string{"", "InternalError", "FailedOperation.CRUnknownError", "RequestLimitExceeded"}[rng.IntN(4)]
		tk.LastErr = &watch.Failure{Code: code, At: t0}
	}
	return tk
}

// scanWants is what the columns need, by a scan of every visible row;
// codes is the widest code the scans have seen.
func scanWants(m *Model, codes *int) want {
	var wt want
	for _, r := range m.visible {
		wt.id = max(wt.id, len(r.id))
		wt.note = max(wt.note, len(r.note))
	}
	// The error column's width is the widest code ever shown: every step
	// scans, so the widest of the scans is it.
	for _, r := range m.all {
		if code, ok := failCell(r); ok && r.seq >= 0 {
			*codes = max(*codes, min(len(code), codeMaxW))
		}
	}
	wt.code = *codes
	wt.note = min(wt.note, 200)
	wt.showApp = m.wants().showApp
	return wt
}

// TestSelectionFollowsItsTask: sorted by state, a change that moves the
// selected task, or tasks above it, keeps the cursor on it.
func TestSelectionFollowsItsTask(t *testing.T) {
	m := newTestModel(t, newCountingEngine(), 120, 30)
	var tasks []watch.Task
	for i := range 20 {
		tasks = append(tasks, watch.Task{Ref: ref(fmt.Sprintf("t-%02d", i)), Phase: watch.InProgress, Since: t0})
	}
	m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
	press(m, "s") // state
	press(m, "j", "j", "j", "j", "j")
	sel := m.sel
	for _, tc := range []struct {
		name string
		ref  taskref.Ref
		to   watch.Phase
	}{
		{"a task below goes to the top", ref("t-15"), watch.Error},
		{"the selected task goes to the top", sel, watch.Error},
		{"the selected task sinks", sel, watch.Ended},
		{"a task above it sinks", ref("t-00"), watch.Ended},
	} {
		tk := m.rows[tc.ref].t
		tk.Phase = tc.to
		m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: okStats()}})
		if r := m.selected(); r == nil || r.t.Ref != sel {
			t.Fatalf("%s: cursor on %v, want %s", tc.name, r, sel.TaskID)
		}
		if i, _ := slices.BinarySearchFunc(m.visible, m.rows[tc.ref], m.cmpPlaced); m.visible[i] != m.rows[tc.ref] {
			t.Fatalf("%s: the list is out of order", tc.name)
		}
	}
}
