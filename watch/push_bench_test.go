package watch

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// BenchmarkPush is the engine's cost of filing one callback: decoding its
// payload, its facts, its event for every reader, the ask. 2,000 tasks are
// watched and polled (an instant fake), the callbacks come in batches of
// pushChunk, a mix of every type over all tasks with a score of files each.
func BenchmarkPush(b *testing.B) {
	e := New(newFake(status("InProgress")), Config{Interval: time.Minute})
	e.Add(refs(2000))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	rng := rand.New(rand.NewPCG(3, 4))
	pool := make([]callback.Event, 64*pushChunk)
	t0 := time.Now().Add(-time.Minute)
	for i := range pool {
		typ := callback.EventType(301 + rng.IntN(12))
		pool[i] = cbAt(ref(rng.IntN(2000)), typ, t0.Add(time.Duration(i)*time.Millisecond), floodPayload(typ, rng.IntN(20)))
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		i := n % 64 * pushChunk
		e.Push(pool[i : i+pushChunk])
		if n++; n%2 == 0 {
			b.StopTimer()
			e.Collect() // a reader that keeps up, as the dashboard does (60 frames a second); not counted
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*pushChunk), "ns/callback")
}

// hourFigures are what an engine at the quota spent in a simulated run.
type hourFigures struct {
	callsPerHour float64
	confirm      []time.Duration // from a callback to the next call for its task
	revisit      time.Duration   // mean time between two calls for a task no callback named
}

// quotaLoad is a simulated run: n tasks at the default Interval under a
// limiter at the quota, for run, counted after warm (the first sweep).
// Callbacks come in bursts (a 307 and a 304 50 ms later): share of the
// tasks a minute at random, or, with every, each task once per every.
type quotaLoad struct {
	n          int
	run, warm  time.Duration
	share      float64
	every      time.Duration
	confirmIvl time.Duration // PushConfig.ConfirmInterval; 0 the default
}

func quotaRun(l quotaLoad) hourFigures {
	api := &pacedAPI{lim: rate.NewLimiter(20, 1), status: "InProgress", asked: map[taskref.Ref][]time.Time{}}
	e := New(api, Config{Quota: 20, Push: PushConfig{ConfirmInterval: l.confirmIvl}})
	e.Add(refs(l.n))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	rng := rand.New(rand.NewPCG(5, 6))
	pushed := map[taskref.Ref][]time.Time{}
	// A burst arrives as one batch (as a drain of the receiver takes it),
	// so that it costs one confirming call whatever the scheduler does; a
	// second callback that arrives while that call is in flight costs one
	// more, a second later (TestPushDuringCallConfirmsAfter).
	burst := func(r taskref.Ref) {
		pushed[r] = append(pushed[r], time.Now())
		e.Push([]callback.Event{cbAt(r, callback.FileSlice, time.Now(), fmt.Sprintf(`{"FileName": "%d"}`, rng.Int())),
			cbAt(r, callback.FileInfo, time.Now().Add(50*time.Millisecond), `{}`)})
	}
	begin := time.Now()
	perTick := l.share * float64(l.n) / 60 / 10 // bursts per 100 ms
	acc := 0.0
	for tick := 0; time.Since(begin) < l.run; tick++ {
		time.Sleep(100 * time.Millisecond)
		if time.Since(begin) < l.warm {
			continue
		}
		for acc += perTick; acc >= 1; acc-- {
			burst(ref(rng.IntN(l.n)))
		}
		if l.every > 0 {
			ticks := int(l.every / (100 * time.Millisecond))
			for i := tick % ticks; i < l.n; i += ticks {
				burst(ref(i))
			}
		}
		e.Collect()
	}
	cancel()
	<-done
	api.mu.Lock()
	defer api.mu.Unlock()
	var f hourFigures
	counted := begin.Add(l.warm)
	calls, quietGaps, quiet := 0, time.Duration(0), 0
	for _, r := range refs(l.n) {
		asked := api.asked[r]
		for i, at := range asked {
			if at.Before(counted) {
				continue
			}
			calls++
			if len(pushed[r]) == 0 && i > 0 && !asked[i-1].Before(counted) {
				quietGaps += at.Sub(asked[i-1])
				quiet++
			}
		}
		for _, p := range pushed[r] {
			if i := slices.IndexFunc(asked, func(at time.Time) bool { return !at.Before(p) }); i >= 0 {
				f.confirm = append(f.confirm, asked[i].Sub(p))
			}
		}
	}
	f.callsPerHour = float64(calls) / (l.run - l.warm).Hours()
	if quiet > 0 {
		f.revisit = quietGaps / time.Duration(quiet)
	}
	slices.Sort(f.confirm)
	return f
}

func (f hourFigures) pct(p float64) time.Duration {
	if len(f.confirm) == 0 {
		return 0
	}
	return f.confirm[int(float64(len(f.confirm)-1)*p)]
}

// TestPushCallsPerHour measures, in simulated time (synctest; an hour of
// 2,000 tasks with -tags long, three minutes of 500 without; -v prints the
// figures), what callbacks do to the quota.
//
// quotaTasks at the default 2 s interval need 12 (500) or 50 (2,000) times
// the quota, so the engine spends it in full with or without callbacks;
// callbacks change where it goes: with callbacks for 10% of the tasks a
// minute, each is confirmed within a second (asks go first) instead of at
// the next sweep (every 25 or 100 s), at the cost of one call per burst,
// taken from the sweep.
//
// 40 tasks at 2 s also need the whole quota; when each has callbacks every
// 15 s they are polled at most every ConfirmInterval (30 s) instead, and
// the calls are the callbacks' confirmations and little more: a fraction
// of the quota.
func TestPushCallsPerHour(t *testing.T) {
	t.Parallel() // its own bubbles: beside the tests that wait on the emulator
	run, n := quotaRunTime, quotaTasks
	// Calls are counted once the first sweep is over: it takes n/20 s at
	// the quota (25 s for 500, 100 s for 2,000), and counting starts at
	// 1.8 times that (45 s, 3 min). The 40 tasks' first sweep takes 2 s,
	// and by 4 s each has had its first burst; counting starts at 15 s.
	warm := time.Duration(n) * time.Second / 20 * 9 / 5
	const busyWarm = 15 * time.Second
	var without, with, busy, unstretched hourFigures
	// Four simulations, each in a bubble of its own, side by side: each
	// is seconds of CPU under -race, and none shares anything.
	t.Run("simulations", func(t *testing.T) {
		sim := func(name string, l quotaLoad, out *hourFigures) {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) { *out = quotaRun(l) })
			})
		}
		sim(fmt.Sprint(n), quotaLoad{n: n, run: run, warm: warm}, &without)
		sim(fmt.Sprint(n, " with callbacks"), quotaLoad{n: n, run: run, warm: warm, share: 0.1}, &with)
		sim("40 busy", quotaLoad{n: 40, run: run, warm: busyWarm, every: 15 * time.Second}, &busy)
		sim("40 busy unstretched", quotaLoad{n: 40, run: run, warm: busyWarm, every: 15 * time.Second, confirmIvl: time.Second}, &unstretched)
	})
	t.Logf("%d tasks, interval 2 s, quota 20/s, over %v: without callbacks %.0f calls/h, each task revisited every %v",
		n, run-warm, without.callsPerHour, without.revisit.Round(100*time.Millisecond))
	t.Logf("  with callbacks for 10%% of them a minute: %.0f calls/h, the others revisited every %v; "+
		"callback to confirming call p50 %v p99 %v max %v (%d bursts)",
		with.callsPerHour, with.revisit.Round(100*time.Millisecond), with.pct(.5), with.pct(.99), with.pct(1), len(with.confirm))
	t.Logf("40 tasks, interval 2 s, each with callbacks every 15 s, over %v: %.0f calls/h stretched to the 30 s confirm interval, %.0f without the stretch; "+
		"callback to confirming call p50 %v p99 %v", run-busyWarm, busy.callsPerHour, unstretched.callsPerHour, busy.pct(.5), busy.pct(.99))

	quota := 20 * 3600.0
	for _, f := range []hourFigures{without, with, unstretched} {
		if f.callsPerHour > quota*1.001 || f.callsPerHour < 0.95*quota {
			t.Errorf("%.0f calls an hour; the quota (%.0f) is spent in full while tasks wait, never more", f.callsPerHour, quota)
		}
	}
	if p := with.pct(.99); p > 2*time.Second {
		t.Errorf("a callback's task was confirmed %v after it (p99); asks go first", p)
	}
	if with.revisit > without.revisit*6/5 {
		t.Errorf("tasks without callbacks revisited every %v with callbacks, %v without: confirmations took more than their share", with.revisit, without.revisit)
	}
	// Each task: a confirmation per burst (4 a minute), and no poll between
	// (the short run's 2m45s holds 12 bursts of each, 9% over 4 a minute).
	if want := 40 * 4 * 60.0; busy.callsPerHour > want*1.15 || busy.pct(.99) > 2*time.Second {
		t.Errorf("busy tasks: %.0f calls/h, want about %.0f (their confirmations); p99 %v", busy.callsPerHour, want, busy.pct(.99))
	}
}
