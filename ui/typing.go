package ui

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// What a box takes from the keyboard is bounded, and so is what one key
// costs: the text input measures its whole value on every key, so an
// unbounded box made typing quadratic (256 KB typed into / froze a
// team-mode session for 30 s and burned 22 CPU-seconds; one key in an add
// box holding 720,000 runes took 32 ms). Each box takes what it can use,
// a key past the limit types what fits and the box says where its limit
// is, and while that message is up further such keys change nothing and
// cost next to nothing (quietKey). A list pasted into the add box is kept
// apart from the text input (pasted), so a paste costs its own length and
// a key the same however long the list.

// The boxes' limits, in runes.
const (
	// maxFilterRunes is a whole TaskId, the longest field a filter
	// matches (a note keeps at most watchlist.MaxNoteLen).
	maxFilterRunes = taskref.MaxTaskIDLen
	// maxNoteRunes is what the watch list keeps of a note.
	maxNoteRunes = watchlist.MaxNoteLen
	// maxTypedAddRunes bounds what the add box edits in place: a dozen
	// TaskIds typed by hand. A longer list is pasted, into pasted.
	maxTypedAddRunes = 1024
	// maxAddRunes bounds a list pasted into the add box: the watch list's
	// whole 10,000 tasks at their longest usual form (SdkAppId, colon, a
	// 64-character TaskId, a separator).
	maxAddRunes = watchlist.MaxTasks * 80
)

// typeKey hands k to the focused box; a key past its limit types what
// fits and says where the limit is. It reports whether the box's text
// changed.
func (m *Model) typeKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	cmd, changed, over := m.input.Type(k)
	if over {
		cmd = tea.Batch(cmd, m.sayLimit())
	}
	return cmd, changed
}

// sayLimit shows the focused box's limit, unless it is up already.
func (m *Model) sayLimit() tea.Cmd {
	return m.apply(common.FlashMsg{Text: m.input.LimitText, Kind: common.FlashWarn, TTL: common.FlashTTL, Once: true})
}

// quietKey reports whether msg is a key that changes nothing on screen: a
// letter typed into a full box while the message saying so is up. Update
// then hands back the frame already drawn.
func (m *Model) quietKey(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok || !m.inputFocused():
		return false
	case m.focus.top() == focusCmdline:
		return m.cmd.Quiet(k, m.flash.text)
	}
	return m.input.Quiet(k, m.flash.text)
}

// pasted is the part of the add box too long to edit in place: lists
// pasted whole, joined by spaces. The prompt counts their entries.
type pasted struct {
	b       strings.Builder
	runes   int
	entries int
}

func (p *pasted) reset() { p.b.Reset(); p.runes, p.entries = 0, 0 }

// addText is everything the add box holds: the pasted lists, then what
// was typed.
func (m *Model) addText() string {
	if m.paste.runes == 0 {
		return m.input.Value()
	}
	return m.paste.b.String() + " " + m.input.Value()
}

// pasteAdd puts a paste into the add box: into the text input at the
// cursor while the whole stays short enough to edit there, else, with
// what was typed, into m.paste.
func (m *Model) pasteAdd(text string) tea.Cmd {
	rs := []rune(m.input.Value())
	pos := min(max(m.input.Position(), 0), len(rs))
	if pos > 0 && rs[pos-1] != ' ' {
		text = " " + text
	}
	n := utf8.RuneCountInString(text)
	if m.paste.runes == 0 && len(rs)+n <= maxTypedAddRunes {
		m.input.SetValue(string(rs[:pos]) + text + string(rs[pos:]))
		m.input.SetCursor(pos + n)
		return nil
	}
	chunk := string(rs[:pos]) + text + string(rs[pos:])
	if m.paste.runes > 0 {
		chunk = " " + chunk
	}
	var cmd tea.Cmd
	if room := maxAddRunes - m.paste.runes; utf8.RuneCountInString(chunk) > room {
		chunk = cutList(chunk, room)
		cmd = m.setFlash("the add box holds "+common.Itoa(maxAddRunes)+" characters (a whole "+common.Itoa(watchlist.MaxTasks)+
			"-task list): the rest of the paste was left out", common.FlashWarn, common.FlashLongTTL)
	}
	m.paste.b.WriteString(chunk)
	m.paste.runes += utf8.RuneCountInString(chunk)
	m.paste.entries += taskref.Entries(chunk)
	m.input.SetValue("")
	m.addPrompt()
	return cmd
}

// cutList is s cut to at most n runes, at the last separator before the
// cut when there is one, so no entry is cut in two.
func cutList(s string, n int) string {
	i := len(s)
	for j := range s {
		if n == 0 {
			i = j
			break
		}
		n--
	}
	if i == len(s) || strings.IndexByte(" ,;", s[i]) >= 0 {
		return s[:i] // nothing cut, or cut at a separator
	}
	if k := strings.LastIndexAny(s[:i], " ,;"); k >= 0 {
		return s[:k]
	}
	return s[:i]
}

// addPrompt is the add box's prompt: it counts the pasted entries.
func (m *Model) addPrompt() {
	if m.paste.runes > 0 {
		m.input.SetPrompt("add> ["+common.Itoa(m.paste.entries)+" pasted] ", "enter adds them; type more, or esc drops all", m.w)
		return
	}
	m.input.SetPrompt("add> ", "TASKID or SDKAPPID:TASKID; paste many, separated by spaces, commas or lines", m.w)
}
