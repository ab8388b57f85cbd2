package common

import (
	"image/color"
	"strings"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// Styles are lipgloss values, but the hot paths (one line per task)
// splice the SGR prefix each style renders to instead of calling Render
// per cell, which measured ten times slower. Bubble Tea downsamples these
// to the terminal's profile, and with NO_COLOR only the attributes (bold,
// faint, reverse) survive, which is why every state also carries a word.

// tone is a named colour token: what a colour means, not which colour it is.
type tone int

const (
	toneMuted tone = iota // secondary text, pending
	toneInfo              // Idle: waiting, nothing wrong
	toneLive              // InProgress: recording
	toneWarn              // Exited, throttled: worth a look
	toneGood              // a clean end
	toneBad               // vanished, errors: act now
	nTones
)

// toneNames name each tone's colour for readers without colour (the
// legend, README, NO_COLOR).
var toneNames = [nTones]string{
	toneMuted: "grey",
	toneInfo:  "blue",
	toneLive:  "bold green",
	toneWarn:  "amber",
	toneGood:  "purple",
	toneBad:   "bold red",
}

// look is how one phase is drawn: a glyph (Unicode, or ASCII when the
// terminal asks for it), the word (the API's own for its three statuses,
// plain ones for ours) and its colour token. It is the one table for this:
// the list, the header counts, the detail pane, the describe view and the
// legend (which names the token's colour, toneNames) all read it.
type look struct {
	glyph, ascii string
	tone         tone
	means        string // for the legend
}

var looks = map[watch.Phase]look{
	watch.Pending:    {"◌", "~", toneMuted, "no answer yet"},
	watch.Idle:       {"○", "o", toneInfo, "API: the task waits for streams to record"},
	watch.InProgress: {"●", "*", toneLive, "API: recording"},
	watch.Exited:     {"◐", "v", toneWarn, "API: the task is stopping"},
	watch.Ended:      {"✓", "=", toneGood, watch.GoneNote(watch.Ended)},
	watch.Vanished:   {"⊘", "!", toneBad, watch.GoneNote(watch.Vanished)},
	watch.NotFound:   {"?", "?", toneBad, watch.GoneNote(watch.NotFound)},
	watch.Throttled:  {"◔", "%", toneWarn, "the last call hit the API quota; retried slower"},
	watch.AuthError:  {"✗", "!", toneBad, "the credentials were rejected"},
	watch.Error:      {"✗", "x", toneBad, "the last call failed (or the API answered a status this build does not know)"},
}

// StateW is the cells of a state cell: glyph, space, the longest word
// ("InProgress", "auth error").
const StateW = 12

// lookOf never fails: a phase this build does not know (a newer engine)
// is drawn as a problem, under its own word.
func lookOf(p watch.Phase) look {
	if l, ok := looks[p]; ok {
		return l
	}
	return look{"#", "#", toneBad, "a state this build does not know"}
}

// Legend is what a state means for the legend, its colour named first
// for readers without colour (README, NO_COLOR): "bold red · the
// credentials were rejected".
func Legend(p watch.Phase) string {
	l := lookOf(p)
	return toneNames[l.tone] + " · " + l.means
}

// Word is the phase as the screen names it; an unknown one is sanitised.
func Word(p watch.Phase) string {
	if _, ok := looks[p]; ok {
		return string(p)
	}
	return Clean(string(p))
}

// Styles are the dashboard's colours as the SGR prefixes they render to,
// for one background (light or dark, learnt from the terminal) and one
// glyph set, built from named colour tokens. Change a colour here and
// every pane follows.
type Styles struct {
	Dark  bool // built for a dark background
	ascii bool // plain ASCII glyphs and borders

	Title, ColHead, Selected, Dim, Bold string
	OK, Warn, Bad, Paused               string
	BannerErr, BannerWarn               string
	FlashInfo, FlashWarn, FlashErr      string
	border, borderFocus                 string
	fail, throttle                      string // a failed call's badge, throttled or not
	phase                               [nTones]string

	Borders lipgloss.Border
	// Hint is the hint bar's key, description, separator and ellipsis:
	// bubbles' help palette.
	Hint help.Styles
	// Input is the text inputs' palette.
	Input textinput.Styles
}

// prefix is the SGR a style opens with, so a row can be built as one
// string: render a marker and keep what comes before it.
func prefix(st lipgloss.Style) string {
	r := st.Render("\x01")
	if i := strings.IndexByte(r, '\x01'); i > 0 {
		return r[:i]
	}
	return ""
}

// NewStyles is the palette for one background. Colours are 256-colour
// indexes picked to stay readable on black and on white in their variant;
// the renderer lowers them further when the terminal has fewer. Each of
// the four palettes is built once, at its first use, and handed out as a
// copy (every field a value): every model, and so every team-mode
// session, asks for one, and building one renders a score of styles.
func NewStyles(dark, ascii bool) Styles {
	return palettes[[2]bool{dark, ascii}]()
}

// palettes are NewStyles' four palettes, by dark and ascii.
var palettes = func() map[[2]bool]func() Styles {
	p := map[[2]bool]func() Styles{}
	for _, dark := range []bool{false, true} {
		for _, ascii := range []bool{false, true} {
			p[[2]bool{dark, ascii}] = sync.OnceValue(func() Styles { return buildStyles(dark, ascii) })
		}
	}
	return p
}()

// buildStyles builds the palette NewStyles hands out.
func buildStyles(dark, ascii bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	accent, muted, border := c("55", "141"), c("244", "245"), c("250", "240")
	tones := [nTones]color.Color{
		toneMuted: muted,
		toneInfo:  c("25", "75"),
		toneLive:  c("28", "78"),
		toneWarn:  c("130", "214"),
		toneGood:  c("96", "176"),
		toneBad:   c("160", "203"),
	}
	fg := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	s := Styles{Dark: dark, ascii: ascii}
	for i, col := range tones {
		st := fg(col)
		if tone(i) == toneLive || tone(i) == toneBad {
			st = st.Bold(true)
		}
		s.phase[i] = prefix(st)
	}
	warn, bad := fg(tones[toneWarn]).Bold(true), fg(tones[toneBad]).Bold(true)
	white, black := lipgloss.Color("231"), lipgloss.Color("16")
	bannerErr := lipgloss.NewStyle().Foreground(white).Background(c("160", "124")).Bold(true)
	s.Title = prefix(fg(accent).Bold(true))
	s.ColHead = prefix(fg(c("240", "248")).Bold(true))
	s.Selected = prefix(lipgloss.NewStyle().Reverse(true))
	s.Dim = prefix(lipgloss.NewStyle().Faint(true))
	s.Bold = prefix(lipgloss.NewStyle().Bold(true))
	s.OK = prefix(fg(tones[toneLive]))
	s.Warn, s.Bad = prefix(warn), prefix(bad)
	s.Paused = prefix(lipgloss.NewStyle().Reverse(true).Bold(true))
	s.BannerErr = prefix(bannerErr)
	s.BannerWarn = prefix(lipgloss.NewStyle().Foreground(black).Background(c("221", "214")))
	s.FlashInfo, s.FlashWarn, s.FlashErr = prefix(fg(c("25", "117"))), s.Warn, s.Bad
	s.border, s.borderFocus = prefix(fg(border)), prefix(fg(accent))
	// A row in trouble is the most visible thing on screen: its failure
	// is a solid badge, never faint.
	s.fail = s.BannerErr
	s.throttle = prefix(lipgloss.NewStyle().Foreground(black).Background(c("214", "214")).Bold(true))
	s.Borders = lipgloss.RoundedBorder()
	if ascii {
		s.Borders = lipgloss.ASCIIBorder()
	}
	s.Hint = help.DefaultStyles(dark)
	s.Input = textinput.DefaultStyles(dark)
	return s
}

// PhaseSGR is the colour of a phase.
func (s *Styles) PhaseSGR(p watch.Phase) string { return s.phase[lookOf(p).tone] }

// Glyph is the state's mark, ASCII when the terminal asks for it.
func (s *Styles) Glyph(p watch.Phase) string {
	if s.ascii {
		return lookOf(p).ascii
	}
	return lookOf(p).glyph
}

// StateText is glyph and word, e.g. "● InProgress" or "* InProgress".
func (s *Styles) StateText(p watch.Phase) string { return s.Glyph(p) + " " + Word(p) }

// FailSGR is the badge a failed call gets: throttling is a warning, the
// rest an error.
func (s *Styles) FailSGR(p watch.Phase) string {
	if p == watch.Throttled {
		return s.throttle
	}
	return s.fail
}

// Pane draws body inside a rounded border (ASCII when asked) of inner
// width w and outer height h, the title set in the top edge, in the
// accent colour when it has the keyboard. exact says the body lines are
// already w cells wide (the list), which spares measuring them on every
// frame.
func (s *Styles) Pane(title string, focus bool, w, h int, body []string, exact bool) []string {
	if h < 2 {
		return nil
	}
	bd := s.Borders
	sgr := s.border
	if focus {
		sgr = s.borderFocus
	}
	out := make([]string, 0, h)
	t := Cut(" "+title+" ", max(w-1, 0))
	tw := Width(t)
	top := sgr + bd.TopLeft + bd.Top + SGRReset + s.Title + t + SGRReset + sgr +
		strings.Repeat(bd.Top, max(w-1-tw, 0)) + bd.TopRight + SGRReset
	if w-1 < tw+1 {
		top = sgr + bd.TopLeft + SGRReset + s.Title + Cut(t, w) + SGRReset + sgr + strings.Repeat(bd.Top, max(w-tw, 0)) + bd.TopRight + SGRReset
	}
	out = append(out, top)
	left, right := sgr+bd.Left+SGRReset, sgr+bd.Right+SGRReset
	for i := 0; i < h-2; i++ {
		line := ""
		if i < len(body) {
			line = body[i]
		}
		pad := w
		if exact && i < len(body) {
			pad = 0
		} else if line != "" {
			pad = w - Width(line)
		}
		out = append(out, left+line+Spaces(pad)+right)
	}
	out = append(out, sgr+bd.BottomLeft+strings.Repeat(bd.Bottom, max(w, 0))+bd.BottomRight+SGRReset)
	return out
}
