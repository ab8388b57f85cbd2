package watch

import (
	"strconv"
	"time"
)

// Compact writes an age or a wait in at most 6 cells: 9s, 59s, 5m03s,
// 1h05m, 3d04h, >999d (negative counts as 0). It is the one way an age
// reads in the dashboard, snapshot and exports, so the same task is "5m03s"
// old in all three; days start at 24 h and two units are always shown.
func Compact(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m" + twoDigits(s%60) + "s"
	case s < 86400:
		return strconv.FormatInt(s/3600, 10) + "h" + twoDigits(s%3600/60) + "m"
	default:
		d := s / 86400
		if d > 999 {
			return ">999d"
		}
		return strconv.FormatInt(d, 10) + "d" + twoDigits(s%86400/3600) + "h"
	}
}

// Ago is when t was, seen from now, in Compact's words: "5m03s ago", or
// "in 5s" for a time still to come (a clock ahead of ours, a poll due). It
// is how the export's file times read, as the detail pane's do.
func Ago(now, t time.Time) string {
	if t.After(now) {
		return "in " + Compact(t.Sub(now))
	}
	return Compact(now.Sub(t)) + " ago"
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
