package ui

import (
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// AlertRule is one alert rule, such as idle>5m. The dashboard's wiring
// adapts package alert's rules to it, so ui needs no parser of its own.
// Fires must be pure and quick: Update calls it for every row once a
// second and on every engine update.
type AlertRule interface {
	// String is the rule as the user typed it, e.g. "idle>5m".
	String() string
	// Check reports whether the task meets the rule at now, and why in a
	// few plain words (e.g. "Idle for 7m"); reason may be empty.
	Check(t watch.Task, now time.Time) (reason string, ok bool)
}

// Firing is a rule that began to hold for a task, handed to
// Options.OnAlert (the --on-change hooks).
type Firing struct {
	Rule   string
	Reason string // from the rule's Check; untrusted, sanitise before showing
	Task   watch.Task
	At     time.Time
}

// alertState is what the rules found on the rows.
type alertState struct {
	rules []AlertRule
	// firing holds, per task, the rules it meets now (in rule order).
	firing map[taskref.Ref][]string
	// changes counts evaluations that flagged or cleared a task.
	changes int
}

// alerts returns the rules a task meets now (nil when none).
func (m *Model) alerts(ref taskref.Ref) []string { return m.alert.firing[ref] }

// evalAlerts runs every rule on every row. A rule that newly holds for a
// task is a firing: it rings with --bell and goes to Options.OnAlert,
// which only enqueues. A row that stops meeting a rule is cleared, and
// rings again if it meets it later.
func (m *Model) evalAlerts() tea.Cmd {
	a := &m.alert
	if len(a.rules) == 0 {
		if len(a.firing) > 0 {
			var flipped []*row
			for ref := range a.firing {
				if r := m.rows[ref]; r != nil {
					flipped = append(flipped, r)
				}
			}
			a.firing = nil
			m.replaceRows(flipped) // f shows flagged rows; the state sort puts them first
		}
		return nil
	}
	now := m.clock.Now
	next := make(map[taskref.Ref][]string, len(a.firing))
	var fresh []string // "TASK meets RULE", for the message
	var flipped []*row // flagged now and not before, or the other way
	changed := false
	for _, r := range m.all {
		if r.seq < 0 {
			continue
		}
		var hit, why []string
		for _, rule := range a.rules {
			if reason, ok := rule.Check(r.t, now); ok {
				hit = append(hit, rule.String())
				why = append(why, reason)
			}
		}
		before := a.firing[r.t.Ref]
		if !slices.Equal(hit, before) {
			changed = true
			if (len(hit) > 0) != (len(before) > 0) {
				flipped = append(flipped, r)
			}
		}
		for i, h := range hit {
			if !slices.Contains(before, h) {
				text := common.Brief(r.id) + " meets " + common.Clean(h)
				if why[i] != "" {
					text = common.Brief(r.id) + ": " + common.Clean(why[i])
				}
				fresh = append(fresh, text)
				if m.opts.OnAlert != nil {
					m.opts.OnAlert(Firing{Rule: h, Reason: why[i], Task: r.t, At: now})
				}
			}
		}
		if hit != nil {
			next[r.t.Ref] = hit
		}
	}
	a.firing = next
	if changed {
		a.changes++
		m.replaceRows(flipped) // f shows flagged rows; the state sort puts them first
	}
	if len(fresh) == 0 {
		return nil
	}
	text := "alert: " + fresh[0]
	if len(fresh) > 1 {
		text += " (and " + common.Itoa(len(fresh)-1) + " more; f shows them)"
	}
	// News nobody asked for just now: it waits for an answer on screen.
	cmd := m.setNotice(text, common.FlashWarn, common.FlashLongTTL)
	if m.opts.Bell {
		return tea.Batch(tea.Raw("\a"), cmd)
	}
	return cmd
}

// quietAlerts looks at the rules again when nothing else changed (the
// engine's once-a-second news, no task changed): the clock alone can make
// a task meet idle>5m. changed reports whether any flag came or went, so
// the frame must be drawn again.
func (m *Model) quietAlerts() (tea.Cmd, bool) {
	a := &m.alert
	if len(a.rules) == 0 {
		return nil, false
	}
	before := a.changes
	m.clock.Now = m.opts.Now()
	cmd := m.evalAlerts()
	return cmd, a.changes != before
}

// flagged reports whether an alert rule flags the task now.
func (m *Model) flagged(ref taskref.Ref) bool { return len(m.alert.firing[ref]) > 0 }

// problem is what f shows: a task in trouble, or one an alert flags.
func (m *Model) problem(r *row) bool {
	return r.t.Phase.Problem() || m.flagged(r.t.Ref)
}

// alertCount is how many tasks an alert flags, for the header.
func (m *Model) alertCount() int { return len(m.alert.firing) }

// alertOffText is what :alert says in team mode, where Options.ParseAlert
// is nil: a rule would run on the server.
const alertOffText = "alert rules are off in team mode (they run on the server)"

func cmdAlert(m *Model, args []string) tea.Cmd {
	a := &m.alert
	names := func() string {
		var s []string
		for _, r := range a.rules {
			s = append(s, r.String())
		}
		return strings.Join(s, ", ")
	}
	switch {
	case len(args) == 0:
		if len(a.rules) == 0 && m.opts.ParseAlert == nil {
			return m.setFlash(alertOffText, common.FlashWarn, common.FlashTTL)
		}
		if len(a.rules) == 0 {
			return m.setFlash("no alert rules (e.g. :alert idle>5m; rules: "+strings.Join(m.opts.AlertExamples, ", ")+")", common.FlashInfo, common.FlashLongTTL)
		}
		return m.setFlash("alert rules: "+names()+" (:alert clear removes them)", common.FlashInfo, common.FlashLongTTL)
	case len(args) == 1 && args[0] == "clear":
		a.rules = nil
		cmd := m.evalAlerts()
		return tea.Batch(cmd, m.setFlash("alert rules cleared", common.FlashInfo, common.FlashTTL))
	case m.opts.ParseAlert == nil:
		return m.setFlash(alertOffText, common.FlashWarn, common.FlashTTL)
	}
	var added []AlertRule
	for _, s := range args {
		rule, err := m.opts.ParseAlert(s)
		if err != nil {
			return m.setFlash(":alert: "+common.Clean(err.Error()), common.FlashErr, common.FlashLongTTL)
		}
		added = append(added, rule)
	}
	for _, r := range added {
		if !slices.ContainsFunc(a.rules, func(x AlertRule) bool { return x.String() == r.String() }) {
			a.rules = append(a.rules, r)
		}
	}
	cmd := m.evalAlerts()
	return tea.Batch(cmd, m.setFlash("alert rules: "+names()+"; "+common.Plural(m.alertCount(), "task")+" flagged now", common.FlashInfo, common.FlashTTL))
}
