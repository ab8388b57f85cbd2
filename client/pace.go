package client

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The send gate's margin: how much longer than the API's one-second window
// any rate's worth of consecutive sends must take. At the base margin any 21
// consecutive sends at 20/s span at least 1.020 s (1 s + 25 ms − sendSlack),
// so 20 ms of network or server jitter cannot put a 21st into the server's
// window. A throttle proves the jitter
// was larger: the margin doubles (at most once per widenEvery, up to
// maxMargin), holds for marginHold after the last throttle, then shrinks by
// marginDecay per quiet second back to the base. Throttles that come from
// sharing the quota with another tool also widen it, once: the engine's AIMD
// answers those by cutting the rate, and a margin doubled every second of
// contention would cost each client a tenth of its share for half a minute.
const (
	baseMargin  = 25 * time.Millisecond
	maxMargin   = 150 * time.Millisecond
	marginHold  = 10 * time.Second
	marginDecay = 5 * time.Millisecond // per second, after the hold
	widenEvery  = 10 * time.Second     // throttles this close to the last widening do not widen again
	// sendSlack is how late a send may leave after its slot and still keep
	// the slot's place in the schedule. Without it every timer that fires a
	// little late (a loaded machine: often a millisecond) would push all
	// later sends back and the gate would fall behind the bucket. It costs
	// the promise at most sendSlack once per window, never once per call.
	sendSlack = 5 * time.Millisecond
	// grantTTL is how long a granted call may take to reach the send gate
	// before its seat is given to the next caller (it failed before sending).
	grantTTL = time.Second
)

// pacer is the client's one gate for every call, in two stages.
//
// wait, before a call is signed, is a token bucket (burst 1) at
// rate × headroom: it spaces the calls evenly and refuses a slot a caller's
// deadline cannot reach. But a grant is not a send: signing, goroutine
// scheduling and a starved CPU come between, and a bucket credits lateness,
// so sends granted 50 ms apart can leave together.
//
// admit, called by sendGate at the moment the request leaves (just before
// the transport writes it), is the rule the server actually enforces, kept
// on real send times: each send takes a place in a schedule spaced gap()
// apart, never earlier than the moment it really leaves and never more than
// sendSlack before it. With gap = (1 s + margin) / floor(rate), any
// floor(rate) + 1 consecutive sends span at least 1 s + margin − sendSlack,
// so no one-second window ever holds more than floor(rate) calls, however
// late or bunched the grants were, and the calls stay evenly spaced through
// every rate change.
//
// Between the two, one seat: a caller is granted only once the previous
// grant has left, so the bucket cannot run ahead of the real sends.
type pacer struct {
	limiter *rate.Limiter
	lat     latency // round trips from the send gate to the answer

	mu        sync.Mutex
	rate      float64       // nominal calls/s
	last      time.Time     // the last send's place in the schedule: ≤ its real moment, > it − sendSlack
	widened   time.Duration // margin set by the last widening
	throttle  time.Time     // the last throttle; zero until one
	widenedAt time.Time     // when the margin was last widened
	limit     rate.Limit    // what limiter was last set to
	seat      chan struct{} // capacity 1: held from a grant until its send
	grantedAt time.Time     // when the seat's holder was granted; zero while it waits in the bucket
	sent      []time.Time   // the last floor(ceiling) real send moments, a ring (nil: no window rule)
	nsent     int
}

// maxWindowRing bounds the window rule's memory: rates above it (a loopback
// emulator in a test) are paced by the gap alone.
const maxWindowRing = 1000

func newPacer(perSecond float64) *pacer {
	p := &pacer{limiter: rate.NewLimiter(rate.Limit(perSecond*headroom), 1), seat: make(chan struct{}, 1)}
	if k := math.Floor(perSecond); k >= 1 && k <= maxWindowRing {
		p.sent = make([]time.Time, int(k))
	}
	p.setRate(perSecond)
	return p
}

func (p *pacer) setRate(perSecond float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = perSecond
	p.syncLimiterLocked(time.Now())
}

// margin is the send gate's margin at now: base, or widened after a
// throttle and decaying back once throttles stop.
//
// It is never less than the jitter measured on recent round trips (up to
// maxMargin): when the server's processing time swings between 150 and
// 250 ms, calls sent 50 ms apart can arrive together, and a margin that
// waits for a throttle to widen pays a cut rate for every swing. Before
// enough round trips are measured, the jitter's bound is used (the longest
// round trip, or maxMargin before the first answer: see latency.jitter).
func (p *pacer) marginLocked(now time.Time) time.Duration {
	return max(p.throttleMarginLocked(now), min(maxMargin, p.lat.jitter(now)))
}

// throttleMarginLocked is the margin the throttles set: base, or widened
// after one and decaying back once they stop.
func (p *pacer) throttleMarginLocked(now time.Time) time.Duration {
	if p.throttle.IsZero() {
		return baseMargin
	}
	quiet := now.Sub(p.throttle) - marginHold
	if quiet <= 0 {
		return p.widened
	}
	shrink := time.Duration(quiet.Seconds() * float64(marginDecay))
	return max(baseMargin, p.widened-shrink)
}

// perWindowLocked is how many sends one window may hold: whole calls, so a
// rate of 10.9 sends 10 per window. That keeps the engine's climb from
// spending a fraction of a call per second above another tool's share
// (two tools at 9.7 + 10.4 would keep the server's window at 20-21).
func (p *pacer) perWindowLocked() float64 {
	if p.rate < 1 {
		return p.rate
	}
	return math.Floor(p.rate)
}

// gapLocked is the least time between two real sends at now.
func (p *pacer) gapLocked(now time.Time) time.Duration {
	return time.Duration(float64(time.Second+p.marginLocked(now)) / p.perWindowLocked())
}

// syncLimiterLocked keeps the bucket a little slower than the send gate at
// whole rates (rate × headroom at the base margin, scaled down as the margin
// widens), so in a steady flow nobody waits at the gate, and after a
// widening the callers wait before their deadline starts rather than inside
// it. At a fractional rate the gate's whole calls per window are the stricter
// rule and each call waits there a few ms (2 at 14.5/s).
func (p *pacer) syncLimiterLocked(now time.Time) {
	scale := float64(time.Second+baseMargin) / float64(time.Second+p.marginLocked(now))
	l := rate.Limit(p.rate * headroom * scale)
	if l != p.limit {
		p.limit = l
		p.limiter.SetLimit(l)
	}
}

// throttled widens the margin after a RequestLimitExceeded: the sends we
// spaced by gap() still arrived bunched, so the jitter between send and
// arrival is larger than the margin. Throttles within widenEvery of the last
// widening only restart the hold: the widened margin gets its chance first.
func (p *pacer) throttled(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.throttleMarginLocked(now)
	p.throttle = now
	if !p.widenedAt.IsZero() && now.Sub(p.widenedAt) < widenEvery {
		p.widened = cur // keep it (and restart the hold) without doubling again
		return
	}
	p.widened, p.widenedAt = min(maxMargin, 2*cur), now
	p.syncLimiterLocked(now)
}

// wait returns when a call may be signed and sent, or ctx's error. Only one
// caller at a time holds a grant that has not been sent yet (the seat): the
// next one is not even queued in the bucket until the previous call has
// left. Otherwise, on a starved CPU, the bucket kept granting on its own
// clock while the sends fell behind, and every granted call piled up at the
// send gate, spending its per-call timeout there.
func (p *pacer) wait(ctx context.Context) error {
	if err := p.takeSeat(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	p.syncLimiterLocked(time.Now()) // the margin may have decayed since
	p.mu.Unlock()
	if err := p.limiter.Wait(ctx); err != nil {
		<-p.seat
		return err
	}
	p.mu.Lock()
	p.grantedAt = time.Now()
	p.mu.Unlock()
	return nil
}

// takeSeat waits for the seat. A grant that never reaches the send gate
// (its call failed before sending) gives the seat up after grantTTL.
func (p *pacer) takeSeat(ctx context.Context) error {
	for {
		select {
		case p.seat <- struct{}{}:
			return nil
		default:
		}
		p.mu.Lock()
		granted := p.grantedAt
		p.mu.Unlock()
		var expired <-chan time.Time
		var t *time.Timer
		if !granted.IsZero() {
			t = time.NewTimer(time.Until(granted.Add(grantTTL)))
			expired = t.C
		}
		stop := func() {
			if t != nil {
				t.Stop()
			}
		}
		select {
		case p.seat <- struct{}{}:
			stop()
			return nil
		case <-expired:
			p.mu.Lock()
			if p.grantedAt.Equal(granted) {
				p.releaseLocked()
			}
			p.mu.Unlock()
		case <-ctx.Done():
			stop()
			return ctx.Err()
		}
	}
}

// releaseLocked frees the seat held by a granted call, if one is.
func (p *pacer) releaseLocked() {
	if !p.grantedAt.IsZero() {
		p.grantedAt = time.Time{}
		<-p.seat
	}
}

// admit returns at the moment a request may leave, having counted it as
// sent then, or ctx's error. Either way the granted call is done with the
// seat. It holds no lock while it sleeps; a waiter that wakes to find the
// slot taken waits for the next one.
func (p *pacer) admit(ctx context.Context) error {
	defer func() {
		p.mu.Lock()
		p.releaseLocked()
		p.mu.Unlock()
	}()
	for {
		p.mu.Lock()
		now := time.Now()
		next := now
		if !p.last.IsZero() {
			next = p.last.Add(p.gapLocked(now))
		}
		if w := p.windowStartLocked(); !w.IsZero() {
			next = maxTime(next, w.Add(time.Second+p.marginLocked(now)))
		}
		if !now.Before(next) {
			p.last = maxTime(next, now.Add(-sendSlack))
			if len(p.sent) > 0 {
				p.sent[p.nsent%len(p.sent)] = now
				p.nsent++
			}
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		t := time.NewTimer(next.Sub(now))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for a send slot under the quota: %w", ctx.Err())
		}
	}
}

// windowStartLocked is the real moment of the send floor(ceiling) sends
// back (zero until there were that many): the next send must leave at least
// 1 s + margin after it, so no one-second window at the server can hold
// more than the quota's calls from us, with the margin as it is now.
//
// The gap alone promises that only for a margin that stayed put: when the
// margin widens (a round trip held up 45 ms was just measured, a throttle)
// the gaps already spent in this window stay narrow, and the window's last
// calls, spaced by the new gap, made up only a twentieth of the widening
// each. This rule makes up the rest at once, with one longer gap; it never
// makes a gap shorter, so the spacing stays even.
func (p *pacer) windowStartLocked() time.Time {
	if len(p.sent) == 0 || p.nsent < len(p.sent) {
		return time.Time{}
	}
	return p.sent[p.nsent%len(p.sent)]
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
