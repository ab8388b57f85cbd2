package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// wrapKind says where a value may be broken across lines.
type wrapKind int

const (
	// prose breaks between words (messages, hints).
	prose wrapKind = iota
	// name breaks after '/', '_', '.' or '-' when it can (file names, folders).
	name
	// id is never broken: it goes on a line of its own when it does not fit
	// beside its label (RequestIds, TaskIds are what support quotes).
	id
)

// doc builds a pane twice: styled lines wrapped to the pane's width for the
// screen, and the same text unstyled and unwrapped (one line per field) for
// the clipboard, so `y` in the describe view copies exactly what is shown
// and a pasted RequestId or file name is whole.
// Every value handed to it must already be sanitised.
type doc struct {
	w      int // cells per screen line
	indent int // cells before a label
	labelW int // label column width
	lines  []string
	plain  []string
}

// raw adds one screen line and its plain twin.
func (d *doc) raw(screen, plain string) {
	d.lines = append(d.lines, screen)
	d.plain = append(d.plain, plain)
}

func (d *doc) blank() { d.raw("", "") }

// title is a section heading, cut only if the pane is narrower than it.
func (d *doc) title(sgr, s string) {
	d.raw(styled(sgr, cut(s, d.w)), s)
}

// text is a paragraph at the current indent, wrapped as kind says, with a
// hanging indent of two cells.
func (d *doc) text(sgr, s string, kind wrapKind) {
	d.hang(d.indent, d.indent+2, sgr, s, kind)
	d.plain = append(d.plain, spaces(d.indent)+s)
}

// field writes "label  value" with the value wrapped under itself (a
// hanging indent at the value column). An id too wide for the value column
// moves to its own line rather than being cut or broken.
func (d *doc) field(labelSGR, label, sgr, value string, kind wrapKind) {
	pad := spaces(d.indent)
	d.plain = append(d.plain, pad+label+spaces(d.labelW-cells(label))+" "+value)
	vx := d.indent + d.labelW + 1 // value column
	vw := d.w - vx
	switch {
	case kind == id && cells(value) > vw, vw < 12:
		if label != "" {
			d.lines = append(d.lines, pad+styled(labelSGR, cut(label, d.w-d.indent)))
		}
		x := d.indent + 2
		if vw := cells(value); kind == id && vw > d.w-x && vw <= d.w {
			x = d.w - vw // whole, even if it must start left of the indent
		}
		d.hang(x, x+2, sgr, value, kind)
	default:
		for i, p := range wrapAs(value, vw, vw, kind) {
			head := spaces(vx)
			if i == 0 {
				head = pad + styled(labelSGR, fit(label, d.labelW)) + " "
			}
			d.lines = append(d.lines, head+styled(sgr, p))
		}
	}
}

// idField writes "prefix id" as one value when it fits the value column,
// else the prefix and then the id on a line of its own: an id is never
// broken.
func (d *doc) idField(labelSGR, label, prefix, value string) {
	if cells(prefix)+1+cells(value) <= d.w-d.indent-d.labelW-1 {
		d.field(labelSGR, label, "", prefix+" "+value, id)
		return
	}
	d.field(labelSGR, label, "", prefix, prose)
	d.plain = d.plain[:len(d.plain)-1]
	d.field(labelSGR, "", "", value, id)
	d.plain[len(d.plain)-1] = spaces(d.indent) + label + spaces(d.labelW-cells(label)) + " " + prefix + " " + value
}

// hang writes screen lines of s from column first, continuing at column rest.
func (d *doc) hang(first, rest int, sgr, s string, kind wrapKind) {
	if kind == id {
		rest = first
	}
	for i, p := range wrapAs(s, max(d.w-first, 1), max(d.w-rest, 1), kind) {
		x := rest
		if i == 0 {
			x = first
		}
		d.lines = append(d.lines, spaces(x)+styled(sgr, p))
	}
}

// copyText is the plain form, what `y` puts on the clipboard.
func (d *doc) copyText() string {
	var b strings.Builder
	for _, p := range d.plain {
		b.WriteString(strings.TrimRight(p, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// cells is a string's width: its length for printable ASCII (spaces
// included; most of a describe view), ansi.StringWidth otherwise.
func cells(s string) int {
	if plainASCII(s) {
		return len(s)
	}
	return ansi.StringWidth(s)
}

// wrapAs breaks s into a first line of w1 cells and further lines of w2.
func wrapAs(s string, w1, w2 int, kind wrapKind) []string {
	if w1 <= 0 || w2 <= 0 || cells(s) <= w1 {
		return []string{s}
	}
	if kind == prose {
		first := wrap(s, w1)
		if w1 == w2 {
			return first
		}
		if rest, ok := strings.CutPrefix(s, first[0]); ok {
			return append(first[:1:1], wrap(strings.TrimLeft(rest, " "), w2)...)
		}
		return wrap(s, min(w1, w2))
	}
	var out []string
	w := w1
	for s != "" && cells(s) > w {
		var head string
		head, s = breakName(s, w)
		out = append(out, head)
		w = w2
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// breakName splits a name where a reader expects it, looking back from w
// cells but keeping at least half the line: before a "__" (the recording
// names' field separator), else after '/', else after '_', '.' or '-'
// (never between the two underscores of "__"); failing all, at w cells.
func breakName(s string, w int) (string, string) {
	if !plainASCII(s) {
		head := ansi.Truncate(s, w, "")
		if head == "" || !strings.HasPrefix(s, head) {
			// A wide character in a one-cell line: let it stick out
			// rather than loop for ever.
			_, n := utf8.DecodeRuneInString(s)
			head = s[:n]
		}
		return head, s[len(head):]
	}
	lo := max(w/2, 1)
	if i := strings.LastIndex(s[:w+1], "__"); i >= lo {
		return s[:i], s[i:]
	}
	if i := strings.LastIndexByte(s[:w], '/'); i+1 >= lo {
		return s[:i+1], s[i+1:]
	}
	for i := w - 1; i+1 >= lo; i-- {
		if strings.IndexByte("_.-", s[i]) >= 0 && !(s[i] == '_' && i+1 < len(s) && s[i+1] == '_') {
			return s[:i+1], s[i+1:]
		}
	}
	return s[:w], s[w:]
}
