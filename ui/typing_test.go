package ui

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// TestTypingStopsAtEachBoxsLimit: every box takes keys up to its limit,
// keeps its text at the limit after that and says so on screen, never
// dropping keys without a word; while the message is up, a further key
// hands back the frame already drawn (a flood of keys costs nothing).
// The normal suite types the last 64 runes before the limit (typedMost:
// typing a thousand is a second under -race), -tags long every one.
func TestTypingStopsAtEachBoxsLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		open  []string
		limit int
		says  string
	}{
		{"filter", []string{"/"}, maxFilterRunes, "the filter takes up to 256 characters"},
		{"events-pane filter", []string{"e", "/"}, maxFilterRunes, "the filter takes up to 256 characters"},
		{"note", []string{"n"}, watchlist.MaxNoteLen, "a note takes up to 200 characters"},
		{"bulk note", []string{"space", "space", "n"}, watchlist.MaxNoteLen, "a note takes up to 200 characters"},
		{"command line", []string{":"}, 1024, "the command line takes up to 1024 characters"},
		{"add", []string{"a"}, maxTypedAddRunes, "the add box takes up to 1024 typed characters: paste a longer list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 120, 30)
			pressFlow(m, tc.open...)
			// The : line's text is its own (its package checks it holds
			// what fits); here the message and the frame are checked.
			line := m.focus.top() == focusCmdline
			// All but the last typedMost runes before the limit go in at
			// once (the command line's box is its own: a paste), the
			// rest are typed.
			pre := strings.Repeat("日", max(0, tc.limit-1-typedMost))
			if line {
				m.Update(tea.PasteMsg{Content: pre})
			} else {
				m.input.SetValue(pre)
				m.input.CursorEnd()
			}
			typeText(m, strings.Repeat("日", tc.limit-1-utf8.RuneCountInString(pre)))
			if strings.Contains(m.flash.text, "takes up to") {
				t.Fatalf("the limit is announced before it is reached: %q", m.flash.text)
			}
			typeText(m, "ab") // a fits, b does not
			if got := m.input.Value(); !line && (utf8.RuneCountInString(got) != tc.limit || !strings.HasSuffix(got, "日a")) {
				t.Errorf("after typing past the limit the box holds %d runes ending %q, want %d ending 日a",
					utf8.RuneCountInString(got), got[max(0, len(got)-8):], tc.limit)
			}
			if m.flash.text != tc.says || !strings.Contains(ansi.Strip(content(m)), tc.says) {
				t.Errorf("flash %q, want %q on screen", m.flash.text, tc.says)
			}
			switch {
			case m.focus.top() != focusFilter:
			case m.focus.has(focusEvents): // the events pane filters with a filter of its own
				if !strings.Contains(paneTitle(m), "/日日日") || m.filter != "" {
					t.Errorf("the pane's title %q does not show the box's text, or the list's filter %q took it", paneTitle(m), m.filter)
				}
			case m.filter != m.input.Value():
				t.Errorf("filter %q is not the box's text", m.filter)
			}
			before := content(m)
			for range 100 {
				m.Update(tea.KeyPressMsg{Code: 'z', Text: "z"})
			}
			if after := content(m); unsafe.StringData(after) != unsafe.StringData(before) {
				t.Error("a key past a full box drew a new frame")
			}
			m.Update(keyMsg("backspace"))
			typeText(m, "c")
			if got := m.input.Value(); !line && !strings.HasSuffix(got, "日c") {
				t.Errorf("after backspace the box takes a key again: ends %q", got[max(0, len(got)-8):])
			}
		})
	}
}

// TestPasteIntoAFullBoxSaysSo: a paste into a box that cannot take it all
// keeps what fits and says so.
func TestPasteIntoAFullBoxSaysSo(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	press(m, "/")
	m.Update(tea.PasteMsg{Content: strings.Repeat("q", maxFilterRunes+40)})
	if n := utf8.RuneCountInString(m.filter); n != maxFilterRunes {
		t.Errorf("filter holds %d runes, want %d", n, maxFilterRunes)
	}
	if !strings.Contains(m.flash.text, "the filter takes up to") {
		t.Errorf("flash %q", m.flash.text)
	}
}

// TestAddBoxHoldsAPastedList: a whole watch list pasted into the add box
// is kept apart from the text typed there (the prompt counts it), more can
// be typed after it, and enter adds everything; a paste past the box's
// bound keeps whole entries up to it and says the rest was left out.
func TestAddBoxHoldsAPastedList(t *testing.T) {
	eng := newCountingEngine()
	m := loaded(t, eng, 120, 30)
	ids := make([]string, watchlist.MaxTasks-1)
	for i := range ids {
		ids[i] = fmt.Sprintf("1400000001:pasted-%05d", i)
	}
	m.Update(tea.PasteMsg{Content: strings.Join(ids, "\n")})
	if m.focus.top() != focusAdd || m.input.Value() != "" {
		t.Fatalf("mode %v, text input %d bytes: the pasted list must not be in it", m.focus.top(), len(m.input.Value()))
	}
	if line := ansi.Strip(content(m)); !strings.Contains(line, "add> [9999 pasted]") {
		t.Errorf("the prompt does not count the pasted entries:\n%s", line)
	}
	typeText(m, "typed-1")
	runCmd(press(m, "enter"))
	if len(eng.added) != 1 || len(eng.added[0]) != watchlist.MaxTasks {
		t.Fatalf("added %d batches, want one of %d", len(eng.added), watchlist.MaxTasks)
	}
	if last := eng.added[0][watchlist.MaxTasks-1]; last.TaskID != "typed-1" {
		t.Errorf("last added %v, want the typed task", last)
	}

	// Past the bound: whole entries up to it, and a word about the rest.
	press(m, "a")
	entry := "1400000001:over-the-bound-entry"
	n := maxAddRunes/(len(entry)+1) + 50
	m.Update(tea.PasteMsg{Content: strings.Repeat(entry+" ", n)})
	if m.paste.runes > maxAddRunes {
		t.Errorf("the add box holds %d pasted runes, bound %d", m.paste.runes, maxAddRunes)
	}
	if !strings.Contains(m.flash.text, "the rest of the paste was left out") {
		t.Errorf("flash %q", m.flash.text)
	}
	text := m.addText()
	if got := strings.Fields(text); got[len(got)-1] != entry || len(got) != m.paste.entries || len(got) >= n {
		t.Errorf("kept %d entries (prompt says %d) of %d, the last %q", len(got), m.paste.entries, n, got[len(got)-1])
	}
	before := m.paste.runes
	m.Update(tea.PasteMsg{Content: "1400000001:one-more"})
	if m.paste.runes != before {
		t.Errorf("a full box took another paste: %d -> %d runes", before, m.paste.runes)
	}
	press(m, "esc")
	if m.paste.runes != 0 || m.focus.top() != focusList {
		t.Errorf("esc left %d pasted runes, mode %v", m.paste.runes, m.focus.top())
	}
}

// TestHugeTerminalDrawsABoundedFrame: whatever size a terminal claims
// (team mode passes on what an SSH client says), the frame built for it
// is at most maxScreenW x maxScreenH cells; 5000x3000 used to build a
// 15-million-cell frame on every message.
func TestHugeTerminalDrawsABoundedFrame(t *testing.T) {
	t.Parallel()
	m := loaded(t, newCountingEngine(), 80, 24)
	for _, keys := range [][]string{nil, {"?"}, {"enter"}} {
		press(m, "esc", "esc")
		m.Update(tea.WindowSizeMsg{Width: 5000, Height: 3000})
		press(m, keys...)
		ls := lines(content(m))
		if len(ls) > maxScreenH {
			t.Errorf("%v: %d lines, want at most %d", keys, len(ls), maxScreenH)
		}
		checkWidth(t, fmt.Sprint(keys), ls, maxScreenW)
	}
	m.Update(tea.WindowSizeMsg{Width: -3, Height: -1})
	if m.w != 0 || m.h != 0 || content(m) != "" {
		t.Errorf("a negative size: %dx%d, frame %q", m.w, m.h, content(m))
	}
}

// TestNoteBoxHoldsNoControls: editing a note that holds escape sequences,
// bidi overrides or zero-width runes (the watch list is shared and may
// hold anything) starts from the note without them, so none reaches the
// terminal through the box. TestKeyFuzz found the override drawn raw.
func TestNoteBoxHoldsNoControls(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	press(m, "G") // the hostile task, last
	press(m, "n")
	if v := m.input.Value(); strings.IndexFunc(v, common.Unwanted) >= 0 || !strings.Contains(v, "evil") {
		t.Errorf("the note box holds %q", v)
	}
	assertTerminalSafe(t, "note box", content(m))
}
