package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// Below this the dashboard shows only a plain message.
const (
	minWidth  = 40
	minHeight = 8
	// sideBySide is the width from which the detail pane sits beside the list.
	sideBySide = 120
)

// layout is where each part goes for the current size and state. It is
// computed, not stored, so View and the mouse handler always agree.
type layout struct {
	tooSmall bool
	banners  []banner
	bodyY    int
	bodyH    int
	side     bool
	listW    int // list width (full width when stacked)
	listY    int // first task row on screen
	listH    int // task rows
	detX     int
	detY     int
	detW     int
	detH     int
	prompt   bool
	flash    bool
}

type banner struct {
	text string
	err  bool
}

func (m *Model) layout() layout {
	var l layout
	if m.w < minWidth || m.h < minHeight {
		l.tooSmall = true
		return l
	}
	fixed := 2 + 1 // header, hint bar
	l.prompt = m.inputFocused() || m.mode == modeConfirm
	if l.prompt {
		fixed++
	}
	l.flash = m.flash.text != ""
	if l.flash {
		fixed++
	}
	l.banners = m.banners()
	if maxB := max(0, m.h-fixed-4); len(l.banners) > maxB {
		l.banners = l.banners[:maxB]
	}
	l.bodyY = 2 + len(l.banners)
	l.bodyH = m.h - fixed - len(l.banners)
	if m.w >= sideBySide {
		l.side = true
		l.detW = min(max(m.w*2/5, 48), 80)
		l.listW = m.w - l.detW - 1
		l.listY, l.listH = l.bodyY+1, l.bodyH-1
		l.detX, l.detY, l.detH = l.listW+1, l.bodyY, l.bodyH
		return l
	}
	l.listW, l.detW = m.w, m.w
	block := l.bodyH * 3 / 5
	if m.mode == modeDetail {
		block = l.bodyH * 2 / 5
	}
	// Rows the list cannot fill go to the detail pane.
	block = max(min(block, len(m.visible)+1), 3)
	l.listY, l.listH = l.bodyY+1, block-1
	l.detY = l.bodyY + block + 1 // one line for the divider
	l.detH = max(l.bodyH-block-1, 0)
	return l
}

// View draws the screen. It reads the model and its caches only; the clock
// is m.now, set by Update.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = m.title()
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (m *Model) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	l := m.layout()
	if l.tooSmall {
		return m.tooSmall()
	}
	lines := make([]string, 0, m.h)
	lines = append(lines, m.headerLines()...)
	for _, b := range l.banners {
		sgr := m.st.bannerW
		if b.err {
			sgr = m.st.bannerE
		}
		lines = append(lines, sgr+fit(" "+b.text, m.w)+sgrReset)
	}
	lines = m.appendBody(lines, l)
	if l.prompt {
		lines = append(lines, m.promptLine())
	}
	if l.flash {
		sgr := [...]string{m.st.flashI, m.st.flashW, m.st.flashE}[m.flash.kind]
		lines = append(lines, styled(sgr, cut(m.flash.text, m.w)))
	}
	lines = append(lines, m.hintLine())
	return strings.Join(lines, "\n")
}

func (m *Model) appendBody(lines []string, l layout) []string {
	if m.showHelp {
		help := m.helpLines()
		for i := 0; i < l.bodyH; i++ {
			if i < len(help) {
				lines = append(lines, help[i])
			} else {
				lines = append(lines, "")
			}
		}
		return lines
	}
	if m.mode == modeDescribe {
		return m.appendDescribe(lines, l)
	}
	list := m.listLines(l)
	det := m.detailWindow(l)
	if l.side {
		sep := m.st.dim + "│" + sgrReset
		for i := 0; i < l.bodyH; i++ {
			var b strings.Builder
			if i < len(list) {
				b.WriteString(list[i])
			} else {
				b.WriteString(spaces(l.listW))
			}
			b.WriteString(sep)
			if i < len(det) {
				b.WriteString(det[i])
			}
			lines = append(lines, b.String())
		}
		return lines
	}
	lines = append(lines, list...)
	for i := len(list); i < l.listH+1; i++ {
		lines = append(lines, "")
	}
	lines = append(lines, m.divider())
	for i := 0; i < l.detH; i++ {
		if i < len(det) {
			lines = append(lines, det[i])
		} else {
			lines = append(lines, "")
		}
	}
	return lines
}

// divider separates list and detail in the stacked layout.
func (m *Model) divider() string {
	label := "─ details "
	if m.mode == modeDetail {
		label = "─ details (j/k scroll, enter describe, esc back) "
	}
	label = cut(label, m.w)
	return m.st.dim + label + strings.Repeat("─", max(0, m.w-ansiWidth(label))) + sgrReset
}

func (m *Model) tooSmall() string {
	msg := []string{"terminal too small", itoa(m.w) + "x" + itoa(m.h) + ", need " + itoa(minWidth) + "x" + itoa(minHeight), "q quits"}
	out := make([]string, 0, len(msg))
	for i, s := range msg {
		if i >= m.h {
			break
		}
		out = append(out, cut(s, m.w))
	}
	return strings.Join(out, "\n")
}

// banners are the problems that must stay on screen while they last:
// the API's health, then the entries an add refused.
func (m *Model) banners() []banner {
	var bs []banner
	st := m.stats
	detail := clean(st.HealthDetail)
	switch st.Health {
	case watch.HealthDown:
		if detail == "" {
			detail = "no answer from " + clean(m.opts.Endpoint)
		}
		bs = append(bs, banner{"API DOWN: " + detail + " | showing last known data, dimmed | retrying by itself", true})
	case watch.HealthAuth:
		if detail == "" {
			detail = "credentials rejected"
		}
		bs = append(bs, banner{"AUTH FAILED: " + detail + " | fix the SecretId/SecretKey (env, --profile or role) and restart | polling slowed to a probe", true})
	case watch.HealthDegraded:
		text := "API errors"
		if e := st.LastError; e != nil {
			text += ": " + clean(e.Code) + ": " + clean(e.Message)
			if e.RequestID != "" {
				text += " (RequestId " + clean(e.RequestID) + ", " + ago(m.now, e.At) + ")"
			}
		} else if detail != "" {
			text += ": " + detail
		}
		bs = append(bs, banner{text + " | retrying", false})
	}
	for i, r := range m.rejected {
		if i == maxRejectedShown {
			bs = append(bs, banner{"… and " + itoa(len(m.rejected)-i) + " more rejected (esc hides)", false})
			break
		}
		bs = append(bs, banner{r, false})
	}
	return bs
}

// promptLine is the focused input or the removal question.
func (m *Model) promptLine() string {
	if m.mode == modeConfirm {
		q := "remove " + clean(m.confirmRef.String()) + " from the watch list? "
		ans := "y = remove, n/esc = keep"
		idW := max(8, m.w-ansiWidth(ans)-1)
		return m.st.warn + cut(q, idW) + sgrReset + " " + cut(ans, m.w-min(ansiWidth(q), idW)-1)
	}
	return cut(m.input.View(), m.w)
}

// hintLine is the one-line key hint, cached per width, context and palette.
func (m *Model) hintLine() string {
	var b bindings
	kind := 0
	switch {
	case m.inputFocused():
		b, kind = m.keys.inputKeys(), 1
	case m.mode == modeConfirm:
		b, kind = m.keys.confirmKeys(), 2
	case m.mode == modeDetail:
		b, kind = m.keys.detailKeys(), 3
	case m.mode == modeDescribe:
		b, kind = m.keys.describeKeys(), 4
	default:
		b = m.keys.ShortHelp()
	}
	key := [3]int{m.w, kind, boolInt(m.dark)}
	if m.hint.key != key || m.hint.s == "" {
		m.hint.key, m.hint.s = key, cut(m.help.ShortHelpView(b), m.w)
	}
	return m.hint.s
}

// helpLines is the `?` screen; columns are stacked when they do not fit.
func (m *Model) helpLines() []string {
	groups := m.keys.FullHelp()
	full := m.help.FullHelpView(groups)
	var lines []string
	if maxLineWidth(full) > m.w {
		for _, g := range groups {
			lines = append(lines, strings.Split(m.help.FullHelpView([][]key.Binding{g}), "\n")...)
			lines = append(lines, "")
		}
	} else {
		lines = strings.Split(full, "\n")
	}
	out := make([]string, 0, len(lines)+2)
	out = append(out, styled(m.st.title, cut("Keys (esc or ? closes)", m.w)), "")
	for _, s := range lines {
		out = append(out, cut(s, m.w))
	}
	return out
}

func maxLineWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, ansiWidth(l))
	}
	return w
}
