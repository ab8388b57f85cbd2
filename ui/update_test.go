package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

func TestKeys(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		want  string // TaskId selected afterwards
		mode  focus
		check func(t *testing.T, m *Model)
	}{
		{name: "down", keys: []string{"j"}, want: "task-idle-0002"},
		{name: "arrow down twice then up", keys: []string{"down", "down", "k"}, want: "task-idle-0002"},
		{name: "bottom", keys: []string{"G"}, want: "task-hostile-9"},
		{name: "bottom then top", keys: []string{"G", "g"}, want: fixtureTasks()[0].Ref.TaskID},
		{name: "page down clamps", keys: []string{"pgdown", "pgdown", "pgdown"}, want: "task-hostile-9"},
		{name: "up at top stays", keys: []string{"k", "up"}, want: fixtureTasks()[0].Ref.TaskID},
		{name: "enter focuses detail", keys: []string{"j", "enter"}, want: "task-idle-0002", mode: focusDetails},
		{name: "tab focuses detail, esc back", keys: []string{"tab", "esc"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusList},
		{name: "detail j scrolls not moves", keys: []string{"enter", "j", "j"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusDetails,
			check: func(t *testing.T, m *Model) {
				if m.det.scroll != 2 {
					t.Errorf("detail scroll = %d, want 2", m.det.scroll)
				}
			}},
		{name: "d asks", keys: []string{"j", "d"}, want: "task-idle-0002", mode: focusConfirm},
		{name: "d then n keeps", keys: []string{"d", "n"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusList,
			check: func(t *testing.T, m *Model) {
				if len(m.visible) != 9 {
					t.Errorf("rows = %d, want 9", len(m.visible))
				}
			}},
		{name: "double esc closes the filter input", keys: []string{"/", "q", "alt+esc"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusList,
			check: func(t *testing.T, m *Model) {
				if m.filter != "" || len(m.visible) != 9 {
					t.Errorf("filter %q with %d rows after esc esc, want none and 9", m.filter, len(m.visible))
				}
			}},
		{name: "a opens add", keys: []string{"a"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusAdd},
		{name: "n opens note with current note", keys: []string{"n"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusNote,
			check: func(t *testing.T, m *Model) {
				if m.input.Value() != "customer A, ticket 1234" {
					t.Errorf("note input = %q", m.input.Value())
				}
			}},
		{name: "help toggles", keys: []string{"?"}, want: fixtureTasks()[0].Ref.TaskID, mode: focusHelp,
			check: func(t *testing.T, m *Model) {
				if m.focus.top() != focusHelp || !strings.Contains(ansi.Strip(content(m)), "details of the selected task") {
					t.Error("full help not shown")
				}
				press(m, "esc")
				if m.focus.top().box() {
					t.Error("esc did not close help")
				}
			}},
		{name: "problems only", keys: []string{"f"}, want: "task-missing-06", // a clean end is not a problem
			check: func(t *testing.T, m *Model) {
				for _, r := range m.visible {
					if !r.t.Phase.Problem() {
						t.Errorf("%s (%s) shown with problems only", r.id, r.t.Phase)
					}
				}
				if len(m.visible) != 3 {
					t.Errorf("problems = %d, want 3", len(m.visible))
				}
				press(m, "f")
				if len(m.visible) != 9 {
					t.Errorf("after second f rows = %d, want 9", len(m.visible))
				}
			}},
		{name: "sort cycles, selection follows the task", keys: []string{"j", "s"}, want: "task-idle-0002",
			check: func(t *testing.T, m *Model) {
				if m.sortBy != sortState {
					t.Fatalf("sort = %v", m.sortBy)
				}
				if first, last := m.visible[0].t.Phase, m.visible[len(m.visible)-1].t.Phase; first != watch.Error || last != watch.Ended {
					t.Errorf("state sort runs %s..%s, want error (worst) first, a clean end last", first, last)
				}
				press(m, "s")
				if m.sortBy != sortChange || m.visible[0].t.Ref.TaskID != "task-pending-8" {
					t.Errorf("last-change sort first = %s", m.visible[0].id)
				}
				press(m, "s")
				if m.sortBy != sortID || m.visible[0].id != "1-rJp4NqIK2FYuJD8RvXoKlGAu0e/AQYZQNSjkI9Ozf0qzAGl12-1tcQUcyDWkPmw0MXwU_q_8qHLkLn" {
					t.Errorf("id sort first = %s", m.visible[0].id)
				}
				press(m, "s")
				if m.sortBy != sortAdded {
					t.Errorf("sort did not wrap: %v", m.sortBy)
				}
				if m.sel.TaskID != "task-idle-0002" {
					t.Errorf("selection moved to %s", m.sel.TaskID)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 100, 30)
			press(m, tc.keys...)
			if m.sel.TaskID != tc.want {
				t.Errorf("selected %q, want %q", m.sel.TaskID, tc.want)
			}
			if m.focus.top() != tc.mode {
				t.Errorf("mode = %d, want %d", m.focus.top(), tc.mode)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}

func TestQuitKeys(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		quit bool
	}{
		{"q quits", []string{"q"}, true},
		{"ctrl+c quits", []string{"ctrl+c"}, true},
		{"esc never quits", []string{"esc", "esc", "esc"}, false},
		{"esc in detail", []string{"enter", "esc"}, false},
		{"esc in add", []string{"a", "esc"}, false},
		{"esc in filter", []string{"/", "esc"}, false},
		{"esc in confirm", []string{"d", "esc"}, false},
		{"esc in help", []string{"?", "esc"}, false},
		{"q types in add", []string{"a", "q"}, false},
		{"q types in filter", []string{"/", "q"}, false},
		{"q types in note", []string{"n", "q"}, false},
		{"q ignored in confirm", []string{"d", "q"}, false},
		{"ctrl+c quits from add", []string{"a", "ctrl+c"}, true},
		{"q in detail quits", []string{"enter", "q"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := loaded(t, newCountingEngine(), 100, 30)
			var got bool
			for _, k := range tc.keys {
				if isQuit(press(m, k)) {
					got = true
				}
			}
			if got != tc.quit {
				t.Errorf("quit = %v, want %v", got, tc.quit)
			}
		})
	}
}

func TestFocusedInputEatsKeys(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	press(m, "a")
	typeText(m, "qdjkyYrRp?/zv")
	if got := m.input.Value(); got != "qdjkyYrRp?/zv" {
		t.Errorf("input = %q", got)
	}
	if m.focus.top() != focusAdd || m.stats.Paused || m.focus.top().box() || m.clock.ZoneName() != "local UTC" {
		t.Errorf("a key acted while typing: mode %d paused %v box %v zone %d", m.focus.top(), m.stats.Paused, m.focus.top(), m.clock.Zone)
	}
	// Control characters never reach the input.
	m.Update(tea.KeyPressMsg{Code: 'x', Text: "\x1b[2J"})
	if strings.Contains(m.input.Value(), "\x1b") {
		t.Error("escape typed into the input")
	}
}

func TestFilter(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"idle", []string{"task-idle-0002"}},
		{"ticket 1234", []string{"1-rJp4NqIK2FYuJD8RvXoKlGAu0e/AQYZQNSjkI9Ozf0qzAGl12-1tcQUcyDWkPmw0MXwU_q_8qHLkLn"}},
		{"not found", []string{"task-missing-06"}},
		{"internalerror", []string{"task-error-0007"}},
		{"zzz", nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 100, 30)
			press(m, "/")
			typeText(m, tc.text)
			press(m, "enter")
			var got []string
			for _, r := range m.visible {
				got = append(got, r.t.Ref.TaskID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("visible = %v, want %v", got, tc.want)
			}
			if m.focus.top() != focusList || m.filter != tc.text {
				t.Errorf("mode %d filter %q", m.focus.top(), m.filter)
			}
			press(m, "esc")
			if m.filter != "" || len(m.visible) != 9 {
				t.Errorf("esc left filter %q with %d rows", m.filter, len(m.visible))
			}
		})
	}
}

func TestSelectionKeptByRef(t *testing.T) {
	eng := newCountingEngine()
	m := loaded(t, eng, 100, 30)
	press(m, "s", "s", "s") // sort by id
	press(m, "G", "k")
	want := m.sel
	idx := m.cursor
	// A new task sorting before it, and a refresh of the selected task.
	tk := fixtureTasks()[1]
	tk.Last.At = t0
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{{Ref: ref("aaa-first"), Phase: watch.Pending, Since: t0}, tk}, Stats: okStats()}})
	if m.sel != want {
		t.Fatalf("selection moved from %v to %v", want, m.sel)
	}
	if m.cursor != idx+1 || m.visible[m.cursor].t.Ref != want {
		t.Errorf("cursor %d, want %d on the same task", m.cursor, idx+1)
	}
	// Removing the selected task keeps the cursor at the same height.
	m.Update(engineMsg{watch.Update{Removed: []taskref.Ref{want}, Stats: okStats()}})
	if m.cursor != idx+1 || m.sel == want || len(m.visible) != 9 {
		t.Errorf("after removal cursor %d sel %v rows %d", m.cursor, m.sel, len(m.visible))
	}
}

func TestResizeLayout(t *testing.T) {
	tests := []struct {
		w, h  int
		side  bool
		small bool
	}{
		{340, 50, true, false}, // the list keeps every column whole beside the detail
		{160, 50, false, false},
		{120, 30, false, false},
		{119, 30, false, false},
		{80, 24, false, false},
		{40, 8, false, false},
		{39, 30, false, true},
		{100, 7, false, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 80, 24)
			m.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
			l := m.layout()
			if l.tooSmall != tc.small || (!tc.small && l.side != tc.side) {
				t.Errorf("layout %+v", l)
			}
			out := ansi.Strip(content(m))
			if tc.small != strings.Contains(out, "terminal too small") {
				t.Errorf("too-small message: %q", out)
			}
		})
	}
}

func TestPasteAddsMany(t *testing.T) {
	eng := newCountingEngine()
	m := loaded(t, eng, 100, 30)
	paste := "new-task-1\n1400000003:new-task-2, task-idle-0002\nbad!id\n\"new-task-1\"\n0:zero"
	_, cmd := m.Update(tea.PasteMsg{Content: paste})
	if m.focus.top() != focusAdd {
		t.Fatalf("paste outside an input: mode %d, want add", m.focus.top())
	}
	runCmd(cmd)
	cmd = press(m, "enter")
	if eng.n("Add") != 0 {
		t.Fatal("Update called the engine")
	}
	msgs := runCmd(cmd)
	if eng.n("Add") != 1 {
		t.Fatalf("Add calls = %d, want 1", eng.n("Add"))
	}
	wantRefs := []taskref.Ref{ref("new-task-1"), {Region: testRegion, SdkAppID: 1400000003, TaskID: "new-task-2"}}
	if fmt.Sprint(eng.added[0]) != fmt.Sprint(wantRefs) {
		t.Errorf("added %v, want %v", eng.added[0], wantRefs)
	}
	for _, msg := range msgs {
		m.Update(msg)
	}
	out := ansi.Strip(content(m))
	for _, want := range []string{"2 added, 2 already watched, 2 rejected", "2 entries rejected", "bad!id", "'!' at position 4: task ID may only hold", "0:zero", "SdkAppId must be a positive integer"} {
		if !strings.Contains(out, want) {
			t.Errorf("screen lacks %q:\n%s", want, out)
		}
	}
	press(m, "esc")
	if m.focus.top().box() {
		t.Error("esc did not close the rejected entries")
	}
}

func TestPasteIntoInputs(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	press(m, "a")
	typeText(m, "one")
	m.Update(tea.PasteMsg{Content: "two\nthree\x1b[31m"})
	if got := m.input.Value(); got != "one two three[31m" {
		t.Errorf("add input = %q", got)
	}
	press(m, "esc", "/")
	m.Update(tea.PasteMsg{Content: "vod\n"})
	if m.filter != "vod " || len(m.visible) != 1 {
		t.Errorf("filter %q rows %d", m.filter, len(m.visible))
	}
}

func TestAddErrorAndEmpty(t *testing.T) {
	eng := newCountingEngine()
	eng.addErr = errBoom
	m := loaded(t, eng, 100, 30)
	press(m, "a")
	typeText(m, "task-idle-0002")
	msgs := runCmd(press(m, "enter"))
	if eng.n("Add") != 0 || len(msgs) != 0 {
		t.Errorf("a duplicate reached the engine: %d calls", eng.n("Add"))
	}
	if !strings.Contains(m.flash.text, "0 added, 1 already watched, 0 rejected") {
		t.Errorf("flash %q", m.flash.text)
	}
	press(m, "a")
	typeText(m, "brand-new")
	for _, msg := range runCmd(press(m, "enter")) {
		m.Update(msg)
	}
	if !strings.Contains(m.flash.text, "add failed: disk full") || m.flash.kind != common.FlashErr {
		t.Errorf("flash %q kind %d", m.flash.text, m.flash.kind)
	}
}

func TestFlashSequence(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	m.setFlash("first", common.FlashInfo, time.Second)
	old := m.flash.seq
	m.setFlash("second", common.FlashInfo, time.Second)
	m.Update(flashClearMsg{seq: old})
	if m.flash.text != "second" {
		t.Fatalf("an older timer cleared the newer flash: %q", m.flash.text)
	}
	m.Update(flashClearMsg{seq: m.flash.seq})
	if m.flash.text != "" {
		t.Errorf("flash not cleared: %q", m.flash.text)
	}
}

func TestEngineMessages(t *testing.T) {
	eng := newCountingEngine()
	m := newTestModel(t, eng, 100, 30)
	m.opts.Bell = true
	_, cmd := m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: watch.Stats{Health: watch.HealthOK,
		WatchWarnings: []string{"watch list corrupt, kept aside as x.bad"}}}})
	if len(m.rows) != 9 || m.counts[phaseSlot(watch.InProgress)] != 2 {
		t.Errorf("rows %d, live %d", len(m.rows), m.counts[phaseSlot(watch.InProgress)])
	}
	if !strings.Contains(m.flash.text, "kept aside") {
		t.Errorf("watch warning not flashed: %q", m.flash.text)
	}
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(tea.RawMsg); ok {
			t.Error("bell rang on the first load")
		}
	}
	// The same warning again is not shown twice.
	m.flash.text = ""
	tk := fixtureTasks()[1]
	tk.Phase = watch.Exited
	_, cmd = m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: watch.Stats{Health: watch.HealthOK,
		WatchWarnings: []string{"watch list corrupt, kept aside as x.bad"}}}})
	if m.flash.text != "" {
		t.Errorf("warning repeated: %q", m.flash.text)
	}
	bell := false
	for _, msg := range runCmd(cmd) {
		if r, ok := msg.(tea.RawMsg); ok && r.Msg == "\a" {
			bell = true
		}
	}
	if !bell {
		t.Error("no bell when a task exited")
	}
	if got := m.View().WindowTitle; got != "trtcwatch 4 live 1 ended 1 not found 2 error" {
		t.Errorf("title %q", got)
	}
}

func TestBannersFollowHealth(t *testing.T) {
	m := loaded(t, newCountingEngine(), 100, 30)
	set := func(st watch.Stats) string {
		m.Update(engineMsg{watch.Update{Stats: st}})
		return ansi.Strip(content(m))
	}
	down := set(watch.Stats{Health: watch.HealthDown, HealthDetail: "dial tcp 127.0.0.1:1: connection refused"})
	if !strings.Contains(down, "API DOWN: dial tcp") || !strings.Contains(down, "task-idle-0002") {
		t.Errorf("down banner missing or data hidden:\n%s", down)
	}
	auth := set(watch.Stats{Health: watch.HealthAuth, HealthDetail: "AuthFailure.SecretIdNotFound: check TENCENTCLOUD_SECRET_ID"})
	if !strings.Contains(auth, "AUTH FAILED: AuthFailure.SecretIdNotFound") || !strings.Contains(auth, "task-idle-0002") {
		t.Errorf("auth banner:\n%s", auth)
	}
	ok := set(okStats())
	if strings.Contains(ok, "AUTH FAILED") || strings.Contains(ok, "API DOWN") {
		t.Errorf("banner did not clear on recovery:\n%s", ok)
	}
}

func TestBellOnTransitionEvents(t *testing.T) {
	tests := []struct {
		name string
		bell bool
		to   watch.Phase
		ref  taskref.Ref
		want bool
	}{
		{"ended rings", true, watch.Ended, ref("task-idle-0002"), true},
		{"error rings", true, watch.Error, ref("task-idle-0002"), true},
		{"live does not", true, watch.InProgress, ref("task-idle-0002"), false},
		{"bell off", false, watch.Ended, ref("task-idle-0002"), false},
		{"new task does not", true, watch.Ended, ref("brand-new"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 100, 30)
			m.opts.Bell = tc.bell
			_, cmd := m.Update(engineMsg{watch.Update{Stats: okStats(), Events: []watch.Event{
				{At: t0, Kind: watch.EventTransition, Ref: tc.ref, From: watch.Exited, To: tc.to}}}})
			got := false
			for _, msg := range runCmd(cmd) {
				if r, ok := msg.(tea.RawMsg); ok && r.Msg == "\a" {
					got = true
				}
			}
			if got != tc.want {
				t.Errorf("bell = %v, want %v", got, tc.want)
			}
		})
	}
}
