package client

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// guardWindow is the span the window guard keeps floor(rate) sends within.
// It is a little over the API's one-second window so that a few ms of
// network jitter cannot put one send too many into the server's window, and
// a little under the 1.031 s that 20 sends at Headroom take, so a steady
// flow never waits on the guard.
const guardWindow = time.Second + 25*time.Millisecond

// pacer is the client's one gate for every call. The token bucket (burst 1,
// rate × Headroom) spreads calls evenly. But a bucket credits lateness: if a
// GC pause or a busy CPU wakes several waiters late, they all go at once,
// and a second later that bunch plus the on-time calls make 21 in the
// server's sliding window. The window guard behind the bucket checks the
// API's actual rule on our own send times (at most floor(rate) sends in any
// guardWindow) and delays a call that would break it.
type pacer struct {
	limiter *rate.Limiter

	mu    sync.Mutex
	per   int         // most sends in any guardWindow
	sends []time.Time // planned send times, ascending; the last `per` matter
}

func newPacer(perSecond float64) *pacer {
	p := &pacer{limiter: rate.NewLimiter(rate.Limit(perSecond*Headroom), 1)}
	p.setRate(perSecond)
	return p
}

func (p *pacer) setRate(perSecond float64) {
	p.limiter.SetLimit(rate.Limit(perSecond * Headroom))
	p.mu.Lock()
	p.per = max(1, int(math.Floor(perSecond)))
	p.mu.Unlock()
}

// wait returns when a call may be sent, or ctx's error. A slot given up to
// a cancelled context stays counted: that can only make pacing stricter.
func (p *pacer) wait(ctx context.Context) error {
	if err := p.limiter.Wait(ctx); err != nil {
		return err
	}
	at := p.reserve(time.Now())
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve plans the next send at now or, if that would put more than per
// sends into one guardWindow, when the oldest of them leaves it.
func (p *pacer) reserve(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := now
	if n := len(p.sends); n > 0 {
		at = maxTime(at, p.sends[n-1]) // keep the plan ascending
		if n >= p.per {
			at = maxTime(at, p.sends[n-p.per].Add(guardWindow))
		}
	}
	p.sends = append(p.sends, at)
	if len(p.sends) > 2*p.per+8 { // trim now and then, keeping what the rule needs
		p.sends = append(p.sends[:0], p.sends[len(p.sends)-p.per:]...)
	}
	return at
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
