package watch

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// TestGapEndsAreNotVanished: the process is stopped or starved (a laptop
// lid does the same) for 12 minutes while tasks record. Afterwards the
// engine says it could not poll (Stats.Gap), a task last seen InProgress
// before the gap and gone after it has ended, its end not seen (not a red
// "vanished"), a call that waited through the gap and timed out is not the
// API failing, and a task seen alive after the gap that then goes is
// vanished as ever.
func TestGapEndsAreNotVanished(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var offset atomic.Int64 // how far the engine's clock jumped: the stall
		now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		var stalled atomic.Bool
		release := make(chan struct{})
		before, after, waiting := ref(1), ref(2), ref(3)
		var afterCalls atomic.Int32
		gone := func() error { return cerr(client.KindGone, "ResourceNotFound") }
		f := newFake(func(_ context.Context, r taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			if !stalled.Load() {
				if r == waiting && n == 2 {
					<-release // in flight when the process stops
					return nil, cerr(client.KindTransient, "ClientError.NetworkError")
				}
				return resp("InProgress"), nil
			}
			switch r {
			case before:
				return nil, gone()
			case after:
				if afterCalls.Add(1) > 1 {
					return nil, gone()
				}
			}
			return resp("InProgress"), nil
		})
		e := New(f, Config{Interval: 2 * time.Second, Now: now})
		e.Add([]taskref.Ref{before, after, waiting})
		start(t, e)
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if f.count(&waiting) != 2 {
			t.Fatalf("the waiting task's second call is not in flight: %d calls", f.count(&waiting))
		}
		if g := e.Stats().Gap; g != (Gap{}) {
			t.Fatalf("a gap without a stall: %+v", g)
		}

		// The process stops: 12 minutes pass that the engine never sees.
		stalledAt := now()
		stalled.Store(true)
		offset.Store(int64(12 * time.Minute))
		close(release)
		time.Sleep(10 * time.Second)
		synctest.Wait()

		g := e.Stats().Gap
		if g.From.After(stalledAt) || g.To.Sub(g.From) < 12*time.Minute || g.To.Sub(stalledAt) > 13*time.Minute {
			t.Errorf("Stats.Gap = %v to %v, want the 12 minutes from %v", g.From, g.To, stalledAt)
		}
		task, _ := taskOf(e, before)
		if task.Phase != Ended || !task.EndUnseen {
			t.Errorf("last seen InProgress before the gap, gone after: phase %q, EndUnseen %v; want ended, its end not seen", task.Phase, task.EndUnseen)
		}
		task, _ = taskOf(e, after)
		if task.Phase != Vanished || task.EndUnseen {
			t.Errorf("seen InProgress after the gap, then gone: phase %q, EndUnseen %v; want vanished", task.Phase, task.EndUnseen)
		}
		task, _ = taskOf(e, waiting)
		if task.Phase != InProgress || task.LastErr != nil || len(task.History) != 1 {
			t.Errorf("the call that waited through the gap counted as a failure: phase %q, error %v, history %+v", task.Phase, task.LastErr, task.History)
		}
		if st := e.Stats(); st.Health != HealthOK || st.LastError != nil {
			t.Errorf("health %q, last error %v: the gap's timeout is not the API's", st.Health, st.LastError)
		}

		// The notice stays for gapShownFor, then goes.
		time.Sleep(gapShownFor)
		synctest.Wait()
		if g := e.Stats().Gap; g != (Gap{}) {
			t.Errorf("Stats.Gap still %+v after %v", g, gapShownFor)
		}
	})
}

// TestApplyUnseenEnd: a gap between the last live answer and the gone one
// makes a task last seen Idle or InProgress ended, its end not seen; after
// Exited it was a clean stop anyway, and a task never seen alive is not
// found whatever the gap.
func TestApplyUnseenEnd(t *testing.T) {
	tests := []struct {
		name    string
		last    *Answer
		unseen  bool
		phase   Phase
		flagged bool
	}{
		{"InProgress, gap, gone", ans("InProgress"), true, Ended, true},
		{"Idle, gap, gone", ans("Idle"), true, Ended, true},
		{"InProgress, gone, no gap", ans("InProgress"), false, Vanished, false},
		{"Exited, gap, gone", ans("Exited"), true, Ended, false},
		{"never alive, gap, gone", nil, true, NotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t0 := time.Unix(1000, 0)
			task := Task{Phase: Pending}
			if tt.last != nil {
				apply(&task, tt.last, nil, t0, false, 50)
			}
			g := *fail(client.KindGone)
			g.At = t0.Add(time.Minute)
			apply(&task, nil, &g, g.At, tt.unseen, 50)
			if task.Phase != tt.phase || task.EndUnseen != tt.flagged {
				t.Fatalf("phase %q, EndUnseen %v; want %q, %v", task.Phase, task.EndUnseen, tt.phase, tt.flagged)
			}
			if tt.flagged {
				apply(&task, ans("InProgress"), nil, g.At.Add(time.Second), false, 50)
				if task.EndUnseen {
					t.Error("alive again: EndUnseen stays set")
				}
			}
		})
	}
}
