package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/watch"
)

// clean is the one door API and watch-list strings go through before any
// layout: one line, no control sequences, escapes shown visibly.
func clean(s string) string {
	if s == "" {
		return ""
	}
	return sanitize.String(s)
}

// spaces returns n blanks (none for n <= 0) without allocating for the
// common short pads.
func spaces(n int) string {
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

// width is ansi.StringWidth with the ASCII fast path.
func width(s string) int {
	if plainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// fit cuts s to exactly w cells, padding with spaces. Widths are cells
// (ansi.StringWidth), never bytes: CJK and combining text stay aligned.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if plainASCII(s) {
		if len(s) > w {
			return s[:w-1] + "…"
		}
		return s + spaces(w-len(s))
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	return s + spaces(w-sw)
}

// fitRight is fit with the text right-aligned (numbers, ages).
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return spaces(w-sw) + s
}

// cut truncates s to at most w cells without padding.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// brief names a task in a one-line message: long TaskIds (they run to 90
// characters) shortened in the middle so the verb and the outcome stay
// visible on a narrow terminal.
func brief(id string) string {
	return strings.TrimRight(shortenMiddle(id, 32), " ")
}

// shortenMiddle keeps both ends of a long TaskId, where the distinguishing
// parts usually are, and pads to w cells.
func shortenMiddle(s string, w int) string {
	sw := width(s)
	if sw <= w {
		return s + spaces(w-sw)
	}
	if w < 5 {
		return fit(s, w)
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	out := ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
	return fit(out, w)
}

// wrap breaks text into lines of at most w cells: prose between words, an
// ID (no spaces) anywhere, since it has no word to keep whole.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	if width(s) <= w {
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
		ww := width(word)
		if lw > 0 && lw+1+ww <= w {
			line.WriteByte(' ')
			line.WriteString(word)
			lw += 1 + ww
			continue
		}
		if lw > 0 || line.Len() > 0 {
			out = append(out, line.String())
			line.Reset()
			lw = 0
		}
		if ww > w {
			parts := wrap(word, w) // an ID longer than the line: anywhere
			out = append(out, parts[:len(parts)-1]...)
			word = parts[len(parts)-1]
			ww = width(word)
		}
		line.WriteString(word)
		lw = ww
	}
	if lw > 0 || line.Len() > 0 {
		out = append(out, line.String())
	}
	return out
}

// since is the age of t at now, "-" when t is unknown.
func since(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return watch.Compact(now.Sub(t))
}

// ago is watch.Ago, "never" when t is unknown: for the detail pane.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return watch.Ago(now, t)
}

// segment is one styled piece of a header line; plain is measured, sgr
// wraps it, short (if any) stands in when plain does not fit.
type segment struct {
	plain string
	sgr   string
	short string
}

// fitSegments joins segments with two spaces, dropping those that no
// longer fit instead of cutting them in the middle, so narrow terminals
// keep the most important figures (they come first). A segment with a
// short form is essential: it is never dropped for a later one, and what
// comes before it leaves room for its short form.
func fitSegments(w int, segs []segment) string {
	// A segment with a short form must not vanish: each segment leaves
	// room for the short forms of those after it.
	reserve := make([]int, len(segs)+1)
	for i := len(segs) - 1; i >= 0; i-- {
		reserve[i] = reserve[i+1]
		if segs[i].short != "" {
			reserve[i] += width(segs[i].short) + 2
		}
	}
	var b strings.Builder
	used := 0
	for i, s := range segs {
		if s.plain == "" {
			continue
		}
		sw := width(s.plain)
		sep := 0
		if used > 0 {
			sep = 2
		}
		if used+sep+sw+reserve[i+1] > w {
			if s.short == "" && used > 0 {
				continue // room kept for the essential ones after it
			}
			if s.short != "" {
				s.plain = s.short
				sw = width(s.plain)
			}
		}
		if used+sep+sw > w {
			if used == 0 {
				// Even the first does not fit: cut it.
				s.plain = ansi.Truncate(s.plain, w, "…")
				sw = ansi.StringWidth(s.plain)
			} else {
				continue
			}
		}
		if sep > 0 {
			b.WriteString("  ")
		}
		if s.sgr != "" {
			b.WriteString(s.sgr)
			b.WriteString(s.plain)
			b.WriteString(sgrReset)
		} else {
			b.WriteString(s.plain)
		}
		used += sep + sw
	}
	return b.String()
}

// styled wraps plain text in an SGR prefix and a reset.
func styled(sgr, s string) string {
	if sgr == "" || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

func itoa(n int) string { return strconv.Itoa(n) }
