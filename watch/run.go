package watch

import (
	"container/heap"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// job is one call in flight. gen ties it to the entry it was made for, so an
// answer for a task removed (or removed and added again) meanwhile is dropped.
type job struct {
	ent    *entry
	gen    uint64
	ref    taskref.Ref
	ctx    context.Context
	cancel context.CancelFunc
	sentAt time.Time
}

// Run polls until ctx is done. It starts cfg.Workers workers (the cap on
// calls in flight) that pull the most urgent task from one queue, but lets
// only inFlightLimit of them hold a call at once: enough to fill the rate at
// the measured latency (Little's law), so a slow path still uses the quota
// in full, while a fast one does not take tasks from the queue long before
// their calls can leave. The client's limiter paces them. Run is meant to
// be called once; a second concurrent call just waits for ctx.
func (e *Engine) Run(ctx context.Context) {
	e.mu.Lock()
	if e.running {
		e.mu.Unlock()
		<-ctx.Done()
		return
	}
	now := e.cfg.Now()
	// Calls get their own cancellation, not ctx's deadline: a limiter that
	// sees a deadline refuses to wait past it, and those refusals would look
	// like an API failing. Ending ctx cancels every call in flight instead,
	// and runCtx with it, so a call a worker takes after that (it checked
	// ctx just before) is born cancelled rather than left to block Run.
	runCtx, runCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer runCancel()
	e.running, e.runCtx, e.started, e.alive = true, runCtx, now, now
	e.aimd.lastTick = now
	e.api.SetRate(e.aimd.rate)
	e.mu.Unlock()

	stop := context.AfterFunc(ctx, func() { runCancel(); e.cancelInFlight() })
	defer stop()
	var wg sync.WaitGroup
	for range e.cfg.Workers {
		wg.Go(func() { e.worker(ctx) })
	}
	if w, ok := e.cfg.Store.(changeWatcher); ok {
		wg.Go(func() { e.reloadLoop(ctx, w) })
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			e.Flush() // the last edit is on disk before Run returns
			e.mu.Lock()
			e.running = false
			e.mu.Unlock()
			e.signal()
			return
		case <-tick.C:
			e.tick()
		}
	}
}

// cancelInFlight cancels every call in flight, when Run's context ends.
func (e *Engine) cancelInFlight() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cancelInFlightLocked(nil)
}

// cancelInFlightLocked cancels every call in flight except the one for
// keep. Cancelled calls go back to the front of the queue (see finish), so
// no task loses its turn; they are just not sent while the gate is shut.
func (e *Engine) cancelInFlightLocked(keep *entry) {
	for _, ent := range e.order {
		if ent != keep && ent.cancel != nil {
			ent.cancel()
		}
	}
}

// tick runs once a second: the additive half of AIMD, and a signal so the
// header's rate and health stay live even when no task changes.
func (e *Engine) tick() {
	e.mu.Lock()
	now := e.cfg.Now()
	e.aliveLocked(now)
	if e.aimd.climb(now) {
		e.api.SetRate(e.aimd.rate)
	}
	if e.limitWait && e.inflight < e.inFlightLimitLocked() {
		// The limit grew with the latency or the rate: the workers it held
		// back may take calls now. (Comparing with the limit less one missed
		// a limit that grew past the calls held: at 2 s of latency the
		// first 16 calls waited for their answers with 16 seats more
		// allowed, and the quota stood idle from 0.9 to 2 s.)
		e.limitWait = false
		e.wakeLocked()
	}
	e.mu.Unlock()
	e.signal()
}

func (e *Engine) worker(ctx context.Context) {
	for {
		j := e.take(ctx)
		if j == nil {
			return
		}
		resp, err := e.describe(j)
		e.finish(j, resp, err)
	}
}

// describe makes one call; a panic below it (the API client, the SDK, a
// fake) becomes this task's failure and is logged, instead of taking the
// whole program down with every task on screen.
func (e *Engine) describe(j *job) (resp *client.DescribeCloudRecordingResponse, err error) {
	defer func() {
		if p := recover(); p != nil {
			msg := fmt.Sprint(p)
			msg = sanitize.Clip(msg, 300)
			e.log.Error("panic while polling a task", "task", j.ref.TaskID, "panic", msg, "stack", string(debug.Stack()))
			resp, err = nil, &client.Error{Kind: client.KindTransient, Code: client.CodePanic, Action: client.ActionDescribe,
				Message: "internal error while polling this task (a bug; please report it): " + strings.ToValidUTF8(msg, "\uFFFD")}
		}
	}()
	return e.api.Describe(j.ctx, j.ref)
}

// take blocks until a task may be called, or ctx is done (nil). One idle
// worker at a time watches the queue (it holds e.watcher) and the others
// wait their turn, so a change to the queue, a finished call or a due
// time wakes one goroutine instead of every idle one (with 64 workers and
// 16 calls in flight, 48 woke for each call taken). A worker that takes a
// call hands the watch on as it returns, so the next one looks at once
// whether another call may go too: as many calls go out as before, at the
// same moments.
func (e *Engine) take(ctx context.Context) *job {
	select {
	case e.watcher <- struct{}{}:
	case <-ctx.Done():
		return nil
	}
	defer func() { <-e.watcher }()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for ctx.Err() == nil {
		e.mu.Lock()
		j, wait := (*job)(nil), forever
		if e.inflight < e.inFlightLimitLocked() {
			j, wait = e.pickLocked()
		} else {
			e.limitWait = true
		}
		wake := e.wake
		e.mu.Unlock()
		if j != nil {
			return j
		}
		var fire <-chan time.Time
		if wait >= 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-fire:
		}
	}
	return nil
}

func (e *Engine) probeEvery() time.Duration {
	if e.health.gate == gateAuth {
		return e.cfg.ProbeInterval
	}
	return e.cfg.Interval
}

func (e *Engine) pickLocked() (*job, time.Duration) {
	if e.runCtx == nil {
		return nil, forever
	}
	now := e.cfg.Now()
	later := e.promoteLocked(now) // callbacks' confirmations now due become asks (push.go)
	if len(e.queue) == 0 {
		return nil, later
	}
	e.aliveLocked(now) // a call taken after a Gap is sent after its end
	head := e.queue[0]
	ok, wait := canTake(head.key, now, e.paused, e.health.gate, e.inflight, e.lastProbe, e.probeEvery())
	if !ok {
		return nil, minWait(wait, later)
	}
	switch {
	case head.key.class != classAsk:
		e.burst = time.Time{}
	case e.burst.IsZero():
		e.burst = head.key.due // the oldest ask: the heap orders asks by due
	}
	if e.health.gate == gateOpen && !e.paused {
		// The calls taken before this one wait in the limiter first: a
		// poll due by the time this call goes out is overdue already.
		var lead time.Duration
		if e.aimd.rate > 0 {
			lead = time.Duration(float64(e.inflight) / e.aimd.rate * float64(time.Second))
		}
		head = fairPick(e.queue, now.Add(lead), e.burst, e.lastAsk)
	}
	e.lastAsk = head.key.class == classAsk
	heap.Remove(&e.queue, head.idx)
	if e.health.gate != gateOpen {
		e.lastProbe = now
	}
	e.inflight++
	ctx, cancel := context.WithCancel(e.runCtx)
	head.cancel = cancel
	head.t.InFlight, head.t.NextPoll = true, time.Time{}
	head.sent, head.want = now, false // this call confirms every callback filed so far
	e.touchLocked(head.t.Ref)
	return &job{ent: head, gen: head.gen, ref: head.t.Ref, ctx: ctx, cancel: cancel, sentAt: now}, 0
}

// finish records a call's outcome and schedules the task's next call.
func (e *Engine) finish(j *job, resp *client.DescribeCloudRecordingResponse, err error) {
	canceled := err != nil && j.ctx.Err() != nil
	j.cancel()
	now := e.cfg.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inflight--
	e.wakeLocked()
	e.aliveLocked(now)
	ent := e.tasks[j.ref]
	current := ent != nil && ent == j.ent && ent.gen == j.gen
	if err != nil && !canceled && e.gap.To.After(j.sentAt) && FailureFrom(err, now).Kind == client.KindTransient {
		// It waited through a Gap: its timeout (or broken connection)
		// was this process's doing, not the API's.
		canceled = true
	}
	if canceled {
		// Removed (dropped below), called back (the gate shut), shutting
		// down, or failed across a Gap: not an answer. A task still watched goes back to the front,
		// so it loses no turn: as an ask if it never had an answer, else as
		// a poll due now. Not as an ask then: asks go out even while paused,
		// and a paused dashboard must not call for tasks it already knows.
		if current {
			ent.cancel, ent.t.InFlight = nil, false
			ent.key = key{class: classPoll, due: now, seq: ent.gen}
			ent.t.NextPoll = now
			if ent.t.Last == nil && ent.t.LastErr == nil {
				ent.key.class, ent.t.NextPoll = classAsk, time.Time{}
			}
			heap.Push(&e.queue, ent)
			e.touchLocked(ent.t.Ref)
		}
		return
	}
	e.calls++
	e.callMeter.add(now)
	var a *Answer
	var f *Failure
	if err == nil {
		a = AnswerFrom(resp, now)
	} else {
		f = FailureFrom(err, now)
		if f.Kind != client.KindGone {
			e.lastErr = f
		}
		if f.Kind == client.KindThrottled {
			e.throttles.add(now)
			if e.aimd.throttled(j.sentAt, now) {
				e.api.SetRate(e.aimd.rate)
				e.log.Debug("throttled: rate cut", "rate", e.aimd.rate)
			}
		}
	}
	was := e.health.gate
	if e.health.observe(f, now) {
		e.log.Info("API health changed", "gate", e.health.gate, "code", codeOf(f))
		switch {
		case was == gateDown && e.health.gate == gateOpen:
			e.resumeLocked(now)
		case was == gateOpen:
			// The gate just shut (bad credentials, or the API is down):
			// the calls other workers already took would only fail the
			// same way, up to one per worker queued in the limiter. Call
			// them back; from now on only the probe goes out.
			// The failure that shut it counts as the first probe.
			e.cancelInFlightLocked(j.ent)
			e.lastProbe = now
		}
	}
	e.signal()
	if !current {
		return // removed or re-added while in flight: a stale answer
	}
	ent.cancel, ent.t.InFlight = nil, false
	prevCode := failCode(ent.t.LastErr)
	unseen := e.gap.To.After(ent.t.answerSent) // the Gap came after the call that brought Last
	if a != nil {
		ent.t.answerSent = j.sentAt
	}
	if tr, ok := apply(&ent.t, a, f, now, unseen, e.cfg.HistoryLimit); ok {
		e.eventLocked(Event{At: tr.At, Kind: EventTransition, Ref: ent.t.Ref, From: tr.From, To: tr.To, RequestID: tr.RequestID})
	}
	if code := failCode(ent.t.LastErr); code != prevCode {
		ev := Event{At: now, Kind: EventError, Ref: ent.t.Ref, To: ent.t.Phase, Code: code}
		if ent.t.LastErr != nil {
			ev.RequestID = ent.t.LastErr.RequestID
		} else if ent.t.Last != nil {
			ev.RequestID = ent.t.Last.RequestID
		}
		e.eventLocked(ev)
	}
	e.touchLocked(ent.t.Ref)
	due, poll := nextDue(now, ent.t.Phase, f, ent.t.Failures, e.cfg.Interval, e.stretchLocked(ent, now), e.cfg.MaxBackoff, rand.Float64())
	if poll {
		ent.key = key{class: classPoll, due: due, seq: ent.gen}
		ent.t.NextPoll = due
		heap.Push(&e.queue, ent)
	} else {
		ent.t.NextPoll = time.Time{}
	}
	e.confirmLocked(ent, now) // a callback that came during the call (push.go)
}

// resumeLocked makes every task that backed off while the API was down due
// now: the API is back, and their backoff said nothing about them.
func (e *Engine) resumeLocked(now time.Time) {
	for _, ent := range e.queue {
		if ent.key.class == classPoll && ent.t.LastErr != nil && (ent.t.LastErr.Kind == client.KindTransient || ent.t.LastErr.Kind == client.KindConfig) && ent.key.due.After(now) {
			ent.key.due = now
			ent.t.NextPoll = now
			e.touchLocked(ent.t.Ref)
		}
	}
	heap.Init(&e.queue)
}

// failCode is the code an error event reports: a task the API no longer
// knows is not failing (its transition to ended, vanished or not found
// says it), so "gone" has none.
func failCode(f *Failure) string {
	if f == nil || f.Kind == client.KindGone {
		return ""
	}
	return f.Code
}

func codeOf(f *Failure) string {
	if f == nil {
		return ""
	}
	return f.Code
}

// gapAfter is how long the engine may go without running (its tick is
// every second) before the stretch counts as a Gap: a few intervals, so
// that tasks missed several polls, and never under 5 s, well above any
// garbage-collection pause or busy second.
func (e *Engine) gapAfter() time.Duration { return max(3*e.cfg.Interval, 5*time.Second) }

// gapShownFor is how long Stats keeps the latest Gap after it ended, for
// the header to say that nothing was polled in it.
const gapShownFor = 10 * time.Minute

// aliveLocked notes that the engine runs at now (a tick or an answer), and
// records a Gap when it had not run for longer than gapAfter. The wall
// clock counts as well as the monotonic one: a machine asleep (a laptop
// lid) stops the latter on Linux, and the tasks' times are wall times.
func (e *Engine) aliveLocked(now time.Time) {
	last := e.alive
	if !now.After(last) {
		return // a worker that read the clock before a tick took the lock
	}
	e.alive = now
	if last.IsZero() {
		return
	}
	if d := max(now.Sub(last), now.Round(0).Sub(last.Round(0))); d > e.gapAfter() {
		e.gap = Gap{From: last, To: now}
		e.log.Warn("the engine could not run: nothing was polled", "for", d.Round(time.Second), "from", last, "to", now)
	}
}

// gapLocked is the Gap Stats shows: the latest, until gapShownFor after it.
func (e *Engine) gapLocked(now time.Time) Gap {
	if e.gap.To.IsZero() || now.Sub(e.gap.To) >= gapShownFor {
		return Gap{}
	}
	return e.gap
}
