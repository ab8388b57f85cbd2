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
	recentAt  [spreadOf]time.Time     // ... and when each was sent
	spread    time.Duration           // their 95th less their 5th percentile
	shortest  time.Duration           // the shortest of them
	longest   time.Duration           // the longest round trip so far
	pending   map[uint64]time.Time    // calls sent and not answered yet, by send
	seq       uint64
	overtaken time.Time // the latest send of a call that has ended
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
	if found && at.After(l.overtaken) {
		l.overtaken = at
	}
	l.mu.Unlock()
	if found && ok {
		l.observeAt(at, time.Since(at))
	}
}

// spreadOf is how many recent round trips the spread is taken over: three
// seconds at the full quota, so a stretch of slow answers shows quickly.
const spreadOf = 64

// observeAt records a round trip d of a call sent at at.
func (l *latency) observeAt(at time.Time, d time.Duration) {
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
	l.recent[l.n%spreadOf], l.recentAt[l.n%spreadOf] = d, at
	l.n++
	l.longest = max(l.longest, d)
	if l.n >= spreadOf/8 {
		s := slices.Clone(l.recent[:min(l.n, spreadOf)])
		slices.Sort(s)
		l.spread = s[len(s)*95/100] - s[len(s)*5/100]
		l.shortest = s[0]
	}
}

// jitter is how much the round trip varies, so how much closer together
// two calls sent a gap apart can arrive: the send gate keeps at least this
// margin (see marginLocked). It is the larger of
//
//   - the spread of the recent round trips (95th less 5th percentile), the
//     steady swing of the path, and
//   - how much longer than the shortest any call sent in the last
//     heldFor took. One call held up 45 ms (the server starved of CPU for a
//     moment) put 21 arrivals in one window, and a percentile never sees
//     one call in 64. A call arriving late can only crowd the calls sent
//     within a second (and a margin) after it, so its excess counts for
//     just that long: keeping it for all 64 calls (3 s) cost a loaded
//     machine up to 1.7 calls/s.
//
// Until spreadOf/8 round trips are known, a spread of so few says little,
// and the first second's sends (the calls in flight before the first
// answers) would be spaced for no jitter at all: 2-3 throttles per run on a
// server whose processing swings between 150 and 250 ms. Then the longest
// round trip so far stands in for it, since two one-way delays cannot differ
// by more than a whole round trip (on a fast path that is a few ms, so it
// costs nothing), and before the first answer nothing bounds it: unknown
// (the pacer then keeps its widest margin).
func (l *latency) jitter(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.n == 0:
		return unknownJitter
	case l.n < spreadOf/8:
		return l.longest
	}
	j := l.spread
	from := now.Add(-heldFor)
	for i := range min(l.n, spreadOf) {
		if l.recentAt[i].After(from) {
			j = max(j, l.recent[i]-l.shortest)
		}
	}
	return j
}

// heldFor is how long a late call's excess counts in jitter: the window it
// can crowd, at the widest margin.
const heldFor = time.Second + maxMargin

// unknownJitter is jitter's answer before any round trip is measured.
const unknownJitter = time.Duration(math.MaxInt64)

// estimate is mean + 2 × deviation, a round trip most calls finish within,
// but never less than the age of the oldest call still unanswered that no
// later call has overtaken: a call out for a second proves the round trip
// is at least that, before any answer and whenever the path slows down,
// while the mean only learns of it from the answers (at 2 s of latency the
// first comes after 2 s, and the engine kept 16 calls in flight, sent by
// 0.9 s, until then). A call that later ones overtook is one stalled call,
// not the path: it must not open the engine's calls in flight to the cap
// until its timeout. 0 when nothing is known.
func (l *latency) estimate() time.Duration {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var d time.Duration
	if l.n > 0 {
		d = l.mean + 2*l.dev
	}
	for _, at := range l.pending {
		if at.After(l.overtaken) {
			d = max(d, now.Sub(at))
		}
	}
	return d
}

// Latency is how long a call takes from leaving this client to its answer
// (mean plus twice the mean deviation of recent calls, or the age of the
// oldest call unanswered if longer; 0 before the first call leaves). The
// engine sizes how many calls it keeps in flight from it (Little's law:
// rate × latency), so the quota is filled on a slow path without a fixed
// pool of workers capping it at workers ÷ latency.
func (c *Client) Latency() time.Duration { return c.pacer.lat.estimate() }
