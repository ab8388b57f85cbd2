package hook

import (
	"testing"
	"time"
)

// BenchmarkHookRun is what one run of a hook that does nothing (/bin/true)
// costs from Fire to its end, one at a time: on Linux the supervisor's
// start (this test binary again) and its reaping included.
func BenchmarkHookRun(b *testing.B) {
	var fails failures
	r, err := New(Config{Cmd: []string{"/bin/true"}, MaxConcurrent: 1, Timeout: 10 * time.Second, OnFailure: fails.add})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for b.Loop() {
		r.Fire(event("t-bench"))
		r.Drain()
	}
	if f := fails.all(); len(f) != 0 {
		b.Fatalf("failures %v", f)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/run")
}
