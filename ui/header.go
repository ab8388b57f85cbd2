package ui

import (
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/watch"
)

// headerLines are the two top lines: where we point and how the API is
// doing, then what the tasks are doing and how the list is shown.
func (m *Model) headerLines() []string {
	st := m.stats
	segs := []segment{{"trtcwatch", m.st.title}}
	if m.paused {
		segs = append(segs, segment{" PAUSED ", m.st.paused})
	}
	if m.opts.Demo {
		segs = append(segs, segment{"DEMO (local emulator)", m.st.warn})
	}
	segs = append(segs, m.healthSegment(), segment{m.rateText(), ""})
	thr := "throttled " + itoa(st.Throttles1m) + "/1m"
	thrSGR := m.st.dim
	if st.Throttles1m > 0 {
		thrSGR = m.st.warn
	}
	segs = append(segs, segment{thr, thrSGR})
	if m.opts.Region != "" {
		segs = append(segs, segment{clean(m.opts.Region), ""})
	}
	if m.opts.SdkAppID != 0 {
		segs = append(segs, segment{"SdkAppId " + strconv.FormatUint(m.opts.SdkAppID, 10), ""})
	}
	if m.opts.Endpoint != "" {
		segs = append(segs, segment{clean(m.opts.Endpoint), m.st.dim})
	}
	line1 := fitSegments(m.w, segs)

	// How the list is shown comes before the per-state counts: when the
	// line is too narrow for both, a hidden filter would be a lie by
	// omission, while a missing count is only less detail.
	segs = segs[:0]
	segs = append(segs, segment{plural(len(m.rows), "task"), m.st.bold})
	if len(m.visible) != len(m.rows) {
		segs = append(segs, segment{"showing " + itoa(len(m.visible)), m.st.warn})
	}
	if m.problems {
		segs = append(segs, segment{"[problems only]", m.st.warn})
	}
	if m.filter != "" {
		segs = append(segs, segment{"[filter: " + cut(clean(m.filter), 24) + "]", m.st.warn})
	}
	if m.sortBy != sortAdded {
		segs = append(segs, segment{"[sort: " + m.sortBy.String() + "]", m.st.dim})
	}
	for i, p := range watch.Phases {
		if n := m.counts[i]; n > 0 {
			segs = append(segs, segment{badgeOf(p).text() + " " + itoa(n), m.st.phaseSGR(p)})
		}
	}
	if n := m.counts[len(watch.Phases)]; n > 0 {
		segs = append(segs, segment{"# UNKNOWN " + itoa(n), ""})
	}
	return []string{line1, fitSegments(m.w, segs)}
}

func (m *Model) healthSegment() segment {
	switch m.stats.Health {
	case watch.HealthOK:
		return segment{"API ok", m.st.ok}
	case watch.HealthDegraded:
		return segment{"API degraded", m.st.warn}
	case watch.HealthDown:
		return segment{"API DOWN", m.st.bad}
	case watch.HealthAuth:
		return segment{"API AUTH FAILED", m.st.bad}
	case "":
		return segment{"API starting", m.st.dim}
	}
	return segment{"API " + clean(string(m.stats.Health)), m.st.warn}
}

// rateText is the live rate against the quota, e.g. "18.9/20 req/s",
// with the engine's self-imposed limit when it has backed off.
func (m *Model) rateText() string {
	st := m.stats
	quota := st.Quota
	if quota <= 0 {
		quota = 20
	}
	s := strconv.FormatFloat(st.Rate, 'f', 1, 64) + "/" + strconv.FormatFloat(quota, 'f', -1, 64) + " req/s"
	if st.Limit > 0 && st.Limit < quota {
		s += " (limit " + strconv.FormatFloat(st.Limit, 'f', 1, 64) + ")"
	}
	return s
}

// title is the window title: counts a glance at the taskbar can read,
// e.g. "trtcwatch 7 live 1 error".
func (m *Model) title() string {
	c := func(ps ...watch.Phase) int {
		n := 0
		for _, p := range ps {
			n += m.counts[phaseSlot(p)]
		}
		return n
	}
	var b strings.Builder
	b.WriteString("trtcwatch")
	for _, part := range []struct {
		n    int
		word string
	}{
		{c(watch.Idle, watch.InProgress, watch.Exited), "live"},
		{c(watch.Ended), "ended"},
		{c(watch.NotFound), "not found"},
		{c(watch.Error, watch.AuthError, watch.Throttled), "error"},
	} {
		if part.n > 0 {
			b.WriteString(" " + itoa(part.n) + " " + part.word)
		}
	}
	if m.paused {
		b.WriteString(" (paused)")
	}
	return b.String()
}
