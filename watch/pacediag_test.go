package watch

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"time"
)

// Diagnosis of a throttle in the engine benchmarks: for every request the
// server's quota check refused, the benchmark logs the 21 arrivals in its
// one-second window and, for each, what happened on the client between the
// send gate's admit and the arrival (was a connection dialled, how long the
// write took), so a throttle can be told apart: a dial in the send path,
// a starved CPU, or jitter the margin did not cover.

// sendTrace is one call's client side, from httptrace.
type sendTrace struct {
	task    string
	getConn time.Time // the transport asked for a connection: just after the send gate's admit
	gotConn time.Time
	reused  bool
	wrote   time.Time
}

// tracer collects sendTraces for the calls made through it.
type tracer struct {
	mu sync.Mutex
	tr []*sendTrace
}

// with returns ctx carrying an httptrace for one call to task.
func (t *tracer) with(ctx context.Context, task string) context.Context {
	st := &sendTrace{task: task}
	t.mu.Lock()
	t.tr = append(t.tr, st)
	t.mu.Unlock()
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) { t.set(func() { st.getConn = time.Now() }) },
		GotConn: func(i httptrace.GotConnInfo) {
			t.set(func() { st.gotConn, st.reused = time.Now(), i.Reused })
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { t.set(func() { st.wrote = time.Now() }) },
	})
}

func (t *tracer) set(f func()) {
	t.mu.Lock()
	f()
	t.mu.Unlock()
}

// match is the trace of the call to task written last before at.
func (t *tracer) match(task string, at time.Time) *sendTrace {
	var best *sendTrace
	for _, st := range t.tr {
		if st.task == task && !st.wrote.IsZero() && !st.wrote.After(at) && (best == nil || st.wrote.After(best.wrote)) {
			best = st
		}
	}
	return best
}

// bodyTask reads the TaskId out of a request body (the benchmark's ids are
// plain).
func bodyTask(body []byte) string {
	_, rest, ok := bytes.Cut(body, []byte(`"TaskId":"`))
	if !ok {
		return ""
	}
	id, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(id)
}

// throttleWindows describes, for each arrival that found 20 others in the
// second before it (the emulator's rule), the window's arrivals: offset from
// the window's first, gap to the previous of ours, the client's admit→write
// time, whether the connection was new, and write→arrival.
func throttleWindows(log []arrival, t *tracer, t0 time.Time, limit int) []string {
	log = slices.SortedFunc(slices.Values(log), func(a, b arrival) int { return a.at.Compare(b.at) })
	var out []string
	lo := 0
	for i, a := range log {
		for !log[lo].at.After(a.at.Add(-time.Second)) {
			lo++
		}
		if i-lo+1 <= limit {
			continue
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "throttle at %v: window from %v holds %d:", a.at.Sub(t0).Round(time.Millisecond), log[lo].at.Sub(t0).Round(time.Millisecond), i-lo+1)
		for k := lo; k <= i; k++ {
			w := log[k]
			who := "me"
			if w.other {
				who = "ot"
			}
			fmt.Fprintf(&sb, "\n  +%4dms %s", w.at.Sub(log[lo].at).Milliseconds(), who)
			if k > lo {
				fmt.Fprintf(&sb, " gap %3dms", w.at.Sub(log[k-1].at).Milliseconds())
			}
			if st := t.match(w.task, w.at); st != nil {
				fmt.Fprintf(&sb, " admit+%.1fms→conn(reused=%v) +%.1fms→wrote, +%.1fms→arrival; admit at %v",
					ms(st.gotConn.Sub(st.getConn)), st.reused, ms(st.wrote.Sub(st.gotConn)), ms(w.at.Sub(st.wrote)), st.getConn.Sub(t0).Round(time.Millisecond))
			}
		}
		out = append(out, sb.String())
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// dials counts the calls that needed a new connection, in all and from
// settle on.
func (t *tracer) dials(settle time.Time) (all, settled int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, st := range t.tr {
		if st.gotConn.IsZero() || st.reused {
			continue
		}
		all++
		if !st.getConn.Before(settle) {
			settled++
		}
	}
	return all, settled
}

// inFlightLimit is the engine's concurrency limit now.
func (e *Engine) inFlightLimit() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.inFlightLimitLocked()
}
