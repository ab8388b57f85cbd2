package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// TestReadOnlyRefusesEdits: a read-only session's a, d, n, p and R (and a
// paste, which would open the add box) make no engine call and say why;
// looking and filtering still work; a normal session still edits.
func TestReadOnlyRefusesEdits(t *testing.T) {
	tests := []struct {
		keys     []string
		readOnly bool
		call     string // the engine call the keys make when allowed
		refusal  string // in the flash when refused
		mode     mode
	}{
		{[]string{"a"}, true, "", "adding tasks", modeList},
		{[]string{"j", "d", "y"}, true, "Remove", "removing tasks", modeList},
		{[]string{"n"}, true, "", "editing notes", modeList},
		{[]string{"p"}, true, "SetPaused", "pausing polling", modeList},
		{[]string{"R"}, true, "RefreshAll", "refreshing all tasks", modeList},
		{[]string{"/"}, true, "", "", modeFilter},
		{[]string{"a"}, false, "", "", modeAdd},
		{[]string{"j", "d", "y"}, false, "Remove", "", modeList},
		{[]string{"p"}, false, "SetPaused", "", modeList},
		{[]string{"R"}, false, "RefreshAll", "", modeList},
	}
	for _, tc := range tests {
		name := strings.Join(tc.keys, "")
		if tc.readOnly {
			name = "readonly-" + name
		}
		t.Run(name, func(t *testing.T) {
			eng := newCountingEngine()
			m := loaded(t, eng, 120, 30)
			m.opts.ReadOnly = tc.readOnly
			runCmd(press(m, tc.keys...))
			if tc.call != "" {
				want := 1
				if tc.refusal != "" {
					want = 0
				}
				if got := eng.n(tc.call); got != want {
					t.Errorf("%s calls = %d, want %d", tc.call, got, want)
				}
			}
			if tc.refusal != "" {
				if !strings.Contains(m.flash.text, "read-only session: "+tc.refusal) {
					t.Errorf("flash %q does not refuse %q", m.flash.text, tc.refusal)
				}
				if !strings.Contains(ansi.Strip(content(m)), "read-only session") {
					t.Errorf("the refusal is not on screen:\n%s", ansi.Strip(content(m)))
				}
			} else if strings.Contains(m.flash.text, "read-only") {
				t.Errorf("flash %q refuses an allowed key", m.flash.text)
			}
			if m.mode != tc.mode {
				t.Errorf("mode %d, want %d", m.mode, tc.mode)
			}
		})
	}
}

func TestReadOnlyPasteOpensNoAddBox(t *testing.T) {
	for _, ro := range []bool{true, false} {
		m := loaded(t, newCountingEngine(), 120, 30)
		m.opts.ReadOnly = ro
		m.Update(tea.PasteMsg{Content: "task-x task-y"})
		if got := m.mode == modeAdd; got == ro {
			t.Errorf("read-only %v: paste opened the add box = %v", ro, got)
		}
	}
}

// TestHeaderViewers: the header counts viewers only when the view is
// shared (more than one).
func TestHeaderViewers(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, ""}, {1, ""}, {2, "2 viewers"}, {32, "32 viewers"}} {
		m := loaded(t, newCountingEngine(), 160, 30)
		st := okStats()
		st.Viewers = tc.n
		m.Update(engineMsg{watch.Update{Stats: st}})
		head := ansi.Strip(strings.Join(m.headerLines(), "\n"))
		if tc.want == "" && strings.Contains(head, "viewer") {
			t.Errorf("%d viewers: header names viewers:\n%s", tc.n, head)
		}
		if tc.want != "" && !strings.Contains(head, tc.want) {
			t.Errorf("%d viewers: header lacks %q:\n%s", tc.n, tc.want, head)
		}
	}
}
