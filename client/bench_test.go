package client

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
)

// BenchmarkSustainedRate drives one client at its default rate against an
// emulator enforcing the real quota (20 calls/s, sliding one-second window)
// with more workers than the quota, as the dashboard does with many tasks.
// It reports successful calls per second and how many the server
// throttled; the target is at least 19/s with 0 throttled.
//
//	go test -run XXX -bench Sustained -benchtime 5s ./client
func BenchmarkSustainedRate(b *testing.B) {
	s := emutest.Start(b, emulator.Config{}, `{"tasks":[{"task_id":"bench","sdk_app_id":1400000001}]}`)
	c := emuClient(b, s, func(c *Config) { c.Rate = 0 })
	var ok, throttled, failed atomic.Int64
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range jobs {
				_, err := c.Describe(context.Background(), ref("bench"))
				switch KindOf(err) {
				case KindUnknown:
					ok.Add(1)
				case KindThrottled:
					throttled.Add(1)
				default:
					failed.Add(1)
				}
			}
		})
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	b.ReportMetric(float64(ok.Load())/elapsed.Seconds(), "ok/s")
	b.ReportMetric(float64(throttled.Load()), "throttled")
	b.ReportMetric(float64(s.Stats().Total().Throttled), "server-throttled")
	b.ReportMetric(float64(failed.Load()), "failed")
	if failed.Load() > 0 {
		b.Errorf("%d calls failed for another reason than throttling", failed.Load())
	}
}
