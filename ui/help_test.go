package ui

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// helpText is every line of the open help, unstyled.
func helpText(t *testing.T, m *Model) string {
	t.Helper()
	if m.focus.top() != focusHelp {
		t.Fatalf("help not open (box %v)", m.focus.top())
	}
	m.syncBox(m.layout())
	return ansi.Strip(m.box.vp.GetContent())
}

// screenHas reports whether the visible screen holds s (stripped).
func screenHas(m *Model, s string) bool { return strings.Contains(ansi.Strip(content(m)), s) }

func TestHelpScrollsAtEverySize(t *testing.T) {
	for _, size := range [][2]int{{40, 8}, {60, 20}, {80, 24}, {120, 36}, {200, 60}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			m := loaded(t, newCountingEngine(), w, h)
			press(m, "?")
			check := func(when string) {
				t.Helper()
				ls := lines(content(m))
				if len(ls) != h {
					t.Errorf("%s: %d lines, want %d", when, len(ls), h)
				}
				for i, l := range ls {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("%s: line %d is %d wide: %q", when, i, lw, ansi.Strip(l))
					}
				}
				last := ansi.Strip(ls[len(ls)-1])
				for _, want := range []string{"esc close", "q quit"} {
					if !strings.Contains(last, want) {
						t.Errorf("%s: hint bar %q lacks %q", when, last, want)
					}
				}
			}
			check("top")
			if !screenHas(m, "Keys") || !regexp.MustCompile(`Help\b.* 1-\d+/\d+`).MatchString(ansi.Strip(content(m))) {
				t.Errorf("help does not start at the top:\n%s", ansi.Strip(content(m)))
			}
			total := m.box.vp.TotalLineCount()
			page := m.box.vp.Height()
			if w >= 200 && total > page {
				t.Errorf("at %dx%d the help (keys and legend side by side) should fit: %d lines in %d", w, h, total, page)
			}
			press(m, "j")
			if got := m.box.vp.YOffset(); total > page && got != 1 {
				t.Errorf("j scrolled to %d, want 1", got)
			}
			press(m, "k", "pgdown")
			if got := m.box.vp.YOffset(); total > 2*page && got != page {
				t.Errorf("pgdown scrolled to %d, want %d", got, page)
			}
			press(m, "G")
			check("bottom")
			if !m.box.vp.AtBottom() || !screenHas(m, "/"+common.Itoa(total)) {
				t.Errorf("G did not reach the end (%d/%d)", m.box.vp.YOffset(), total)
			}
			lastLine := strings.TrimSpace(ansi.Strip(m.box.vp.GetContent()[strings.LastIndex(m.box.vp.GetContent(), "\n")+1:]))
			if !screenHas(m, lastLine) {
				t.Errorf("last line %q not on screen after G", lastLine)
			}
			press(m, "g")
			if m.box.vp.YOffset() != 0 {
				t.Error("g did not go back to the top")
			}
			// A resize keeps the help open and re-fits it.
			m.Update(tea.WindowSizeMsg{Width: w + 7, Height: h + 3})
			if m.focus.top() != focusHelp || m.box.vp.Width() > w+7 {
				t.Errorf("after resize: box %v width %d", m.focus.top(), m.box.vp.Width())
			}
			press(m, "?")
			if m.focus.top().box() {
				t.Error("? did not close help")
			}
		})
	}
}

// TestHelpLegend: the help names every key and explains every state,
// colour, column and header term the screen shows.
func TestHelpLegend(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	press(m, "?")
	text := helpText(t, m)
	flat := strings.Join(strings.Fields(text), " ")
	wants := []string{
		// states: the API's words and ours
		"Idle", "InProgress", "Exited", "pending", "ended", "vanished", "not found", "throttled", "auth error", "error",
		"between two polls", "a clean stop",
		// rows and colours
		"the selected row", "a row in trouble", "LAST ERROR", "stale", "red", "yellow", "amber",
		// columns
		"FOR how long the task has been in its state", "ANSWER how long ago the API last answered",
		"FILES", "NOTE", "SDKAPPID", "TASK ID",
		// header
		"degraded", "limit", "throttled n/1m RequestLimitExceeded answers in the last minute", "req/s", "PAUSED", "Tasks 12/47",
	}
	for _, w := range wants {
		if !strings.Contains(flat, w) {
			t.Errorf("help lacks %q", w)
		}
	}
	for _, s := range m.keys.helpSections() {
		for _, e := range s.entries {
			if !strings.Contains(flat, e.keys+" "+strings.Fields(e.does)[0]) {
				t.Errorf("help lacks the line for %q", e.keys)
			}
		}
	}
	// Each state sample is drawn in the colour the rows use.
	for _, p := range watch.Phases {
		if sgr := m.st.PhaseSGR(p); sgr != "" && !strings.Contains(m.box.vp.GetContent(), sgr+m.stateGlyph(p)) {
			t.Errorf("%s: sample not in its row colour", p)
		}
	}
}

// TestHelpListsEveryKey: every binding the model matches on is in the
// help (by reflection, so a new field cannot be forgotten), each of its
// keys is named, and no two list bindings share a key.
func TestHelpListsEveryKey(t *testing.T) {
	km := DefaultKeyMap()
	documented := map[string]helpEntry{}
	for _, s := range km.helpSections() {
		for _, e := range s.entries {
			for _, k := range e.b.Keys() {
				documented[k] = e
			}
		}
	}
	pretty := map[string]string{"up": "↑", "down": "↓", "pgdown": "pgdn", "alt+esc": "esc"}
	owner := map[string]string{}
	v := reflect.ValueOf(km)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		b := v.Field(i).Interface().(key.Binding)
		if len(b.Keys()) == 0 || b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s: keys %v help %+v", name, b.Keys(), b.Help())
		}
		if name == "Submit" || name == "Yes" || name == "Complete" { // only in an input / the y/n question / the command line
			continue
		}
		for _, k := range b.Keys() {
			e, ok := documented[k]
			if !ok {
				t.Errorf("%s: key %q not in the help", name, k)
				continue
			}
			shown := k
			if p, ok := pretty[k]; ok {
				shown = p
			}
			if !strings.Contains(" "+e.keys+" ", " "+shown+" ") {
				t.Errorf("%s: help says %q, lacks %q", name, e.keys, shown)
			}
			if o, dup := owner[k]; dup {
				t.Errorf("key %q bound to both %s and %s", k, o, name)
			}
			owner[k] = name
		}
	}
}

// TestReadmeMatchesHelp: README's Keys table is the help's key list, line
// for line, and "Reading the screen" holds every legend line.
func TestReadmeMatchesHelp(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	readme := string(raw)
	section := func(title string) string {
		i := strings.Index(readme, "\n## "+title+"\n")
		if i < 0 {
			t.Fatalf("README has no %q section", title)
		}
		s := readme[i+len(title)+5:]
		if j := strings.Index(s, "\n## "); j >= 0 {
			s = s[:j]
		}
		return s
	}
	row := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| (.+) \\|$")
	var got []string
	for _, mm := range row.FindAllStringSubmatch(section("Keys"), -1) {
		got = append(got, mm[1]+" | "+mm[2])
	}
	var want []string
	for _, s := range DefaultKeyMap().helpSections() {
		for _, e := range s.entries {
			want = append(want, e.keys+" | "+e.does)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README Keys table differs from the help.\nREADME:\n%s\nhelp:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	reading := section("Reading the screen")
	m := loaded(t, newCountingEngine(), 100, 30)
	for _, s := range m.legendSections() {
		if !strings.Contains(reading, s.title) {
			t.Errorf("README lacks the legend section %q", s.title)
		}
		for _, it := range s.items {
			if line := "| `" + it.name + "` | " + it.means + " |"; !strings.Contains(reading, line) {
				t.Errorf("README lacks %q", line)
			}
		}
	}
}

func TestHintBar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(m *Model)
		want  []string // always, down to 40 columns, in this order at the end
		wide  []string // also present at 160 columns
		not   []string
	}{
		{name: "list", setup: func(*Model) {}, want: []string{"? help", "q quit"}, wide: []string{"p pause", "f only problems", "z to UTC", "a add"}},
		{name: "paused", setup: func(m *Model) { press(m, "p") }, want: []string{"p resume", "? help", "q quit"}, not: []string{"p pause"}},
		{name: "problems only", setup: func(m *Model) { press(m, "f") }, want: []string{"f all tasks", "? help", "q quit"}, not: []string{"only problems"}},
		{name: "both toggles", setup: func(m *Model) { press(m, "p", "f") }, want: []string{"f all tasks", "p resume", "? help", "q quit"}},
		{name: "zone", setup: func(m *Model) { press(m, "z", "z") }, want: []string{"? help", "q quit"}, wide: []string{"z to local UTC"}},
		{name: "detail", setup: func(m *Model) { press(m, "enter") }, want: []string{"? help", "q quit"}, wide: []string{"scroll", "esc list"}},
		{name: "help", setup: func(m *Model) { press(m, "?") }, want: []string{"esc close", "q quit"}, wide: []string{"scroll", "pgup/pgdn page", "g/G top/bottom"}},
		{name: "add", setup: func(m *Model) { press(m, "a") }, want: []string{"ctrl+c quit"}, wide: []string{"enter ok", "esc cancel"}, not: []string{"q quit"}},
		{name: "confirm", setup: func(m *Model) { press(m, "d") }, want: []string{"y remove", "other keys keep", "ctrl+c quit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 160, 30)
			tc.setup(m)
			for w := 40; w <= 160; w++ {
				m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
				hint := m.hintLine()
				if hw := ansi.StringWidth(hint); hw > w {
					t.Fatalf("%d: hint is %d wide", w, hw)
				}
				plain := ansi.Strip(hint)
				at := 0
				for _, s := range tc.want {
					i := strings.Index(plain[at:], s)
					if i < 0 {
						t.Fatalf("%d: hint %q lacks %q (in order)", w, plain, s)
					}
					at += i + len(s)
				}
				for _, s := range tc.not {
					if strings.Contains(plain, s) {
						t.Errorf("%d: hint %q has %q", w, plain, s)
					}
				}
				if w == 160 {
					for _, s := range tc.wide {
						if !strings.Contains(plain, s) {
							t.Errorf("160: hint %q lacks %q", plain, s)
						}
					}
				}
			}
		})
	}
}

// BenchmarkHelpScroll10k is a key press in the open help over 10,000
// tasks at 100x30: the viewport scrolls, the box and the hint are drawn.
func BenchmarkHelpScroll10k(b *testing.B) {
	m := bigModel(b)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(m, "?")
	benchKeySwing(b, m, 50)
}

// BenchmarkZoneKey10k is z end to end at 200x60 over 10,000 tasks: the
// zone changes, so the detail pane and the hint are laid out again.
func BenchmarkZoneKey10k(b *testing.B) {
	m := bigModel(b)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	z := tea.KeyPressMsg{Code: 'z', Text: "z"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Update(z)
		_ = m.View()
	}
}

// TestNotFoundSaysTheAPIAnswered: not found is an answer (the row keeps its
// RequestId), not a silence: help's legend and the details say so.
func TestNotFoundSaysTheAPIAnswered(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 40)
	press(m, "?")
	m.syncBox(m.layout())
	help := ansi.Strip(m.box.vp.GetContent())
	flat := strings.Join(strings.Fields(help), " ")
	if strings.Contains(flat, "never answered") || !strings.Contains(flat, "the API answered that it has no such task") {
		t.Errorf("help's legend on not found:\n%s", help)
	}
	press(m, "esc")
	m.selectTask(ref("task-missing-06"))
	details := strings.Join(strings.Fields(ansi.Strip(content(m))), " ")
	for _, want := range []string{"req-gone", "the API answered that it has no such task"} {
		if !strings.Contains(details, want) {
			t.Errorf("details of a not-found task lack %q:\n%s", want, details)
		}
	}
}

// TestHelpStartsWithWhatIsFocused: help opened over the describe view or
// the events pane starts with their own keys; over the list, with the
// key list.
func TestHelpStartsWithWhatIsFocused(t *testing.T) {
	for _, tc := range []struct {
		keys  []string
		first string
		has   []string
	}{
		{[]string{"?"}, "Keys", nil},
		{[]string{"enter", "?"}, "Keys", nil},
		{[]string{"i", "?"}, "Keys in the describe view", []string{"y copy the whole view", "esc back to the details", "↓/j down"}},
		{[]string{"e", "?"}, "Keys in the events pane", []string{"enter go to the event's task", "t the selected task's events, or all tasks'", "Y copy the whole event"}},
	} {
		m := loaded(t, newCountingEngine(), 100, 30)
		press(m, tc.keys...)
		text := helpText(t, m)
		if first := strings.TrimSpace(lines(text)[0]); first != tc.first {
			t.Errorf("%v: help starts %q, want %q", tc.keys, first, tc.first)
		}
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range tc.has {
			if !strings.Contains(flat, want) {
				t.Errorf("%v: help lacks %q:\n%s", tc.keys, want, text)
			}
		}
		if !strings.Contains(flat, "Reading the screen") {
			t.Errorf("%v: the rest of the help is gone", tc.keys)
		}
	}
}

// BenchmarkHelpResizeHeight is a frame of the open help after its height
// changed: the help keeps its layout, only the box's bottom moves.
func BenchmarkHelpResizeHeight(b *testing.B) {
	m := bigModel(b)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	press(m, "?")
	h := 30
	for b.Loop() {
		h = 59 - h // 30, 29, 30, …
		m.Update(tea.WindowSizeMsg{Width: 100, Height: h})
		_ = m.View()
	}
}
