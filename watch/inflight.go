package watch

import (
	"math"
	"time"
)

// latencySource is what an API that measures its calls' round trip offers;
// *client.Client does (Client.Latency).
type latencySource interface {
	Latency() time.Duration
}

const (
	// legacyInFlight is the concurrency before any latency is known, and
	// always for an API that does not measure it: the old fixed pool.
	legacyInFlight = 16
	// minInFlight keeps a few calls going even on a fast path, so one slow
	// answer does not leave the quota idle.
	minInFlight = 4
	// inFlightHeadroom over Little's law covers the wait at the send gate
	// and a latency that grows faster than the estimate follows it.
	inFlightHeadroom = 1.5
	// defaultMaxInFlight is Config.Workers' default: the cap on calls in
	// flight, which fills the 20/s quota up to about 2 s of latency.
	defaultMaxInFlight = 64
)

// inFlightLimitLocked is how many calls may be in flight now: rate ×
// latency × inFlightHeadroom, plus two, within [minInFlight, cfg.Workers]
// (and not under legacyInFlight before the first call comes back).
func (e *Engine) inFlightLimitLocked() int {
	cap := max(1, e.cfg.Workers)
	ls, ok := e.api.(latencySource)
	if !ok {
		return min(cap, legacyInFlight)
	}
	lat := ls.Latency()
	if lat <= 0 {
		return min(cap, legacyInFlight)
	}
	n := e.aimd.rate * lat.Seconds() * inFlightHeadroom
	if math.IsNaN(n) || n > float64(cap) {
		return cap
	}
	limit := min(cap, max(minInFlight, int(math.Ceil(n))+2))
	if e.calls == 0 {
		// No call has come back: the latency is only the age of the calls
		// out (a lower bound, a few ms just after the first leaves), and
		// sizing from it held a 1 s or 2 s path to 4 calls for the first
		// second. Keep at least the old pool until an answer measures it.
		limit = max(limit, min(cap, legacyInFlight))
	}
	return limit
}
