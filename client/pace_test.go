package client

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// sendLog is a RoundTripper under the send gate standing in for the
// network: it records the (fake) moment each request reaches it.
type sendLog struct {
	mu    sync.Mutex
	sends []time.Time
}

func (l *sendLog) RoundTrip(req *http.Request) (*http.Response, error) {
	l.record()
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func (l *sendLog) record() {
	l.mu.Lock()
	l.sends = append(l.sends, time.Now())
	l.mu.Unlock()
}

func (l *sendLog) sorted() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.SortedFunc(slices.Values(l.sends), time.Time.Compare)
}

// maxInWindow is the most sends any sliding window of length w holds, as
// the API counts them: s[i] and s[j] share a window when s[j]-s[i] < w.
func maxInWindow(s []time.Time, w time.Duration) int {
	most, j := 0, 0
	for i := range s {
		for j < len(s) && s[j].Sub(s[i]) < w {
			j++
		}
		most = max(most, j-i)
	}
	return most
}

// gaps returns the time between consecutive sends.
func gaps(s []time.Time) []time.Duration {
	var g []time.Duration
	for i := 1; i < len(s); i++ {
		g = append(g, s[i].Sub(s[i-1]))
	}
	return g
}

// stalled simulates a starved process: nothing runs during the first 400 ms
// of every 1.2 s, so a goroutine that wants to send then goes at the end.
func stalled(t0 time.Time) {
	const period, stall = 1200 * time.Millisecond, 400 * time.Millisecond
	if in := time.Since(t0) % period; in < stall {
		time.Sleep(stall - in)
	}
}

func post(ctx context.Context) *http.Request {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", strings.NewReader("{}"))
	if err != nil {
		panic(err) // a constant URL: cannot happen
	}
	return req
}

// TestSendGateStarved reproduces the 23 arrivals in one second: grants from
// the bucket are even, but a starved process sends them in bunches. Counted
// at the grant the bunch goes out; counted at the send moment it cannot.
func TestSendGateStarved(t *testing.T) {
	for _, tt := range []struct {
		name  string
		gated bool
	}{{"counted at the grant", false}, {"counted at the send", true}} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, net := newPacer(Quota), &sendLog{}
				rt := p.gate(net)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				t0 := time.Now()
				var wg sync.WaitGroup
				for range 16 {
					wg.Go(func() {
						for p.wait(ctx) == nil {
							if !tt.gated { // the grant was the send: done with the seat
								p.mu.Lock()
								p.releaseLocked()
								p.mu.Unlock()
							}
							stalled(t0) // between grant and send
							if !tt.gated {
								net.record()
							} else if _, err := rt.RoundTrip(post(ctx)); err != nil {
								return
							}
							time.Sleep(150 * time.Millisecond) // the answer's latency
						}
					})
				}
				wg.Wait()
				s := net.sorted()
				most := maxInWindow(s, time.Second)
				t.Logf("%d sends in 30 s, at most %d in one second", len(s), most)
				if !tt.gated {
					if most <= int(Quota) {
						t.Fatalf("the starved schedule did not bunch (%d in a second): the test reproduces nothing", most)
					}
					return
				}
				if most > int(Quota) {
					t.Fatalf("%d sends in one second, quota %v", most, Quota)
				}
				if m := maxInWindow(s, time.Second+baseMargin-sendSlack); m > int(Quota) {
					t.Fatalf("%d sends in 1 s + margin - slack, want ≤ %v", m, Quota)
				}
				if g := slices.Min(gaps(s)); g < (time.Second+baseMargin)/time.Duration(Quota)-sendSlack {
					t.Fatalf("two sends %v apart", g)
				}
				if len(s) < 30*12 { // a third of the time is stalled: ≥ 12/s is left
					t.Fatalf("only %d sends in 30 s: the gate starves the client", len(s))
				}
			})
		})
	}
}

// TestPacerEvenThroughRateChanges drives the pacer as the engine does (16
// workers, 150 ms answers) through AIMD cut and climb cycles. The old window
// guard replayed the previous second's pattern after a change: a quarter of
// all gaps under 5 ms, bursts then silence. Every gap must stay near
// 1/(rate × headroom).
func TestPacerEvenThroughRateChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, net := newPacer(Quota), &sendLog{}
		rt := p.gate(net)
		ctx, cancel := context.WithCancel(context.Background())
		wg := engineWorkers(ctx, p, rt)
		r, slowest, want := Quota, Quota, 0.0
		for i := range 120 {
			time.Sleep(time.Second)
			want += math.Floor(r) * headroom
			if i%20 == 5 { // a cut every 20 s, climbing back in between
				r = max(1, r*0.7)
			} else {
				r = min(Quota, r+0.5)
			}
			slowest = min(slowest, r)
			p.setRate(r)
		}
		cancel()
		wg.Wait()
		s := net.sorted()
		g := gaps(s)
		// Not even one gap under the top rate's gap (less the slack a late
		// timer may take), none over 1.2 gaps at the slowest rate: no bursts
		// (the old guard: 25% of gaps under 5 ms), no silences.
		floor := (time.Second+baseMargin)/time.Duration(Quota) - sendSlack
		ceil := time.Duration(1.2 * float64(time.Second) / (slowest * headroom))
		if lo, hi := slices.Min(g), slices.Max(g); lo < floor || hi > ceil {
			t.Fatalf("gaps from %v to %v; want all in [%v, %v]", lo, hi, floor, ceil)
		} else {
			t.Logf("%d sends (want ≈ %.0f), gaps from %v to %v", len(s), want, lo, hi)
		}
		if most := maxInWindow(s, time.Second); most > int(Quota) {
			t.Fatalf("%d sends in one second", most)
		}
		if float64(len(s)) < 0.97*want {
			t.Fatalf("%d sends, want about %.0f: pacing slower than the rate", len(s), want)
		}
	})
}

func TestPacerMargin(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	steps := []struct {
		name     string
		throttle bool
		at       time.Duration
		want     time.Duration
	}{
		{"base", false, 0, baseMargin},
		{"a throttle doubles it", true, 0, 2 * baseMargin},
		{"more throttles soon after: no second doubling", true, 9 * time.Second, 2 * baseMargin},
		{"held 10 s after the last throttle", false, 19 * time.Second, 2 * baseMargin},
		{"10 s after the widening, another doubles it", true, 19 * time.Second, 4 * baseMargin},
		{"capped", true, 29 * time.Second, maxMargin},
		{"still held", false, 39 * time.Second, maxMargin},
		{"then shrinks 5 ms per quiet second", false, 49 * time.Second, maxMargin - 50*time.Millisecond},
		{"down to the base, no lower", false, 90 * time.Second, baseMargin},
		{"after the base a throttle doubles the base", true, 91 * time.Second, 2 * baseMargin},
	}
	p := newPacer(Quota)
	steadyPath(p)
	for _, s := range steps {
		if s.throttle {
			p.throttled(at(s.at))
		}
		p.mu.Lock()
		got := p.marginLocked(at(s.at))
		gap := p.gapLocked(at(s.at))
		p.syncLimiterLocked(at(s.at))
		p.mu.Unlock()
		if got != s.want {
			t.Fatalf("%s: margin %v, want %v", s.name, got, s.want)
		}
		if want := time.Duration(float64(time.Second+s.want) / Quota); gap != want {
			t.Fatalf("%s: gap %v, want %v", s.name, gap, want)
		}
		// The bucket stays a little slower than the gate, whatever the margin.
		if lim := float64(p.limiter.Limit()); lim >= float64(time.Second)/float64(gap) || lim < 0.99*float64(time.Second)/float64(gap) {
			t.Fatalf("%s: bucket at %.3f/s with the gate at %v", s.name, lim, gap)
		}
	}
}

// TestThrottleWidensMargin: a client the server throttles widens its own
// send gate, end to end through the real call path.
func TestThrottleWidensMargin(t *testing.T) {
	s := emutest.Start(t, emulator.Config{RateLimit: 1}, "")
	c := emuClient(t, s, nil) // 500/s against a quota of 1/s: the 2nd call is throttled
	var kinds []Kind
	for range 2 {
		_, err := c.Describe(context.Background(), ref("x"))
		kinds = append(kinds, KindOf(err))
	}
	if kinds[1] != KindThrottled {
		t.Fatalf("second call: %v, want throttled", kinds[1])
	}
	c.pacer.mu.Lock()
	m := c.pacer.marginLocked(time.Now())
	c.pacer.mu.Unlock()
	if m != 2*baseMargin {
		t.Fatalf("margin after a throttle %v, want %v", m, 2*baseMargin)
	}
}

func TestSendGateHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, net := newPacer(1), &sendLog{} // one send per 1.025 s
		rt := p.gate(net)
		if _, err := rt.RoundTrip(post(context.Background())); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := rt.RoundTrip(post(ctx))
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 500*time.Millisecond {
			t.Fatalf("RoundTrip = %v after %v, want deadline exceeded at 500ms", err, time.Since(start))
		}
		if n := len(net.sorted()); n != 1 {
			t.Fatalf("%d requests reached the network, want 1", n)
		}
		// The slot given up is not taken: the next send still goes at 1.025 s.
		if _, err := rt.RoundTrip(post(context.Background())); err != nil || time.Since(start) != time.Second+baseMargin {
			t.Fatalf("third send: %v at %v", err, time.Since(start))
		}
	})
}

// TestSendGateSchedule: a send that leaves a little after its slot (a timer
// firing late) keeps the slot's place, so the gate does not fall behind; one
// that leaves much later moves the schedule to within sendSlack of it.
func TestSendGateSchedule(t *testing.T) {
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	steps := []struct{ arrive, sent time.Duration }{
		{0, 0},
		{ms(10), ms(51.25)},             // waits one gap (1.025 s / 20)
		{ms(105.5), ms(105.5)},          // 3 ms after its slot at 102.5: keeps 102.5
		{ms(153.75), ms(153.75)},        // so the next slot is 153.75, 48.25 ms after the last send
		{ms(300), ms(300)},              // 95 ms late: the schedule moves to 295
		{ms(300), ms(346.25)},           // 295 + 51.25
		{ms(346.25), ms(397.5)},         // one at a time
		{ms(1000), ms(1000)},            // idle: no credit beyond sendSlack
		{ms(1000 + 46.25), ms(1046.25)}, // 995 + 51.25
	}
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		steadyPath(p)
		t0 := time.Now()
		for i, s := range steps {
			if d := t0.Add(s.arrive).Sub(time.Now()); d > 0 {
				time.Sleep(d)
			}
			if err := p.admit(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := time.Since(t0); got != s.sent {
				t.Fatalf("step %d: arrived at %v, sent at %v, want %v", i, s.arrive, got, s.sent)
			}
		}
	})
}

// TestPacerSeat: one granted call at a time. The next caller is not granted
// until the previous call has left (or given up, or grantTTL passed without
// it reaching the gate), so a starved process cannot pile grants up.
func TestPacerSeat(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		t0 := time.Now()
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		granted := make(chan time.Duration, 1)
		go func() {
			if err := p.wait(context.Background()); err == nil {
				granted <- time.Since(t0)
			}
		}()
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		if len(granted) > 0 {
			t.Fatalf("a second grant at %v before the first call left", <-granted)
		}
		// A caller whose deadline ends while the seat is taken gives up cleanly.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if err := p.wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("wait with the seat taken = %v, want deadline exceeded", err)
		}
		if err := p.admit(context.Background()); err != nil { // the first call leaves at 600 ms
			t.Fatal(err)
		}
		if got := <-granted; got != 600*time.Millisecond {
			t.Fatalf("second grant at %v, want 600ms (when the first left)", got)
		}
		// The second call never reaches the gate: its seat frees after grantTTL.
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(t0); got != 600*time.Millisecond+grantTTL {
			t.Fatalf("third grant at %v, want %v", got, 600*time.Millisecond+grantTTL)
		}
	})
}

// TestSendGateWindowRule: when the margin widens in the middle of a second
// (a round trip 100 ms longer than the others was just measured), the quota's
// worth of sends that share a window with the earlier ones still span
// 1 s + the new margin; the narrow gaps already spent are made up with one
// longer gap, not by shortening any.
func TestSendGateWindowRule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		steadyPath(p) // 1 ms round trips: the base margin
		var s []time.Time
		send := func() {
			if err := p.admit(context.Background()); err != nil {
				t.Fatal(err)
			}
			s = append(s, time.Now())
		}
		for range 10 {
			send()
		}
		p.lat.observe(101 * time.Millisecond) // the spread is now 100 ms
		for range 30 {
			send()
		}
		const margin = 100 * time.Millisecond
		for i := 0; i+int(Quota) < len(s); i++ {
			if span := s[i+int(Quota)].Sub(s[i]); span < time.Second+margin {
				t.Fatalf("sends %d to %d span %v, want at least %v", i, i+int(Quota), span, time.Second+margin)
			}
		}
		g := gaps(s)
		if lo := slices.Min(g); lo < (time.Second+baseMargin)/time.Duration(Quota) {
			t.Fatalf("a gap of %v: shorter than the base's", lo)
		}
		long := 0
		for _, d := range g[10:] {
			if d > (time.Second+margin)/time.Duration(Quota)+time.Millisecond {
				long++
			}
		}
		if long != 1 {
			t.Fatalf("%d gaps longer than the new margin's after the widening, want 1: %v", long, g)
		}
	})
}
