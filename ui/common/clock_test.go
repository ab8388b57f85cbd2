package common

import (
	"math/rand/v2"
	"testing"
	"time"
)

// t0 is the fixed clock of every test.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// TestAgeWake checks the instant each age text next changes against the
// formatter itself: the text holds until just before the wake and differs
// at it, for ages in every unit (and the future, which reads "0s").
func TestAgeWake(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	spans := []time.Duration{-5 * time.Second, 0, time.Second, time.Minute, time.Hour, 24 * time.Hour, 30 * 24 * time.Hour, 999 * 24 * time.Hour}
	for _, base := range spans {
		for range 200 {
			d := base + time.Duration(r.Int64N(int64(3*time.Hour)))
			now := t0
			at := now.Add(-d)
			wake := ageWake(now, at)
			if !wake.After(now) {
				t.Fatalf("age %v: wake %v not after now", d, wake.Sub(now))
			}
			text := (&Clock{Now: now}).Since(at)
			if got := (&Clock{Now: wake.Add(-time.Nanosecond)}).Since(at); got != text {
				t.Fatalf("age %v: %q changed to %q before its wake (%v on)", d, text, got, wake.Sub(now))
			}
			if got := (&Clock{Now: wake}).Since(at); got == text {
				t.Fatalf("age %v: %q unchanged at its wake (%v on)", d, text, wake.Sub(now))
			}
		}
	}
	if w := ageWake(t0, t0.Add(-1001*24*time.Hour)); !w.IsZero() {
		t.Errorf(">999d should never change, wake %v", w)
	}
}

// TestCountdownWake does the same for "in 3s" (the next poll): it holds
// until the time left drops below what it shows, and at the time itself
// turns into "0s ago".
func TestCountdownWake(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, base := range []time.Duration{0, time.Second, 59 * time.Minute, time.Hour, 23 * time.Hour, 24 * time.Hour, 1001 * 24 * time.Hour} {
		for range 200 {
			d := base + time.Duration(r.Int64N(int64(2*time.Hour))) + 1
			now := t0
			at := now.Add(d)
			wake := countdownWake(now, at)
			text := (&Clock{Now: now}).Ago(at)
			if !wake.After(now) {
				t.Fatalf("in %v: wake %v not after now", d, wake.Sub(now))
			}
			if got := (&Clock{Now: wake.Add(-time.Nanosecond)}).Ago(at); got != text {
				t.Fatalf("in %v: %q changed to %q before its wake", d, text, got)
			}
			if got := (&Clock{Now: wake}).Ago(at); got == text {
				t.Fatalf("in %v: %q unchanged at its wake", d, text)
			}
		}
	}
}

func TestClockText(t *testing.T) {
	c := &Clock{Now: t0, Loc: time.UTC}
	tests := []struct {
		zone Zone
		at   time.Time
		want string
	}{
		{zoneUTC, t0, "09:26:53 UTC"},
		{zoneConsole, t0, "17:26:53 UTC+8"},
		{zoneConsole, t0.Add(-24 * time.Hour), "Mar 13 17:26 UTC+8"},
		{zoneConsole, t0.Add(7 * time.Hour), "Mar 15 00:26 UTC+8"}, // another day in UTC+8 only
		{zoneUTC, time.Time{}, "-"},
	}
	for _, tc := range tests {
		c.Zone = tc.zone
		if got := c.Text(tc.at); got != tc.want {
			t.Errorf("zone %d %v: %q, want %q", tc.zone, tc.at, got, tc.want)
		}
	}
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "UTC"}, {time.FixedZone("x", -3*3600-1800), "UTC-3:30"}, {consoleZone, "UTC+8"},
	} {
		if got := offsetName(t0.In(tc.loc)); got != tc.want {
			t.Errorf("offsetName %v = %q, want %q", tc.loc, got, tc.want)
		}
	}
	if got := ISOText(t0, consoleZone); got != "2026-03-14T17:26:53+08:00" {
		t.Errorf("iso %q", got)
	}
	if got := ISOText(t0, time.UTC); got != "2026-03-14T09:26:53+00:00" {
		t.Errorf("iso UTC %q", got)
	}
}
