package watch

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

func TestBackoff(t *testing.T) {
	const iv, ceil = 2 * time.Second, 30 * time.Second
	tests := []struct {
		n      int
		lo, hi time.Duration // bounds over every r in [0,1)
	}{
		{0, iv, iv},
		{1, iv, iv},
		{2, iv, 2 * iv},
		{3, 2 * iv, 4 * iv},
		{4, 4 * iv, 8 * iv},
		{5, 15 * time.Second, ceil}, // 16s would be 32s: capped, jitter in the upper half of the cap
		{40, 15 * time.Second, ceil},
		{1 << 30, 15 * time.Second, ceil},
	}
	for _, tt := range tests {
		seenLo, seenHi := false, false
		for _, r := range []float64{0, 0.25, 0.5, 0.999999, -1, 2} {
			d := backoff(tt.n, iv, ceil, r)
			if d < tt.lo || d > tt.hi {
				t.Errorf("backoff(%d, r=%v) = %v, want within [%v, %v]", tt.n, r, d, tt.lo, tt.hi)
			}
			seenLo = seenLo || d == tt.lo
			seenHi = seenHi || tt.hi-d < 10*time.Microsecond
		}
		if !seenLo || !seenHi {
			t.Errorf("backoff(%d): jitter does not span [%v, %v]", tt.n, tt.lo, tt.hi)
		}
	}
	if d := backoff(3, iv, time.Second, 0.5); d != iv {
		t.Errorf("a cap below the interval is raised to it: got %v", d)
	}
}

func TestNextDue(t *testing.T) {
	now := time.Unix(100, 0)
	const iv, mb = 2 * time.Second, 30 * time.Second
	const ci = 30 * time.Second // a ConfirmInterval: callbacks keep arriving
	tests := []struct {
		name     string
		phase    Phase
		f        *Failure
		failures int
		stretch  time.Duration
		poll     bool
		lo, hi   time.Duration
	}{
		{"answer", InProgress, nil, 0, 0, true, iv, iv},
		{"answer, callbacks arriving: stretched to the confirm interval", InProgress, nil, 0, ci, true, ci, ci},
		{"a stretch never shortens", Idle, nil, 0, time.Second, true, iv, iv},
		{"ended not polled", Ended, fail(client.KindGone), 0, ci, false, 0, 0},
		{"not found not polled", NotFound, fail(client.KindGone), 0, 0, false, 0, 0},
		{"throttled keeps pace (AIMD slows)", Throttled, fail(client.KindThrottled), 5, 0, true, iv, iv},
		{"throttled is not stretched", Throttled, fail(client.KindThrottled), 5, ci, true, iv, iv},
		{"auth keeps pace (gate slows)", AuthError, fail(client.KindAuth), 5, 0, true, iv, iv},
		{"transient backs off", Error, fail(client.KindTransient), 4, 0, true, 4 * iv, 8 * iv},
		{"transient backs off, not stretched", Error, fail(client.KindTransient), 2, ci, true, iv, 2 * iv},
		{"bad request backs off", Error, fail(client.KindBadRequest), 20, 0, true, mb / 2, mb},
	}
	for _, tt := range tests {
		for range 20 {
			due, poll := nextDue(now, tt.phase, tt.f, tt.failures, iv, tt.stretch, mb, rand.Float64())
			if poll != tt.poll {
				t.Fatalf("%s: poll = %v", tt.name, poll)
			}
			if !poll {
				continue
			}
			if d := due.Sub(now); d < tt.lo || d > tt.hi {
				t.Errorf("%s: due in %v, want [%v, %v]", tt.name, d, tt.lo, tt.hi)
			}
		}
	}
}

func TestKeyOrder(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name string
		a, b key
	}{
		{"ask before overdue poll", key{classAsk, t0, 9}, key{classPoll, t0.Add(-time.Hour), 1}},
		{"most overdue first", key{classPoll, t0, 9}, key{classPoll, t0.Add(time.Second), 1}},
		{"older ask first", key{classAsk, t0, 9}, key{classAsk, t0.Add(time.Millisecond), 1}},
		{"added order breaks ties", key{classPoll, t0, 1}, key{classPoll, t0, 2}},
	}
	for _, tt := range tests {
		if !tt.a.before(tt.b) || tt.b.before(tt.a) {
			t.Errorf("%s: want a before b", tt.name)
		}
	}
	if (key{classPoll, t0, 1}).before(key{classPoll, t0, 1}) {
		t.Error("a key is not before itself")
	}
}

func TestQueuePopsInOrder(t *testing.T) {
	t0 := time.Unix(0, 0)
	var q queue
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		k := key{class(r.IntN(2)), t0.Add(time.Duration(r.IntN(50)) * time.Second), uint64(i)}
		heap.Push(&q, &entry{key: k, idx: -1})
	}
	// Remove and re-key a few, as Remove and Refresh do.
	heap.Remove(&q, q[17].idx)
	q[3].key = key{classAsk, t0.Add(-time.Hour), 10_000}
	heap.Fix(&q, 3)
	var prev *entry
	for q.Len() > 0 {
		e := heap.Pop(&q).(*entry)
		if e.idx != -1 {
			t.Fatal("popped entry keeps an index")
		}
		if prev != nil && e.key.before(prev.key) {
			t.Fatalf("popped %+v after %+v", e.key, prev.key)
		}
		prev = e
	}
}

func TestCanTake(t *testing.T) {
	now := time.Unix(1000, 0)
	ask := key{classAsk, now.Add(time.Hour), 1} // asks go at once whatever their due
	due := key{classPoll, now.Add(-time.Second), 1}
	later := key{classPoll, now.Add(3 * time.Second), 1}
	const every = 12 * time.Second
	tests := []struct {
		name      string
		head      key
		paused    bool
		g         gate
		inflight  int
		lastProbe time.Time
		ok        bool
		wait      time.Duration
	}{
		{"overdue", due, false, gateOpen, 5, time.Time{}, true, 0},
		{"not yet due", later, false, gateOpen, 0, time.Time{}, false, 3 * time.Second},
		{"ask", ask, false, gateOpen, 0, time.Time{}, true, 0},
		{"paused holds polls", due, true, gateOpen, 0, time.Time{}, false, forever},
		{"paused lets asks through", ask, true, gateOpen, 0, time.Time{}, true, 0},
		{"auth: one probe", later, false, gateAuth, 0, now.Add(-every), true, 0},
		{"auth: probe waits for the last", due, false, gateAuth, 1, time.Time{}, false, forever},
		{"auth: probe paced", ask, false, gateAuth, 0, now.Add(-2 * time.Second), false, 10 * time.Second},
		{"down: probe paced", due, false, gateDown, 0, now.Add(-2 * time.Second), false, 10 * time.Second},
		{"paused beats probe", due, true, gateDown, 0, time.Time{}, false, forever},
	}
	for _, tt := range tests {
		ok, wait := canTake(tt.head, now, tt.paused, tt.g, tt.inflight, tt.lastProbe, every)
		if ok != tt.ok || wait != tt.wait {
			t.Errorf("%s: canTake = %v, %v; want %v, %v", tt.name, ok, wait, tt.ok, tt.wait)
		}
	}
}

// pacedAPI answers every call with status after a limiter at the quota, as
// the real client's limiter would, and records when each task was asked.
type pacedAPI struct {
	lim    *rate.Limiter
	status string
	mu     sync.Mutex
	asked  map[taskref.Ref][]time.Time
}

func (p *pacedAPI) Describe(ctx context.Context, r taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	if err := p.lim.Wait(ctx); err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.asked[r] = append(p.asked[r], time.Now())
	p.mu.Unlock()
	return resp(p.status), nil
}

func (p *pacedAPI) SetRate(float64) {}

// fairFigures is what a paste does to the tasks already watched.
type fairFigures struct {
	maxGap time.Duration // longest wait between polls of a watched task during the lookup
	// steadyGap leaves out the first poll after the paste: the watched were
	// answered back to back at the full quota, and their first turn at half
	// of it spreads them out once (the last is up to half an interval late).
	steadyGap time.Duration
	lookedUp  int           // pasted tasks asked at least once
	allIn     time.Duration // from the paste until the last pasted task was asked
}

// pasteScenario watches `watched` tasks at a 2 s interval under a quota of
// 20/s, pastes `pasted` new ones once the watched are answered, and runs for
// `run` after the paste. It works on whatever clock time.Now gives: the fake
// one in a synctest bubble, the real one in a benchmark.
func pasteScenario(watched, pasted int, run time.Duration) fairFigures {
	api := &pacedAPI{lim: rate.NewLimiter(20, 1), status: "InProgress", asked: map[taskref.Ref][]time.Time{}}
	e := New(api, Config{Interval: 2 * time.Second, Quota: 20})
	old := refs(watched)
	if _, err := e.Add(old); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	time.Sleep(3 * time.Second) // the watched are answered and on their interval
	var fresh []taskref.Ref
	for i := range pasted {
		fresh = append(fresh, ref(10000+i))
	}
	paste := time.Now()
	if _, err := e.Add(fresh); err != nil {
		panic(err)
	}
	time.Sleep(run)
	cancel()
	<-done
	api.mu.Lock()
	defer api.mu.Unlock()
	var f fairFigures
	for _, r := range fresh {
		if ts := api.asked[r]; len(ts) > 0 {
			f.lookedUp++
			f.allIn = max(f.allIn, ts[0].Sub(paste))
		}
	}
	// Gaps while the paste is looked up; afterwards all share the quota.
	end := paste.Add(f.allIn)
	for _, r := range old {
		prev, n := paste, 0
		for _, at := range api.asked[r] {
			if at.After(paste) && !at.After(end) {
				f.maxGap = max(f.maxGap, at.Sub(prev))
				if n++; n > 1 {
					f.steadyGap = max(f.steadyGap, at.Sub(prev))
				}
				prev = at
			}
		}
		f.maxGap = max(f.maxGap, end.Sub(prev))
		f.steadyGap = max(f.steadyGap, end.Sub(prev))
	}
	return f
}

// TestPasteDoesNotBlindWatched is issue 11's example: 20 watched at 2 s plus
// 600 pasted. Every watched task is still asked about every interval plus one
// slot (after a first turn that spreads them out), and the pasted are all
// looked up at about half the quota (~60 s).
func TestPasteDoesNotBlindWatched(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := pasteScenario(20, 600, 70*time.Second)
		t.Logf("max gap %v (steady %v), %d looked up, last after %v", f.maxGap, f.steadyGap, f.lookedUp, f.allIn)
		if f.steadyGap > 2500*time.Millisecond || f.maxGap > 3*time.Second {
			t.Errorf("a watched task waited %v between polls (%v once spread out), want <= 3s and <= 2.5s", f.maxGap, f.steadyGap)
		}
		if f.lookedUp != 600 || f.allIn > 65*time.Second {
			t.Errorf("%d of 600 pasted looked up, the last after %v; want all within 65s", f.lookedUp, f.allIn)
		}
	})
}

func TestFairPick(t *testing.T) {
	t0 := time.Unix(1000, 0)
	burst := t0.Add(10 * time.Second) // the paste
	watched := func(due time.Duration, seq uint64) *entry {
		return &entry{t: Task{AddedAt: t0}, key: key{class: classPoll, due: burst.Add(due), seq: seq}}
	}
	pasted := func(class class, due time.Duration, seq uint64) *entry {
		return &entry{t: Task{AddedAt: burst}, key: key{class: class, due: burst.Add(due), seq: seq}}
	}
	ask := pasted(classAsk, 0, 50)
	tests := []struct {
		name    string
		q       []*entry
		lastAsk bool
		want    int // index into q
	}{
		{"ask first after a poll", []*entry{ask, watched(-time.Second, 1)}, false, 0},
		{"overdue watched after an ask", []*entry{ask, watched(-time.Second, 1)}, true, 1},
		{"due by send time counts", []*entry{ask, watched(time.Second, 1)}, true, 1},
		{"not yet due: asks go on", []*entry{ask, watched(2*time.Second, 1)}, true, 0},
		{"most overdue watched", []*entry{ask, watched(-time.Second, 2), watched(-2*time.Second, 3)}, true, 2},
		{"pasted and answered wait", []*entry{ask, pasted(classPoll, -time.Second, 40)}, true, 0},
		{"no asks: the heap's head", []*entry{watched(-time.Second, 1), watched(-2*time.Second, 2)}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q queue
			for _, e := range tt.q {
				heap.Push(&q, e)
			}
			sendAt := burst.Add(time.Second)
			if got := fairPick(q, sendAt, burst, tt.lastAsk); got != tt.q[tt.want] {
				t.Errorf("picked %+v, want %+v", got.key, tt.q[tt.want].key)
			}
		})
	}
	if fairPick(nil, burst, burst, true) != nil {
		t.Error("an empty queue must pick nothing")
	}
}
