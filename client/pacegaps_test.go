package client

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// rateStep is one rate change in a profile: from `at` on, the pacer runs at
// rate.
type rateStep struct {
	at   time.Duration
	rate float64
}

// aimdCycles is the engine's AIMD through n cut/climb cycles: a cut to 70%,
// then +0.5/s each second back to the top, holding there a few seconds.
func aimdCycles(n int) []rateStep {
	var steps []rateStep
	at, r := time.Duration(0), Quota
	steps = append(steps, rateStep{0, r})
	for range n {
		at += 3 * time.Second
		r *= 0.7
		steps = append(steps, rateStep{at, r})
		for r < Quota {
			at += time.Second
			r = min(Quota, r+0.5)
			steps = append(steps, rateStep{at, r})
		}
	}
	return append(steps, rateStep{at + 3*time.Second, r})
}

// sharing is a second client joining the account: deep cuts to about half
// the quota, a slow climb around the share, the other leaving.
func sharing() []rateStep {
	return []rateStep{
		{0, 20}, {2 * time.Second, 14}, {3500 * time.Millisecond, 9.8}, {6 * time.Second, 10.3},
		{8 * time.Second, 10.35}, {10 * time.Second, 7.2}, {13 * time.Second, 8.7}, {16 * time.Second, 9.9},
		{20 * time.Second, 14.5}, {23 * time.Second, 19.5}, {27 * time.Second, 20}, {30 * time.Second, 20},
	}
}

// lowRates cuts all the way down and back: the gap must follow at 1/s too.
func lowRates() []rateStep {
	return []rateStep{
		{0, 20}, {2 * time.Second, 6}, {5 * time.Second, 2}, {9 * time.Second, 1},
		{14 * time.Second, 4.5}, {18 * time.Second, 20}, {21 * time.Second, 3}, {25 * time.Second, 20}, {28 * time.Second, 20},
	}
}

// TestPacerGapsAfterRateChanges drives the pacer as the engine does (16
// workers, 150 ms answers, so callers always wait) through rate profiles
// on the fake clock and checks every gap between consecutive sends. The old
// window guard replayed the previous second's send pattern after a change
// (bursts of 9–10 calls within 100 ms, then silence); here, one second after
// each change, at least 95% of the gaps must be within ±20% of 1/rate, and
// no three sends may ever fall within 10 ms.
func TestPacerGapsAfterRateChanges(t *testing.T) {
	for _, tt := range []struct {
		name  string
		steps []rateStep
	}{
		{"AIMD cut and climb, 4 cycles", aimdCycles(4)},
		{"a second client on the account", sharing()},
		{"down to 1/s and back", lowRates()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sends := drivePacer(t, tt.steps)
				checkGaps(t, sends, tt.steps)
			})
		})
	}
}

// drivePacer runs the profile and returns the send times, relative to its start.
func drivePacer(t testing.TB, steps []rateStep) []time.Duration {
	p, net := newPacer(steps[0].rate), &sendLog{}
	rt := p.gate(net)
	ctx, cancel := context.WithCancel(context.Background())
	t0 := time.Now()
	wg := engineWorkers(ctx, p, rt)
	for _, s := range steps[1:] {
		time.Sleep(time.Until(t0.Add(s.at)))
		p.setRate(s.rate)
	}
	cancel()
	wg.Wait()
	var out []time.Duration
	for _, s := range net.sorted() {
		out = append(out, s.Sub(t0))
	}
	if len(out) < 10 {
		t.Fatalf("only %d sends", len(out))
	}
	return out
}

// engineWorkers drives p as the engine does: 16 workers, each waiting for
// the pacer, sending through rt and taking 150 ms for the answer, until
// ctx ends. Wait on the group after cancelling.
func engineWorkers(ctx context.Context, p *pacer, rt http.RoundTripper) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for p.wait(ctx) == nil {
				if _, err := rt.RoundTrip(post(ctx)); err != nil {
					return
				}
				time.Sleep(150 * time.Millisecond) // the answer's latency, on the caller's clock
			}
		})
	}
	return &wg
}

// big reports whether step k changes the rate by more than 10%: a cut or a
// jump. The engine's climb of 0.5/s each second is not one.
func big(steps []rateStep, k int) bool {
	return k == 0 || math.Abs(steps[k].rate/steps[k-1].rate-1) > 0.1
}

// settled is when gaps in step k start to be judged: one second after the
// last big change at or before it.
func settled(steps []rateStep, k int) time.Duration {
	for !big(steps, k) {
		k--
	}
	return steps[k].at + time.Second
}

// checkGaps asserts the gap distribution: a gap counts for the step in
// force when it began, and is judged only from one second after a big
// change (the last step only marks the end).
func checkGaps(t *testing.T, sends []time.Duration, steps []rateStep) {
	t.Helper()
	g := judgeGaps(sends, steps)
	judged, off, worst := len(g.ratios), g.off, g.worst
	if judged < len(sends)/2 {
		t.Fatalf("only %d of %d gaps judged: the profile is all changes", judged, len(sends)-1)
	}
	if float64(off) > 0.05*float64(judged) {
		t.Fatalf("%d of %d gaps off 1/rate by more than 20%% (worst %v)", off, judged, worst)
	}
	t.Logf("%d sends, %d gaps judged, %d off by more than 20%% (worst %v)", len(sends), judged, off, worst)
	for i := 2; i < len(sends); i++ {
		if sends[i]-sends[i-2] < 10*time.Millisecond {
			t.Fatalf("a burst: 3 sends within %v at %v", sends[i]-sends[i-2], sends[i-2])
		}
	}
}

// gapJudgement is every judged gap as a share of 1/rate, and those off it
// by more than 20% (the worst by how much).
type gapJudgement struct {
	ratios []float64
	off    int
	worst  time.Duration
}

// judgeGaps measures each gap between consecutive sends against the step
// in force when it began, from one second after a big change on.
func judgeGaps(sends []time.Duration, steps []rateStep) gapJudgement {
	var g gapJudgement
	for i := 1; i < len(sends); i++ {
		from, to := sends[i-1], sends[i]
		k := 0
		for k+1 < len(steps) && steps[k+1].at <= from {
			k++
		}
		if k+1 >= len(steps) || from < settled(steps, k) || (to > steps[k+1].at && big(steps, k+1)) {
			continue // settling after a change, or spanning one
		}
		want := time.Duration(float64(time.Second) / steps[k].rate)
		d := to - from
		g.ratios = append(g.ratios, float64(d)/float64(want))
		if math.Abs(float64(d-want)) > 0.2*float64(want) {
			g.off++
			if math.Abs(float64(d-want)) > math.Abs(float64(g.worst)) {
				g.worst = d - want
			}
		}
	}
	return g
}

// BenchmarkPacerGaps is issue 14's pacing line on the real clock: the pacer
// driven as the engine drives it (16 workers, 150 ms answers) through two
// AIMD cut/climb cycles (33 s) and through a second client joining the
// account (30 s). It reports the share of gaps within ±20% of 1/rate once
// a second has passed since a change, the 5th/50th/95th percentile gap as a
// share of 1/rate, and how many consecutive sends left under 5 ms apart
// (the old window guard's bursts made that about half of them).
//
//	go test -run XXX -bench PacerGaps -benchtime 1x ./client
func BenchmarkPacerGaps(b *testing.B) {
	for _, tt := range []struct {
		name  string
		steps []rateStep
	}{
		{"aimd-2-cycles", aimdCycles(2)},
		{"second-client", sharing()},
	} {
		b.Run(tt.name, func(b *testing.B) {
			for range b.N {
				sends := drivePacer(b, tt.steps)
				g := judgeGaps(sends, tt.steps)
				r := slices.Sorted(slices.Values(g.ratios))
				if len(r) == 0 {
					b.Fatal("no gap judged")
				}
				bunched := 0
				for i := 1; i < len(sends); i++ {
					if sends[i]-sends[i-1] < 5*time.Millisecond {
						bunched++
					}
				}
				b.ReportMetric(100*float64(len(r)-g.off)/float64(max(len(r), 1)), "%within20")
				b.ReportMetric(r[len(r)*5/100], "p5-gap/nominal")
				b.ReportMetric(r[len(r)/2], "p50-gap/nominal")
				b.ReportMetric(r[len(r)*95/100], "p95-gap/nominal")
				b.ReportMetric(float64(bunched), "gaps<5ms")
				b.ReportMetric(float64(len(sends)), "sends")
			}
		})
	}
}
