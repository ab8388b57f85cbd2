package cmdline

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/ui/common"
)

const exportOff = "export is off in team mode (it would write on the server)"

// commands are the dashboard's, as the root hands them over: export is off
// unless the session has it (team mode has not).
func commands(export bool) []Command {
	exp := Command{Name: "export", Words: []string{"md", "csv"}}
	if !export {
		exp = Command{Name: "export", Off: exportOff}
	}
	return []Command{{Name: "sdkappid"}, {Name: "region", Words: client.Regions}, exp,
		{Name: "alert", Words: []string{"idle>5m", "clear"}}, {Name: "events"}, {Name: "q"}}
}

func open(export bool) *Model {
	b := func(keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], "x"))
	}
	m := New(KeyMap{Submit: b("enter"), Back: b("esc", "alt+esc"), Complete: b("tab"), Prev: b("k", "up"), Next: b("j", "down")})
	m.SetSize(120, 1)
	m.Open(commands(export))
	return m
}

// press sends keys by name and returns what the last one handed the root.
func press(m *Model, keys ...string) tea.Msg {
	var up tea.Msg
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "backspace":
			msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
		default:
			r, _ := utf8.DecodeRuneInString(k)
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		up, _ = m.Update(msg)
	}
	return up
}

func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, string(r))
	}
}

// flashText is what the line asked the root to say, "" for nothing.
func flashText(up tea.Msg) string {
	if f, ok := up.(common.FlashMsg); ok {
		return f.Text
	}
	return ""
}

// TestCompletion: tab completes names and arguments; spaces before the
// name (": " then tab panicked: index out of range) complete the name as
// if they were not there; an off command is never offered and says why
// when asked to complete it.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		typed, want, flash string
		export             bool // a session with export (not team mode)
	}{
		{typed: "re", want: "region "},
		{typed: "s", want: "sdkappid "},
		{typed: "", want: "", flash: "sdkappid  region  alert  events  q"},
		{typed: "", want: "", flash: "sdkappid  region  export  alert  events  q", export: true},
		{typed: " ", want: " ", flash: "sdkappid  region  alert  events  q"},
		{typed: "   ", want: "   ", flash: "sdkappid  region  alert  events  q"},
		{typed: "  re", want: "  region "},
		{typed: " region ap-mu", want: " region ap-mumbai "},
		{typed: "region ap-mu", want: "region ap-mumbai "},
		{typed: "region ap-s", want: "region ap-s", flash: "ap-shanghai  ap-singapore"},
		{typed: "region xx", want: "region xx", flash: "no completion for xx: ap-beijing"},
		{typed: "zzz", want: "zzz", flash: "no completion for zzz"},
		{typed: "e", want: "events "},
		{typed: "e", want: "e", flash: "export  events", export: true},
		{typed: "ex", want: "ex", flash: "no completion for ex"},
		{typed: "ex", want: "export ", export: true},
		{typed: "export c", want: "export c", flash: exportOff},
		{typed: "export c", want: "export csv ", export: true},
		{typed: "events x", want: "events x"}, // no arguments to complete
		{typed: "region ap-mumbai x", want: "region ap-mumbai x"},
	} {
		t.Run(fmt.Sprintf("%q/export=%v", tc.typed, tc.export), func(t *testing.T) {
			m := open(tc.export)
			typeText(m, tc.typed)
			got := flashText(press(m, "tab"))
			if m.input.Value() != tc.want {
				t.Errorf("value %q, want %q", m.input.Value(), tc.want)
			}
			if !strings.Contains(got, tc.flash) || tc.flash == "" && got != "" {
				t.Errorf("said %q, want %q", got, tc.flash)
			}
		})
	}
}

// TestRunAndHistory: enter hands the root the line's words (the leading
// ':' gone) and keeps the line in the history, which up and down walk,
// giving back what was being typed past the newest; an empty line and
// esc close without running anything; q is a letter.
func TestRunAndHistory(t *testing.T) {
	m := open(false)
	for _, line := range []string{"region ap-mumbai", ":sdkappid  1400000002", "sdkappid 1400000002"} {
		m.Open(commands(false))
		typeText(m, line)
		want := strings.Fields(strings.TrimPrefix(line, ":"))
		if up, ok := press(m, "enter").(RunMsg); !ok || strings.Join(up.Words, "|") != strings.Join(want, "|") {
			t.Fatalf("%q: handed %#v, want the words %q", line, up, want)
		}
	}
	m.Open(commands(false))
	typeText(m, "reg")
	for _, step := range []struct{ key, want string }{
		{"up", "sdkappid 1400000002"}, {"up", "region ap-mumbai"}, {"up", "region ap-mumbai"},
		{"down", "sdkappid 1400000002"}, {"down", "reg"},
	} {
		press(m, step.key)
		if got := m.input.Value(); got != step.want {
			t.Fatalf("after %s: %q, want %q (the same line run twice is kept once)", step.key, got, step.want)
		}
	}
	if v := m.View(); !strings.Contains(v, ":") || !strings.Contains(v, "reg") {
		t.Errorf("view %q", v)
	}
	if up := press(m, "esc"); up != (CloseMsg{}) {
		t.Errorf("esc handed %#v", up)
	}
	m.Open(commands(false))
	typeText(m, "  ")
	if up := press(m, "enter"); up != (CloseMsg{}) {
		t.Errorf("an empty line handed %#v", up)
	}
	m.Open(commands(false))
	if up := press(m, "q"); up != nil || m.input.Value() != "q" {
		t.Errorf("q handed %#v, value %q", up, m.input.Value())
	}
}

// TestTypingStopsAtTheLimit: a key past maxRunes types what fits and says
// the limit (once, however many keys come: Quiet), a paste too; after a
// backspace the line takes a key again.
func TestTypingStopsAtTheLimit(t *testing.T) {
	m := open(false)
	// All but the last 64 runes before the limit go in as a paste, the
	// rest are typed: typing a thousand was half a second under -race, and
	// ui's TestTypingStopsAtEachBoxsLimit types every one with -tags long.
	if up, _ := m.Update(tea.PasteMsg{Content: strings.Repeat("日", maxRunes-1-64)}); up != nil {
		t.Fatalf("a paste within the limit handed %#v", up)
	}
	typeText(m, strings.Repeat("日", 64))
	if up := press(m, "a"); up != nil {
		t.Fatalf("the limit was announced before it was reached: %#v", up)
	}
	up := press(m, "b")
	f, ok := up.(common.FlashMsg)
	if !ok || !f.Once || f.Text != "the command line takes up to 1024 characters" {
		t.Fatalf("past the limit: %#v", up)
	}
	if got := m.input.Value(); utf8.RuneCountInString(got) != maxRunes || !strings.HasSuffix(got, "日a") {
		t.Errorf("the line holds %d runes ending %q", utf8.RuneCountInString(got), got[len(got)-8:])
	}
	if !m.Quiet(tea.KeyPressMsg{Code: 'z', Text: "z"}, f.Text) || m.Quiet(tea.KeyPressMsg{Code: 'z', Text: "z"}, "something else") {
		t.Error("a letter past the full line is quiet only while its limit is said")
	}
	press(m, "backspace")
	typeText(m, "c")
	if got := m.input.Value(); !strings.HasSuffix(got, "日c") {
		t.Errorf("after backspace: ends %q", got[len(got)-8:])
	}
	m.Open(commands(false))
	if up, _ := m.Update(tea.PasteMsg{Content: strings.Repeat("x", maxRunes+5)}); flashText(up) != f.Text {
		t.Errorf("a paste past the limit: %#v", up)
	}
}
