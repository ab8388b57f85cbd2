package ui

import (
	"strings"

	"charm.land/bubbles/v2/viewport"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// minBoxBorder is the body height from which a box gets a border.
const minBoxBorder = 6

// box is a scrollable text box drawn in place of the list and detail
// panes. One at a time, the top of the focus stack (focusHelp,
// focusReport, focusCopied say which); esc closes it. The text scrolls
// in a bubbles viewport, which is given the lines already wrapped to its
// width.
type box struct {
	title string
	text  []string // report and copied text: logical lines, wrapped when laid out
	vp    viewport.Model
	key   [5]int // what the laid-out content depends on (not the height)
	gen   int    // bumped when the text changes
}

// openBox shows a box from its top, in place of the box open, if any.
func (m *Model) openBox(kind focus, title string, text []string) {
	m.closeBox()
	m.focus.push(kind)
	m.box = box{title: title, text: text, vp: viewport.New(), gen: m.box.gen}
	m.box.vp.MouseWheelEnabled = false // the model routes the wheel itself
}

// closeBox closes the box open, if any.
func (m *Model) closeBox() {
	if m.focus.top().box() {
		m.focus.pop()
	}
	m.box = box{gen: m.box.gen + 1}
}

// boxKind is the box open (focusHelp, focusReport or focusCopied), and
// false when none is.
func (m *Model) boxKind() (focus, bool) {
	top := m.focus.top()
	return top, top.box()
}

// boxGeom is the box's frame for the body: bordered or a title line, and
// the text's width and height inside. The copied text has no side
// borders, so a hand selection picks up nothing but the text.
func (m *Model) boxGeom(bodyH int) (bordered, sides bool, w, h int) {
	bordered = bodyH >= minBoxBorder
	sides = bordered && m.focus.top() != focusCopied
	w = m.w
	if sides {
		w = m.w - 4 // border and one space each side
	}
	h = bodyH - 1
	if bordered {
		h = bodyH - 2
	}
	return bordered, sides, max(w, 1), max(h, 1)
}

// syncBox lays the text out for the current width and palette, keeping
// the scroll position (clamped) across a resize; a new height alone only
// moves the bottom edge.
func (m *Model) syncBox(l layout) {
	kind, open := m.boxKind()
	if !open || l.tooSmall {
		return
	}
	_, _, w, h := m.boxGeom(l.bodyH)
	vp := &m.box.vp
	k := [5]int{w, boolInt(m.st.Dark), int(kind), m.box.gen, int(m.clock.Zone)}
	if m.box.key == k {
		if vp.Height() != h {
			vp.SetHeight(h)
			vp.SetYOffset(vp.YOffset()) // clamped to the new bottom
		}
		return
	}
	m.box.key = k
	var content []string
	if kind == focusHelp {
		content = m.helpContent(w)
	} else {
		for _, s := range m.box.text {
			content = append(content, wrapIndented(s, w)...)
		}
	}
	vp.SetWidth(w)
	vp.SetHeight(h)
	vp.SetContentLines(content)
}

// wrapIndented wraps s to w cells between tokens (common.HangTokens), continuing
// under its own indent: the box is there to select text by hand, so a file
// name or a RequestId that fits a line is never broken.
func wrapIndented(s string, w int) []string {
	body := strings.TrimLeft(s, " ")
	n := len(s) - len(body)
	if n >= w/2 {
		n = 0
	}
	if body == "" {
		return []string{""}
	}
	return common.HangTokens(body, w, n, n)
}

// boxLines draws the box in exactly bodyH lines of m.w cells.
func (m *Model) boxLines(l layout) []string {
	m.syncBox(l)
	bordered, sides, w, h := m.boxGeom(l.bodyH)
	vp := &m.box.vp
	body := strings.Split(vp.View(), "\n")
	total := vp.TotalLineCount()
	first := vp.YOffset() + 1
	last := min(vp.YOffset()+h, total)
	pos := common.Itoa(first) + "-" + common.Itoa(last) + "/" + common.Itoa(total)
	if total == 0 {
		pos = "empty"
	}
	more := ""
	if last < total {
		more = "↓ " + common.Itoa(total-last) + " more"
	}
	out := make([]string, 0, l.bodyH)
	if !bordered {
		t := common.Cut(m.box.title, max(m.w-common.Width(pos)-3, 1))
		line := common.Styled(m.st.Title, t) + " " + common.Styled(m.st.Dim, pos)
		if more != "" && common.Width(t)+common.Width(pos)+common.Width(more)+4 <= m.w {
			line += "  " + common.Styled(m.st.Dim, more)
		}
		out = append(out, line)
		return common.AppendPadded(out, body, h)
	}
	bd := m.st.Borders
	dim := m.st.Dim
	edge := func(l, r, label, right string) string {
		inner := m.w - common.Width(l) - common.Width(r)
		rw := 0
		if right != "" {
			rw = common.Width(right) + 2
		}
		lab := ""
		if label != "" {
			lab = common.Cut(" "+label+" ", max(inner-1-rw, 0))
		}
		fill := max(inner-1-common.Width(lab)-rw, 0)
		var b strings.Builder
		b.WriteString(dim + l + bd.Top + common.SGRReset)
		b.WriteString(common.Styled(m.st.Title, lab))
		b.WriteString(dim + strings.Repeat(bd.Top, fill) + common.SGRReset)
		if rw > 0 && 1+common.Width(lab)+rw <= inner {
			b.WriteString(" " + common.Styled(dim, right) + " ")
		}
		b.WriteString(dim + r + common.SGRReset)
		return b.String()
	}
	if sides {
		out = append(out, edge(bd.TopLeft, bd.TopRight, m.box.title, pos))
		left, right := dim+bd.Left+common.SGRReset+" ", " "+dim+bd.Right+common.SGRReset
		for i := 0; i < h; i++ {
			s := ""
			if i < len(body) {
				s = body[i]
			}
			out = append(out, left+s+common.Spaces(w-common.Width(s))+right)
		}
		return append(out, edge(bd.BottomLeft, bd.BottomRight, "", more))
	}
	out = append(out, edge("", "", m.box.title, pos))
	out = common.AppendPadded(out, body, h)
	return append(out, edge("", "", "", more))
}
