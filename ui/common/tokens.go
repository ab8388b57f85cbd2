package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Text that is there to be selected by hand (the v box, the describe
// view's raw JSON) wraps between tokens, never inside one: a file name, a
// RequestId or a quoted string that fits a line is on one line whole. A
// token longer than a whole line cannot be; it breaks where its parts are
// still whole on their own (after a '/', so a file's folder and its base
// name each stay whole; after an '=', so a value leaves its key; at a
// space inside quotes), and at the width only when a part is still longer
// than the line.

// tokens splits s at spaces, keeping a double-quoted string (its spaces
// and escaped quotes included) in one token.
func tokens(s string) []string {
	var out []string
	start, quoted := -1, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' && !quoted:
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		case c == '\\' && quoted:
			i++ // an escaped character, a quote included
		case c == '"':
			quoted = !quoted
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// HangTokens lays s out in lines of w cells, indented: the first from
// column first, the rest from column rest, wrapped between tokens. A line
// that would not fit whole at its column starts further left, as far as
// it must: whole beats indented.
func HangTokens(s string, w, first, rest int) []string {
	if w < 1 {
		return []string{s}
	}
	var out []string
	var line strings.Builder
	lw, x := 0, first
	put := func(text string, tw int) {
		out = append(out, Spaces(max(min(x, w-tw), 0))+text)
		x = rest
	}
	flush := func() {
		if lw > 0 {
			put(line.String(), lw)
			line.Reset()
			lw = 0
		}
	}
	for _, tok := range tokens(s) {
		tw := Width(tok)
		if lw > 0 && lw+1+tw <= w-x {
			line.WriteByte(' ')
			line.WriteString(tok)
			lw += 1 + tw
			continue
		}
		flush()
		if tw > w {
			parts := splitToken(tok, w)
			for _, p := range parts[:len(parts)-1] {
				put(p, Width(p))
			}
			tok = parts[len(parts)-1]
			tw = Width(tok)
		}
		line.WriteString(tok)
		lw = tw
	}
	flush()
	if len(out) == 0 {
		out = append(out, Spaces(first))
	}
	return out
}

// splitToken cuts a token longer than w cells into parts of at most w:
// after the last '/' or '=', or before the last space, within the first w
// cells (a short key before its value is a part of its own); else at w.
func splitToken(tok string, w int) []string {
	var out []string
	for Width(tok) > w {
		var head string
		if plainASCII(tok) {
			cut := w
			for i := w - 1; i >= 1; i-- {
				if c := tok[i]; c == '/' || c == '=' {
					cut = i + 1
					break
				} else if c == ' ' {
					cut = i
					break
				}
			}
			head = tok[:cut]
		} else {
			head = ansi.Truncate(tok, w, "")
			if head == "" || !strings.HasPrefix(tok, head) {
				head = string([]rune(tok)[:1]) // a wide rune in a one-cell line
			}
		}
		out = append(out, head)
		tok = strings.TrimPrefix(tok[len(head):], " ")
	}
	return append(out, tok)
}
