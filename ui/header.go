package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/watch"
)

// headerLines are the two top lines: where we point and how the API is
// doing, then what the tasks are doing and how the list is shown. Where
// (region and SdkAppId) comes right after the API's health and falls back
// to a short form rather than vanish.
func (m *Model) headerLines() []string {
	st := m.stats
	segs := []segment{{plain: "trtcwatch", sgr: m.st.title}}
	if m.paused {
		segs = append(segs, segment{plain: " PAUSED ", sgr: m.st.paused, short: "PAUSED"})
	}
	if m.opts.Demo {
		segs = append(segs, segment{plain: "DEMO (local emulator)", sgr: m.st.warn, short: "DEMO"})
	}
	if n := st.Viewers; n > 1 { // team mode: others see and edit this list too
		segs = append(segs, segment{plain: itoa(n) + " viewers", sgr: m.st.bold, short: itoa(n) + " viewers"})
	}
	segs = append(segs, m.healthSegment())
	if g := st.Gap; !g.To.IsZero() {
		// Ours, not the API's: the process was stopped, starved or asleep.
		d := watch.Compact(g.To.Sub(g.From))
		segs = append(segs, segment{plain: "no polls for " + d + " until " + m.clockText(g.To) + ": this process was stopped or asleep",
			sgr: m.st.warn, short: "no polls " + d})
	}
	segs = append(segs, m.whereSegment(), segment{plain: m.rateText()})
	thr := "throttled " + itoa(st.Throttles1m) + "/1m"
	thrSGR := m.st.dim
	if st.Throttles1m > 0 {
		thrSGR = m.st.warn
	}
	segs = append(segs, segment{plain: thr, sgr: thrSGR})
	if m.opts.Endpoint != "" {
		segs = append(segs, segment{plain: clean(m.opts.Endpoint), sgr: m.st.dim})
	}
	line1 := fitSegments(m.w, segs)

	// How the list is shown comes before the per-state counts: when the
	// line is too narrow for both, a hidden filter would be a lie by
	// omission, while a missing count is only less detail.
	segs = segs[:0]
	segs = append(segs, segment{plain: plural(len(m.rows), "task"), sgr: m.st.bold})
	if n := m.alertCount(); n > 0 {
		segs = append(segs, segment{plain: plural(n, "alert"), sgr: m.st.bad, short: "! " + itoa(n)})
	}
	if n := m.markCount(); n > 0 {
		segs = append(segs, segment{plain: itoa(n) + " marked", sgr: m.st.title})
	}
	if len(m.visible) != len(m.rows) {
		segs = append(segs, segment{plain: "showing " + itoa(len(m.visible)), sgr: m.st.warn})
	}
	if m.problems {
		segs = append(segs, segment{plain: "[problems only]", sgr: m.st.warn})
	}
	if m.filter != "" {
		segs = append(segs, segment{plain: "[filter: " + cut(clean(m.filter), 24) + "]", sgr: m.st.warn})
	}
	if m.sortBy != sortAdded {
		segs = append(segs, segment{plain: "[sort: " + m.sortBy.String() + "]", sgr: m.st.dim})
	}
	// Worst first, and a problem keeps at least its glyph and count
	// ("✗ 1") however narrow: trouble never drops off the header.
	for _, i := range countOrder {
		p := watch.Phases[i]
		if n := m.counts[i]; n > 0 {
			sg := segment{plain: m.st.stateText(p) + " " + itoa(n), sgr: m.st.phaseSGR(p)}
			if p.Problem() {
				sg.short = m.st.glyph(p) + " " + itoa(n)
			}
			segs = append(segs, sg)
		}
	}
	if n := m.counts[len(watch.Phases)]; n > 0 {
		segs = append(segs, segment{plain: "# unknown " + itoa(n)})
	}
	return []string{line1, fitSegments(m.w, segs)}
}

// countOrder is the header's order of the per-state counts: worst first
// (watch.Phase.Severity), so the counts that drop off a narrow header are
// the calm ones.
var countOrder = func() []int {
	idx := make([]int, len(watch.Phases))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return watch.Phases[b].Severity() - watch.Phases[a].Severity() })
	return idx
}()

// whereSegment is the region and the SdkAppId the header names; with none
// named, the applications the list holds.
func (m *Model) whereSegment() segment {
	app := ""
	switch {
	case m.opts.SdkAppID != 0:
		app = strconv.FormatUint(m.opts.SdkAppID, 10)
	case len(m.apps) == 1:
		for a := range m.apps {
			app = strconv.FormatUint(a, 10)
		}
	case len(m.apps) > 1:
		app = itoa(len(m.apps)) + " apps"
	}
	region := clean(m.opts.Region)
	full := region
	if from := m.opts.RegionFrom; from != "" {
		full += " (" + clean(from) + ")" // a region not typed: say whose it is
	}
	if app != "" {
		full = strings.TrimSpace(full + " SdkAppId " + app)
	}
	short := strings.TrimSpace(app + " " + shortRegion(region))
	return segment{plain: full, short: short}
}

// shortRegion is "singapore" for "ap-singapore", for when the full name
// does not fit.
func shortRegion(r string) string { return strings.TrimPrefix(r, "ap-") }

func (m *Model) healthSegment() segment {
	switch m.stats.Health {
	case watch.HealthOK, "":
		if m.stats.Calls == 0 {
			// Nothing answered yet: "ok" would be a claim.
			return segment{plain: "API: no calls yet", sgr: m.st.dim, short: "API …"}
		}
		return segment{plain: "API ok", sgr: m.st.ok, short: "API ok"}
	case watch.HealthDegraded:
		return segment{plain: "API degraded", sgr: m.st.warn, short: "degraded"}
	case watch.HealthDown:
		return segment{plain: "API DOWN", sgr: m.st.bad, short: "DOWN"}
	case watch.HealthAuth:
		return segment{plain: "API AUTH FAILED", sgr: m.st.bad, short: "AUTH FAILED"}
	}
	h := "API " + clean(string(m.stats.Health))
	return segment{plain: h, sgr: m.st.warn, short: h}
}

// rateText is the live rate against the quota, e.g. "18.9/20 req/s",
// with the engine's self-imposed limit when it has backed off.
func (m *Model) rateText() string {
	st := m.stats
	quota := st.Quota
	if quota <= 0 {
		quota = client.Quota
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
		{c(watch.Vanished), "vanished"},
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
