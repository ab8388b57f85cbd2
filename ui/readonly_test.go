package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

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
		mode     focus
	}{
		{[]string{"a"}, true, "", "adding tasks", focusList},
		{[]string{"j", "d", "y"}, true, "Remove", "removing tasks", focusList},
		{[]string{"n"}, true, "", "editing notes", focusList},
		{[]string{"p"}, true, "SetPaused", "pausing polling", focusList},
		{[]string{"R"}, true, "RefreshAll", "refreshing all tasks", focusList},
		{[]string{"/"}, true, "", "", focusFilter},
		{[]string{"a"}, false, "", "", focusAdd},
		{[]string{"j", "d", "y"}, false, "Remove", "", focusList},
		{[]string{"p"}, false, "SetPaused", "", focusList},
		{[]string{"R"}, false, "RefreshAll", "", focusList},
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
			if m.focus.top() != tc.mode {
				t.Errorf("mode %d, want %d", m.focus.top(), tc.mode)
			}
		})
	}
}

func TestReadOnlyPasteOpensNoAddBox(t *testing.T) {
	for _, ro := range []bool{true, false} {
		m := loaded(t, newCountingEngine(), 120, 30)
		m.opts.ReadOnly = ro
		m.Update(tea.PasteMsg{Content: "task-x task-y"})
		if got := m.focus.top() == focusAdd; got == ro {
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

// editCalls are the engine calls that change the shared list or polling
// for everyone: a read-only session must never make one.
var editCalls = []string{"Add", "Remove", "RemoveMany", "SetNote", "SetPaused", "RefreshAll"}

// editsMade are the edit calls the fake saw, by name.
func editsMade(f *countingEngine) map[string]int {
	out := map[string]int{}
	for _, name := range editCalls {
		if n := f.n(name); n > 0 {
			out[name] = n
		}
	}
	return out
}

// readOnlyDriver is a read-only session (team mode: no export, no alert
// rules) over the fixture tasks, run by a driver; call inside a bubble.
func readOnlyDriver(t *testing.T, eng *countingEngine) *driver {
	m := newTestModel(t, eng, 120, 30)
	m.Update(engineMsg{watch.Update{Changed: sweepTasks, Stats: okStats()}})
	m.opts.ReadOnly = true
	return &driver{m: m}
}

// sweepTasks are the fixture tasks, built once: the sweep starts a
// thousand sessions on them.
var sweepTasks = fixtureTasks()

// TestReadOnlyRefusesEveryEditAtOnce: the paths (space d y, * d y,
// * n …, D y, * r) and the single-task ones, from the list and from the
// details, answer with the refusal at once: no y/n question, no input box
// opens, and whatever is pressed next (y, a note and enter) makes no edit.
func TestReadOnlyRefusesEveryEditAtOnce(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		what string
	}{
		{[]string{"space", "d"}, "removing tasks"},
		{[]string{"*", "d"}, "removing tasks"},
		{[]string{"*", "n"}, "editing notes"},
		{[]string{"D"}, "removing tasks"},
		{[]string{"*", "r"}, "refreshing marked tasks"},
		{[]string{"d"}, "removing tasks"},
		{[]string{"n"}, "editing notes"},
		{[]string{"a"}, "adding tasks"},
		{[]string{"p"}, "pausing polling"},
		{[]string{"R"}, "refreshing all tasks"},
		{[]string{"enter", "d"}, "removing tasks"},
		{[]string{"enter", "n"}, "editing notes"},
		{[]string{"enter", "space", "D"}, "removing tasks"},
		{[]string{"enter", "*", "r"}, "refreshing marked tasks"},
		{[]string{"enter", "p"}, "pausing polling"},
	} {
		t.Run(strings.Join(tc.keys, " "), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := newCountingEngine()
				d := readOnlyDriver(t, eng)
				defer d.stop()
				d.keys(tc.keys...)
				if want := "read-only session: " + tc.what + " is not allowed"; !strings.HasPrefix(d.m.flash.text, want) {
					t.Errorf("flash %q, want %q", d.m.flash.text, want)
				}
				if d.m.focus.top() == focusConfirm || d.m.focus.top() == focusNote || d.m.focus.top() == focusAdd {
					t.Errorf("mode %d: the refusal must come before any question or box", d.m.focus.top())
				}
				d.keys("y")
				d.typeText("INC-1")
				d.keys("enter", "y")
				if made := editsMade(eng); len(made) > 0 {
					t.Errorf("edits made: %v", made)
				}
			})
		})
	}
}

// sweepKeys are every key a read-only viewer can press: each printable
// character and the named keys.
func sweepKeys() []tea.KeyPressMsg {
	var out []tea.KeyPressMsg
	for r := rune(0x21); r < 0x7f; r++ {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	out = append(out, flowKey("space"))
	for _, name := range []string{"enter", "esc", "alt+esc", "tab", "up", "down", "pgup", "pgdown", "backspace"} {
		out = append(out, keyMsg(name))
	}
	for _, c := range []rune{tea.KeyHome, tea.KeyEnd, tea.KeyLeft, tea.KeyRight, tea.KeyDelete, tea.KeyF1} {
		out = append(out, tea.KeyPressMsg{Code: c})
	}
	for r := 'a'; r <= 'z'; r++ {
		if r != 'c' && r != 'z' { // ctrl+c quits, ctrl+z suspends: neither edits
			out = append(out, tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl})
		}
	}
	return out
}

// TestReadOnlySweepMakesNoEdit: every key, pressed from everywhere a key
// can go (the list, details, describe, the events pane, help, with tasks
// marked, in the filter and the command line) and followed by y and
// enter, and every : command, makes no engine edit in a read-only
// session. The same sweep from the list in a read-write session makes
// every edit, so the fake counts what it must.
func TestReadOnlySweepMakesNoEdit(t *testing.T) {
	t.Parallel()
	places := map[string][]string{
		"list": nil, "details": {"enter"}, "describe": {"i"}, "events": {"e"}, "help": {"?"},
		"marked": {"*"}, "marked details": {"space", "enter"}, "filter": {"/"}, "command line": {":"},
	}
	lines := []string{"sdkappid 1400000009", "region ap-mumbai", "export md", "export", "alert idle>1m", "alert",
		"alert clear", "events", "q", "quit", "add x", "remove", "note x", "pause", "refresh", "frobnicate"}
	for _, readOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("read-only=%v", readOnly), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := newCountingEngine()
				for place, open := range places {
					if !readOnly && place != "list" {
						continue // from the list alone, a read-write session makes every edit
					}
					for _, k := range sweepKeys() {
						d := readOnlyDriver(t, eng)
						d.m.opts.ReadOnly = readOnly
						d.keys(open...)
						d.send(k)
						d.keys("y", "enter")
						d.stop()
						if made := editsMade(eng); readOnly && len(made) > 0 {
							t.Fatalf("%s, %s then y enter: edits %v", place, k, made)
						}
					}
				}
				for _, line := range lines {
					d := readOnlyDriver(t, eng)
					d.m.opts.ReadOnly = readOnly
					d.keys(":")
					d.typeText(line)
					d.keys("enter", "y", "enter")
					d.stop()
					if made := editsMade(eng); readOnly && len(made) > 0 {
						t.Fatalf(":%s: edits %v", line, made)
					}
				}
				if made := editsMade(eng); !readOnly && len(made) < len(editCalls) {
					t.Errorf("a read-write session's sweep made only %v", made)
				}
			})
		})
	}
}

// TestReadOnlyEngineRefusalReadsTheSame: should an edit get past the keys
// (here a session whose Options do not say read-only), the real engine's
// read-only session refuses it, nothing changes, and the screen says the
// same as the key's refusal, not "failed".
func TestReadOnlyEngineRefusalReadsTheSame(t *testing.T) {
	for _, tc := range []struct {
		keys  []string
		typed string
		what  string
	}{
		{[]string{"a"}, "new-task-1", "adding tasks"},
		{[]string{"d", "y"}, "", "removing tasks"},
		{[]string{"space", "space", "d", "y"}, "", "removing tasks"},
		{[]string{"D", "y"}, "", "removing tasks"},
		{[]string{"n"}, "INC-7", "editing notes"},
		{[]string{"space", "space", "n"}, "INC-8", "editing notes"},
		{[]string{"p"}, "", "pausing polling"},
		{[]string{"R"}, "", "refreshing all tasks"},
	} {
		t.Run(strings.Join(tc.keys, " "), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := watch.New(nil, watch.Config{}) // never run: no call goes out
				if _, err := eng.Add(refsOf(loaded(t, newCountingEngine(), 80, 24))); err != nil {
					t.Fatal(err)
				}
				before := eng.Tasks()
				es := eng.ReadOnlySession("viewer")
				defer es.Close()
				m := New(es, Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC})
				d := &driver{m: m}
				defer d.stop()
				d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
				d.start(m.Init())
				d.settle()
				d.send(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}}) // some ended, for D
				d.keys(tc.keys...)
				if tc.typed != "" {
					d.typeText(tc.typed)
					d.keys("enter")
				}
				if want := "read-only session: " + tc.what + " is not allowed"; !strings.HasPrefix(d.m.flash.text, want) {
					t.Errorf("flash %q, want %q", d.m.flash.text, want)
				}
				if !reflect.DeepEqual(eng.Tasks(), before) || eng.Stats().Paused {
					t.Errorf("the engine changed: %d tasks, paused %v", len(eng.Tasks()), eng.Stats().Paused)
				}
				if d.m.pauseReq.want {
					t.Error("after a refused pause the next p would resume")
				}
				for _, r := range d.m.rows {
					if strings.HasPrefix(r.t.Note, "INC-") {
						t.Errorf("%s shows the refused note %q", r.t.Ref.TaskID, r.t.Note)
					}
				}
			})
		})
	}
}
