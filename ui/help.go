package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// helpEntry is one line of the `?` screen and of README's Keys table: the
// binding it documents, every key that triggers it and what it does.
type helpEntry struct {
	b    key.Binding
	keys string
	does string
}

type helpSection struct {
	title   string
	entries []helpEntry
}

// helpSections is the `?` screen's key list. README's Keys table is the
// same list (TestReadmeMatchesHelp), so the two never drift apart.
func (k KeyMap) helpSections() []helpSection {
	return []helpSection{
		{"Move (in the list; in details, help and boxes they scroll)", []helpEntry{
			{k.Up, "↑ k", "up"},
			{k.Down, "↓ j", "down"},
			{k.PageUp, "pgup ctrl+u", "page up"},
			{k.PageDown, "pgdn ctrl+d", "page down"},
			{k.Top, "g home", "top"},
			{k.Bottom, "G end", "bottom"},
		}},
		{"Tasks", []helpEntry{
			{k.Add, "a", "add tasks: type or paste many, separated by spaces, commas or newlines; the cursor goes to the first added, and a box lists every rejected entry and why"},
			{k.Remove, "d", "remove the selected task (or the marked ones): asks first, and only y removes (enter, esc or any other key keeps it)"},
			{k.Note, "n", "edit the selected task's note (a ticket number, say)"},
			{k.Refresh, "r", "refresh the selected task now"},
			{k.RefreshAll, "R", "refresh all tasks now"},
			{k.Pause, "p", "pause or resume polling (the hint bar says p resume while paused)"},
		}},
		{"Show", []helpEntry{
			{k.Focus, "enter tab", "details of the selected task: files, RequestIds, history (↑/↓ scroll, esc back)"},
			{k.Describe, "i", "describe the task (or enter in the details): every field of the last answer, the last error, every file name whole with its room, user, stream and failover, the whole history, the raw JSON; y copies it, esc goes back"},
			{k.Filter, "/", "filter by TaskId, note, state or room (room:1234) (esc clears)"},
			{k.Sort, "s", "sort: added; state, worst first (alerts, errors … ended last); last change; id"},
			{k.Problems, "f", "only problems, or all tasks again (the hint bar says f all tasks while filtered)"},
			{k.Events, "e", "events pane: every task's changes, errors, edits and callbacks, across restarts"},
			{k.EventsScope, "t", "in the events pane: the selected task's events only, or all tasks again"},
			{k.Zone, "z", "times in local time, UTC or UTC+8 (the console's zone); every time shows its zone"},
			{k.Back, "esc", "back: close a box or help, leave details, clear the filter; never quits"},
		}},
		{"Copy", []helpEntry{
			{k.Copy, "y", "copy the selected TaskId"},
			{k.CopyDetails, "Y", "copy the task's details for a ticket (times in ISO 8601 with their offset, history newest first)"},
			{k.ShowCopied, "v", "show the last copied text in a box, to select by hand when the clipboard did not take it"},
		}},
		{"Marks and bulk actions", []helpEntry{
			{k.Mark, "space", "mark or unmark the selected task; while tasks are marked, d r n y Y act on them"},
			{k.MarkAll, "*", "mark every task the list shows (after / and f)"},
			{k.ClearMarks, "u", "clear every mark"},
			{k.RemoveGone, "D", "remove every ended or not-found task (asks once; only y removes)"},
			{k.Export, "x", "export the marked (else the shown) tasks to a file, Markdown unless :export chose another; the message says where"},
			{k.Command, ":", "command line: sdkappid ID, region R, export FORMAT, alert RULE, events, q (tab completes, ↑/↓ history)"},
		}},
		{"Program", []helpEntry{
			{k.Help, "?", "this help (esc or ? closes)"},
			{k.Suspend, "ctrl+z", "suspend to the shell; fg resumes"},
			{k.Quit, "q ctrl+c", "quit (while typing, only ctrl+c)"},
		}},
	}
}

// legendItem is one line of the "Reading the screen" legend: a sample
// drawn as the screen draws it, and what it means.
type legendItem struct {
	name  string // the word or figure, as README names it
	sgr   string // how the screen colours it ("" for none)
	means string
	glyph string // drawn before name on screen (the state glyphs)
}

func li(name, sgr, means string) legendItem { return legendItem{name: name, sgr: sgr, means: means} }

// sample is the item as the screen draws it, unstyled.
func (it legendItem) sample() string {
	if it.glyph == "" {
		return it.name
	}
	return it.glyph + " " + it.name
}

type legendSection struct {
	title string
	items []legendItem
}

// legendSections is the `?` screen's legend and README's "Reading the
// screen" section. The states come from the look table (styles.go), the
// one the rows are drawn from: each sample in its row colour, its colour
// named for readers without colour (README, NO_COLOR), and what it means.
func (m *Model) legendSections() []legendSection {
	states := make([]legendItem, 0, len(watch.Phases))
	for _, p := range watch.Phases {
		states = append(states, legendItem{string(p), m.st.PhaseSGR(p), common.Legend(p), m.stateGlyph(p)})
	}
	return []legendSection{
		{"States (Idle, InProgress and Exited are the API's words; the rest are ours)", states},
		{"Rows", []legendItem{
			li(">", "", "the selected row (drawn reversed); a selected row in trouble keeps its !"),
			li("!", m.st.Bad, "a row in trouble: vanished, not found, its latest call failed, or an alert"),
			li("◆", m.st.Title, "a marked task (+ without Unicode); d, r, n, y and Y act on the marked tasks"),
			li(m.adoptedGlyph(), m.st.Title, "added because a callback named it (--adopt; @ in ASCII); / room:ID filters"),
			li("LAST ERROR", m.st.Bad, "a failed call: the row keeps the last API status; the code, whole, and its age in a solid badge (amber when throttled); when narrow, under NOTE / LAST ERROR"),
			li("faint age", m.st.Dim, "ANSWER is faint when a later call failed: the answer shown is stale"),
		}},
		{"Columns", []legendItem{
			li("STATE", "", "the state, as above"),
			li("TASK ID", "", "shortened in the middle when narrow; the details have it whole"),
			li("NOTE", "", "your note (n), e.g. the ticket number"),
			li("FOR", "", "how long the task has been in its state"),
			li("ANSWER", "", "how long ago the API last answered for the task"),
			li("FILES", "", "how many recording files the last answer listed"),
			li("SDKAPPID", "", "shown when the rows belong to more than one application"),
		}},
		{"Header", []legendItem{
			li("API ok", m.st.OK, "the latest calls answered (API: no calls yet before the first)"),
			li("degraded", m.st.Warn, "some calls failed in the last 10 s (throttled or network); the banner names the last code and RequestId"),
			li("DOWN", m.st.Bad, "every recent call failed to reach the API; rows keep their last known data"),
			li("AUTH FAILED", m.st.Bad, "the credentials were rejected; polling slows to one probe"),
			li("6.5/20 req/s", "", "calls per second over the last 5 s, against the quota of 20"),
			li("limit 12.0", "", "after RequestLimitExceeded trtcwatch slows itself to this rate (another tool may share the account's quota) and climbs back when quiet"),
			li("throttled n/1m", m.st.Dim, "RequestLimitExceeded answers in the last minute"),
			li("PAUSED", m.st.Paused, "polling is paused (p resumes)"),
			li("callbacks", "", "callbacks 12 ok · 3 refused (--callbacks); refused amber, insecure red"),
			li("3 marked", m.st.Title, "how many tasks are marked (u clears the marks)"),
			li("2 alerts", m.st.Bad, "tasks that meet an alert rule (--alert, :alert); f shows them"),
			li("Tasks 12/47", "", "the list's title: the cursor's row and how many rows are shown"),
		}},
		{"Banners and messages", []legendItem{
			li("red", m.st.BannerErr, "act now: the API is down or the credentials were rejected"),
			li("yellow", m.st.BannerWarn, "a warning: calls fail, or the watch list file has a problem"),
		}},
	}
}

// stateGlyph is the glyph the list draws before a state's word (ASCII
// when the terminal asks for it).
func (m *Model) stateGlyph(p watch.Phase) string { return m.st.Glyph(p) }

// twoColumnHelp is the text width from which keys and legend sit side by
// side, so the whole help fits a large terminal without scrolling.
const twoColumnHelp = 150

// helpContent is the whole `?` screen wrapped to w cells: keys, then the
// legend (side by side when wide). It is laid out again only when the
// width or the palette changes (see syncBox).
func (m *Model) helpContent(w int) []string {
	if w < twoColumnHelp {
		return append(append(m.hereLines(w), m.helpKeyLines(w)...), append([]string{""}, m.legendLines(w)...)...)
	}
	// Two even columns: the keys and the legend read on from the left
	// column to the right one, split where the columns come out most
	// even: at a section break, or between two entries of a section, whose
	// title the right column then repeats.
	lw := (w - 3) / 2
	all := append(append(m.hereLines(lw), m.helpKeyLines(lw)...), append([]string{""}, m.legendLines(lw)...)...)
	left, right := splitHelp(all)
	out := make([]string, max(len(left), len(right)))
	for i := range out {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = l + common.Spaces(lw-common.Width(l)) + "   " + r
	}
	return out
}

// hereLines open the help over the describe view or the events pane:
// their own keys first (their FullHelp), then a blank line; nothing over
// the list or the details, whose keys the key list is.
func (m *Model) hereLines(w int) []string {
	var name string
	var part help.KeyMap
	switch m.focus.under() {
	case focusDescribe:
		name, part = "the describe view", m.desc
	case focusEvents:
		name, part = "the events pane", m.evp
	default:
		return nil
	}
	var bs []key.Binding
	for _, g := range part.FullHelp() {
		bs = append(bs, g...)
	}
	kw := 0
	for _, b := range bs {
		kw = max(kw, common.Width(b.Help().Key))
	}
	kw = min(kw, max(w/3, 4))
	out := appendTitle(nil, m.st.Title, "Keys in "+name, w)
	for _, b := range bs {
		does := b.Help().Desc
		if note, _ := m.keyNote(b); note != "" {
			does += " (" + note + ")"
		}
		out = appendHanging(out, " ", common.Styled(m.st.ColHead, common.Fit(b.Help().Key, kw)), kw, does, w)
	}
	return append(out, "")
}

// helpKeyLines is the key list: every key of a binding and what it does.
func (m *Model) helpKeyLines(w int) []string {
	secs := m.keys.helpSections()
	kw := 0
	for _, s := range secs {
		for _, e := range s.entries {
			kw = max(kw, common.Width(e.keys))
		}
	}
	kw = min(kw, max(w/3, 4))
	out := []string{common.Styled(m.st.Title, common.Cut("Keys", w))}
	for i, s := range secs {
		if i > 0 {
			out = append(out, "")
		}
		out = appendTitle(out, m.st.Bold, s.title, w)
		for _, e := range s.entries {
			does := e.does
			switch note, off := m.keyNote(e.b); {
			case off: // what it would do, in a word, and why it does not
				does = e.b.Help().Desc + ": " + note
			case note != "":
				does += " (" + note + ")"
			}
			out = appendHanging(out, " ", common.Styled(m.st.ColHead, common.Fit(e.keys, kw)), kw, does, w)
		}
	}
	return out
}

// legendLines is "Reading the screen": each sample drawn as the screen
// draws it, and what it means.
func (m *Model) legendLines(w int) []string {
	out := []string{common.Styled(m.st.Title, common.Cut("Reading the screen", w))}
	legend := m.legendSections()
	sw := 0
	for _, s := range legend {
		for _, it := range s.items {
			sw = max(sw, common.Width(it.sample()))
		}
	}
	sw = min(sw, max(w/3, 4))
	for i, s := range legend {
		if i > 0 {
			out = append(out, "")
		}
		out = appendTitle(out, m.st.Bold, s.title, w)
		for _, it := range s.items {
			out = appendHanging(out, " ", common.Styled(it.sgr, common.Fit(it.sample(), sw)), sw, it.means, w)
		}
	}
	return out
}

// appendTitle writes a section title, wrapped rather than cut.
func appendTitle(out []string, sgr, title string, w int) []string {
	for _, s := range common.Wrap(title, w) {
		out = append(out, common.Styled(sgr, s))
	}
	return out
}

// appendHanging writes "<lead><label>  text", the text wrapped at spaces
// under itself so a long meaning never runs under the labels.
func appendHanging(out []string, lead, label string, labelW int, text string, w int) []string {
	indent := common.Width(lead) + labelW + 2
	tw := w - indent
	if tw < 8 { // too narrow for two columns: the text under the label
		out = append(out, common.Cut(lead+label, w))
		for _, s := range common.Wrap(text, max(w-2, 1)) {
			out = append(out, "  "+s)
		}
		return out
	}
	for i, s := range common.Wrap(text, tw) {
		if i == 0 {
			out = append(out, lead+label+"  "+s)
		} else {
			out = append(out, common.Spaces(indent)+s)
		}
	}
	return out
}

// splitHelp cuts the help's lines into two columns as even as can be
// without splitting an entry: at a blank line between sections, or
// before an entry (a line that starts with one space), in which case the
// right column opens with the section's title again.
func splitHelp(all []string) (left, right []string) {
	best, bestH, title := len(all), len(all), ""
	var bestTitle string
	for i := 1; i < len(all); i++ {
		if all[i-1] == "" {
			title = all[i]
		}
		var l, r int
		var t string
		switch plain := ansi.Strip(all[i]); {
		case plain == "":
			l, r = i, len(all)-i-1
		case strings.HasPrefix(plain, " ") && !strings.HasPrefix(plain, "  ") && all[i-1] != "" && i > 0 && title != "":
			t = title + " (continued)"
			l, r = i, len(all)-i+1
		default:
			continue
		}
		if h := max(l, r); h < bestH {
			best, bestH, bestTitle = i, h, t
		}
	}
	if bestTitle == "" {
		return all[:best], all[min(best+1, len(all)):]
	}
	return all[:best], append([]string{bestTitle}, all[best:]...)
}
