package watch

import (
	"strconv"
	"time"
)

// Compact writes an age or a wait in at most 6 cells: 9s, 59s, 5m03s,
// 1h05m, 3d04h, >999d (negative counts as 0). It is the one way a
// duration reads in the dashboard and in snapshot, so the same task is
// "5m03s" old in both.
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

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
