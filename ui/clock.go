package ui

import (
	"fmt"
	"strconv"
	"time"
)

// zone is which clock times are shown and copied in, cycled with `z`.
// Support engineers read the console (UTC+8) and tickets (often UTC)
// side by side with their own local time, so every time carries its zone.
type zone int

const (
	zoneLocal zone = iota // Options.Location, else the machine's zone
	zoneUTC
	zoneConsole // UTC+8, the zone the TRTC console shows
	nZones
)

// consoleZone is a fixed offset, not Asia/Shanghai: it needs no tz
// database, and China has no daylight saving time to follow.
var consoleZone = time.FixedZone("UTC+8", 8*3600)

// isoLayout is ISO 8601 with the offset always written out (+00:00, never
// Z), so a pasted time says which zone it is in the same way every time.
const isoLayout = "2006-01-02T15:04:05-07:00"

// location is where times are shown now.
func (m *Model) location() *time.Location {
	switch m.zone {
	case zoneUTC:
		return time.UTC
	case zoneConsole:
		return consoleZone
	}
	return m.loc
}

// zoneName is the zone as the screen names it: "UTC+8", "UTC", or the
// local offset at m.now ("UTC-3:30"); local zones can change offset in the
// year, so a time's own label is offsetName(t) (see clockText).
func (m *Model) zoneName() string { return m.zoneNameOf(m.zone) }

// zoneNameOf is zoneName for any zone (the z hint names the next one).
func (m *Model) zoneNameOf(z zone) string {
	switch z {
	case zoneUTC:
		return "UTC"
	case zoneConsole:
		return "UTC+8"
	}
	ln := m.now.In(m.loc)
	if _, end := ln.ZoneBounds(); !end.IsZero() {
		m.noteWake(end) // daylight saving time starts or ends
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

// clockText is a time for the screen with its zone: "19:38:09 UTC+8"
// today, "Nov 27 19:38 UTC+8" on another day, "-" when unknown.
func (m *Model) clockText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	loc := m.location()
	lt, ln := t.In(loc), m.now.In(loc)
	m.noteWake(midnightAfter(m.now, loc)) // "today" then needs its date
	if lt.YearDay() == ln.YearDay() && lt.Year() == ln.Year() {
		return lt.Format("15:04:05") + " " + offsetName(lt)
	}
	return lt.Format("Jan 02 15:04") + " " + offsetName(lt)
}

// isoText is a time for copied text: ISO 8601 with its offset in the
// zone on screen, e.g. 2026-11-28T19:38:09+08:00; "-" when unknown.
func isoText(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format(isoLayout)
}

// cycleZone moves to the next zone and says which it is.
func (m *Model) cycleZone() string {
	m.zone = (m.zone + 1) % nZones
	m.detail = detailCache{} // its lines hold formatted times
	return "times in " + m.zoneName()
}
