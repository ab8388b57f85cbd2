package client

import (
	"math"
	"slices"
	"sync"
	"time"
)

// latency estimates a call's round trip as TCP estimates its RTT: a moving
// mean and mean deviation (gains 1/8 and 1/4) of the time from the send
// gate to the answer's headers. Only answered calls count; the time a call
// waits for its slot is the pacer's, not the network's, and is left out.
type latency struct {
	mu        sync.Mutex
	mean, dev time.Duration
	n         int
	recent    [spreadOf]time.Duration // the last spreadOf round trips, a ring
	spread    time.Duration           // their longest less their shortest
	longest   time.Duration           // the longest round trip so far
	pending   map[uint64]time.Time    // calls sent and not answered yet, by send
	seq       uint64
}

// sent records a call leaving at at; answered must follow with its id.
func (l *latency) sent(at time.Time) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending == nil {
		l.pending = map[uint64]time.Time{}
	}
	l.seq++
	l.pending[l.seq] = at
	return l.seq
}

// answered ends the call sent as id: its round trip is observed when it
// was answered (ok), and just forgotten when it failed or was cancelled.
func (l *latency) answered(id uint64, ok bool) {
	l.mu.Lock()
	at, found := l.pending[id]
	delete(l.pending, id)
	l.mu.Unlock()
	if found && ok {
		l.observe(time.Since(at))
	}
}

// spreadOf is how many recent round trips the spread is taken over: three
// seconds at the full quota, so a stretch of slow answers shows quickly.
const spreadOf = 64

func (l *latency) observe(d time.Duration) {
	if d < 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		l.mean, l.dev = d, d/2
	} else {
		diff := d - l.mean
		l.mean += diff / 8
		l.dev += (diff.Abs() - l.dev) / 4
	}
	l.recent[l.n%spreadOf] = d
	l.n++
	l.longest = max(l.longest, d)
	if l.n >= spreadOf/8 {
		s := l.recent[:min(l.n, spreadOf)]
		l.spread = slices.Max(s) - slices.Min(s)
	}
}

// jitter is how much the round trip varies: the longest less the shortest
// of the recent ones. Two calls sent a gap apart can arrive that much closer
// together, so the send gate keeps at least this margin (see marginLocked).
// Not a percentile: one call in 64 held up 45 ms (a server starved of CPU
// for a moment) was enough to put 21 arrivals in one window, and the 95th
// percentile never saw it. Keeping the widest for spreadOf calls costs a
// few ms of gap for three seconds; the throttle it prevents cost a dozen
// calls (a rate cut and a doubled margin held 10 s).
//
// Until spreadOf/8 round trips are known, a spread of so few says little,
// and the first second's sends (the calls in flight before the first
// answers) would be spaced for no jitter at all: 2-3 throttles per run on a
// server whose processing swings between 150 and 250 ms. Then the longest
// round trip so far stands in for it, since two one-way delays cannot differ
// by more than a whole round trip (on a fast path that is a few ms, so it
// costs nothing), and before the first answer nothing bounds it: unknown
// (the pacer then keeps its widest margin).
func (l *latency) jitter() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.n == 0:
		return unknownJitter
	case l.n < spreadOf/8:
		return l.longest
	}
	return l.spread
}

// unknownJitter is jitter's answer before any round trip is measured.
const unknownJitter = time.Duration(math.MaxInt64)

// estimate is mean + 2 × deviation, a round trip most calls finish within,
// but never less than the age of the oldest call still unanswered: a call
// out for a second proves the round trip is at least that, before any
// answer and whenever the path slows down, while the mean only learns of it
// from the answers (at 2 s of latency the first comes after 2 s, and the
// engine kept 16 calls in flight, sent by 0.8 s, until then). 0 when
// nothing is known.
func (l *latency) estimate() time.Duration {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var d time.Duration
	if l.n > 0 {
		d = l.mean + 2*l.dev
	}
	for _, at := range l.pending {
		d = max(d, now.Sub(at))
	}
	return d
}

// Latency is how long a call takes from leaving this client to its answer
// (mean plus twice the mean deviation of recent calls, or the age of the
// oldest call unanswered if longer; 0 before the first call leaves). The engine sizes how many calls it keeps in flight from it
// (Little's law: rate × latency), so the quota is filled on a slow path
// without a fixed pool of workers capping it at workers ÷ latency.
func (c *Client) Latency() time.Duration { return c.pacer.lat.estimate() }
