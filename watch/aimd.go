package watch

import "time"

// aimd is the engine's share of a quota that belongs to the whole account:
// other dashboards and scripts may spend it too, and the only signal we get
// is RequestLimitExceeded. A throttle cuts the rate multiplicatively; quiet
// seconds add to it. Near the rate where the last throttle happened the climb
// slows right down (as TCP CUBIC does), so two tools sharing the account
// spend long stretches just under their fair share instead of hitting the
// limit every few seconds.
//
// A throttle while running at the full quota (or within one gentle cut of
// it) is most likely not another tool: it is our own calls arriving bunched
// (the server's processing time stretching, a starved CPU), which the
// client answers by widening its send margin. AIMD then cuts only by
// aimdCutLone and climbs straight back, instead of paying 30% for half a
// minute; if the throttles go on further below the ceiling, someone else is
// spending the quota and the next one cuts deep.
type aimd struct {
	rate     float64
	ceiling  float64   // the configured quota: never ask for more
	wmax     float64   // rate at the last cut; 0 until the first throttle
	lastCut  time.Time // zero until the first throttle
	lastTick time.Time
}

const (
	aimdCut      = 0.7  // multiplicative decrease
	aimdCutLone  = 0.9  // ... for a throttle at the ceiling (see aimd)
	aimdFloor    = 1.0  // calls/s: never stop polling altogether
	aimdFast     = 1.0  // calls/s gained per quiet second far from wmax
	aimdSlow     = 0.05 // ... and near it
	aimdNearLow  = 0.85 // "near wmax" is [0.85, 1.1] × wmax
	aimdNearHigh = 1.1
	aimdBurst    = time.Second // one burst of throttles = one cut
)

func newAIMD(ceiling float64, now time.Time) aimd {
	return aimd{rate: ceiling, ceiling: ceiling, lastTick: now}
}

// throttled records a RequestLimitExceeded for a call dispatched at sentAt
// and reports whether the rate was cut: by aimdCutLone near the ceiling,
// by aimdCut below that. A throttle for a call sent before the
// last cut, or within a second of it, belongs to the burst already answered:
// those calls were queued at the old rate, and cutting again for them would
// collapse the rate for no reason.
func (a *aimd) throttled(sentAt, now time.Time) bool {
	if !a.lastCut.IsZero() && (sentAt.Before(a.lastCut) || now.Sub(a.lastCut) < aimdBurst) {
		return false
	}
	if a.rate >= a.ceiling*aimdCutLone {
		a.wmax = 0 // no sign of a share to creep up on: climb straight back
		a.rate = max(aimdFloor, a.rate*aimdCutLone)
	} else {
		a.wmax = a.rate
		a.rate = max(aimdFloor, a.rate*aimdCut)
	}
	a.lastCut, a.lastTick = now, now
	return true
}

// climb adds to the rate for the quiet time since the last tick and reports
// whether it changed.
func (a *aimd) climb(now time.Time) bool {
	dt := now.Sub(a.lastTick).Seconds()
	a.lastTick = now
	if dt <= 0 || a.rate >= a.ceiling {
		return false
	}
	dt = min(dt, 5) // a stalled ticker must not jump the rate to the top
	step := aimdFast
	if a.wmax > 0 && a.rate >= a.wmax*aimdNearLow && a.rate < a.wmax*aimdNearHigh {
		step = aimdSlow
	}
	a.rate = min(a.ceiling, a.rate+step*dt)
	return true
}
