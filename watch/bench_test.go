package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// Benchmarks for issue 3's "Done when": run with
//
//	go test -run XXX -bench Engine -benchtime 1x ./watch
//
// They take about 30 s each and report figures with b.ReportMetric.

const benchTasks, benchQuota, benchFor = 500, 20.0, 30 * time.Second

type benchStep struct {
	at     time.Duration
	status string
}

// benchScenario scripts n tasks that start, stream, end and fault at times
// spread over the run, and returns each task's steps for measuring lag.
func benchScenario(b *testing.B, n int) (*emulator.Scenario, map[string][]benchStep) {
	type step struct {
		At     string `json:"at"`
		Status string `json:"status"`
	}
	type task struct {
		TaskID   string   `json:"task_id"`
		Users    []string `json:"users"`
		Timeline []step   `json:"timeline"`
	}
	type fault struct {
		TaskID string `json:"task_id"`
		At     string `json:"at"`
		For    string `json:"for"`
		Code   string `json:"code"`
	}
	var sc struct {
		Tasks  []task  `json:"tasks"`
		Faults []fault `json:"faults"`
	}
	steps := map[string][]benchStep{}
	for i := range n {
		id := fmt.Sprintf("bench-%04d", i)
		a := time.Duration(1+i*7%25) * time.Second // spread over the run
		var tl []benchStep
		switch i % 5 {
		case 0: // streams all along
			tl = []benchStep{{0, "InProgress"}}
		case 1: // starts streaming
			tl = []benchStep{{a, "InProgress"}}
		case 2: // ends
			tl = []benchStep{{0, "InProgress"}, {a, "Exited"}, {a + 5*time.Second, "gone"}}
		case 3: // whole life inside the run
			tl = []benchStep{{a / 2, "InProgress"}, {a/2 + 3*time.Second, "Exited"}, {a/2 + 6*time.Second, "gone"}}
		case 4: // streams, and the API fails for it a while
			tl = []benchStep{{0, "InProgress"}}
			sc.Faults = append(sc.Faults, fault{id, a.String(), "3s", "InternalError"})
		}
		t := task{TaskID: id, Users: []string{"alice"}}
		for _, s := range tl {
			t.Timeline = append(t.Timeline, step{s.at.String(), s.status})
		}
		sc.Tasks = append(sc.Tasks, t)
		steps[id] = tl
	}
	data, err := json.Marshal(sc)
	if err != nil {
		b.Fatal(err)
	}
	parsed, err := emulator.ParseScenario(data)
	if err != nil {
		b.Fatal(err)
	}
	return parsed, steps
}

// rank orders statuses along a life. "not found" ranks as gone: a task whose
// whole life fell between two polls is rightly shown as never seen alive.
var rank = map[string]int{"Idle": 0, "InProgress": 1, "Exited": 2, "gone": 3, string(Ended): 3, string(Vanished): 3, string(NotFound): 3}

// lifecycleLag is, over every scripted change, the longest wait until the
// engine's phase showed that status or a later one. A change never seen
// although the run outlived it by more than a sweep counts as missed.
func lifecycleLag(tasks []Task, steps map[string][]benchStep, t0, end time.Time, sweep time.Duration) (maxLag time.Duration, seen, missed int) {
	for _, task := range tasks {
		for _, s := range steps[task.Ref.TaskID] {
			if s.at == 0 {
				continue // the state at start: not a change
			}
			at := t0.Add(s.at)
			found := false
			for _, h := range task.History {
				if r, ok := rank[string(h.To)]; ok && r >= rank[s.status] && !h.At.Before(at) {
					maxLag, found = max(maxLag, h.At.Sub(at)), true
					seen++
					break
				}
			}
			if !found && end.Sub(at) > sweep {
				missed++
			}
		}
	}
	return maxLag, seen, missed
}

// meteredAPI counts the engine's own calls and throttles over time.
type meteredAPI struct {
	API
	mu        sync.Mutex
	calls     []time.Time
	throttles []time.Time
	trace     tracer
}

func (m *meteredAPI) Describe(ctx context.Context, r taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	resp, err := m.API.Describe(m.trace.with(ctx, r.TaskID), r)
	now := time.Now()
	m.mu.Lock()
	m.calls = append(m.calls, now)
	if client.KindOf(err) == client.KindThrottled {
		m.throttles = append(m.throttles, now)
	}
	m.mu.Unlock()
	return resp, err
}

func countAfter(ts []time.Time, from time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(from) {
			n++
		}
	}
	return n
}

// benchOpts varies the engine benchmark: another tool on the account, the
// server's latency and a jitter on top of it (uniform in [0, jitter)), and
// the engine's Workers.
type benchOpts struct {
	shared  bool
	latency time.Duration // 0: 20 ms
	jitter  time.Duration
	workers int
	seed    uint64
}

func runBench(b *testing.B, shared bool) { runBenchWith(b, benchOpts{shared: shared}) }

func runBenchWith(b *testing.B, o benchOpts) {
	shared := o.shared
	if o.latency == 0 {
		o.latency = 20 * time.Millisecond
	}
	sc, steps := benchScenario(b, benchTasks)
	// The latency is spent in front of the emulator, so the arrivals are
	// recorded at the moment its quota check sees them.
	s := emutest.Start(b, emulator.Config{Scenario: sc, Seed: 3}, "")
	arr, url := serveWithArrivals(b, s, o.latency, o.jitter, o.seed+1)
	t0 := time.Now()
	api := &meteredAPI{API: realClientTimeout(b, url, benchQuota, o.latency+o.jitter)}
	e := New(api, Config{Quota: benchQuota, Workers: o.workers})
	var refs []taskref.Ref
	for i := range benchTasks {
		refs = append(refs, sref(fmt.Sprintf("bench-%04d", i)))
	}
	if _, err := e.Add(refs); err != nil {
		b.Fatal(err)
	}
	// No deadline: the other client's limiter would refuse slots past it
	// and spin; a plain cancel ends everything cleanly.
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(benchFor, cancel).Stop()
	var other struct{ calls, throttled int }
	var wg sync.WaitGroup
	if shared { // another tool on the same SecretId spending 10 req/s
		oc := realClientTimeout(b, url, 10, o.latency+o.jitter)
		for range 4 {
			wg.Go(func() {
				for ctx.Err() == nil {
					_, err := oc.Describe(api.trace.with(ctx, "other-0000"), sref("other-0000"))
					if ctx.Err() != nil {
						return
					}
					api.mu.Lock()
					other.calls++
					if client.KindOf(err) == client.KindThrottled {
						other.throttled++
					}
					api.mu.Unlock()
				}
			})
		}
	}
	e.Run(ctx)
	wg.Wait()
	end := time.Now()
	elapsed := end.Sub(t0).Seconds()
	st := s.Stats().Actions[client.ActionDescribe]
	api.mu.Lock()
	defer api.mu.Unlock()
	calls, throttles := len(api.calls), len(api.throttles)
	arr.mu.Lock()
	short, burst := gapStats(arr.mine)
	throttled := throttleWindows(arr.log, &api.trace, t0, int(benchQuota))
	for i, w := range throttled {
		if i == 5 && len(throttled) > 6 { // the shared run's first seconds: AIMD finding its share
			b.Logf("... and %d more throttled windows", len(throttled)-i)
			break
		}
		b.Log(w)
	}
	arr.mu.Unlock()
	b.ReportMetric(100*short, "gaps<5ms%")
	b.ReportMetric(float64(burst), "max-in-100ms")
	// Arrivals from 5 s after the latency on: the steady state, past the
	// first round trips that size the concurrency.
	from := t0.Add(o.latency + 5*time.Second)
	b.ReportMetric(float64(countAfter(arr.mine, from))/end.Sub(from).Seconds(), "settled-arrivals/s")
	var first []int // arrivals in each of the first seconds
	for w := t0; w.Before(t0.Add(o.latency + 5*time.Second)); w = w.Add(time.Second) {
		first = append(first, countAfter(arr.mine, w)-countAfter(arr.mine, w.Add(time.Second)))
	}
	b.ReportMetric(float64(len(arr.mine))/elapsed, "arrivals/s")
	b.Logf("arrivals in each second from the start: %v", first)
	dials, settledDials := api.trace.dials(from)
	b.Logf("connections dialled: %d, %d of them after %v; in-flight limit at the end %d, latency estimate %v",
		dials, settledDials, from.Sub(t0), e.inFlightLimit(), api.Latency())
	if !shared {
		rate := float64(st.Requests) / elapsed // what reached the server
		sweep := time.Duration(float64(benchTasks) / benchQuota * float64(time.Second))
		lag, seen, missed := lifecycleLag(e.Tasks(), steps, t0, end, sweep)
		b.ReportMetric(rate, "calls/s")
		b.ReportMetric(float64(st.Requests-st.Throttled)/elapsed, "ok/s") // accepted under the quota
		b.ReportMetric(lag.Seconds()*rate/benchTasks, "maxlag-actual-sweeps")
		b.ReportMetric(float64(st.Throttled), "throttles")
		b.ReportMetric(100*rate/benchQuota, "quota%")
		b.ReportMetric(lag.Seconds()/sweep.Seconds(), "maxlag-sweeps")
		b.ReportMetric(float64(seen), "changes-seen")
		b.ReportMetric(float64(missed), "changes-missed")
		var at []string
		for _, th := range api.throttles {
			at = append(at, th.Sub(t0).Round(100*time.Millisecond).String())
		}
		b.Logf("server: %d requests, %v; engine calls %d (canceled at the end included), max lag %v; throttled at %v", st.Requests, st.Errors, calls, lag, at)
		return
	}
	settle := t0.Add(5 * time.Second)
	mine, mineTh := countAfter(api.calls, settle), countAfter(api.throttles, settle)
	b.ReportMetric(float64(mine)/end.Sub(settle).Seconds(), "settled-calls/s")
	b.ReportMetric(100*float64(mineTh)/float64(max(mine, 1)), "throttle%")
	b.ReportMetric(float64(throttles), "throttles-total")
	b.ReportMetric(float64(other.calls)/elapsed, "other-calls/s")
	b.ReportMetric(float64(other.throttled), "other-throttles")
	b.ReportMetric(e.Stats().Limit, "final-limit")
	var windows []string
	for w := t0; w.Before(end); w = w.Add(5 * time.Second) {
		c := countAfter(api.calls, w) - countAfter(api.calls, w.Add(5*time.Second))
		th := countAfter(api.throttles, w) - countAfter(api.throttles, w.Add(5*time.Second))
		windows = append(windows, fmt.Sprintf("%.1f/s %dthr", float64(c)/5, th))
	}
	b.Logf("engine per 5 s: %v", windows)
}

func BenchmarkEngine500(b *testing.B) {
	for range b.N {
		runBench(b, false)
	}
}

func BenchmarkEngineShared(b *testing.B) {
	for range b.N {
		runBench(b, true)
	}
}

// BenchmarkPaste is issue 11's example on the real clock (about 65 s): 20
// watched at 2 s plus 600 pasted, under a 20/s limiter.
//
//	go test -run XXX -bench Paste -benchtime 1x ./watch
func BenchmarkPaste(b *testing.B) {
	for range b.N {
		f := pasteScenario(20, 600, 62*time.Second)
		b.ReportMetric(f.maxGap.Seconds(), "watched-maxgap-s")
		b.ReportMetric(f.steadyGap.Seconds(), "watched-steadygap-s")
		b.ReportMetric(float64(f.lookedUp)/max(f.allIn.Seconds(), 1e-9), "new-lookups/s")
		b.ReportMetric(float64(f.lookedUp), "new-looked-up")
		b.ReportMetric(f.allIn.Seconds(), "new-all-in-s")
	}
}

// BenchmarkEngineLatency is issue 14's concurrency line: the engine alone at
// 0.15, 1 and 2 s of server latency must still fill the quota (ok/s), which
// a fixed pool of workers cannot past workers ÷ latency.
//
//	go test -run XXX -bench EngineLatency -benchtime 1x ./watch
func BenchmarkEngineLatency(b *testing.B) {
	for _, lat := range []time.Duration{150 * time.Millisecond, time.Second, 2 * time.Second} {
		b.Run(lat.String(), func(b *testing.B) {
			for range b.N {
				runBenchWith(b, benchOpts{latency: lat})
			}
		})
	}
}

// BenchmarkEngineJitter puts a jitter of up to 100 ms on top of 150 ms of
// server latency (its processing stretching to 250 ms), alone and with
// another tool on the account.
//
//	go test -run XXX -bench EngineJitter -benchtime 1x ./watch
func BenchmarkEngineJitter(b *testing.B) {
	for _, shared := range []bool{false, true} {
		b.Run(map[bool]string{false: "alone", true: "shared"}[shared], func(b *testing.B) {
			for i := range b.N {
				runBenchWith(b, benchOpts{shared: shared, latency: 150 * time.Millisecond, jitter: 100 * time.Millisecond, seed: uint64(i)})
			}
		})
	}
}
