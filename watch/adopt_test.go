package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

func stranger(i int) taskref.Ref {
	return taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("stranger-%03d", i)}
}

func adoptConfig(st Store) Config {
	return Config{Store: st, Interval: time.Hour, Push: PushConfig{Adopt: true, Region: "ap-singapore", MaxAdopted: 3, AdoptPerMinute: 2, Apps: []uint64{1400000001}}}
}

// TestAdoptBounds: with Adopt on, a callback for a task not watched adds
// it (asked at once, marked adopted with its room, saved so), at most
// AdoptPerMinute a minute and MaxAdopted watched at once; the rest are
// counted and listed as not watched with the reason. Removing an adopted
// task frees its place, and a restart keeps the mark and the room.
func TestAdoptBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &memStore{}
		ct := newCallTimes()
		e := New(newFake(ct.answer("InProgress")), adoptConfig(st))
		start(t, e)
		push := func(from, to int) {
			var evs []callback.Event
			for i := from; i < to; i++ {
				evs = append(evs, cbAt(stranger(i), callback.RecorderStart, time.Now(), `{"Status": 0}`))
			}
			e.Push(evs)
			synctest.Wait()
		}
		push(0, 5)
		u := e.Collect()
		adds, filed, nw := kindEvents(u, EventAdd), kindEvents(u, EventCallback), kindEvents(u, EventNotWatched)
		if len(adds) != 2 || len(filed) != 2 || len(nw) != 3 {
			t.Fatalf("first minute: %d adds, %d callbacks, %d not watched; want 2, 2, 3", len(adds), len(filed), len(nw))
		}
		for _, ev := range adds {
			if ev.By != byCallback || ev.Text != "adopted from a callback, room 20015" {
				t.Errorf("add %+v", ev)
			}
		}
		for i, ev := range nw {
			if ev.Code != notAdoptedRate || ev.Ref != stranger(2+i) || ev.Text != "301 recorder started" {
				t.Errorf("not watched %+v", ev)
			}
		}
		for _, r := range []taskref.Ref{stranger(0), stranger(1)} {
			task, ok := taskOf(e, r)
			if !ok || task.Pushed == nil || !task.Pushed.Adopted || task.Pushed.RoomID != "20015" || ct.count(r) != 1 {
				t.Errorf("adopted %s: %+v, %d calls", r, task, ct.count(r))
			}
		}

		time.Sleep(time.Minute)
		push(5, 8)
		u = e.Collect()
		if adds, nw := kindEvents(u, EventAdd), kindEvents(u, EventNotWatched); len(adds) != 1 || len(nw) != 2 || nw[0].Code != notAdoptedLimit {
			t.Fatalf("a minute later: adds %+v, not watched %+v; want 1 add then the limit", adds, nw)
		}
		s := e.Stats().Push
		if s != (PushStats{Filed: 3, NotWatched: 5, Adopted: 3, AdoptRefused: 5, AdoptedNow: 3}) {
			t.Errorf("stats %+v", s)
		}

		if err := e.Remove(stranger(0)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute)
		push(20, 22)
		if !e.Has(stranger(20)) || e.Has(stranger(21)) || e.Stats().Push.AdoptedNow != 3 {
			t.Fatalf("after a removal: one more adopted, then the limit again (adopted now %d)", e.Stats().Push.AdoptedNow)
		}

		mustFlush(t, e)
		var adopted []string
		for _, en := range st.entries {
			if en.Adopted && en.Room == "20015" {
				adopted = append(adopted, en.Ref.TaskID)
			}
		}
		if !slices.Equal(adopted, []string{"stranger-001", "stranger-005", "stranger-020"}) {
			t.Fatalf("saved as adopted: %v (list %+v)", adopted, st.entries)
		}
		again := New(newFake(ct.answer("InProgress")), adoptConfig(st))
		if p := pushedOf(again, stranger(5)); p == nil || !p.Adopted || p.RoomID != "20015" || again.Stats().Push.AdoptedNow != 3 {
			t.Fatalf("after a restart: %+v, adopted now %d", p, again.Stats().Push.AdoptedNow)
		}
	})
}

// TestNotWatched: without Adopt a callback for a task not watched is
// counted and listed once a minute per task, with the ref to add it in the
// configured region; adoption refused for a reason says which.
func TestNotWatched(t *testing.T) {
	tests := []struct {
		name string
		push PushConfig
		app  uint64
		code string
	}{
		{"adoption off", PushConfig{Region: "ap-mumbai"}, 1400000001, ""},
		{"app not watched", PushConfig{Adopt: true, Region: "ap-mumbai"}, 1400000009, notAdoptedApp},
		{"no region", PushConfig{Adopt: true, Apps: []uint64{1400000001}}, 1400000001, notAdoptedRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := New(newFake(status("Idle")), Config{Push: tt.push})
				e.Add([]taskref.Ref{ref(1)})
				e.Collect()
				s := taskref.Ref{SdkAppID: tt.app, TaskID: "stranger-1"}
				other := taskref.Ref{SdkAppID: tt.app, TaskID: "stranger-2"}
				e.Push([]callback.Event{cbAt(s, 301, time.Now(), `{}`), cbAt(s, 303, time.Now(), `{}`), cbAt(other, 307, time.Now(), `{}`)})
				time.Sleep(30 * time.Second)
				e.Push([]callback.Event{cbAt(s, 307, time.Now(), `{}`)})
				time.Sleep(31 * time.Second)
				e.Push([]callback.Event{cbAt(s, 304, time.Now(), `{}`)})
				u := e.Collect()
				nw := kindEvents(u, EventNotWatched)
				var got []string
				for _, ev := range nw {
					got = append(got, ev.Ref.TaskID+" "+ev.Text)
					if ev.Ref.Region != tt.push.Region || ev.Ref.SdkAppID != tt.app || ev.Code != tt.code || ev.By != byCallback {
						t.Errorf("event %+v", ev)
					}
				}
				if want := []string{"stranger-1 301 recorder started", "stranger-2 307 file started: (mixed)/ ", "stranger-1 304 index file uploaded: "}; !slices.Equal(got, want) {
					t.Errorf("listed %q, want %q", got, want)
				}
				if st := u.Stats.Push; st.NotWatched != 5 || st.Filed != 0 || e.Has(s) || len(kindEvents(u, EventCallback)) != 0 {
					t.Errorf("stats %+v", st)
				}
			})
		})
	}
}

// TestWatchesApp: the receiver's filter follows the list (a task's app is
// taken while one of its tasks is watched) and the configured apps.
func TestWatchesApp(t *testing.T) {
	e := New(newFake(status("Idle")), Config{Push: PushConfig{Apps: []uint64{7}}})
	other := taskref.Ref{Region: "ap-singapore", SdkAppID: 9, TaskID: "x"}
	check := func(when string, want map[uint64]bool) {
		t.Helper()
		for app, w := range want {
			if e.WatchesApp(app) != w {
				t.Errorf("%s: WatchesApp(%d) = %v", when, app, !w)
			}
		}
	}
	check("empty", map[uint64]bool{7: true, 9: false, 1400000001: false})
	e.Add([]taskref.Ref{ref(1), ref(2), other})
	check("added", map[uint64]bool{7: true, 9: true, 1400000001: true})
	e.Remove(ref(1))
	check("one of two removed", map[uint64]bool{1400000001: true})
	e.RemoveMany([]taskref.Ref{ref(2), other})
	check("all removed", map[uint64]bool{7: true, 9: false, 1400000001: false})
}

// TestAdoptedSeenByAnotherDashboard: two dashboards share a watch list;
// the one that adopts saves the mark and the room, the other reads them
// back with the task.
func TestAdoptedSeenByAnotherDashboard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "watchlist.json")
		b := New(newFake(status("Idle")), Config{Store: watchlist.Open(path, watchlist.Options{}), Interval: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { b.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		a := New(newFake(status("Idle")), adoptConfig(watchlist.Open(path, watchlist.Options{})))
		a.Push([]callback.Event{cbAt(stranger(1), callback.RecorderStart, time.Now(), `{}`)})
		mustFlush(t, a)
		time.Sleep(defaultReloadInterval + time.Second)
		synctest.Wait()
		if p := pushedOf(b, stranger(1)); p == nil || !p.Adopted || p.RoomID != "20015" {
			t.Fatalf("the other dashboard sees %+v", p)
		}
		if b.Stats().Push.AdoptedNow != 1 {
			t.Errorf("adopted now %d", b.Stats().Push.AdoptedNow)
		}
	})
}
