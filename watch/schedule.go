package watch

import (
	"math"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
)

// The scheduling maths, kept in pure functions so the order, the backoff and
// the gating can be table-tested without goroutines or a clock.

// class is the first key of the queue: explicit asks jump the line.
type class uint8

const (
	classAsk  class = iota // newly added or manually refreshed
	classPoll              // background polling
)

// key orders the queue: class, then due time (most overdue first), then the
// order tasks were added, so equal keys never reorder between sweeps.
type key struct {
	class class
	due   time.Time
	seq   uint64
}

func (a key) before(b key) bool {
	if a.class != b.class {
		return a.class < b.class
	}
	if !a.due.Equal(b.due) {
		return a.due.Before(b.due)
	}
	return a.seq < b.seq
}

// gate is how much the engine may call: everything, or one probe at a time
// because every call would fail anyway (bad credentials, API down).
type gate uint8

const (
	gateOpen gate = iota
	gateAuth
	gateDown
)

// forever means "no timer: wait until something changes".
const forever = time.Duration(-1)

// canTake decides whether the head of the queue may be called now, and if
// not, how long to wait before asking again (forever: until woken).
func canTake(head key, now time.Time, paused bool, g gate, inflight int, lastProbe time.Time, probeEvery time.Duration) (bool, time.Duration) {
	if paused && head.class != classAsk {
		return false, forever
	}
	if g != gateOpen {
		if inflight > 0 {
			return false, forever // its answer wakes us
		}
		if next := lastProbe.Add(probeEvery); now.Before(next) {
			return false, next.Sub(now)
		}
		return true, 0
	}
	if head.class == classAsk || !now.Before(head.due) {
		return true, 0
	}
	return false, head.due.Sub(now)
}

// backoff is the wait after n consecutive failures: Interval doubled per
// failure, capped at ceiling, with "equal jitter" (the upper half of the range
// is random) so tasks that failed together do not retry together. r is a
// random number in [0,1). The result is always within [interval, ceiling].
func backoff(n int, interval, ceiling time.Duration, r float64) time.Duration {
	if ceiling < interval {
		ceiling = interval
	}
	d := ceiling
	if n < 1 {
		n = 1
	}
	if n <= 30 {
		if x := interval * time.Duration(1<<(n-1)); x > 0 && x < ceiling {
			d = x
		}
	}
	r = math.Min(math.Max(r, 0), 1)
	j := d/2 + time.Duration(float64(d/2)*r)
	return min(max(j, interval), d)
}

// nextDue says when a task is asked next after a call that ended at now
// (ok=false: not polled again until someone asks). Answers wait one interval,
// or stretch when that is longer: the ConfirmInterval of a task whose
// callbacks keep arriving (push.go; 0 for the others), never more;
// transient and unknown failures back off; throttling and auth problems are
// handled globally (AIMD, probe gate), so those tasks keep the normal pace.
func nextDue(now time.Time, p Phase, f *Failure, failures int, interval, stretch, maxBackoff time.Duration, r float64) (time.Time, bool) {
	if p.Final() {
		return time.Time{}, false
	}
	if f == nil {
		return now.Add(max(interval, stretch)), true
	}
	switch f.Kind {
	case client.KindThrottled, client.KindAuth, client.KindGone:
		return now.Add(interval), true
	}
	return now.Add(backoff(failures, interval, maxBackoff, r)), true
}

// queue is a binary heap of entries ordered by key.
type queue []*entry

func (q queue) Len() int           { return len(q) }
func (q queue) Less(i, j int) bool { return q[i].key.before(q[j].key) }
func (q queue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].idx, q[j].idx = i, j
}
func (q *queue) Push(x any) {
	e := x.(*entry)
	e.idx = len(*q)
	*q = append(*q, e)
}
func (q *queue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.idx = -1
	*q = old[:len(old)-1]
	return e
}

// fairPick chooses what to call once the head of q may be taken. New and
// refreshed tasks (asks) go first, but a paste of hundreds must not blind the
// tasks already watched: while one of those is overdue, asks and polls
// alternate, so asks take at most half the calls and the other half keeps
// the watched on their interval as far as the quota allows. lastAsk says
// whether the previous call was an ask; sendAt is when this call will leave
// the limiter (polls due by then are overdue); burst is when the oldest queued ask
// was made. Only tasks added before burst count as watched: pasted tasks
// answered meanwhile wait until the paste is looked up, or they would crowd
// the watched out of their half. The scan runs only while asks are queued and
// costs a comparison per queued task, negligible beside a call at the quota.
func fairPick(q queue, sendAt, burst time.Time, lastAsk bool) *entry {
	if len(q) == 0 {
		return nil
	}
	head := q[0]
	if head.key.class != classAsk || !lastAsk {
		return head
	}
	var best *entry
	for _, ent := range q {
		if ent.key.class == classPoll && ent.t.AddedAt.Before(burst) && !ent.key.due.After(sendAt) && (best == nil || ent.key.before(best.key)) {
			best = ent
		}
	}
	if best == nil {
		return head
	}
	return best
}
