package watch

import (
	"context"
	"flag"
	"fmt"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/trtcwatch/trtcwatch/taskref"
)

// pollWindow is how much real time BenchmarkPollCPU measures per case.
var pollWindow = flag.Duration("poll-window", 10*time.Second, "BenchmarkPollCPU: real time measured per case")

// BenchmarkPollCPU is the engine's own cost of polling at the quota, on the
// real clock: n tasks at the default 2 s interval, answered at once behind
// a limiter at 20/s, with the default 64 workers, measured over pollWindow
// once the first sweep is past. 40 tasks need the quota exactly, so the
// workers mostly wait for the next task to fall due; 2,000 need 50 times
// it, so the queue is never empty and the calls in flight are the limit.
// Metrics: the process's CPU (user and system) per call made, and in % of
// one core.
//
//	go test -run XXX -bench PollCPU -benchtime 1x ./watch
func BenchmarkPollCPU(b *testing.B) {
	for _, n := range []int{40, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var cpu, wall time.Duration
			var calls int
			for b.Loop() {
				cpu, wall, calls = pollCPU(b, n, *pollWindow)
			}
			b.ReportMetric(float64(cpu.Microseconds())/float64(max(calls, 1)), "cpu-µs/call")
			b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
			b.ReportMetric(float64(calls)/wall.Seconds(), "calls/s")
		})
	}
}

func pollCPU(b *testing.B, n int, window time.Duration) (cpu, wall time.Duration, calls int) {
	b.StopTimer()
	defer b.StartTimer() // b.Loop wants it running
	api := &pacedAPI{lim: rate.NewLimiter(20, 1), status: "InProgress", asked: map[taskref.Ref][]time.Time{}}
	e := New(api, Config{Quota: 20})
	if _, err := e.Add(refs(n)); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	count := func() int {
		api.mu.Lock()
		defer api.mu.Unlock()
		total := 0
		for _, at := range api.asked {
			total += len(at)
		}
		return total
	}
	time.Sleep(3 * time.Second) // the 40 tasks' first sweep, and the first GCs
	n0, c0, w0 := count(), processCPU(b), time.Now()
	time.Sleep(window)
	n1, c1, w1 := count(), processCPU(b), time.Now()
	return c1 - c0, w1.Sub(w0), n1 - n0
}

// processCPU is the user and system CPU the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
