package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// sgrReset ends any styled run. Rows are built as one string with SGR
// sequences spliced in (no lipgloss Render per cell, see the perf notes):
// the renderer downsamples these to the terminal's profile, and with
// NO_COLOR only the attributes (bold, faint, reverse) survive, which is why
// every badge also carries a text label and an ASCII glyph.
const sgrReset = "\x1b[m"

// badge is how a phase is drawn: glyph and label are ASCII so they read the
// same without colour and without special fonts.
type badge struct {
	glyph byte
	label string
}

// badgeWidth is the cells a badge takes in the list: glyph, space, label.
const badgeWidth = 10

var badges = map[watch.Phase]badge{
	watch.Pending:    {'~', "PENDING"},
	watch.Idle:       {'o', "IDLE"},
	watch.InProgress: {'*', "LIVE"},
	watch.Exited:     {'v', "EXITED"},
	watch.Ended:      {'=', "ENDED"},
	watch.NotFound:   {'?', "NOTFOUND"},
	watch.Throttled:  {'%', "THROTTLE"},
	watch.AuthError:  {'!', "AUTH"},
	watch.Error:      {'x', "ERROR"},
}

// badgeOf never fails: an unknown phase (a newer engine) still gets a label.
func badgeOf(p watch.Phase) badge {
	if b, ok := badges[p]; ok {
		return b
	}
	return badge{'#', "UNKNOWN"}
}

func (b badge) text() string { return string(b.glyph) + " " + b.label }

// styles holds precomputed SGR prefixes for one background (light or dark).
type styles struct {
	phase    map[watch.Phase]string
	selected string // the selected row
	dim      string // stale rows, secondary text
	bold     string
	title    string
	colHead  string
	ok       string
	warn     string
	bad      string
	paused   string
	bannerE  string // error banner
	bannerW  string // warning banner
	flashI   string
	flashW   string
	flashE   string
	help     help.Styles
	input    textinput.Styles
}

func sgr(s ansi.Style) string { return s.String() }

func fg(n uint8) ansi.Style { return ansi.NewStyle().ForegroundColor(ansi.IndexedColor(n)) }

// newStyles builds the palette. Colours are 256-colour indexes picked to
// stay readable on both a black and a white background in their variant.
func newStyles(dark bool) styles {
	pick := func(light, darkc uint8) uint8 {
		if dark {
			return darkc
		}
		return light
	}
	st := styles{
		phase: map[watch.Phase]string{
			watch.Pending:    sgr(fg(pick(244, 245))),
			watch.Idle:       sgr(fg(pick(25, 75))),
			watch.InProgress: sgr(fg(pick(28, 78)).Bold()),
			watch.Exited:     sgr(fg(pick(130, 214))),
			watch.Ended:      sgr(fg(pick(96, 176))),
			watch.NotFound:   sgr(fg(pick(166, 209))),
			watch.Throttled:  sgr(fg(pick(136, 220))),
			watch.AuthError:  sgr(fg(pick(160, 203)).Bold()),
			watch.Error:      sgr(fg(pick(160, 203)).Bold()),
		},
		selected: sgr(ansi.NewStyle().Reverse(true)),
		dim:      sgr(ansi.NewStyle().Faint()),
		bold:     sgr(ansi.NewStyle().Bold()),
		title:    sgr(fg(pick(55, 141)).Bold()),
		colHead:  sgr(fg(pick(240, 248)).Bold()),
		ok:       sgr(fg(pick(28, 78))),
		warn:     sgr(fg(pick(130, 214)).Bold()),
		bad:      sgr(fg(pick(160, 203)).Bold()),
		paused:   sgr(ansi.NewStyle().Reverse(true).Bold()),
		bannerE:  sgr(ansi.NewStyle().ForegroundColor(ansi.IndexedColor(231)).BackgroundColor(ansi.IndexedColor(pick(160, 124))).Bold()),
		bannerW:  sgr(ansi.NewStyle().ForegroundColor(ansi.IndexedColor(16)).BackgroundColor(ansi.IndexedColor(pick(221, 214)))),
		flashI:   sgr(fg(pick(25, 117))),
		flashW:   sgr(fg(pick(130, 214)).Bold()),
		flashE:   sgr(fg(pick(160, 203)).Bold()),
		help:     help.DefaultStyles(dark),
		input:    textinput.DefaultStyles(dark),
	}
	return st
}

// phaseSGR is the colour of a phase, or none for an unknown one.
func (s *styles) phaseSGR(p watch.Phase) string { return s.phase[p] }
