package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Below this the dashboard shows only a plain message.
const (
	minWidth  = 40
	minHeight = 8
	// sideBySide is the narrowest screen on which the detail pane may sit
	// beside the list; it does only when the list keeps every column whole
	// beside it (see sideFits), since the list is what an engineer reads.
	sideBySide = 120
	// minBordered is the body height from which the panes get borders.
	minBordered = 6
	// maxBannerLines bounds how many lines one banner may wrap to; an
	// error banner (what to fix) may take more.
	maxBannerLines    = 3
	maxErrBannerLines = 5
)

// layout is where each part goes for the current size and state. It is
// computed, not stored, so View and the mouse handler always agree.
// listW/listH/listY and detX/detY/detW/detH are the panes' insides: task
// rows (below the column header) and detail text.
type layout struct {
	tooSmall bool
	banners  []string // banner lines, styled and padded
	bodyY    int
	bodyH    int
	side     bool
	border   bool
	listW    int // list content width
	listY    int // first task row on screen
	listH    int // task rows
	listOutH int // the list pane's height, border included
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
	l.prompt = m.inputFocused() || m.focus.top() == focusConfirm
	if l.prompt {
		fixed++
	}
	l.flash = m.flash.text != ""
	if l.flash {
		fixed++
	}
	n := max(0, m.h-fixed-4)
	if m.stats.Unsaved != "" {
		n = max(n, 1) // edits that would be lost keep a line at any size
	}
	l.banners = m.bannerLines(n)
	l.bodyY = 2 + len(l.banners)
	l.bodyH = m.h - fixed - len(l.banners)
	l.border = l.bodyH >= minBordered
	if !l.border {
		// Too short for panes: the list alone, no detail.
		l.listW, l.listY, l.listH = m.w, l.bodyY+1, l.bodyH-1
		return l
	}
	const in = 1 // a border's thickness
	if detOut := min(max(m.w*2/5, 48), 62) + 2*in; m.w >= sideBySide && m.sideFits(m.w-detOut-2*in) {
		l.side = true
		listOut := m.w - detOut
		l.listW = listOut - 2*in
		l.listOutH = l.bodyH
		l.listY, l.listH = l.bodyY+in+1, l.bodyH-2*in-1
		l.detX, l.detY = listOut+in, l.bodyY+in
		l.detW, l.detH = detOut-2*in, l.bodyH-2*in
		return l
	}
	l.listW, l.detW = m.w-2*in, m.w-2*in
	block := l.bodyH * 3 / 5
	if m.detailFocused() {
		block = l.bodyH * 2 / 5
	}
	// Rows the list cannot fill go to the detail pane.
	block = max(min(block, len(m.visible)+1+2*in), 2+2*in)
	if l.bodyH-block < 1+2*in { // no room for a detail pane
		block = l.bodyH
	}
	l.listOutH = block
	l.listY, l.listH = l.bodyY+in+1, block-2*in-1
	l.detX, l.detY = in, l.bodyY+block+in
	l.detH = max(l.bodyH-block-2*in, 0)
	return l
}

// typicalCodeW is a failure cell for a code as long as the API's usual
// ones ("InternalError.CRInternalError") with its age.
const typicalCodeW = 30 + 1 + ageW

// sideFits reports whether a list pane w cells wide shows every column of
// the visible rows whole: each TaskId, note and error code in full, the
// ages and the file count. Below that the detail pane goes under the list,
// so width goes to what is quoted rather than to a second pane.
func (m *Model) sideFits(w int) bool {
	wt := m.wants()
	// Room for a typical failure is kept even while none shows, so the
	// panes do not jump about as calls fail and recover.
	full := cols{id: wt.id, note: wt.note, code: max(min(wt.code, codeMaxW)+1+ageW, typicalCodeW), files: filesW, ages: true}
	if wt.showApp {
		full.app = appW
	}
	return w >= full.used()+1
}

// View draws the screen. It reads the model and its caches only; the clock
// is m.clock.Now, set by Update. After a message that changed nothing on
// screen it hands back the frame already drawn (repaint.go).
func (m *Model) View() tea.View {
	if !m.reuse || !m.frame.current(m.clock.Now) {
		m.draw()
	}
	return m.frame.view
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
	lines = append(lines, l.banners...)
	lines = m.appendBody(lines, l)
	if l.prompt {
		lines = append(lines, m.promptLine())
	}
	if l.flash {
		sgr := [...]string{m.st.FlashInfo, m.st.FlashWarn, m.st.FlashErr}[m.flash.kind]
		lines = append(lines, common.Styled(sgr, common.Cut(m.flash.text, m.w)))
	}
	lines = append(lines, m.hintLine())
	return strings.Join(lines, "\n")
}

func (m *Model) appendBody(lines []string, l layout) []string {
	if _, open := m.boxKind(); open {
		return append(lines, m.boxLines(l)...)
	}
	if m.focus.has(focusEvents) {
		return m.appendPart(lines, m.evp, l)
	}
	if m.focus.has(focusDescribe) {
		return m.appendPart(lines, m.desc, l)
	}
	list := m.listLines(l.listW, l.listH)
	det := m.detailWindow(l)
	detFocus := m.detailFocused()
	listFocus := !detFocus
	if !l.border {
		return common.AppendPadded(lines, list, l.bodyH)
	}
	if l.side {
		lp := m.st.Pane(m.listTitle(), listFocus, l.listW, l.bodyH, list, true)
		dp := m.st.Pane(m.detailTitle(), detFocus, l.detW, l.bodyH, m.padded(det, l.detW), true)
		for i := range lp {
			lines = append(lines, lp[i]+dp[i])
		}
		return lines
	}
	lines = append(lines, m.st.Pane(m.listTitle(), listFocus, l.listW, l.listOutH, list, true)...)
	if l.detH > 0 {
		lines = append(lines, m.st.Pane(m.detailTitle(), detFocus, l.detW, l.detH+2, m.padded(det, l.detW), true)...)
	}
	return lines
}

// listTitle names the list pane and where the cursor is in it: "Tasks 12/47".
func (m *Model) listTitle() string {
	if len(m.visible) == 0 {
		return "Tasks 0/0"
	}
	return "Tasks " + common.Itoa(m.cursor+1) + "/" + common.Itoa(len(m.visible))
}

func (m *Model) detailTitle() string {
	if m.detailFocused() {
		return "Details (j/k scroll, enter describe, esc back)"
	}
	return "Details"
}

// padCache keeps the detail window padded to the pane's width: the
// detail lines are styled, and measuring them is the costliest part of a
// frame otherwise. It holds the source slice, so its address identifies it.
type padCache struct {
	src []string
	w   int
	out []string
}

// padded returns body with every line padded to w cells.
func (m *Model) padded(body []string, w int) []string {
	c := &m.det.pads
	if len(body) > 0 && len(c.src) == len(body) && &c.src[0] == &body[0] && c.w == w {
		return c.out
	}
	out := make([]string, len(body))
	for i, s := range body {
		out[i] = s + common.Spaces(w-common.Width(s))
	}
	*c = padCache{src: body, w: w, out: out}
	return out
}

func (m *Model) tooSmall() string {
	msg := []string{"terminal too small", common.Itoa(m.w) + "x" + common.Itoa(m.h) + ", need " + common.Itoa(minWidth) + "x" + common.Itoa(minHeight), "q quits"}
	if m.stats.Unsaved != "" {
		msg = append([]string{"WATCH LIST NOT SAVED"}, msg...)
	}
	out := make([]string, 0, len(msg))
	for i, s := range msg {
		if i >= m.h {
			break
		}
		out = append(out, common.Cut(s, m.w))
	}
	return strings.Join(out, "\n")
}

// bannerLines are the banners wrapped to the width (each at most
// maxBannerLines, and at most n in all), styled and padded: a banner is
// never cut at the edge of the terminal.
func (m *Model) bannerLines(n int) []string {
	var out []string
	for _, b := range m.banners() {
		sgr, most := m.st.BannerWarn, maxBannerLines
		if b.err {
			sgr, most = m.st.BannerErr, maxErrBannerLines
		}
		ls := common.Wrap(b.text, m.w-2)
		if len(ls) > most {
			ls = ls[:most]
			ls[most-1] = common.Cut(ls[most-1]+" …", m.w-2)
		}
		for _, s := range ls {
			if len(out) == n {
				return out
			}
			out = append(out, sgr+" "+common.Fit(s, m.w-1)+common.SGRReset)
		}
	}
	return out
}

// banners are the problems that must stay on screen while they last:
// edits the watch list could not save (first: they are lost on quit),
// then the API's health.
func (m *Model) banners() []banner {
	var bs []banner
	st := m.stats
	if st.Unsaved != "" {
		bs = append(bs, banner{common.Clean(st.Unsaved), true})
	}
	detail := common.Clean(st.HealthDetail)
	switch st.Health {
	case watch.HealthDown:
		if detail == "" {
			detail = "no answer from " + common.Clean(m.opts.Endpoint)
		}
		text := "API DOWN: " + detail
		if !st.DownSince.IsZero() {
			text = "API DOWN: no answer since " + m.clock.Text(st.DownSince) + " (" + detail + ")"
		}
		if e := st.LastError; e != nil && e.Message != "" {
			// The cause, e.g. "no such host" for a mistyped endpoint.
			text += " | cause: " + common.Clean(e.Message)
		}
		bs = append(bs, banner{text + " | last known data kept on each row", true})
	case watch.HealthAuth:
		if detail == "" {
			detail = "credentials rejected"
		}
		bs = append(bs, banner{"AUTH FAILED: " + detail + " | " + m.credentialHint(), true})
	case watch.HealthDegraded:
		text := "API errors"
		if e := st.LastError; e != nil {
			// Code and RequestId only: the failing row carries the badge
			// and its detail pane the message, so the banner stays short
			// and the id is never cut.
			code := common.Clean(e.Code)
			if code == "" {
				code = common.Clean(e.Message)
			}
			text += ": " + code
			if e.RequestID != "" {
				text += " (RequestId " + common.Clean(e.RequestID) + ", " + m.clock.Ago(e.At) + ")"
			}
		} else if detail != "" {
			text += ": " + detail
		}
		bs = append(bs, banner{text + " | retrying", false})
	}
	return append(bs, m.hookBanners()...)
}

// credentialHint says where the credentials in use came from and which
// switches exist to change them; it names sources and flags, never values.
func (m *Model) credentialHint() string {
	src := common.Clean(m.opts.CredentialSource)
	if src == "" {
		src = "unknown"
	}
	return "credentials from " + src + "; fix them there, or set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, " +
		"TENCENTCLOUD_CREDENTIALS_FILE, or run on CVM with --cvm-role; then restart"
}

// promptLine is the focused input or the removal question.
func (m *Model) promptLine() string {
	if m.focus.top() == focusConfirm && len(m.ask.refs) > 0 {
		return m.confirmManyLine()
	}
	if m.focus.top() == focusConfirm {
		q := "remove " + common.Clean(m.ask.ref.String()) + " from the watch list? "
		ans := "y removes; other keys keep"
		idW := max(8, m.w-common.Width(ans)-1)
		return m.st.Warn + common.Cut(q, idW) + common.SGRReset + " " + common.Cut(ans, m.w-min(common.Width(q), idW)-1)
	}
	if m.focus.top() == focusCmdline {
		return m.cmd.View()
	}
	return common.Cut(m.input.View(), m.w)
}
