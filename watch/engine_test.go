package watch

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

func TestAddShowsPendingAtOnceAndPersists(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	bad := taskref.Ref{SdkAppID: 1, TaskID: "has space"}
	added, err := e.Add([]taskref.Ref{ref(1), ref(2), ref(1), bad, {TaskID: "x"}})
	if !slices.Equal(added, []taskref.Ref{ref(1), ref(2)}) {
		t.Fatalf("added %v", added)
	}
	if err == nil || !strings.Contains(err.Error(), "has space") || !strings.Contains(err.Error(), "SdkAppId") {
		t.Errorf("invalid refs must be reported, got %v", err)
	}
	select {
	case <-e.Changed():
	default:
		t.Fatal("Add must signal Changed at once")
	}
	u := e.Collect()
	if len(u.Changed) != 2 || u.Changed[0].Ref != ref(1) || u.Changed[1].Phase != Pending || u.Changed[0].AddedAt.IsZero() {
		t.Fatalf("collect after add: %+v", u.Changed)
	}
	mustFlush(t, e)
	if !slices.Equal(st.refs(), added) {
		t.Errorf("store holds %v", st.refs())
	}
	if again, err := e.Add([]taskref.Ref{ref(2)}); len(again) != 0 || err != nil {
		t.Errorf("re-adding a watched task: %v, %v", again, err)
	}
	if len(e.Collect().Changed) != 0 {
		t.Error("Collect must be empty when nothing changed")
	}
}

func TestLoadFromStore(t *testing.T) {
	added := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	st := &memStore{
		entries: []watchlist.Entry{
			{Ref: ref(7), Note: "TICKET-1", AddedAt: added},
			{Ref: ref(8)},
			{Ref: ref(7), Note: "dup"},
			{Ref: taskref.Ref{SdkAppID: 0, TaskID: "nope"}},
		},
		warns: []string{"watchlist.json was corrupt; kept as watchlist.json.bad-20250101"},
	}
	e := New(newFake(status("Idle")), Config{Store: st})
	tasks := e.Tasks()
	if len(tasks) != 2 || tasks[0].Note != "TICKET-1" || !tasks[0].AddedAt.Equal(added) || tasks[1].AddedAt.IsZero() {
		t.Fatalf("loaded %+v", tasks)
	}
	if w := e.Stats().WatchWarnings; len(w) != 1 || !strings.Contains(w[0], "corrupt") {
		t.Errorf("warnings %v", w)
	}
}

func TestStoreFailureKeepsWorkingInMemory(t *testing.T) {
	st := &memStore{fail: errDisk}
	e := New(newFake(status("Idle")), Config{Store: st})
	added, err := e.Add([]taskref.Ref{ref(1)})
	if len(added) != 1 || err != nil {
		t.Fatalf("Add with a failing store: %v, %v (the write comes after)", added, err)
	}
	if err := e.Flush(); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("Flush with a failing store: %v", err)
	}
	if !e.Has(ref(1)) {
		t.Fatal("task must be watched even when the list cannot be saved")
	}
	if u := e.Stats().Unsaved; !strings.Contains(u, "NOT SAVED") || !strings.Contains(u, "added "+ref(1).String()) {
		t.Errorf("Stats().Unsaved = %q", u)
	}
	st.mu.Lock()
	st.fail = nil
	st.mu.Unlock()
	if err := e.SetNote(ref(1), "INC-42", 0); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, e)
	if st := e.Stats(); len(st.WatchWarnings) != 0 || st.Unsaved != "" {
		t.Errorf("a successful write clears the warning, got %v %q", st.WatchWarnings, st.Unsaved)
	}
	// The add never reached the disk; setting the note puts the task there.
	if st.entries[0].Ref != ref(1) || st.entries[0].Note != "INC-42" {
		t.Errorf("disk %+v", st.entries)
	}
	if err := e.SetNote(ref(99), "x", 0); err == nil {
		t.Error("note on an unwatched task must fail")
	}
}

func TestMergeOnWrite(t *testing.T) {
	st := &memStore{}
	e := New(newFake(status("Idle")), Config{Store: st})
	st.entries = append(st.entries, watchlist.Entry{Ref: ref(50), Note: "theirs"}) // another dashboard
	if _, err := e.Add([]taskref.Ref{ref(1)}); err != nil {
		t.Fatal(err)
	}
	if err := e.Remove(ref(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Add([]taskref.Ref{ref(2)}); err != nil {
		t.Fatal(err)
	}
	mustFlush(t, e)
	if got := st.refs(); !slices.Equal(got, []taskref.Ref{ref(50), ref(2)}) {
		t.Errorf("disk %v: the other dashboard's entry must survive", got)
	}
}

func TestPollsCollectsAndCoalesces(t *testing.T) {
	f := newFake(func(_ context.Context, _ taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
		if n == 1 {
			return resp("Idle"), nil
		}
		return resp("InProgress"), nil
	})
	e := New(f, Config{Interval: 5 * time.Millisecond})
	e.Add(refs(3))
	e.Collect()
	start(t, e)
	for _, r := range refs(3) {
		eventually(t, "InProgress", func() bool { return f.count(&r) >= 4 })
	}
	u := e.Collect()
	if len(u.Changed) != 3 {
		t.Fatalf("one entry per task, got %d", len(u.Changed))
	}
	var got []string
	for _, ev := range u.Events {
		if ev.Kind == EventTransition && ev.Ref == ref(0) {
			got = append(got, string(ev.From)+">"+string(ev.To))
		}
	}
	if want := []string{"pending>Idle", "Idle>InProgress"}; !slices.Equal(got, want) {
		t.Errorf("transitions %v, want %v", got, want)
	}
	if u.Changed[0].Last == nil || u.Changed[0].Last.RequestID != "req-InProgress" {
		t.Errorf("last answer %+v", u.Changed[0].Last)
	}
}

func TestNeverTwoCallsForOneTask(t *testing.T) {
	f := newFake(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
		time.Sleep(time.Millisecond)
		return resp("Idle"), nil
	})
	e := New(f, Config{Interval: time.Microsecond, Workers: 16})
	e.Add(refs(3))
	start(t, e)
	for f.count(nil) < 200 {
		e.RefreshAll()
		e.Refresh(ref(1))
		time.Sleep(100 * time.Microsecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.overlap != 0 {
		t.Errorf("%d calls overlapped another call for the same task", f.overlap)
	}
}

func goroutinesWhileWatching(t *testing.T, n int) int {
	f := newFake(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
		time.Sleep(100 * time.Microsecond)
		return resp("Idle"), nil
	})
	e := New(f, Config{Interval: 10 * time.Millisecond, Workers: 8})
	if _, err := e.Add(refs(n)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	eventually(t, "polling", func() bool { return f.count(nil) > 50 })
	g := runtime.NumGoroutine()
	cancel()
	<-done
	return g
}

func TestGoroutinesDoNotGrowWithTasks(t *testing.T) {
	base := runtime.NumGoroutine()
	g10 := goroutinesWhileWatching(t, 10)
	g10k := goroutinesWhileWatching(t, 10_000)
	if g10k > g10 || g10-base > 8+2 {
		t.Errorf("goroutines: base %d, 10 tasks %d, 10,000 tasks %d (8 workers)", base, g10, g10k)
	}
}

func TestNewAndRefreshedGoFirst(t *testing.T) {
	st := &memStore{}
	for _, r := range refs(300) {
		st.entries = append(st.entries, watchlist.Entry{Ref: r})
	}
	f := newFake(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
		time.Sleep(200 * time.Microsecond)
		return resp("Idle"), nil
	})
	e := New(f, Config{Store: st, Workers: 1, Interval: time.Hour})
	start(t, e)
	eventually(t, "first calls", func() bool { return f.count(nil) >= 20 })
	fresh := ref(1000)
	n0 := f.count(nil)
	e.Add([]taskref.Ref{fresh})
	e.Refresh(ref(250))
	eventually(t, "both asked", func() bool { return f.count(&fresh) == 1 && f.count(new(ref(250))) == 1 })
	log := f.callLog()
	if !slices.Equal(log[:20], refs(20)) {
		t.Errorf("loaded tasks must go in added order: %v", log[:20])
	}
	iFresh, iRef := slices.Index(log, fresh), slices.Index(log[n0:], ref(250))+n0
	// One call may already have been taken when we asked, and the loaded
	// tasks are overdue, so one of them goes between two asks (fairPick).
	if iFresh > n0+1 || iRef > n0+3 {
		t.Errorf("asked at call %d; new task went out at %d, refreshed at %d", n0, iFresh, iRef)
	}
}

func TestEndedAndNotFoundAreNotPolled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		alive, never := ref(1), ref(2)
		f := newFake(func(_ context.Context, r taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			if r == alive && n == 1 {
				return resp("InProgress"), nil
			}
			return nil, cerr(client.KindGone, "ResourceNotFound")
		})
		e := New(f, Config{Interval: 2 * time.Millisecond})
		e.Add([]taskref.Ref{alive, never})
		start(t, e)
		eventually(t, "vanished", phaseIs(e, alive, Vanished)) // gone after InProgress
		eventually(t, "not found", phaseIs(e, never, NotFound))
		time.Sleep(40 * time.Millisecond) // twenty intervals of the bubble's clock
		synctest.Wait()
		if a, b := f.count(&alive), f.count(&never); a != 2 || b != 1 {
			t.Fatalf("final tasks kept polling: %d, %d calls", a, b)
		}
		task, _ := taskOf(e, alive)
		if task.EndedAt.IsZero() || task.Last == nil || task.Last.Status != "InProgress" || task.Stale || !task.NextPoll.IsZero() {
			t.Errorf("ended task %+v", task)
		}
		e.Refresh(alive)
		eventually(t, "refresh asks once", func() bool { return f.count(&alive) == 3 })
		time.Sleep(40 * time.Millisecond) // twenty intervals of the bubble's clock
		synctest.Wait()
		if a := f.count(&alive); a != 3 {
			t.Errorf("refresh of an ended task must ask once, got %d calls", a)
		}
	})
}

func TestBackoffThenRecoverAtOnce(t *testing.T) {
	const iv = 10 * time.Millisecond
	var mu sync.Mutex
	var at []time.Time
	f := newFake(func(_ context.Context, _ taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		switch {
		case n == 1:
			return resp("Idle"), nil
		case n <= 4:
			return nil, cerr(client.KindTransient, "InternalError")
		}
		return resp("InProgress"), nil
	})
	e := New(f, Config{Interval: iv, MaxBackoff: 50 * time.Millisecond})
	e.Add([]taskref.Ref{ref(1)})
	start(t, e)
	var sawStale bool
	eventually(t, "recovered", func() bool {
		task, _ := taskOf(e, ref(1))
		sawStale = sawStale || task.Stale && task.Phase == Error && task.Last.Status == "Idle" && task.Failures > 0
		return task.Phase == InProgress
	})
	task, _ := taskOf(e, ref(1))
	if task.Failures != 0 || task.Stale || task.LastErr != nil {
		t.Errorf("after recovery: %+v", task)
	}
	if !sawStale {
		t.Error("never saw the error row keep its last answer, marked stale")
	}
	mu.Lock()
	defer mu.Unlock()
	// Failures 1, 2, 3 wait at least Interval, Interval, 2×Interval (timers never fire early).
	for i, min := range []time.Duration{iv, iv, 2 * iv} {
		if gap := at[i+2].Sub(at[i+1]); gap < min {
			t.Errorf("gap after failure %d = %v, want ≥ %v", i+1, gap, min)
		}
	}
}

func TestPauseStopsPollingButNotAsks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(status("Idle"))
		e := New(f, Config{Interval: 2 * time.Millisecond})
		e.Add(refs(5))
		start(t, e)
		eventually(t, "polling", func() bool { return f.count(nil) > 30 })
		e.SetPaused(true, 0)
		if !e.Stats().Paused {
			t.Error("Stats().Paused")
		}
		// Calls taken before the pause may still be on their way to the
		// fake: wait until every goroutine of the bubble is idle first.
		synctest.Wait()
		eventually(t, "in-flight calls done", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 0 })
		c := f.count(nil)
		time.Sleep(40 * time.Millisecond) // twenty intervals of the bubble's clock
		synctest.Wait()
		if got := f.count(nil); got != c {
			t.Fatalf("paused engine made %d calls", got-c)
		}
		fresh := ref(100)
		e.Add([]taskref.Ref{fresh})
		e.Refresh(ref(0))
		eventually(t, "asks go out while paused", func() bool { return f.count(&fresh) == 1 && f.count(nil) == c+2 })
		time.Sleep(40 * time.Millisecond) // twenty intervals of the bubble's clock
		synctest.Wait()
		if got := f.count(nil); got != c+2 {
			t.Fatalf("paused engine polled again: %d extra calls", got-c-2)
		}
		e.SetPaused(false, 0)
		eventually(t, "polling resumes", func() bool { return f.count(nil) > c+20 })
	})
}

// TestPauseRequestsInOrder: the dashboard sends each press of p from its
// own command, so they may arrive out of order; an older request than one
// already applied is ignored, and the state in force is what Stats says.
func TestPauseRequestsInOrder(t *testing.T) {
	tests := []struct {
		name  string
		calls []struct {
			p   bool
			seq uint64
		}
		want bool
	}{
		{"p p in order", []struct {
			p   bool
			seq uint64
		}{{true, 1}, {false, 2}}, false},
		{"p p, second arrives first", []struct {
			p   bool
			seq uint64
		}{{false, 2}, {true, 1}}, false},
		{"p p p, the last arrives first", []struct {
			p   bool
			seq uint64
		}{{true, 3}, {true, 1}, {false, 2}}, true},
		{"unordered callers always apply", []struct {
			p   bool
			seq uint64
		}{{true, 5}, {false, 0}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(newFake(status("Idle")), Config{})
			for _, c := range tt.calls {
				e.SetPaused(c.p, c.seq)
			}
			if got := e.Stats().Paused; got != tt.want {
				t.Errorf("paused = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemoveCancelsInFlight(t *testing.T) {
	st := &memStore{}
	f := newFake(func(ctx context.Context, _ taskref.Ref, _ int) (*client.DescribeCloudRecordingResponse, error) {
		<-ctx.Done()
		return nil, &client.Error{Kind: client.KindTransient, Code: "ClientError.NetworkError", Err: ctx.Err()}
	})
	e := New(f, Config{Store: st})
	e.Add([]taskref.Ref{ref(0), ref(1)})
	start(t, e)
	eventually(t, "both in flight", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 2 })
	e.Collect()
	if err := e.Remove(ref(0)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "call canceled", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 1 })
	mustFlush(t, e)
	u := e.Collect()
	if !slices.Equal(u.Removed, []taskref.Ref{ref(0)}) || slices.ContainsFunc(u.Changed, func(t Task) bool { return t.Ref == ref(0) }) {
		t.Errorf("update after remove: removed %v changed %v", u.Removed, u.Changed)
	}
	if e.Has(ref(0)) || len(e.Tasks()) != 1 || !slices.Equal(st.refs(), []taskref.Ref{ref(1)}) {
		t.Errorf("after remove: tasks %v, disk %v", e.Tasks(), st.refs())
	}
	if s := e.Stats(); s.Calls != 0 || s.LastError != nil {
		t.Errorf("a canceled call is not a failure: %+v", s)
	}
}

func TestLateAnswerForReaddedTaskIsDropped(t *testing.T) {
	release := make(chan struct{})
	f := newFake(func(_ context.Context, _ taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
		if n == 1 {
			<-release // ignores cancellation, like a reply already on the wire
			return resp("Exited"), nil
		}
		return resp("Idle"), nil
	})
	e := New(f, Config{Interval: 5 * time.Millisecond})
	e.Add([]taskref.Ref{ref(0)})
	start(t, e)
	eventually(t, "first call in flight", func() bool { return f.count(nil) == 1 })
	e.Remove(ref(0))
	e.Add([]taskref.Ref{ref(0)})
	eventually(t, "re-added task answered", phaseIs(e, ref(0), Idle))
	close(release)
	eventually(t, "late answer handled", func() bool {
		f.mu.Lock()
		idle, made := f.inflight == 0, len(f.calls)
		f.mu.Unlock()
		return idle && e.Stats().Calls == uint64(made)
	})
	task, _ := taskOf(e, ref(0))
	if task.Phase != Idle || len(task.History) != 1 || task.SeenLive && task.Last.Status != "Idle" {
		t.Errorf("stale answer leaked into the re-added task: %+v", task)
	}
	for _, ev := range e.Collect().Events {
		if ev.Kind == EventTransition && ev.To == Exited {
			t.Error("stale answer produced a transition")
		}
	}
}
