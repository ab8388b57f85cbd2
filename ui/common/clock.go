package common

import (
	"fmt"
	"strconv"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// An idle dashboard must cost next to nothing, so the screen is drawn
// again only when something on it changes. Every text that reads the
// clock (an age, "in 3s", a time shown as "today", the local zone's name)
// is formatted through a Clock, which notes when that text will next read
// differently: drawing a frame gathers the earliest such instant, the
// frame's wake, and the root model arms one tick for it. A new clock text
// on screen must go through the Clock too (or call NoteWake), or it will
// not move.

// Zone is which clock times are shown and copied in, cycled with `z`.
// Support engineers read the console (UTC+8) and tickets (often UTC)
// side by side with their own local time, so every time carries its zone.
type Zone int

// The zones z cycles through; the zero Zone is the local one (Clock.Loc:
// Options.Location, else the machine's).
const (
	zoneUTC     Zone = iota + 1 // UTC
	zoneConsole                 // UTC+8, the zone the TRTC console shows
	NZones                      // how many there are
)

// consoleZone is a fixed offset, not Asia/Shanghai: it needs no tz
// database, and China has no daylight saving time to follow.
var consoleZone = time.FixedZone("UTC+8", 8*3600)

// isoLayout is ISO 8601 with the offset always written out (+00:00, never
// Z), so a pasted time says which zone it is in the same way every time.
const isoLayout = "2006-01-02T15:04:05-07:00"

// Clock is the dashboard's time: now as the root model's Update last set
// it (View never reads the system clock), the local zone and the zone z
// chose, and the wake of the frame being drawn. The root model owns it;
// its parts hold a pointer and only read it and note wakes while drawing.
type Clock struct {
	Now  time.Time
	Loc  *time.Location // the local zone (Options.Location)
	Zone Zone
	wake time.Time
}

// Location is where times are shown now.
func (c *Clock) Location() *time.Location {
	switch c.Zone {
	case zoneUTC:
		return time.UTC
	case zoneConsole:
		return consoleZone
	}
	return c.Loc
}

// ZoneName is the zone as the screen names it: "UTC+8", "UTC", or the
// local offset now ("local UTC-3:30"); local zones can change offset in
// the year, so a time's own label is its own offset (see Text).
func (c *Clock) ZoneName() string { return c.ZoneNameOf(c.Zone) }

// ZoneNameOf is ZoneName for any zone (the z hint names the next one).
func (c *Clock) ZoneNameOf(z Zone) string {
	switch z {
	case zoneUTC:
		return "UTC"
	case zoneConsole:
		return "UTC+8"
	}
	ln := c.Now.In(c.Loc)
	if _, end := ln.ZoneBounds(); !end.IsZero() {
		c.NoteWake(end) // daylight saving time starts or ends
	}
	return "local " + offsetName(ln)
}

// offsetName is t's offset from UTC as "UTC", "UTC+8" or "UTC+5:30".
func offsetName(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if mins := off % 3600 / 60; mins != 0 {
		s += fmt.Sprintf(":%02d", mins)
	}
	return s
}

// Text is a time for the screen with its zone: "19:38:09 UTC+8" today,
// "Nov 27 19:38 UTC+8" on another day, "-" when unknown.
func (c *Clock) Text(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	loc := c.Location()
	lt, ln := t.In(loc), c.Now.In(loc)
	c.NoteWake(midnightAfter(c.Now, loc)) // "today" then needs its date
	if lt.YearDay() == ln.YearDay() && lt.Year() == ln.Year() {
		return lt.Format("15:04:05") + " " + offsetName(lt)
	}
	return lt.Format("Jan 02 15:04") + " " + offsetName(lt)
}

// ISOText is a time for copied text: ISO 8601 with its offset in loc,
// e.g. 2026-11-28T19:38:09+08:00; "-" when unknown.
func ISOText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format(isoLayout)
}

// Since is the age of t for the screen, "-" when t is unknown, noting
// when it changes.
func (c *Clock) Since(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	c.NoteWake(ageWake(c.Now, t))
	return watch.Compact(c.Now.Sub(t))
}

// Ago is watch.Ago for the screen, "never" when t is unknown, noting
// when it changes.
func (c *Clock) Ago(t time.Time) string {
	switch {
	case t.IsZero():
		return "never"
	case t.After(c.Now):
		c.NoteWake(countdownWake(c.Now, t))
	default:
		c.NoteWake(ageWake(c.Now, t))
	}
	return watch.Ago(c.Now, t)
}

// NoteWake records that a text on the frame being drawn reads
// differently from at on.
func (c *Clock) NoteWake(at time.Time) {
	if !at.IsZero() && (c.wake.IsZero() || at.Before(c.wake)) {
		c.wake = at
	}
}

// Frame starts drawing a frame: no wake noted yet.
func (c *Clock) Frame() { c.wake = time.Time{} }

// Wake is the earliest wake noted since Frame (zero: nothing on the
// frame moves).
func (c *Clock) Wake() time.Time { return c.wake }

// Span is when something drawn at From reads right: until Wake (zero:
// for good). A clock set back reads differently too.
type Span struct{ From, Wake time.Time }

// Holds reports whether what was drawn over s still reads right at now.
func (s Span) Holds(now time.Time) bool {
	return !now.Before(s.From) && (s.Wake.IsZero() || now.Before(s.Wake))
}

// SpanOf runs build, which draws part of the frame, and returns when what
// it drew reads right; its wake counts for the frame too. A cache of the
// part keeps the span, is used only while it holds (Fresh), and notes its
// wake again when used.
func (c *Clock) SpanOf(build func()) Span {
	outer := c.wake
	c.wake = time.Time{}
	build()
	inner := c.wake
	c.wake = outer
	c.NoteWake(inner)
	return Span{c.Now, inner}
}

// Fresh reports whether a cached part drawn over s still reads right,
// and if so notes its wake for the frame.
func (c *Clock) Fresh(s Span) bool {
	if !s.Holds(c.Now) {
		return false
	}
	c.NoteWake(s.Wake)
	return true
}

// ageUnit is the step in which watch.Compact shows a duration of d:
// seconds under an hour, minutes under a day, hours up to 999 days; 0
// beyond, where it shows ">999d" for good.
func ageUnit(d time.Duration) time.Duration {
	switch {
	case d < time.Hour:
		return time.Second
	case d < 24*time.Hour:
		return time.Minute
	case d < 1000*24*time.Hour:
		return time.Hour
	}
	return 0
}

// ageWake is when Compact(now-t), an age, next reads differently: at the
// next whole unit of the age. A t in the future reads "0s" until a second
// after it.
func ageWake(now, t time.Time) time.Time {
	d := now.Sub(t)
	if d < 0 {
		return t.Add(time.Second)
	}
	u := ageUnit(d)
	if u == 0 {
		return time.Time{}
	}
	return t.Add((d/u + 1) * u)
}

// countdownWake is when "in "+Compact(t-now) next reads differently: as
// soon as the time left drops below its shown whole units, and at t
// itself, where it turns into "0s ago".
func countdownWake(now, t time.Time) time.Time {
	d := t.Sub(now)
	u := ageUnit(d)
	if u == 0 {
		return t.Add(-1000 * 24 * time.Hour).Add(time.Nanosecond)
	}
	k := d / u
	if k == 0 {
		return t
	}
	return t.Add(-k * u).Add(time.Nanosecond)
}

// midnightAfter is when the day of now ends in loc: a time shown as
// "today" (clock only) then needs its date.
func midnightAfter(now time.Time, loc *time.Location) time.Time {
	y, mo, d := now.In(loc).Date()
	return time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
}
