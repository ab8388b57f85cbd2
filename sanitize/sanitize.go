// Package sanitize makes untrusted strings safe to print in a terminal.
//
// Task IDs, user IDs, file names, error messages and request IDs come from
// the TRTC API, and TRTC's end users choose some of them; notes come from a
// file anyone can edit. Printed raw, such a string could clear the screen,
// retitle the window, write the clipboard (OSC 52), reverse the text around
// it (bidi overrides) or push a table column out of line. String turns every
// such string into one line of plain text that occupies exactly the cells
// ansi.StringWidth says it does, and shows what it neutralised instead of
// hiding it, so a support engineer can see that a user ID holds an escape.
//
// What is escaped, and how it is shown:
//
//   - C0 controls and DEL: "\n", "\r", "\t", otherwise "\xNN" (ESC is
//     "\x1b", BEL "\x07", NUL "\x00"). ESC is what starts every CSI, OSC,
//     DCS and APC sequence, so escaping it defuses them all: the rest of
//     the sequence is left as harmless printable text.
//   - C1 controls U+0080–U+009F (U+009B is a one-rune CSI): "\u009b".
//   - Invalid UTF-8: each bad byte as "\xNN".
//   - Format characters (Unicode category Cf: bidi controls U+202A–U+202E,
//     U+2066–U+2069, U+200E, U+200F, U+061C; zero-width U+200B–U+200D,
//     U+2060, U+FEFF; soft hyphen U+00AD; U+180E; tag characters
//     U+E0000–U+E007F; Arabic prepended number signs), line and paragraph
//     separators, private-use and unassigned code points, and the other
//     default-ignorable fillers (U+034F, U+115F, U+1160, U+17B4, U+17B5,
//     U+3164, U+FFA0): "\u202e", or "\U000e0041" above the BMP. Private-use
//     and unassigned runes are escaped because terminals do not agree on
//     their width and API strings have no business holding them
//     ("unassigned" as of Go's unicode tables, Unicode 15.0).
//   - Emoji presentation selectors U+FE0E and U+FE0F, and the zero-width
//     joiner that glues emoji into families: terminals disagree on the
//     width of such sequences, so they are split and shown. Other variation
//     selectors (U+FE00–U+FE0D, U+E0100–U+E01EF, Mongolian U+180B–U+180D,
//     U+180F) only pick a glyph; one is kept right after a base character
//     and escaped anywhere else.
//   - Combining marks are kept on a base character, up to four of them,
//     and so are the few letters and symbols that join the character before
//     them the same way (Thai and Lao AM, halfwidth kana sound marks, emoji
//     skin-tone modifiers). One with no base (at the start, or after an
//     escape) would draw on the neighbouring cell, and marks past the fourth
//     are "zalgo" text meant to smear the rows around; both are escaped.
//   - The few Prepend letters (U+0D4E, U+111C2…) that would fuse with
//     whatever is printed after the string are escaped.
//
// Everything else is kept: letters, digits, punctuation, symbols, spaces,
// wide CJK characters and emoji (measured by ansi.StringWidth like the rest
// of the UI). The result holds no character the terminal executes, every
// grapheme cluster in it is at least one cell wide, none of them fuses with
// the text printed before or after it, and sanitising it again changes
// nothing. The tests check all of this for each code point of the BMP and
// plane 1 (sampling the big uniform blocks and the other planes), and under
// a fuzzer.
//
// A backslash is not escaped: the output is for reading, not for parsing
// back, and doubling every backslash in a Windows path or a message would
// make it worse to read. So a literal `\x1b` in the input looks the same as
// an escaped ESC; both are harmless.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMarks is how many combining marks one base character may carry. Real
// scripts need at most three or four (Vietnamese, Thai, Tibetan stacks,
// pointed Hebrew); more than that is zalgo meant to smear the rows above
// and below.
const maxMarks = 4

// String returns s as one terminal-safe line; see the package doc for what
// is escaped. Printable ASCII, the common case for IDs, comes back as the
// same string without allocating.
func String(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])

	// base: the last thing written is a kept character marks may attach to.
	// marks: marks kept on it. selector: a variation selector may follow.
	base, marks, selector := i > 0, 0, i > 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			base, marks, selector = true, 0, true
			i++
			continue
		}
		if c < utf8.RuneSelf {
			writeControl(&b, c)
			base = false
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			writeByteEscape(&b, c)
			base = false
			i++
			continue
		}
		i += size
		switch classify(r) {
		case keep:
			b.WriteString(s[i-size : i])
			base, marks, selector = true, 0, true
			continue
		case mark:
			if base && marks < maxMarks {
				b.WriteString(s[i-size : i])
				marks++
				selector = false
				continue
			}
		case variation:
			if base && selector {
				b.WriteString(s[i-size : i])
				selector = false
				continue
			}
		}
		writeRuneEscape(&b, r)
		base = false
	}
	return b.String()
}

type class int

const (
	escape    class = iota // never printed as is
	keep                   // a base character
	mark                   // a combining mark: needs a base, capped
	variation              // a variation selector: right after a base, once
)

func classify(r rune) class {
	switch {
	case r < 0xa0:
		return escape // C1 controls
	case r == 0xfe0e || r == 0xfe0f:
		return escape
	case r >= 0xfe00 && r <= 0xfe0d, r >= 0xe0100 && r <= 0xe01ef,
		r >= 0x180b && r <= 0x180d, r == 0x180f:
		return variation
	case unicode.Is(fillers, r), unicode.Is(prepend, r):
		return escape
	case unicode.IsMark(r), unicode.Is(extenders, r):
		return mark
	case unicode.IsGraphic(r):
		return keep
	}
	// Cc, Cf, Co, Zl, Zp and unassigned code points.
	return escape
}

// fillers are the default-ignorable code points Unicode files as marks or
// letters: invisible, yet not format characters.
var fillers = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x034f, Hi: 0x034f, Stride: 1},
	{Lo: 0x115f, Hi: 0x1160, Stride: 1},
	{Lo: 0x17b4, Hi: 0x17b5, Stride: 1},
	{Lo: 0x3164, Hi: 0x3164, Stride: 1},
	{Lo: 0xffa0, Hi: 0xffa0, Stride: 1},
}}

// extenders are the letters and symbols that, like marks, always join the
// character before them (Grapheme_Cluster_Break Extend or SpacingMark):
// Thai and Lao AM, the halfwidth kana sound marks and the emoji skin-tone
// modifiers. Alone they would fuse with the table border.
var extenders = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x0e33, Hi: 0x0eb3, Stride: 0x80},
		{Lo: 0xff9e, Hi: 0xff9f, Stride: 1},
	},
	R32: []unicode.Range32{{Lo: 0x1f3fb, Hi: 0x1f3ff, Stride: 1}},
}

// prepend are the letters with Grapheme_Cluster_Break=Prepend: they join
// the character after them into one cluster, which would be the table
// border or the next column. (The Prepend format characters are Cf.)
var prepend = &unicode.RangeTable{
	R16: []unicode.Range16{{Lo: 0x0d4e, Hi: 0x0d4e, Stride: 1}},
	R32: []unicode.Range32{
		{Lo: 0x111c2, Hi: 0x111c3, Stride: 1},
		{Lo: 0x1193f, Hi: 0x11941, Stride: 2},
		{Lo: 0x11a3a, Hi: 0x11a3a, Stride: 1},
		{Lo: 0x11a84, Hi: 0x11a89, Stride: 1},
		{Lo: 0x11d46, Hi: 0x11d46, Stride: 1},
		{Lo: 0x11f02, Hi: 0x11f02, Stride: 1},
	},
}

const hexDigits = "0123456789abcdef"

func writeControl(b *strings.Builder, c byte) {
	switch c {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		writeByteEscape(b, c)
	}
}

func writeByteEscape(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

func writeRuneEscape(b *strings.Builder, r rune) {
	digits := 4
	if r > 0xffff {
		b.WriteString(`\U`)
		digits = 8
	} else {
		b.WriteString(`\u`)
	}
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}

// Escaped reports whether String escapes r wherever it stands: controls,
// format and other invisible characters, emoji presentation selectors,
// private-use and unassigned runes. A writer that must keep the exact data
// (snapshot's JSON, which escapes them as \uXXXX) uses it so that one list
// of dangerous runes serves the whole program.
func Escaped(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f
	}
	return classify(r) == escape
}

// Clip cuts s to at most max bytes on a rune boundary, marking the cut
// with "…", so a one-line error or log value stays short whatever was
// pasted or panicked. It does not make s safe to print; String does.
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max] + "…"
}
