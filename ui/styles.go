package ui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// sgrReset ends any styled run. Styles are lipgloss values; the hot paths
// (one line per task) splice the SGR prefix each style renders to instead
// of calling Render per cell, which measured ten times slower. Bubble Tea
// downsamples these to the terminal's profile, and with NO_COLOR only the
// attributes (bold, faint, reverse) survive, which is why every state also
// carries a word.
const sgrReset = "\x1b[m"

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
// the list, the header counts, the detail pane and the legend (which
// names the token's colour, toneNames) all read it.
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

// stateW is the cells of a state cell: glyph, space, the longest word
// ("InProgress", "auth error").
const stateW = 12

// slotSeverity is watch.Phase.Severity by count slot (see phaseSlot), so
// the state sort compares two ints instead of two phase names.
var slotSeverity = func() []int {
	s := make([]int, len(watch.Phases)+1)
	for i, p := range watch.Phases {
		s[i] = p.Severity()
	}
	s[len(watch.Phases)] = watch.Phase("").Severity() // unknown: with errors
	return s
}()

// lookOf never fails: a phase this build does not know (a newer engine)
// is drawn as a problem, under its own word.
func lookOf(p watch.Phase) look {
	if l, ok := looks[p]; ok {
		return l
	}
	return look{"#", "#", toneBad, "a state this build does not know"}
}

// word is the phase as the screen names it; an unknown one is sanitised.
func word(p watch.Phase) string {
	if _, ok := looks[p]; ok {
		return string(p)
	}
	return clean(string(p))
}

// glyph is the state's mark, ASCII when the terminal asks for it.
func (s *Styles) glyph(p watch.Phase) string {
	if s.ascii {
		return lookOf(p).ascii
	}
	return lookOf(p).glyph
}

// stateText is glyph and word, e.g. "● InProgress" or "* InProgress".
func (s *Styles) stateText(p watch.Phase) string {
	l := lookOf(p)
	g := l.glyph
	if s.ascii {
		g = l.ascii
	}
	return g + " " + word(p)
}

// Styles are the dashboard's named colour tokens and the lipgloss styles
// built from them, for one background (light or dark, learnt from the
// terminal) and one glyph set. Change a colour here and every pane follows.
type Styles struct {
	ascii bool

	// Colour tokens.
	Accent, Muted, Border color.Color
	Tones                 [nTones]color.Color

	// Styles.
	Title, ColHead, Selected, Dim, Bold lipgloss.Style
	OK, Warn, Bad, Paused               lipgloss.Style
	BannerErr, BannerWarn               lipgloss.Style
	FlashInfo, FlashWarn, FlashErr      lipgloss.Style
	PaneBorder, PaneBorderFocus         lipgloss.Style
	FailBadge, ThrottleBadge            lipgloss.Style
	Phase                               [nTones]lipgloss.Style

	borders lipgloss.Border
	help    help.Styles
	input   textinput.Styles

	// SGR prefixes of the styles above, for the per-row hot path.
	sgrs
}

// sgrs are the SGR prefixes the styles render to (see prefix).
type sgrs struct {
	phase                                    [nTones]string
	selected, dim, bold, title, colHead      string
	ok, warn, bad, paused                    string
	bannerE, bannerW, flashI, flashW, flashE string
	border, borderFocus, fail, throttle      string
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

// newStyles builds the palette for one background. Colours are 256-colour
// indexes picked to stay readable on black and on white in their variant;
// the renderer lowers them further when the terminal has fewer.
func newStyles(dark, ascii bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	s := Styles{ascii: ascii}
	s.Accent = c("55", "141")
	s.Muted = c("244", "245")
	s.Border = c("250", "240")
	s.Tones = [nTones]color.Color{
		toneMuted: s.Muted,
		toneInfo:  c("25", "75"),
		toneLive:  c("28", "78"),
		toneWarn:  c("130", "214"),
		toneGood:  c("96", "176"),
		toneBad:   c("160", "203"),
	}
	fg := func(col color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	for i, col := range s.Tones {
		s.Phase[i] = fg(col)
	}
	s.Phase[toneLive] = s.Phase[toneLive].Bold(true)
	s.Phase[toneBad] = s.Phase[toneBad].Bold(true)
	s.Title = fg(s.Accent).Bold(true)
	s.ColHead = fg(c("240", "248")).Bold(true)
	s.Selected = lipgloss.NewStyle().Reverse(true)
	s.Dim = lipgloss.NewStyle().Faint(true)
	s.Bold = lipgloss.NewStyle().Bold(true)
	s.OK = fg(s.Tones[toneLive])
	s.Warn = fg(s.Tones[toneWarn]).Bold(true)
	s.Bad = fg(s.Tones[toneBad]).Bold(true)
	s.Paused = lipgloss.NewStyle().Reverse(true).Bold(true)
	white, black := lipgloss.Color("231"), lipgloss.Color("16")
	s.BannerErr = lipgloss.NewStyle().Foreground(white).Background(c("160", "124")).Bold(true)
	s.BannerWarn = lipgloss.NewStyle().Foreground(black).Background(c("221", "214"))
	s.FlashInfo = fg(c("25", "117"))
	s.FlashWarn = s.Warn
	s.FlashErr = s.Bad
	s.PaneBorder = fg(s.Border)
	s.PaneBorderFocus = fg(s.Accent)
	// A row in trouble is the most visible thing on screen: its failure
	// is a solid badge, never faint.
	s.FailBadge = s.BannerErr
	s.ThrottleBadge = lipgloss.NewStyle().Foreground(black).Background(c("214", "214")).Bold(true)
	s.borders = lipgloss.RoundedBorder()
	if ascii {
		s.borders = lipgloss.ASCIIBorder()
	}
	s.help = help.DefaultStyles(dark)
	s.input = textinput.DefaultStyles(dark)

	for i := range s.Phase {
		s.phase[i] = prefix(s.Phase[i])
	}
	s.selected, s.dim, s.bold = prefix(s.Selected), prefix(s.Dim), prefix(s.Bold)
	s.title, s.colHead = prefix(s.Title), prefix(s.ColHead)
	s.ok, s.warn, s.bad, s.paused = prefix(s.OK), prefix(s.Warn), prefix(s.Bad), prefix(s.Paused)
	s.bannerE, s.bannerW = prefix(s.BannerErr), prefix(s.BannerWarn)
	s.flashI, s.flashW, s.flashE = prefix(s.FlashInfo), prefix(s.FlashWarn), prefix(s.FlashErr)
	s.border, s.borderFocus = prefix(s.PaneBorder), prefix(s.PaneBorderFocus)
	s.fail, s.throttle = prefix(s.FailBadge), prefix(s.ThrottleBadge)
	return s
}

// phaseSGR is the colour of a phase.
func (s *Styles) phaseSGR(p watch.Phase) string { return s.phase[lookOf(p).tone] }

// failSGR is the badge a failed call gets: throttling is a warning, the
// rest an error.
func (s *Styles) failSGR(p watch.Phase) string {
	if p == watch.Throttled {
		return s.throttle
	}
	return s.fail
}

// ASCIIWanted reports whether the environment asks for plain ASCII glyphs:
// NO_COLOR set to anything (https://no-color.org) or TERM=dumb. The caller
// reads the environment and sets Options.ASCII; View never does.
func ASCIIWanted(getenv func(string) string) bool {
	return getenv("NO_COLOR") != "" || getenv("TERM") == "dumb"
}
