package serve

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// keyOptions is what one authorized_keys line's options grant and forbid.
// trtcwatch never grants more than the line says: an option it does not
// implement refuses the whole line (see parseKeyOptions), as OpenSSH
// refuses a line whose options it cannot parse.
type keyOptions struct {
	readOnly bool        // trtcwatch-readonly or restrict: look only
	noPty    bool        // no-pty: the key may never open a dashboard
	from     []fromEntry // from="...": nil means from anywhere
	expires  time.Time   // expiry-time="...": zero means never
}

// Option names, matched as OpenSSH does: case-insensitively.
var (
	// acceptedOptions forbid (or allow) what trtcwatch never offers
	// anyway: forwarding, X11, ~/.ssh/rc. "pty" allows what the dashboard
	// is. Accepting them grants nothing the line does not.
	acceptedOptions = map[string]bool{
		"no-port-forwarding": true, "no-agent-forwarding": true, "no-x11-forwarding": true, "no-user-rc": true,
		"port-forwarding": true, "agent-forwarding": true, "x11-forwarding": true, "user-rc": true, "pty": true,
	}
	// valueOptions are the options written name="value".
	valueOptions = map[string]bool{"from": true, "expiry-time": true, "command": true, "environment": true,
		"permitopen": true, "permitlisten": true, "principals": true, "tunnel": true}
)

// parseKeyOptions reads a line's options (as ssh.ParseAuthorizedKey split
// them). An error names the option that refuses the line: command=,
// environment=, permitopen=, permitlisten=, principals=, tunnel=,
// cert-authority, no-touch-required, verify-required and anything unknown
// would each have sshd grant or require something trtcwatch cannot
// enforce, so such a key is refused rather than given a dashboard.
func parseKeyOptions(opts []string) (keyOptions, []string, error) {
	var ko keyOptions
	var notes []string
	for _, o := range opts {
		name, val, hasVal := strings.Cut(o, "=")
		name = strings.ToLower(name)
		if hasVal != valueOptions[name] {
			if hasVal {
				return ko, nil, fmt.Errorf("option %s takes no value", name)
			}
			return ko, nil, fmt.Errorf("option %s needs a value", name)
		}
		if hasVal {
			v, err := dequote(val)
			if err != nil {
				return ko, nil, fmt.Errorf("option %s: %w", name, err)
			}
			val = v
		}
		switch {
		case name == ReadOnlyOption, name == "restrict":
			ko.readOnly = true
		case name == "no-pty":
			ko.noPty = true
		case acceptedOptions[name]:
		case name == "from":
			from, fnotes, err := parseFrom(val)
			if err != nil {
				return ko, nil, fmt.Errorf("option from=%q: %w", val, err)
			}
			ko.from = append(ko.from, from...)
			notes = append(notes, fnotes...)
		case name == "expiry-time":
			t, err := parseExpiry(val)
			if err != nil {
				return ko, nil, fmt.Errorf("option expiry-time=%q: %w", val, err)
			}
			if ko.expires.IsZero() || t.Before(ko.expires) {
				ko.expires = t
			}
		default:
			return ko, nil, fmt.Errorf("option %s is not supported by trtcwatch", name)
		}
	}
	return ko, notes, nil
}

// dequote reads an OpenSSH option value: in double quotes, where \" is a
// quote.
func dequote(v string) (string, error) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf("the value must be in double quotes")
	}
	return strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`), nil
}

// parseExpiry reads expiry-time's YYYYMMDD[HHMM[SS]], local time, or UTC
// with a Z suffix, as OpenSSH does.
func parseExpiry(v string) (time.Time, error) {
	loc := time.Local
	if s, ok := strings.CutSuffix(strings.ToUpper(v), "Z"); ok {
		v, loc = s, time.UTC
	}
	layout := map[int]string{8: "20060102", 12: "200601021504", 14: "20060102150405"}[len(v)]
	if layout == "" {
		return time.Time{}, fmt.Errorf("not YYYYMMDD[HHMM[SS]][Z]")
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("not YYYYMMDD[HHMM[SS]][Z]: %w", err)
	}
	return t, nil
}

// fromEntry is one pattern of a from= list: an address or CIDR block, or
// a wildcard pattern (* and ?) matched against the address as text, since
// trtcwatch, like sshd with UseDNS no, never looks names up.
type fromEntry struct {
	neg    bool
	prefix netip.Prefix // valid for an address or a CIDR block
	glob   string       // else a pattern, lower case
}

// parseFrom reads a from= pattern list. A block with bits set past its
// mask (10.1.2.3/8) is an error, as in OpenSSH. notes say what can never
// match (a host name, since names are not looked up).
func parseFrom(list string) ([]fromEntry, []string, error) {
	var out []fromEntry
	var notes []string
	for _, p := range strings.Split(list, ",") {
		e := fromEntry{}
		if p, e.neg = strings.CutPrefix(p, "!"); p == "" {
			return nil, nil, fmt.Errorf("an empty pattern")
		}
		if pre, err := netip.ParsePrefix(p); err == nil {
			if pre.Masked() != pre {
				return nil, nil, fmt.Errorf("%s has address bits set past its mask", p)
			}
			if a := pre.Addr(); a.Is4In6() && pre.Bits() >= 96 { // ::ffff:10.0.0.0/104 is 10.0.0.0/8
				pre = netip.PrefixFrom(a.Unmap(), pre.Bits()-96)
			}
			e.prefix = pre
		} else if a, err := netip.ParseAddr(p); err == nil {
			a = a.Unmap().WithZone("")
			e.prefix = netip.PrefixFrom(a, a.BitLen())
		} else if strings.Contains(p, "/") {
			return nil, nil, fmt.Errorf("%s is not an address block", p)
		} else {
			e.glob = strings.ToLower(p)
			if strings.ContainsFunc(e.glob, func(r rune) bool { return r >= 'g' && r <= 'z' }) {
				notes = append(notes, fmt.Sprintf("from= pattern %q is a host name; trtcwatch does not look names up, so it matches no address", p))
			}
		}
		out = append(out, e)
	}
	return out, notes, nil
}

// allowedFrom applies a from= list to the client's address as sshd's
// match_host_and_ip does: a negated pattern that matches refuses, else any
// pattern that matches allows, else the key is refused.
func allowedFrom(list []fromEntry, remote net.Addr) bool {
	if list == nil {
		return true
	}
	tcp, ok := remote.(*net.TCPAddr)
	if !ok {
		return false
	}
	ip := tcp.AddrPort().Addr().Unmap().WithZone("")
	text := ip.String()
	allowed := false
	for _, e := range list {
		var hit bool
		if e.prefix.IsValid() {
			hit = e.prefix.Contains(ip)
		} else {
			hit = wildMatch(e.glob, text)
		}
		switch {
		case hit && e.neg:
			return false
		case hit:
			allowed = true
		}
	}
	return allowed
}

// wildMatch is OpenSSH's match_pattern: * matches any run of characters,
// ? any one; nothing else is special.
func wildMatch(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi, si = pi+1, si+1
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0: // let the last * take one more character
			mark++
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
