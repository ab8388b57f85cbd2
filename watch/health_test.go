package watch

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

func fails(k client.Kind, code string) func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
	return func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
		return nil, cerr(k, code)
	}
}

// TestThrottleBurstCutsOnceThenClimbs: a burst of throttles cuts the rate
// once, and quiet seconds climb it back, on the bubble's clock. Once the
// throttles stop, the fake answers after 50 ms: 20 tasks at a 1 ms interval
// then make 16 calls (the in-flight limit) every 50 ms through the climb,
// instead of as many as the CPU allows.
func TestThrottleBurstCutsOnceThenClimbs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(fails(client.KindThrottled, "RequestLimitExceeded"))
		e := New(f, Config{Interval: time.Millisecond, Quota: 20})
		e.Add(refs(20))
		start(t, e)
		eventually(t, "a burst of throttles", func() bool { return e.Stats().Throttles1m >= 30 })
		f.mu.Lock()
		rates := append([]float64(nil), f.rates...)
		f.mu.Unlock()
		// Run sets the quota, the burst cuts once: a second cut needs a new
		// burst at least a second later.
		if len(rates) < 2 || rates[0] != 20 || !near(rates[1], 18) || len(rates) > 2 && rates[2] < 18 {
			t.Fatalf("rates %v, want [20 18 ...] with one cut per burst (to 90%%: at the ceiling)", rates)
		}
		if p := e.Tasks()[0].Phase; p != Throttled {
			t.Errorf("phase %q", p)
		}
		f.setAnswer(func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
			time.Sleep(50 * time.Millisecond)
			return resp("Idle"), nil
		})
		eventually(t, "climb back", func() bool { return e.Stats().Limit > 18.2 })
		s := e.Stats()
		if s.Quota != 20 || s.Limit > 20 || s.Health != HealthDegraded || s.LastError == nil || s.LastError.Code != "RequestLimitExceeded" {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestAuthFailureSlowsToOneProbe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(fails(client.KindAuth, "AuthFailure.SignatureFailure"))
		const probe = 100 * time.Millisecond
		e := New(f, Config{Interval: time.Millisecond, ProbeInterval: probe, Workers: 16})
		e.Add(refs(50))
		start(t, e)
		eventually(t, "auth health", func() bool { return e.Stats().Health == HealthAuth })
		eventually(t, "calls sent before the failure drained", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 0 })
		c := f.count(nil)
		time.Sleep(4*probe + probe/2) // on the bubble's clock
		synctest.Wait()
		// At most 5 probes in 4.5 probe intervals; unchecked, 50 tasks at a 1 ms
		// interval would make thousands of calls.
		if n := f.count(nil) - c; n > 6 {
			t.Errorf("%d calls in %v while credentials fail, want one probe per %v", n, 4*probe+probe/2, probe)
		}
		eventually(t, "probing goes on", func() bool { return f.count(nil) > c })
		s := e.Stats()
		if !strings.Contains(s.HealthDetail, "AuthFailure.SignatureFailure") || !strings.Contains(s.HealthDetail, "TENCENTCLOUD_SECRET_KEY") {
			t.Errorf("detail %q must say what to fix", s.HealthDetail)
		}
		f.setAnswer(status("InProgress"))
		eventually(t, "normal polling resumes after one good probe", func() bool {
			for _, task := range e.Tasks() {
				if task.Phase != InProgress {
					return false
				}
			}
			return e.Stats().Health != HealthAuth
		})
	})
}

func TestAPIDownKeepsDataAndRecovers(t *testing.T) {
	f := newFake(status("InProgress"))
	e := New(f, Config{Interval: 2 * time.Millisecond, MaxBackoff: time.Hour})
	e.Add(refs(20))
	start(t, e)
	eventually(t, "all answered", func() bool {
		for _, task := range e.Tasks() {
			if task.Phase != InProgress {
				return false
			}
		}
		return true
	})
	f.setAnswer(fails(client.KindTransient, "ClientError.NetworkError"))
	eventually(t, "down", func() bool { return e.Stats().Health == HealthDown })
	if d := e.Stats().HealthDetail; !strings.Contains(d, "ClientError.NetworkError") {
		t.Errorf("detail %q", d)
	}
	eventually(t, "every row stale with its last answer", func() bool {
		for _, task := range e.Tasks() {
			if !task.Stale || task.Last == nil || task.Last.Status != "InProgress" || task.Phase != Error {
				return false
			}
		}
		return true
	})
	// With an hour of MaxBackoff, only the recovery (not backoff expiry)
	// can bring every task back.
	f.setAnswer(status("Idle"))
	eventually(t, "recovered by itself", func() bool {
		for _, task := range e.Tasks() {
			if task.Phase != Idle || task.Stale {
				return false
			}
		}
		return e.Stats().Health != HealthDown
	})
}

// TestChangedTicksWhileRunning waits for the engine's tick on the bubble's
// clock.
func TestChangedTicksWhileRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(newFake(status("Idle")), Config{})
		start(t, e)
		select { // nothing was added: any signal comes from the tick
		case <-e.Changed():
			if u := e.Collect(); len(u.Changed) != 0 || u.Stats.Quota != 20 {
				t.Errorf("tick update %+v", u)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no Changed signal from an idle running engine")
		}
	})
}

// TestAuthFailureCallsBackQueuedCalls: calls other workers already took
// when the first auth failure lands (in the real client they wait in the
// limiter) are cancelled rather than sent to fail the same way. Here they
// block until cancelled, so without the call-back they never end.
func TestAuthFailureCallsBackQueuedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var cancelled atomic.Int32
		ref0 := ref(0)
		f := newFake(func(ctx context.Context, ref taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			if ref == ref0 {
				<-release // let the other workers take their calls first
				return nil, cerr(client.KindAuth, "AuthFailure.SignatureFailure")
			}
			if n > 1 {
				t.Errorf("%s called again within the hour-long probe interval", ref.TaskID)
			}
			<-ctx.Done()
			cancelled.Add(1)
			return nil, ctx.Err()
		})
		e := New(f, Config{Interval: time.Millisecond, ProbeInterval: time.Hour, Workers: 8})
		e.Add(refs(20))
		start(t, e)
		eventually(t, "every worker holding a call", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 8 })
		close(release)
		eventually(t, "auth health", func() bool { return e.Stats().Health == HealthAuth })
		eventually(t, "queued calls called back", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 0 })
		// The fake's counter drops before the engine has taken the cancelled
		// results in; wait until every goroutine of the bubble is idle, so the
		// engine's state below is the one after the call-back, not during it.
		synctest.Wait()
		if n := cancelled.Load(); n != 7 {
			t.Errorf("%d calls cancelled, want the 7 other workers' calls", n)
		}
		for _, task := range e.Tasks() {
			if task.InFlight || task.Phase != Pending && task.Phase != AuthError {
				t.Errorf("%s: phase %q in flight %v after the call-back", task.Ref.TaskID, task.Phase, task.InFlight)
			}
		}
		if c := e.Stats().Calls; c != 1 {
			t.Errorf("%d calls counted, want 1: a cancelled call is not an answer", c)
		}
	})
}

// TestCalledBackPollWaitsOutThePause: a call the engine calls back
// when the gate shuts goes back to the front of the queue, but as a poll for
// a task that already answered, not as an ask. Asks go out even while
// paused, so before the fix a paused dashboard kept probing such tasks and
// changing them (the hostile soak saw its screen "change" after pausing).
// A task that never answered stays an ask and is looked up once the pause
// ends.
func TestCalledBackPollWaitsOutThePause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		ref0, ref1 := ref(0), ref(1)
		f := newFake(func(ctx context.Context, r taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error) {
			switch {
			case n == 1:
				return resp("InProgress"), nil
			case r == ref0 && n == 2:
				<-release // ref1's second call is in flight by now
				return nil, cerr(client.KindAuth, "AuthFailure.SignatureFailure")
			case r == ref1 && n == 2:
				<-ctx.Done() // called back when the gate shuts
				return nil, ctx.Err()
			}
			return resp("InProgress"), nil
		})
		e := New(f, Config{Interval: time.Second, ProbeInterval: time.Minute, Workers: 4})
		e.Add([]taskref.Ref{ref0, ref1})
		start(t, e)
		eventually(t, "both second calls out", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.inflight == 2 })
		e.SetPaused(true, 0)
		close(release)
		eventually(t, "auth health", func() bool { return e.Stats().Health == HealthAuth })
		synctest.Wait()
		before := f.count(&ref1)
		time.Sleep(5 * time.Minute) // five probe intervals, all paused
		synctest.Wait()
		if n := f.count(&ref1); n != before {
			t.Errorf("a paused engine called %s %d more times", ref1.TaskID, n-before)
		}
		task, _ := taskOf(e, ref1)
		if task.InFlight || task.NextPoll.IsZero() {
			t.Errorf("called-back task: in flight %v, next poll %v", task.InFlight, task.NextPoll)
		}
		e.SetPaused(false, 0)
		eventually(t, "polled again after the pause", func() bool { return f.count(&ref1) > before })
	})
}
