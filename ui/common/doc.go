package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// WrapKind says where a value may be broken across lines.
type WrapKind int

const (
	// Prose breaks between words (messages, hints).
	Prose WrapKind = iota
	// Name breaks after '/', '_', '.' or '-' when it can (file names, folders).
	Name
	// ID is never broken: it goes on a line of its own when it does not fit
	// beside its label (RequestIds, TaskIds are what support quotes).
	ID
)

// Doc builds a pane twice: styled lines wrapped to the pane's width for the
// screen, and the same text unstyled and unwrapped (one line per field) for
// the clipboard, so `y` in the describe view copies exactly what is shown
// and a pasted RequestId or file name is whole.
// Every value handed to it must already be sanitised.
type Doc struct {
	W      int // cells per screen line
	Indent int // cells before a label
	LabelW int // label column width
	Lines  []string
	Plain  []string
}

// Raw adds one screen line and its plain twin.
func (d *Doc) Raw(screen, plain string) {
	d.Lines = append(d.Lines, screen)
	d.Plain = append(d.Plain, plain)
}

// Blank adds an empty line.
func (d *Doc) Blank() { d.Raw("", "") }

// Title is a section heading, cut only if the pane is narrower than it.
func (d *Doc) Title(sgr, s string) {
	d.Raw(Styled(sgr, Cut(s, d.W)), s)
}

// Text is a paragraph at the current indent, wrapped as kind says, with a
// hanging indent of two cells.
func (d *Doc) Text(sgr, s string, kind WrapKind) {
	d.Hang(d.Indent, d.Indent+2, sgr, s, kind)
	d.Plain = append(d.Plain, Spaces(d.Indent)+s)
}

// Field writes "label  value" with the value wrapped under itself (a
// hanging indent at the value column). An id too wide for the value column
// moves to its own line rather than being cut or broken.
func (d *Doc) Field(labelSGR, label, sgr, value string, kind WrapKind) {
	pad := Spaces(d.Indent)
	d.Plain = append(d.Plain, pad+label+Spaces(d.LabelW-Width(label))+" "+value)
	vx := d.Indent + d.LabelW + 1 // value column
	vw := d.W - vx
	switch {
	case kind == ID && Width(value) > vw, vw < 12:
		if label != "" {
			d.Lines = append(d.Lines, pad+Styled(labelSGR, Cut(label, d.W-d.Indent)))
		}
		x := d.Indent + 2
		if vw := Width(value); kind == ID && vw > d.W-x && vw <= d.W {
			x = d.W - vw // whole, even if it must start left of the indent
		}
		d.Hang(x, x+2, sgr, value, kind)
	default:
		for i, p := range WrapAs(value, vw, vw, kind) {
			head := Spaces(vx)
			if i == 0 {
				head = pad + Styled(labelSGR, Fit(label, d.LabelW)) + " "
			}
			d.Lines = append(d.Lines, head+Styled(sgr, p))
		}
	}
}

// IDField writes "prefix id" as one value when it fits the value column,
// else the prefix and then the id on a line of its own: an id is never
// broken.
func (d *Doc) IDField(labelSGR, label, prefix, value string) {
	if Width(prefix)+1+Width(value) <= d.W-d.Indent-d.LabelW-1 {
		d.Field(labelSGR, label, "", prefix+" "+value, ID)
		return
	}
	d.Field(labelSGR, label, "", prefix, Prose)
	d.Plain = d.Plain[:len(d.Plain)-1]
	d.Field(labelSGR, "", "", value, ID)
	d.Plain[len(d.Plain)-1] = Spaces(d.Indent) + label + Spaces(d.LabelW-Width(label)) + " " + prefix + " " + value
}

// Hang writes screen lines of s from column first, continuing at column rest.
func (d *Doc) Hang(first, rest int, sgr, s string, kind WrapKind) {
	if kind == ID {
		rest = first
	}
	for i, p := range WrapAs(s, max(d.W-first, 1), max(d.W-rest, 1), kind) {
		x := rest
		if i == 0 {
			x = first
		}
		d.Lines = append(d.Lines, Spaces(x)+Styled(sgr, p))
	}
}

// CopyText is the plain form, what `y` puts on the clipboard.
func (d *Doc) CopyText() string {
	var b strings.Builder
	for _, p := range d.Plain {
		b.WriteString(strings.TrimRight(p, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// WrapAs breaks s into a first line of w1 cells and further lines of w2.
func WrapAs(s string, w1, w2 int, kind WrapKind) []string {
	if w1 <= 0 || w2 <= 0 || Width(s) <= w1 {
		return []string{s}
	}
	if kind == Prose {
		first := Wrap(s, w1)
		if w1 == w2 {
			return first
		}
		if rest, ok := strings.CutPrefix(s, first[0]); ok {
			return append(first[:1:1], Wrap(strings.TrimLeft(rest, " "), w2)...)
		}
		return Wrap(s, min(w1, w2))
	}
	var out []string
	w := w1
	for s != "" && Width(s) > w {
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
