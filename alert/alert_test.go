package alert

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	good := []struct {
		in   string
		want Rule
		str  string
	}{
		{"idle>5m", Rule{idle, 5 * time.Minute}, "idle>5m"},
		{" IDLE > 90s ", Rule{idle, 90 * time.Second}, "idle>1m30s"},
		{"nofiles>3m", Rule{noFiles, 3 * time.Minute}, "nofiles>3m"},
		{"error>2m", Rule{failing, 2 * time.Minute}, "error>2m"},
		{"error>1h30m", Rule{failing, 90 * time.Minute}, "error>1h30m"},
		{"vanished", Rule{vanished, 0}, "vanished"},
		{"auth", Rule{auth, 0}, "auth"},
		{"idle>1s", Rule{idle, time.Second}, "idle>1s"},
		{"idle>168h", Rule{idle, maxAfter}, "idle>168h"},
	}
	for _, tt := range good {
		r, err := Parse(tt.in)
		if err != nil || r != tt.want || r.String() != tt.str {
			t.Errorf("Parse(%q) = %+v %q, %v; want %+v %q", tt.in, r, r.String(), err, tt.want, tt.str)
		}
		if back, err := Parse(r.String()); err != nil || back != r {
			t.Errorf("String %q does not parse back: %v", r.String(), err)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty rule: rules are idle>DURATION"},
		{"idle", "idle: needs a duration, like idle>5m"},
		{"idle>", "idle>: needs a duration"},
		{"idle>5x", `idle>5x: bad duration "5x" (write it like 90s, 5m or 1h30m)`},
		{"idle>5", `idle>5: bad duration "5"`},
		{"idle>0s", "idle>0s: the duration must be at least 1s"},
		{"idle>-5m", "idle>-5m: the duration must be at least 1s"},
		{"idle>500ms", "at least 1s"},
		{"idle>169h", "idle>169h: the duration must be at most 168h"},
		{"vanished>1m", `vanished>1m: vanished takes no duration (write just "vanished")`},
		{"auth>", "auth>: auth takes no duration"},
		{"foo>1m", "foo>1m: unknown rule; rules are idle>DURATION, nofiles>DURATION, vanished, error>DURATION, auth"},
		{"idle<5m", "idle<5m: unknown rule"},
		{"\x1b[2Jidle>5m", `\x1b[2Jidle>5m: unknown rule`},
	}
	for _, tt := range bad {
		_, err := Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("Parse(%q) error %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestDur(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", -time.Second: "0s", 999 * time.Millisecond: "0s", 45 * time.Second: "45s", 5 * time.Minute: "5m",
		7*time.Minute + 5*time.Second: "7m05s", time.Hour: "1h", 62*time.Minute + 59*time.Second: "1h02m",
	} {
		if got := dur(d); got != want {
			t.Errorf("dur(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestExamples: every example is a rule of its kind that parses back, one
// per kind in display order, so help and completion never offer a typo.
func TestExamples(t *testing.T) {
	want := []string{"idle>5m", "nofiles>3m", "vanished", "error>2m", "auth"}
	got := Examples()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("Examples() = %q, want %q", got, want)
	}
	for i, s := range got {
		if r, err := Parse(s); err != nil || r.kind != kinds[i].kind {
			t.Errorf("%q: %+v, %v", s, r, err)
		}
	}
}
