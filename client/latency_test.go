package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// observe records a round trip d of a call sent d ago (tests feed round
// trips without sending calls; the client observes through answered).
func (l *latency) observe(d time.Duration) { l.observeAt(time.Now().Add(-d), d) }

func TestLatencyEstimate(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	tests := []struct {
		name string
		obs  []time.Duration
		want time.Duration
	}{
		{"nothing measured", nil, 0},
		{"one answer: mean + its half as deviation", []time.Duration{ms(200)}, ms(400)},
		{"steady: the deviation decays", []time.Duration{ms(200), ms(200), ms(200)}, ms(200 + 2*100*0.75*0.75)},
		{"a slower answer moves the mean by 1/8", []time.Duration{ms(200), ms(1000)}, ms(300 + 2*(100+(800-100)/4.0))},
		{"a negative duration is ignored", []time.Duration{-ms(5)}, 0},
	}
	for _, tt := range tests {
		var l latency
		for _, d := range tt.obs {
			l.observe(d)
		}
		if got := l.estimate(); got != tt.want {
			t.Errorf("%s: estimate %v, want %v", tt.name, got, tt.want)
		}
	}
}

// slowNet answers every request after a fixed delay.
type slowNet struct{ d time.Duration }

func (n slowNet) RoundTrip(req *http.Request) (*http.Response, error) {
	time.Sleep(n.d)
	return (&sendLog{}).RoundTrip(req)
}

// TestSendGateMeasuresLatency: the estimate is the network's round trip,
// not the time a call waited for its slot (at 1/s the second call waits
// about a second at the gate; the network takes 300 ms).
func TestSendGateMeasuresLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(1)
		rt := p.gate(slowNet{300 * time.Millisecond})
		for range 30 {
			if _, err := rt.RoundTrip(post(context.Background())); err != nil {
				t.Fatal(err)
			}
		}
		got := p.lat.estimate()
		if got < 300*time.Millisecond || got > 302*time.Millisecond {
			t.Fatalf("latency %v after 30 calls of 300 ms, want ≈ 300ms", got)
		}
	})
}

// TestJitterSetsMargin: the send gate's margin is at least the measured
// spread of round trips (and any just sent's excess over the shortest),
// capped at maxMargin.
func TestJitterSetsMargin(t *testing.T) {
	spreadOver := func(lo, hi time.Duration, n int) []time.Duration {
		var out []time.Duration
		for i := range n {
			out = append(out, lo+(hi-lo)*time.Duration(i)/time.Duration(n-1))
		}
		return out
	}
	tests := []struct {
		name string
		obs  []time.Duration
		want time.Duration
	}{
		{"nothing measured: the widest", nil, maxMargin},
		{"a few fast answers: their longest, under the base", spreadOver(time.Millisecond, 20*time.Millisecond, 3), baseMargin},
		{"a few answers of 40 ms: the longest", spreadOver(30*time.Millisecond, 40*time.Millisecond, 7), 40 * time.Millisecond},
		{"a few slow answers: the longest, capped", spreadOver(150*time.Millisecond, 250*time.Millisecond, 7), maxMargin},
		{"eight tell: their range", spreadOver(150*time.Millisecond, 250*time.Millisecond, 8), 100 * time.Millisecond},
		{"steady round trips: the base", spreadOver(150*time.Millisecond, 160*time.Millisecond, 64), baseMargin},
		{"150 to 250 ms: the spread", spreadOver(150*time.Millisecond, 250*time.Millisecond, 64), 100 * time.Millisecond},
		{"one held up 45 ms among 64: counted", append(spreadOver(20*time.Millisecond, 20*time.Millisecond, 63), 65*time.Millisecond), 45 * time.Millisecond},
		{"... until 64 later ones have pushed it out", append(append(spreadOver(20*time.Millisecond, 20*time.Millisecond, 63), 65*time.Millisecond), spreadOver(20*time.Millisecond, 21*time.Millisecond, 64)...), baseMargin},
		{"a huge spread: capped", spreadOver(0, time.Second, 64), maxMargin},
	}
	for _, tt := range tests {
		p := newPacer(Quota)
		for _, d := range tt.obs {
			p.lat.observe(d)
		}
		now := time.Now()
		p.mu.Lock()
		got, gap := p.marginLocked(now), p.gapLocked(now)
		p.mu.Unlock()
		if got != tt.want || gap != (time.Second+tt.want)/time.Duration(Quota) {
			t.Errorf("%s: margin %v gap %v, want %v and %v", tt.name, got, gap, tt.want, (time.Second+tt.want)/time.Duration(Quota))
		}
	}
}

// steadyPath gives p's latency estimate spreadOf/8 equal round trips, as a
// path measured without jitter: the margin is then the throttles' alone.
func steadyPath(p *pacer) {
	for range spreadOf / 8 {
		p.lat.observe(time.Millisecond)
	}
}

// failNet fails every request after a delay.
type failNet struct{ d time.Duration }

func (n failNet) RoundTrip(*http.Request) (*http.Response, error) {
	time.Sleep(n.d)
	return nil, errors.New("connection reset")
}

// TestLatencyCountsUnanswered: a call out for a while proves the round trip
// is at least that long, before any answer and whatever the mean says; a
// call that failed says nothing and is forgotten.
func TestLatencyCountsUnanswered(t *testing.T) {
	steps := []struct {
		name string
		at   time.Duration // since the first send
		want time.Duration
	}{
		{"nothing sent yet", -1, 0},
		{"one call out 1.5 s", 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"answered at 2 s: mean + 2 × its half", 2000 * time.Millisecond, 4 * time.Second},
		{"a second call out 5 s, longer than the estimate", 2000*time.Millisecond + 5*time.Second, 5 * time.Second},
		{"which failed at 6 s: forgotten", 2000*time.Millisecond + 6*time.Second, 4 * time.Second},
	}
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		if got := p.lat.estimate(); got != steps[0].want {
			t.Fatalf("%s: %v, want %v", steps[0].name, got, steps[0].want)
		}
		t0 := time.Now()
		go p.gate(slowNet{2 * time.Second}).RoundTrip(post(context.Background())) //nolint:errcheck // the estimate is what is checked
		check := func(i int) {
			t.Helper()
			time.Sleep(t0.Add(steps[i].at).Sub(time.Now()))
			synctest.Wait()
			if got := p.lat.estimate(); got != steps[i].want {
				t.Fatalf("%s: %v, want %v", steps[i].name, got, steps[i].want)
			}
		}
		check(1)
		check(2)
		go p.gate(failNet{6 * time.Second}).RoundTrip(post(context.Background())) //nolint:errcheck // it fails by design
		check(3)
		check(4)
	})
}

// TestLateCallCountsForAWindow: one call held up 45 ms among steady ones
// widens the margin by its excess while it can share a window with the
// calls sent after it (1 s + maxMargin from its send), and no longer.
func TestLateCallCountsForAWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		margin := func() time.Duration {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.marginLocked(time.Now())
		}
		for range spreadOf - 1 {
			p.lat.observe(20 * time.Millisecond)
		}
		if got := margin(); got != baseMargin {
			t.Fatalf("steady 20 ms: margin %v, want the base %v", got, baseMargin)
		}
		p.lat.observe(65 * time.Millisecond) // sent 65 ms ago
		if got := margin(); got != 45*time.Millisecond {
			t.Fatalf("after a call held up 45 ms: margin %v, want 45ms", got)
		}
		time.Sleep(heldFor - 65*time.Millisecond - time.Millisecond)
		if got := margin(); got != 45*time.Millisecond {
			t.Fatalf("%v after its send: margin %v, want 45ms still", heldFor-time.Millisecond, got)
		}
		time.Sleep(2 * time.Millisecond)
		if got := margin(); got != baseMargin {
			t.Fatalf("%v after its send: margin %v, want the base again", heldFor+time.Millisecond, got)
		}
	})
}

// TestLatencyIgnoresOvertakenCall: one call stalled while later ones are
// answered is that call's trouble, not the path's: it must not raise the
// estimate (and the engine's calls in flight with it) until it times out.
func TestLatencyIgnoresOvertakenCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPacer(Quota)
		fast := p.gate(slowNet{100 * time.Millisecond})
		call := func() {
			if _, err := fast.RoundTrip(post(context.Background())); err != nil {
				t.Error(err)
			}
		}
		call()
		before := p.lat.estimate()
		stalled := make(chan struct{})
		go func() {
			defer close(stalled)
			p.gate(slowNet{10 * time.Second}).RoundTrip(post(context.Background())) //nolint:errcheck // it stalls by design
		}()
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if got := p.lat.estimate(); got != 3*time.Second {
			t.Fatalf("a call out 3 s, none after it: estimate %v, want 3s", got)
		}
		call() // sent after the stalled one, answered in 100 ms
		if got := p.lat.estimate(); got >= time.Second || got > before {
			t.Errorf("the stalled call overtaken: estimate %v, want the answers' (%v or less)", got, before)
		}
		<-stalled
	})
}
