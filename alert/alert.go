// Package alert decides which watched tasks need a person: a task Idle too
// long, recording with no new file, vanished, failing for a while, or
// refused for credentials. Rules are typed on the command line and the `:`
// prompt as short words ("idle>5m"); Eval is pure, so the dashboard can
// call it on every update and the tests can pin every boundary.
package alert

import (
	"fmt"
	"strings"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Kind names a rule; its value is the word typed before ">".
type Kind string

// The rule kinds, in display order.
const (
	Idle     Kind = "idle"     // Idle for longer than the duration
	NoFiles  Kind = "nofiles"  // InProgress with no new file for longer than the duration
	Vanished Kind = "vanished" // the API stopped knowing a task seen Idle or InProgress
	Error    Kind = "error"    // every call failing for longer than the duration
	Auth     Kind = "auth"     // credentials rejected
)

// Kinds lists every kind in display order, for help and completion.
var Kinds = []Kind{Idle, NoFiles, Vanished, Error, Auth}

// timed reports kinds that take a duration.
func (k Kind) timed() bool { return k == Idle || k == NoFiles || k == Error }

// Rule is one parsed rule. After is zero for the untimed kinds.
type Rule struct {
	Kind  Kind
	After time.Duration
}

// String is the rule as typed: "idle>5m", "vanished".
func (r Rule) String() string {
	if !r.Kind.timed() {
		return string(r.Kind)
	}
	return string(r.Kind) + ">" + Dur(r.After)
}

const syntax = "rules are idle>DURATION, nofiles>DURATION, vanished, error>DURATION, auth"

// Parse reads one rule. Errors start with the rule as typed (sanitised),
// then say what is wrong and what would be right.
func Parse(s string) (Rule, error) {
	in := strings.TrimSpace(s)
	shown := sanitize.String(in)
	if in == "" {
		return Rule{}, fmt.Errorf("empty rule: %s", syntax)
	}
	name, dur, hasDur := strings.Cut(in, ">")
	k := Kind(strings.ToLower(strings.TrimSpace(name)))
	known := false
	for _, kk := range Kinds {
		known = known || k == kk
	}
	if !known {
		return Rule{}, fmt.Errorf("%s: unknown rule; %s", shown, syntax)
	}
	if !k.timed() {
		if hasDur {
			return Rule{}, fmt.Errorf("%s: %s takes no duration (write just %q)", shown, k, string(k))
		}
		return Rule{Kind: k}, nil
	}
	if !hasDur || strings.TrimSpace(dur) == "" {
		return Rule{}, fmt.Errorf("%s: needs a duration, like %s>5m", shown, k)
	}
	d, err := time.ParseDuration(strings.TrimSpace(dur))
	if err != nil {
		return Rule{}, fmt.Errorf("%s: bad duration %q (write it like 90s, 5m or 1h30m)", shown, sanitize.String(strings.TrimSpace(dur)))
	}
	if d < time.Second {
		return Rule{}, fmt.Errorf("%s: the duration must be at least 1s", shown)
	}
	if d > MaxAfter {
		return Rule{}, fmt.Errorf("%s: the duration must be at most %s", shown, Dur(MaxAfter))
	}
	return Rule{Kind: k, After: d}, nil
}

// MaxAfter bounds a rule's duration: a week is longer than any recording
// anyone watches live, and the bound keeps the arithmetic far from overflow.
const MaxAfter = 7 * 24 * time.Hour

// Dur writes a duration the way rules and reasons show it: "45s", "5m",
// "7m05s", "1h", "1h02m" (seconds dropped past an hour).
func Dur(d time.Duration) string {
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
