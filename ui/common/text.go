package common

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// SGRReset ends any styled run (see Styles).
const SGRReset = "\x1b[m"

// MinBordered is the body height from which panes get borders.
const MinBordered = 6

// Clean is the one door API and watch-list strings go through before any
// layout: one line, no control sequences, escapes shown visibly.
func Clean(s string) string {
	if s == "" {
		return ""
	}
	return sanitize.String(s)
}

// Spaces returns n blanks (none for n <= 0) without allocating for the
// common short pads.
func Spaces(n int) string {
	if n <= 0 {
		return ""
	}
	if n <= len(blank) {
		return blank[:n]
	}
	return strings.Repeat(" ", n)
}

var blank = strings.Repeat(" ", 256)

// plainASCII reports printable ASCII only: its width is its length, and
// measuring it needs no grapheme segmentation (the costliest part of a
// frame otherwise).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// Width is the cells s takes on screen (styling included, which takes
// none): its length for printable ASCII, ansi.StringWidth otherwise.
func Width(s string) int {
	if plainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// Fit cuts s to exactly w cells, padding with spaces. Widths are cells,
// never bytes: CJK and combining text stay aligned.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if plainASCII(s) {
		if len(s) > w {
			return s[:w-1] + "…"
		}
		return s + Spaces(w-len(s))
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + Spaces(w-sw)
}

// FitRight is Fit with the text right-aligned (numbers, ages).
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := Width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return Spaces(w-sw) + s
}

// Cut truncates s to at most w cells without padding.
func Cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Brief names a task in a one-line message: long TaskIds (they run to 90
// characters) shortened in the middle so the verb and the outcome stay
// visible on a narrow terminal.
func Brief(id string) string {
	return strings.TrimRight(ShortenMiddle(id, 32), " ")
}

// ShortenMiddle keeps both ends of a long TaskId, where the
// distinguishing parts usually are, and pads to w cells.
func ShortenMiddle(s string, w int) string {
	sw := Width(s)
	if sw <= w {
		return s + Spaces(w-sw)
	}
	if w < 5 {
		return Fit(s, w)
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	out := ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
	return Fit(out, w)
}

// Wrap breaks text into lines of at most w cells: prose between words, an
// ID (no spaces) anywhere, since it has no word to keep whole.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if Width(s) <= w {
		return []string{s}
	}
	if strings.Contains(s, " ") {
		// Prose (error messages, hints): break between words only, and
		// inside a word only when it is longer than the line. Never at a
		// hyphen as ansi.Wrap does: a RequestId (a UUID) stays whole.
		return wrapWords(s, w)
	}
	if plainASCII(s) {
		var out []string
		for len(s) > w {
			out = append(out, s[:w])
			s = s[w:]
		}
		return append(out, s)
	}
	return strings.Split(ansi.Hardwrap(s, w, true), "\n")
}

// wrapWords breaks prose at spaces, greedily.
func wrapWords(s string, w int) []string {
	var out []string
	var line strings.Builder
	lw := 0
	for _, word := range strings.Split(s, " ") {
		ww := Width(word)
		if lw > 0 && lw+1+ww <= w {
			line.WriteByte(' ')
			line.WriteString(word)
			lw += 1 + ww
			continue
		}
		if lw > 0 || line.Len() > 0 {
			l := line.String()
			// A separator goes down with the words it introduces: a line
			// never ends in a dangling "|" ("… 3s ago) |" over "retrying").
			if sep, ok := trailingSeparator(l); ok && Width(sep)+1+ww <= w {
				l = strings.TrimSuffix(l, " "+sep)
				word, ww = sep+" "+word, Width(sep)+1+ww
			}
			out = append(out, l)
			line.Reset()
			lw = 0
		}
		if ww > w {
			parts := Wrap(word, w) // an ID longer than the line: anywhere
			out = append(out, parts[:len(parts)-1]...)
			word = parts[len(parts)-1]
			ww = Width(word)
		}
		line.WriteString(word)
		lw = ww
	}
	if lw > 0 || line.Len() > 0 {
		out = append(out, line.String())
	}
	return out
}

// trailingSeparator is the "|" or "·" that ends line as a word of its
// own after others, if it does.
func trailingSeparator(line string) (string, bool) {
	for _, sep := range []string{"|", "·"} {
		if strings.HasSuffix(line, " "+sep) && strings.TrimSpace(strings.TrimSuffix(line, sep)) != "" {
			return sep, true
		}
	}
	return "", false
}

// Styled wraps plain text in an SGR prefix and a reset.
func Styled(sgr, s string) string {
	if sgr == "" || s == "" {
		return s
	}
	return sgr + s + SGRReset
}

// Itoa is strconv.Itoa, short for the many counts on screen.
func Itoa(n int) string { return strconv.Itoa(n) }

// Plural is "1 task", "2 tasks".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return Itoa(n) + " " + word + "s"
}

// Unwanted are runes that never belong in typed text: controls (escape
// sequences start with one) and invisible format characters.
func Unwanted(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// Typable is s without the runes that could not have been typed: what an
// input box may show and hold.
func Typable(s string) string {
	return strings.Map(func(r rune) rune {
		if Unwanted(r) {
			return -1
		}
		return r
	}, s)
}

// AppendPadded adds exactly n lines of body, blank where body runs out.
func AppendPadded(lines, body []string, n int) []string {
	for i := 0; i < n; i++ {
		if i < len(body) {
			lines = append(lines, body[i])
		} else {
			lines = append(lines, "")
		}
	}
	return lines
}

// ClampOffset is the first row to show of n, rows at a time, so the
// cursor is in view, scrolling only as far as needed.
func ClampOffset(off, cursor, rows, n int) int {
	if rows <= 0 {
		return 0
	}
	if cursor < off {
		off = cursor
	}
	if cursor >= off+rows {
		off = cursor - rows + 1
	}
	off = min(off, n-rows)
	return max(off, 0)
}
