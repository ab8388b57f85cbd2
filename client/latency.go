package client

import (
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
}

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
	l.n++
}

// estimate is mean + 2 × deviation: a round trip most calls finish within,
// or 0 before the first answer.
func (l *latency) estimate() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return 0
	}
	return l.mean + 2*l.dev
}

// Latency is how long a call takes from leaving this client to its answer
// (mean plus twice the mean deviation of recent calls; 0 before the first
// answer). The engine sizes how many calls it keeps in flight from it
// (Little's law: rate × latency), so the quota is filled on a slow path
// without a fixed pool of workers capping it at workers ÷ latency.
func (c *Client) Latency() time.Duration { return c.pacer.lat.estimate() }
