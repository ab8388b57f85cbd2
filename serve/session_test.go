package serve

import (
	"testing"
	"time"
)

func TestSessionZoneAndEnv(t *testing.T) {
	env := []string{"TERM=xterm", "TZ=UTC", "TZ=Asia/Singapore", "NO_COLOR=1", "junk"}
	get := envLookup(env)
	if get("TZ") != "Asia/Singapore" || get("NO_COLOR") != "1" || get("HOME") != "" {
		t.Fatalf("envLookup: TZ %q NO_COLOR %q HOME %q", get("TZ"), get("NO_COLOR"), get("HOME"))
	}
	for _, tc := range []struct {
		tz, want string
	}{
		{"Asia/Singapore", "Asia/Singapore"},
		{":Europe/Berlin", "Europe/Berlin"},
		{"UTC", "UTC"},
		{"", time.Local.String()},
		{"Nowhere/Land", time.Local.String()},
		{"../../etc/passwd", time.Local.String()},
		{"/etc/localtime", time.Local.String()},
	} {
		if got := location(tc.tz).String(); got != tc.want {
			t.Errorf("location(%q) = %s, want %s", tc.tz, got, tc.want)
		}
	}
}
