package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// headerLines are the two top lines: where we point and how the API is
// doing, then what the tasks are doing and how the list is shown. Where
// (region and SdkAppId) comes right after the API's health and falls back
// to a short form rather than vanish.
func (m *Model) headerLines() []string {
	st := m.stats
	segs := []segment{{plain: "trtcwatch", sgr: m.st.Title}}
	if m.stats.Paused {
		segs = append(segs, segment{plain: " PAUSED ", sgr: m.st.Paused, short: "PAUSED"})
	}
	if m.opts.Demo {
		segs = append(segs, segment{plain: "DEMO (local emulator)", sgr: m.st.Warn, short: "DEMO"})
	}
	if m.opts.ReadOnly { // said before any edit is tried: the keys for them are off
		segs = append(segs, segment{plain: "read-only", sgr: m.st.Warn, short: "read-only"})
	}
	if rs := st.Push.Receiver; rs != nil && rs.Insecure {
		// Anyone who can reach the receiver can make callbacks: said up
		// front, as PAUSED and DEMO are, never dropped for width.
		segs = append(segs, segment{plain: "callbacks insecure (Sign not checked)", sgr: m.st.Bad, short: "insecure"})
	}
	if n := st.Viewers; n > 1 { // team mode: others see and edit this list too
		segs = append(segs, segment{plain: common.Itoa(n) + " viewers", sgr: m.st.Bold, short: common.Itoa(n) + " viewers"})
	}
	segs = append(segs, m.healthSegment())
	if g := st.Gap; !g.To.IsZero() {
		// Ours, not the API's: the process was stopped, starved or asleep.
		d := watch.Compact(g.To.Sub(g.From))
		segs = append(segs, segment{plain: "no polls for " + d + " until " + m.clock.Text(g.To) + ": this process was stopped or asleep",
			sgr: m.st.Warn, short: "no polls " + d})
	}
	segs = append(segs, m.whereSegment(), m.callbackSegment(), segment{plain: m.rateText()})
	thr := "throttled " + common.Itoa(st.Throttles1m) + "/1m"
	thrSGR := m.st.Dim
	if st.Throttles1m > 0 {
		thrSGR = m.st.Warn
	}
	segs = append(segs, segment{plain: thr, sgr: thrSGR})
	if m.opts.Endpoint != "" {
		segs = append(segs, segment{plain: common.Clean(m.opts.Endpoint), sgr: m.st.Dim})
	}
	line1 := fitSegments(m.w, segs)
	return []string{line1, m.countsLine()}
}

// countsLine is the header's second line: how many tasks, how the list is
// shown, and every state's count, worst first. Every count stays: when the
// words do not all fit, the calm end of the line loses its words first
// ("○ 2" for "○ Idle 2"). Only when even the short forms do not fit does
// anything go, least needed first: the sort, then "marked" and "showing"
// (the mark column and the list's title say them too), then the calm
// counts from the end, then how the list is filtered (a hidden filter
// would be a lie by omission); the task total, the alerts and the problem
// counts stay to the last.
func (m *Model) countsLine() string {
	type ranked struct {
		segment
		rank  int  // dropped lowest first when even the short forms do not fit
		count bool // a state's count
	}
	var rs []ranked
	add := func(rank int, s segment) { rs = append(rs, ranked{segment: s, rank: rank}) }
	addCount := func(rank int, s segment) { rs = append(rs, ranked{segment: s, rank: rank, count: true}) }
	add(4, segment{plain: common.Plural(len(m.rows), "task"), sgr: m.st.Bold})
	if n := m.alertCount(); n > 0 {
		add(4, segment{plain: common.Plural(n, "alert"), sgr: m.st.Bad, short: "! " + common.Itoa(n)})
	}
	if n := m.markCount(); n > 0 {
		add(1, segment{plain: common.Itoa(n) + " marked", sgr: m.st.Title, short: m.markGlyph() + " " + common.Itoa(n)})
	}
	if len(m.visible) != len(m.rows) {
		add(1, segment{plain: "showing " + common.Itoa(len(m.visible)), sgr: m.st.Warn, short: common.Itoa(len(m.visible)) + " shown"})
	}
	if m.problems {
		add(3, segment{plain: "[problems only]", sgr: m.st.Warn, short: "[problems]"})
	}
	if m.filter != "" {
		f := common.Clean(m.filter)
		add(3, segment{plain: "[filter: " + common.Cut(f, 24) + "]", sgr: m.st.Warn, short: "[/" + common.Cut(f, 8) + "]"})
	}
	if m.sortBy != sortAdded {
		add(0, segment{plain: "[sort: " + m.sortBy.String() + "]", sgr: m.st.Dim})
	}
	for _, i := range countOrder {
		p := watch.Phases[i]
		if n := m.counts[i]; n > 0 {
			addCount(2+2*boolInt(p.Problem()), segment{plain: m.st.StateText(p) + " " + common.Itoa(n), sgr: m.st.PhaseSGR(p), short: m.st.Glyph(p) + " " + common.Itoa(n)})
		}
	}
	if n := m.counts[len(watch.Phases)]; n > 0 {
		addCount(4, segment{plain: "# unknown " + common.Itoa(n), short: "# " + common.Itoa(n)})
	}
	least := func() int {
		need := -2
		for _, r := range rs {
			s := r.short
			if s == "" {
				s = r.plain
			}
			need += 2 + common.Width(s)
		}
		return need
	}
	for len(rs) > 1 && least() > m.w {
		drop := len(rs) - 1 // the last of the lowest rank
		for i := len(rs) - 1; i >= 0; i-- {
			if rs[i].rank < rs[drop].rank {
				drop = i
			}
		}
		rs = slices.Delete(rs, drop, drop+1)
	}
	// The counts keep their words from the worst on while the line fits:
	// from the first that cannot, every later count is short too.
	widthFrom := func(k int) int { // the line with counts from the k-th on short
		n, c := -2, 0
		for _, r := range rs {
			s := r.plain
			if r.count {
				if c >= k {
					s = r.short
				}
				c++
			}
			n += 2 + common.Width(s)
		}
		return n
	}
	counts := 0
	for _, r := range rs {
		counts += boolInt(r.count)
	}
	k := counts
	for k > 0 && widthFrom(k) > m.w {
		k--
	}
	segs := make([]segment, 0, len(rs))
	c := 0
	for _, r := range rs {
		if r.count {
			if c >= k {
				r.plain = r.short
			}
			c++
		}
		segs = append(segs, r.segment)
	}
	return fitSegments(m.w, segs)
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
		app = common.Itoa(len(m.apps)) + " apps"
	}
	region := common.Clean(m.opts.Region)
	full := region
	if from := m.opts.RegionFrom; from != "" {
		full += " (" + common.Clean(from) + ")" // a region not typed: say whose it is
	}
	if app != "" {
		full = strings.TrimSpace(full + " SdkAppId " + app)
	}
	short := strings.TrimSpace(app + " " + shortRegion(region))
	return segment{plain: full, short: short}
}

// callbackSegment is the callback receiver's counter in its own words
// ("callbacks 12 ok · 3 refused", callback.Stats.String, whose
// " · insecure" the header says up front instead), the refusals a
// warning once there are any; empty while no receiver runs. It is
// essential: when the words do not fit, "callbacks 12 ok" stands in, with
// the refusals when there are any (an abbreviation would be a word of ours
// nobody knows).
func (m *Model) callbackSegment() segment {
	rs := m.stats.Push.Receiver
	if rs == nil {
		return segment{}
	}
	ok, refused, _ := strings.Cut(strings.TrimSuffix(rs.String(), " · insecure"), " · ")
	short := ok
	if rs.RefusedTotal() > 0 {
		refused = common.Styled(m.st.Warn, refused)
		short += " · " + refused
	}
	return segment{plain: ok + " · " + refused, short: short}
}

// shortRegion is "singapore" for "ap-singapore", for when the full name
// does not fit.
func shortRegion(r string) string { return strings.TrimPrefix(r, "ap-") }

func (m *Model) healthSegment() segment {
	switch m.stats.Health {
	case watch.HealthOK, "":
		if m.stats.Calls == 0 {
			// Nothing answered yet: "ok" would be a claim.
			return segment{plain: "API: no calls yet", sgr: m.st.Dim, short: "API …"}
		}
		return segment{plain: "API ok", sgr: m.st.OK, short: "API ok"}
	case watch.HealthDegraded:
		return segment{plain: "API degraded", sgr: m.st.Warn, short: "degraded"}
	case watch.HealthDown:
		return segment{plain: "API DOWN", sgr: m.st.Bad, short: "DOWN"}
	case watch.HealthAuth:
		return segment{plain: "API AUTH FAILED", sgr: m.st.Bad, short: "AUTH FAILED"}
	}
	h := "API " + common.Clean(string(m.stats.Health))
	return segment{plain: h, sgr: m.st.Warn, short: h}
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
			b.WriteString(" " + common.Itoa(part.n) + " " + part.word)
		}
	}
	if m.stats.Paused {
		b.WriteString(" (paused)")
	}
	return b.String()
}

// segment is one styled piece of a header line; plain is measured, sgr
// wraps it, short (if any) stands in when plain does not fit.
type segment struct {
	plain string
	sgr   string
	short string
}

// fitSegments joins segments with two spaces, dropping those that no
// longer fit instead of cutting them in the middle, so narrow terminals
// keep the most important figures (they come first). A segment with a
// short form is essential: it is never dropped for a later one, and what
// comes before it leaves room for its short form.
func fitSegments(w int, segs []segment) string {
	// A segment with a short form must not vanish: each segment leaves
	// room for the short forms of those after it.
	reserve := make([]int, len(segs)+1)
	for i := len(segs) - 1; i >= 0; i-- {
		reserve[i] = reserve[i+1]
		if segs[i].short != "" {
			reserve[i] += common.Width(segs[i].short) + 2
		}
	}
	var b strings.Builder
	used := 0
	for i, s := range segs {
		if s.plain == "" {
			continue
		}
		sw := common.Width(s.plain)
		sep := 0
		if used > 0 {
			sep = 2
		}
		if used+sep+sw+reserve[i+1] > w {
			if s.short == "" && used > 0 {
				continue // room kept for the essential ones after it
			}
			if s.short != "" {
				s.plain = s.short
				sw = common.Width(s.plain)
			}
		}
		if used+sep+sw > w {
			if used == 0 {
				// Even the first does not fit: cut it.
				s.plain = ansi.Truncate(s.plain, w, "…")
				sw = ansi.StringWidth(s.plain)
			} else {
				continue
			}
		}
		if sep > 0 {
			b.WriteString("  ")
		}
		if s.sgr != "" {
			b.WriteString(s.sgr)
			b.WriteString(s.plain)
			b.WriteString(common.SGRReset)
		} else {
			b.WriteString(s.plain)
		}
		used += sep + sw
	}
	return b.String()
}
