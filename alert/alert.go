// Package alert decides which watched tasks need a person: a task Idle too
// long, recording with no new file, vanished, failing for a while, or
// refused for credentials. Rules are typed on the command line and the `:`
// prompt as short words ("idle>5m"); Rule.Check is pure, so the dashboard
// can call it on every update and the tests can pin every boundary.
package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// kind names a rule; its value is the word typed before ">".
type kind string

// The rule kinds.
const (
	idle     kind = "idle"     // Idle for longer than the duration
	noFiles  kind = "nofiles"  // InProgress with no new file for longer than the duration
	vanished kind = "vanished" // the API stopped knowing a task seen Idle or InProgress
	failing  kind = "error"    // every call failing for longer than the duration
	auth     kind = "auth"     // credentials rejected
)

// kinds is every kind in display order, each with the duration its
// example takes (zero for the kinds that take none).
var kinds = []struct {
	kind    kind
	example time.Duration
}{{idle, 5 * time.Minute}, {noFiles, 3 * time.Minute}, {vanished, 0}, {failing, 2 * time.Minute}, {auth, 0}}

// timed reports kinds that take a duration.
func (k kind) timed() bool { return k == idle || k == noFiles || k == failing }

// Examples is one rule of each kind, in display order ("idle>5m",
// "nofiles>3m", "vanished", "error>2m", "auth"), for help and completion.
func Examples() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = Rule{k.kind, k.example}.String()
	}
	return out
}

// Rule is one parsed rule. after is zero for the untimed kinds.
type Rule struct {
	kind  kind
	after time.Duration
}

// String is the rule as typed: "idle>5m", "vanished".
func (r Rule) String() string {
	if !r.kind.timed() {
		return string(r.kind)
	}
	return string(r.kind) + ">" + dur(r.after)
}

// syntax names every kind the way Parse takes it: "rules are
// idle>DURATION, nofiles>DURATION, vanished, error>DURATION, auth".
func syntax() string {
	words := make([]string, len(kinds))
	for i, k := range kinds {
		words[i] = string(k.kind)
		if k.kind.timed() {
			words[i] += ">DURATION"
		}
	}
	return "rules are " + strings.Join(words, ", ")
}

// Parse reads one rule. Errors start with the rule as typed (sanitised),
// then say what is wrong and what would be right.
func Parse(s string) (Rule, error) {
	in := strings.TrimSpace(s)
	shown := sanitize.String(in)
	if in == "" {
		return Rule{}, fmt.Errorf("empty rule: %s", syntax())
	}
	name, typed, hasDur := strings.Cut(in, ">")
	k := kind(strings.ToLower(strings.TrimSpace(name)))
	known := false
	for _, kk := range kinds {
		known = known || k == kk.kind
	}
	if !known {
		return Rule{}, fmt.Errorf("%s: unknown rule; %s", shown, syntax())
	}
	if !k.timed() {
		if hasDur {
			return Rule{}, fmt.Errorf("%s: %s takes no duration (write just %q)", shown, k, string(k))
		}
		return Rule{kind: k}, nil
	}
	if !hasDur || strings.TrimSpace(typed) == "" {
		return Rule{}, fmt.Errorf("%s: needs a duration, like %s>5m", shown, k)
	}
	d, err := time.ParseDuration(strings.TrimSpace(typed))
	if err != nil {
		return Rule{}, fmt.Errorf("%s: bad duration %q (write it like 90s, 5m or 1h30m)", shown, sanitize.String(strings.TrimSpace(typed)))
	}
	if d < time.Second {
		return Rule{}, fmt.Errorf("%s: the duration must be at least 1s", shown)
	}
	if d > maxAfter {
		return Rule{}, fmt.Errorf("%s: the duration must be at most %s", shown, dur(maxAfter))
	}
	return Rule{kind: k, after: d}, nil
}

// maxAfter bounds a rule's duration: a week is longer than any recording
// anyone watches live, and the bound keeps the arithmetic far from overflow.
const maxAfter = 7 * 24 * time.Hour

// dur writes a duration the way rules and reasons show it: "45s", "5m",
// "7m05s", "1h", "1h02m" (seconds dropped past an hour).
func dur(d time.Duration) string {
	d = d.Truncate(time.Second)
	if d < 0 {
		d = 0
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0 && m == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0 && s == 0:
		return fmt.Sprintf("%dm", m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
