package alert

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Set is the rules in force, at most one per kind: typing `:alert idle>10m`
// replaces an earlier idle rule rather than stacking a second one.
// The zero Set holds no rule.
type Set struct {
	rules []Rule // in Kinds order
}

// ParseSet reads rules separated by commas or spaces ("idle>5m,vanished").
// Every bad rule is reported, joined; a kind given twice keeps the last.
func ParseSet(s string) (Set, error) {
	var set Set
	var errs []error
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		r, err := Parse(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		set = set.With(r)
	}
	if err := errors.Join(errs...); err != nil {
		return Set{}, fmt.Errorf("alert rules: %w", err)
	}
	return set, nil
}

// With returns the set with r added, replacing a rule of the same kind.
func (s Set) With(r Rule) Set {
	out := make([]Rule, 0, len(s.rules)+1)
	for _, old := range s.rules {
		if old.Kind != r.Kind {
			out = append(out, old)
		}
	}
	out = append(out, r)
	slices.SortFunc(out, func(a, b Rule) int { return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind) })
	return Set{rules: out}
}

// Without returns the set with the rule of kind k removed.
func (s Set) Without(k Kind) Set {
	out := make([]Rule, 0, len(s.rules))
	for _, r := range s.rules {
		if r.Kind != k {
			out = append(out, r)
		}
	}
	return Set{rules: out}
}

// Rules returns a copy of the rules, in display order.
func (s Set) Rules() []Rule { return slices.Clone(s.rules) }

// Len is how many rules are in force.
func (s Set) Len() int { return len(s.rules) }

// String is the set for display and for ParseSet: "idle>5m, vanished",
// or "none".
func (s Set) String() string {
	if len(s.rules) == 0 {
		return "none"
	}
	parts := make([]string, len(s.rules))
	for i, r := range s.rules {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
