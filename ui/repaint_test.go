package ui

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// clockModel is a model on a clock the test moves.
func clockModel(t *testing.T, tasks []watch.Task) (*Model, *time.Time) {
	now := new(time.Time)
	*now = t0
	m := newTestModel(t, newCountingEngine(), 160, 40)
	m.opts.Now = func() time.Time { return *now }
	m.Update(engineMsg{watch.Update{Changed: tasks, Stats: okStats()}})
	_ = m.View()
	return m, now
}

// sameFrame reports whether two views are the very same drawn frame (not
// merely equal text): View handed back what it had.
func sameFrame(a, b tea.View) bool {
	return len(a.Content) > 0 && unsafe.StringData(a.Content) == unsafe.StringData(b.Content)
}

// agedTasks are n tasks, the i-th in its state for age+i*step (so with a
// step they do not change in step) and answered as long ago.
func agedTasks(n int, age, step time.Duration) []watch.Task {
	out := make([]watch.Task, n)
	for i := range out {
		at := t0.Add(-age - time.Duration(i)*step)
		out[i] = watch.Task{Ref: ref(fmt.Sprintf("task-%04d", i)), Phase: watch.InProgress, Since: at,
			Last: &watch.Answer{Status: "InProgress", At: at}}
	}
	return out
}

// TestTickOnlyWhenTextChanges: a tick that comes before any text on screen
// reads differently keeps the frame drawn and arms nothing new; the frame
// is drawn again exactly when an age changes.
func TestTickOnlyWhenTextChanges(t *testing.T) {
	tests := []struct {
		name     string
		tasks    []watch.Task
		pause    bool
		box      bool
		wantWake time.Duration // from t0; 0: no tick at all
	}{
		{"no tasks", nil, false, false, 0},
		// 2h00m: the ages, and "2h00m ago" in the detail pane, move on
		// the minute; "Next poll" says "paused".
		{"two hours old, paused", agedTasks(5, 2*time.Hour+20*time.Second, 0), true, false, 40 * time.Second},
		{"three minutes old", agedTasks(5, 3*time.Minute+300*time.Millisecond, 0), true, false, 700 * time.Millisecond},
		{"help over the list", agedTasks(5, 3*time.Minute+300*time.Millisecond, 0), true, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, now := clockModel(t, tc.tasks)
			if tc.pause {
				st := okStats()
				st.Paused = true
				m.Update(engineMsg{watch.Update{Stats: st}})
			}
			if tc.box {
				press(m, "?")
			}
			first := m.View()
			_, cmd := m.Update(tickMsg{seq: m.tick.seq})
			if v := m.View(); !sameFrame(first, v) {
				t.Fatal("a tick at the same instant drew the frame again")
			}
			if tc.wantWake == 0 {
				if cmd != nil || !m.tick.at.IsZero() {
					t.Fatalf("nothing moves, yet a tick is armed for %v", m.tick.at.Sub(t0))
				}
				*now = t0.Add(time.Hour)
				m.Update(tickMsg{})
				if v := m.View(); !sameFrame(first, v) {
					t.Fatal("an hour later the frame was drawn again, though nothing on it reads the clock")
				}
				return
			}
			if cmd == nil || m.tick.at != t0.Add(tc.wantWake) {
				t.Fatalf("tick armed for %v (cmd %v), want %v", m.tick.at.Sub(t0), cmd != nil, tc.wantWake)
			}
			// Just before the wake: nothing changes, nothing is drawn.
			*now = t0.Add(tc.wantWake - time.Millisecond)
			m.Update(tickMsg{})
			if v := m.View(); !sameFrame(first, v) {
				t.Fatal("a tick before the wake drew the frame again")
			}
			*now = t0.Add(tc.wantWake)
			_, cmd = m.Update(tickMsg{seq: m.tick.seq})
			v := m.View()
			if sameFrame(first, v) || v.Content == first.Content {
				t.Fatal("at the wake the ages did not move")
			}
			if cmd == nil || !m.tick.at.After(*now) {
				t.Fatal("no tick armed for the next change")
			}
		})
	}
}

// TestQuietCollectKeepsFrame: the engine's once-a-second Collect with no
// task changed and the same figures draws nothing and only waits again;
// any change to a figure or a task draws.
func TestQuietCollectKeepsFrame(t *testing.T) {
	m, _ := clockModel(t, agedTasks(3, 2*time.Hour, 0))
	first := m.View()
	_, cmd := m.Update(engineMsg{watch.Update{Stats: okStats()}})
	if v := m.View(); !sameFrame(first, v) {
		t.Fatal("a Collect that changed nothing drew the frame again")
	}
	if cmd == nil {
		t.Fatal("the quiet Collect did not wait for the engine again")
	}
	st := okStats()
	st.Rate = 3.5
	m.Update(engineMsg{watch.Update{Stats: st}})
	if v := m.View(); sameFrame(first, v) {
		t.Fatal("a new rate did not draw the frame")
	}
	second := m.View()
	tk := m.all[1].t
	tk.Note = "escalated"
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: st}})
	if v := m.View(); sameFrame(second, v) {
		t.Fatal("a changed task did not draw the frame")
	}
}

// loopStats is what loop saw: messages handled, ticks among them, frames
// drawn (a View that was not the previous frame handed back).
type loopStats struct{ updates, ticks, frames int }

// loop is a small Bubble Tea event loop on synctest's clock: it runs each
// command in its own goroutine and feeds the messages back through Update,
// calling View after each as Program does, while the fake engine signals
// once a second with nothing new (as watch.Engine.Run does) for d.
func loop(t *testing.T, tasks []watch.Task, paused bool, d time.Duration) loopStats {
	t.Helper()
	var st loopStats
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		eng := newCountingEngine()
		m := New(eng, Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC, Context: ctx})
		stats := okStats()
		stats.Paused = paused
		shift := time.Now().Sub(t0) // move the fixture to the bubble's clock
		for i := range tasks {
			tasks[i].Since = tasks[i].Since.Add(shift)
			tasks[i].Last.At = tasks[i].Last.At.Add(shift)
		}
		msgs := make(chan tea.Msg, 16)
		var wg sync.WaitGroup
		var run func(tea.Cmd)
		run = func(cmd tea.Cmd) {
			if cmd == nil {
				return
			}
			wg.Go(func() {
				msg := cmd()
				if b, ok := msg.(tea.BatchMsg); ok {
					for _, c := range b {
						run(c)
					}
					return
				}
				if msg != nil {
					select {
					case msgs <- msg:
					case <-ctx.Done():
					}
				}
			})
		}
		wg.Go(func() { // the engine's tick
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					eng.push(watch.Update{Stats: stats})
				}
			}
		})
		var last tea.View
		handle := func(msg tea.Msg) {
			st.updates++
			if _, ok := msg.(tickMsg); ok {
				st.ticks++
			}
			_, cmd := m.Update(msg)
			if v := m.View(); !sameFrame(last, v) {
				st.frames++
				last = v
			}
			run(cmd)
		}
		handle(tea.WindowSizeMsg{Width: 160, Height: 40})
		handle(engineMsg{watch.Update{Changed: tasks, Stats: stats}})
		st = loopStats{} // count from the first frame with the tasks on
		end := time.After(d)
		for done := false; !done; {
			select {
			case msg := <-msgs:
				handle(msg)
			case <-end:
				done = true
			}
		}
		cancel()
		wg.Wait()
	})
	return st
}

// TestIdleLoopDrawsOnlyWhatMoves runs the dashboard idle for ten minutes
// of fake time: with nothing on screen that reads the clock it draws no
// frame and takes no tick; with ages that move on the minute it draws
// about one frame a minute; with ages that move every second, one frame a
// second, however many ages there are.
func TestIdleLoopDrawsOnlyWhatMoves(t *testing.T) {
	const d = 10 * time.Minute
	tests := []struct {
		name       string
		tasks      []watch.Task
		minF, maxF int
		maxTicks   int
	}{
		{"no tasks", nil, 0, 0, 1},
		{"2h old", agedTasks(60, 2*time.Hour, 0), 9, 11, 12},
		// Their minutes turn at three different seconds.
		{"2h old, 2.2 s apart", agedTasks(60, 2*time.Hour, 37*time.Millisecond), 20, 31, 32},
		{"fresh, 2.2 s apart", agedTasks(60, 0, 37*time.Millisecond), 590, 601, 602},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := loop(t, tc.tasks, true, d)
			t.Logf("%s: %+v over %v", tc.name, st, d)
			if st.frames < tc.minF || st.frames > tc.maxF || st.ticks > tc.maxTicks {
				t.Errorf("%+v, want %d–%d frames and at most %d ticks", st, tc.minF, tc.maxF, tc.maxTicks)
			}
		})
	}
}

// TestTimersEndWithTheDashboard: the timers the model arms (a flash's
// clearing, the clock's next tick) return as soon as the dashboard ends,
// instead of holding the program, and with it a team-mode session's
// whole model, until they fire.
func TestTimersEndWithTheDashboard(t *testing.T) {
	for name, arm := range map[string]func(m *Model) tea.Cmd{
		"flash": func(m *Model) tea.Cmd { return m.setFlash("saved", common.FlashInfo, 12*time.Second) },
		"tick":  func(m *Model) tea.Cmd { return m.armTick(time.Now().Add(time.Hour)) },
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC, Context: ctx})
				cmd := arm(m)
				done := make(chan tea.Msg, 1)
				go func() { done <- cmd() }()
				synctest.Wait()
				cancel()
				synctest.Wait()
				select {
				case msg := <-done:
					if msg != nil {
						t.Errorf("the ended dashboard got %T", msg)
					}
				default:
					t.Error("the timer still holds the program after the dashboard ended")
				}
			})
		})
	}
}
