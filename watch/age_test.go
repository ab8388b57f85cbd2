package watch

import (
	"testing"
	"time"
)

func TestCompact(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"}, {0, "0s"}, {999 * time.Millisecond, "0s"}, {9 * time.Second, "9s"},
		{59 * time.Second, "59s"}, {time.Minute, "1m00s"}, {5*time.Minute + 3*time.Second, "5m03s"},
		{59*time.Minute + 59*time.Second, "59m59s"}, {time.Hour, "1h00m"}, {65 * time.Minute, "1h05m"},
		{23*time.Hour + 59*time.Minute, "23h59m"}, {24 * time.Hour, "1d00h"}, {76 * time.Hour, "3d04h"},
		{999 * 24 * time.Hour, "999d00h"}, {1000 * 24 * time.Hour, ">999d"},
	}
	for _, tt := range tests {
		if got := Compact(tt.d); got != tt.want || len(got) > 7 {
			t.Errorf("Compact(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0: "0s ago", 3 * time.Second: "3s ago", 61 * time.Minute: "1h01m ago", 25 * time.Hour: "1d01h ago",
		50 * time.Hour: "2d02h ago", -90 * time.Second: "in 1m30s", -time.Millisecond: "in 0s",
	} {
		if got := Ago(now, now.Add(-d)); got != want {
			t.Errorf("Ago(now-%v) = %q, want %q", d, got, want)
		}
	}
}
