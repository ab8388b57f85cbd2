package watch

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// slowAPI reports a fixed latency and holds every call until its context
// ends, counting the most calls it held at once.
type slowAPI struct {
	lat time.Duration

	mu         sync.Mutex
	held, peak int
}

func (s *slowAPI) Describe(ctx context.Context, _ taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	s.mu.Lock()
	s.held++
	s.peak = max(s.peak, s.held)
	s.mu.Unlock()
	<-ctx.Done()
	s.mu.Lock()
	s.held--
	s.mu.Unlock()
	return nil, ctx.Err()
}

func (s *slowAPI) SetRate(float64) {}
func (s *slowAPI) Latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lat
}

// noLatency is an API that does not measure its latency.
type noLatency struct{ *slowAPI }

func (noLatency) Latency() {} // not a latencySource: the wrong signature

func TestInFlightLimit(t *testing.T) {
	tests := []struct {
		name    string
		api     API
		workers int
		rate    float64
		want    int
	}{
		{"fast path: the floor", &slowAPI{lat: 20 * time.Millisecond}, 0, 20, minInFlight},
		{"150 ms: 20 × 0.15 × 1.5 + 2", &slowAPI{lat: 150 * time.Millisecond}, 0, 20, 7},
		{"1 s: 32", &slowAPI{lat: time.Second}, 0, 20, 32},
		{"2 s: 62", &slowAPI{lat: 2 * time.Second}, 0, 20, 62},
		{"5 s: the cap", &slowAPI{lat: 5 * time.Second}, 0, 20, defaultMaxInFlight},
		{"Workers is the cap", &slowAPI{lat: time.Second}, 10, 20, 10},
		{"a cut rate needs fewer", &slowAPI{lat: time.Second}, 0, 10, 17},
		{"nothing measured yet: the old pool", &slowAPI{}, 0, 20, legacyInFlight},
		{"an API that does not measure: the old pool", noLatency{&slowAPI{lat: time.Second}}, 0, 20, legacyInFlight},
		{"... within a smaller cap", noLatency{&slowAPI{}}, 8, 20, 8},
	}
	for _, tt := range tests {
		e := New(tt.api, Config{Workers: tt.workers, Quota: 20})
		e.aimd.rate = tt.rate
		e.calls = 1 // answers have measured the latency
		if got := e.inFlightLimitLocked(); got != tt.want {
			t.Errorf("%s: limit %d, want %d", tt.name, got, tt.want)
		}
	}
	// Before any call has come back the latency is the age of the calls
	// out, a lower bound: never fewer than the old pool then.
	for _, tt := range []struct {
		name    string
		lat     time.Duration
		workers int
		want    int
	}{
		{"the first call out 5 ms: the old pool", 5 * time.Millisecond, 0, legacyInFlight},
		{"... within a smaller cap", 5 * time.Millisecond, 8, 8},
		{"out 1 s: more than the old pool", time.Second, 0, 32},
	} {
		e := New(&slowAPI{lat: tt.lat}, Config{Workers: tt.workers, Quota: 20})
		e.aimd.rate = 20
		if got := e.inFlightLimitLocked(); got != tt.want {
			t.Errorf("%s: limit %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestRunHoldsInFlightLimit: with answers that never come, the engine holds
// exactly the limit's worth of calls (not one per worker), and every
// goroutine it started is gone when Run returns (synctest.Test checks).
func TestRunHoldsInFlightLimit(t *testing.T) {
	for _, tt := range []struct {
		lat  time.Duration
		want int
	}{{150 * time.Millisecond, 7}, {time.Second, 32}, {3 * time.Second, defaultMaxInFlight}} {
		t.Run(tt.lat.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				api := &slowAPI{lat: tt.lat}
				e := New(api, Config{Quota: 20})
				e.calls = 1 // as if earlier answers had measured tt.lat (before one, the old pool is the floor)
				if _, err := e.Add(refs(100)); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { e.Run(ctx); close(done) }()
				time.Sleep(3 * time.Second) // a few ticks: the limit is re-read
				synctest.Wait()
				api.mu.Lock()
				peak := api.peak
				api.mu.Unlock()
				if peak != tt.want {
					t.Errorf("%d calls in flight at once, want %d", peak, tt.want)
				}
				// Every goroutine Run started must be gone: synctest.Test
				// waits for the bubble's goroutines and fails the test if
				// one is left blocked (runtime.NumGoroutine counts the
				// whole process, so other tests' stragglers made it flaky).
				cancel()
				<-done
			})
		})
	}
}

// TestInFlightLimitGrows: calls held past the old limit while the measured
// latency grows (no answer yet, the client reports the oldest call's age)
// are let go at the next tick, up to the new limit.
func TestInFlightLimitGrows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := &slowAPI{} // nothing measured: the old pool of 16
		e := New(api, Config{Quota: 20})
		if _, err := e.Add(refs(100)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.Run(ctx); close(done) }()
		peak := func() int {
			synctest.Wait()
			api.mu.Lock()
			defer api.mu.Unlock()
			return api.peak
		}
		time.Sleep(900 * time.Millisecond)
		if got := peak(); got != legacyInFlight {
			t.Fatalf("%d calls in flight before any latency, want %d", got, legacyInFlight)
		}
		api.mu.Lock()
		api.lat = time.Second // the oldest call has been out a second
		api.mu.Unlock()
		time.Sleep(200 * time.Millisecond) // past the tick at 1 s
		if got := peak(); got != 32 {
			t.Errorf("%d calls in flight after the tick, want 32 (20 × 1 s × 1.5 + 2)", got)
		}
		cancel()
		<-done
	})
}
