package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// fixtureEvents: two logged before this run (PastEvents) and three this
// run saw, one with hostile strings.
func fixtureEvents() (past, now []watch.Event) {
	long := fixtureTasks()[0].Ref
	past = []watch.Event{
		{At: t0.Add(-26 * time.Hour), Kind: watch.EventAdd, Ref: ref("task-ended-0005"), By: "local"},
		{At: t0.Add(-10 * time.Minute), Kind: watch.EventTransition, Ref: long, From: watch.Pending, To: watch.Idle, RequestID: "req-a"},
	}
	now = []watch.Event{
		{At: t0.Add(-8 * time.Minute), Kind: watch.EventTransition, Ref: long, From: watch.Idle, To: watch.InProgress, RequestID: "req-b"},
		{At: t0.Add(-40 * time.Second), Kind: watch.EventError, Ref: ref("task-error-0007"), To: watch.Error, Code: "InternalError", RequestID: "req-err"},
		{At: t0.Add(-7 * time.Second), Kind: watch.EventNote, Ref: ref("task-hostile-9"), Note: "note " + hostile, By: "another dashboard"},
	}
	return past, now
}

func eventsModel(t testing.TB, w, h int) *Model {
	past, now := fixtureEvents()
	m := New(newCountingEngine(), Options{
		Keys: DefaultKeyMap(), Endpoint: "https://trtc.intl.tencentcloudapi.com", Region: testRegion, SdkAppID: testApp,
		Now: func() time.Time { return t0 }, Location: time.UTC, PastEvents: past,
	})
	t.Cleanup(m.cancel)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats(), Events: now}})
	return m
}

// paneTitle is the events pane's title line as the screen shows it.
func paneTitle(m *Model) string {
	for _, l := range lines(ansi.Strip(content(m))) {
		if i := strings.Index(l, "Events: "); i >= 0 {
			return strings.Trim(l[i:], "─ ╮")
		}
	}
	return ""
}

// TestEventsPaneKeys: the pane opens and closes on the focus stack, its
// title says what it shows as t and its filter change it, and enter goes
// to the event's task in the list (the events package tests the pane's
// own cursor and rows).
func TestEventsPaneKeys(t *testing.T) {
	long := fixtureTasks()[0].Ref.TaskID
	all := "Events: all tasks (5, newest first, local UTC)"
	tests := []struct {
		name     string
		keys     []string
		open     bool
		title    string // the pane's title, when open
		selected string // the list's selected task afterwards
	}{
		{"e opens, newest first, logged ones included", []string{"e"}, true, all, long},
		{"e again closes", []string{"e", "e"}, false, "", long},
		{"esc closes", []string{"e", "esc"}, false, "", long},
		{"j moves, G bottom, k up", []string{"e", "j", "G", "k"}, true, all, long},
		{"t follows the selected task", []string{"e", "t"}, true, "Events: " + common.Brief(long) + " (2, newest first", long},
		{"t twice is all tasks again", []string{"e", "t", "t"}, true, all, long},
		{"follow moves with the list", []string{"j", "j", "j", "j", "j", "j", "e", "t"}, true, "Events: task-error-0007 (1, newest first", "task-error-0007"},
		{"/ filters the pane", append([]string{"e", "/"}, strings.Split("internal", "")...), true, "Events: all tasks /internal (1, newest first", ""},
		{"filter kept after enter", append(append([]string{"e", "/"}, strings.Split("req-", "")...), "enter"), true, "Events: all tasks /req- (3, newest first", ""},
		{"enter jumps to the event's task", []string{"e", "j", "enter"}, false, "", "task-error-0007"},
		{"enter jumps past only-problems hiding the task", []string{"f", "e", "j", "j", "enter"}, false, "", long},
		{"? over the pane, esc back to it", []string{"e", "?", "esc"}, true, all, long},
		{"q quits from the pane", []string{"e"}, true, all, long},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := eventsModel(t, 100, 30)
			press(m, tc.keys...)
			if m.focus.has(focusEvents) != tc.open {
				t.Fatalf("open %v, want %v", m.focus.has(focusEvents), tc.open)
			}
			if got := paneTitle(m); tc.open && !strings.HasPrefix(got, tc.title) || !tc.open && got != "" {
				t.Errorf("title %q, want %q", got, tc.title)
			}
			if tc.selected != "" && m.sel.TaskID != tc.selected {
				t.Errorf("selected %q, want %q", m.sel.TaskID, tc.selected)
			}
			if m.problems && !tc.open {
				t.Error("only-problems still on after jumping to a task it hid")
			}
		})
	}
	// y copies the event's RequestId whole, Y the whole event.
	copies := []struct {
		keys []string
		want string
	}{
		{[]string{"e", "j", "y"}, "req-err"},
		{[]string{"e", "j", "Y"}, "2026-03-14T09:26:13+00:00  1400000001:task-error-0007  ap-singapore  error  state error  code InternalError  RequestId req-err"},
		{[]string{"e", "y"}, "2026-03-14T09:26:46+00:00  1400000001:task-hostile-9  ap-singapore  note  by another dashboard  note note \\x1b]0;pwned"},
	}
	for _, c := range copies {
		m := eventsModel(t, 100, 30)
		var got string
		m.opts.Clipboard = func(s string) error { got = s; return nil }
		runCmd(press(m, c.keys...))
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%v copied %q, want %q…", c.keys, got, c.want)
		}
	}
	m := eventsModel(t, 100, 30)
	if !isQuit(press(m, "e", "q")) {
		t.Error("q did not quit from the events pane")
	}
}

func TestEventsPaneView(t *testing.T) {
	m := eventsModel(t, 100, 30)
	press(m, "e")
	v := ansi.Strip(content(m))
	for _, want := range []string{"Events: all tasks (5, newest first, local UTC)", "Idle → InProgress  req-b", "error InternalError  req-err",
		"Mar 13 07:26", "by another dashboard", "enter go to task", "t this task"} {
		if !strings.Contains(v, want) {
			t.Errorf("pane lacks %q:\n%s", want, v)
		}
	}
	assertTerminalSafe(t, "events pane", content(m))
	press(m, "t")
	if v := ansi.Strip(content(m)); !strings.Contains(v, "t all tasks") || !strings.Contains(v, "(2, newest first") {
		t.Errorf("follow mode not shown:\n%s", v)
	}
	// No events at all: the pane says so.
	e := newTestModel(t, newCountingEngine(), 80, 24)
	press(e, "e")
	if v := content(e); !strings.Contains(v, "no events yet") {
		t.Errorf("empty pane:\n%s", v)
	}
	// The :events command's message opens it too.
	e.Update(keyMsg("esc"))
	e.Update(eventsMsg{})
	if !e.focus.has(focusEvents) {
		t.Error("eventsMsg did not open the pane")
	}
}

// TestGoldenEvents pins the pane at 80x24 and 140x30, styled and plain.
func TestGoldenEvents(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {140, 30}} {
		m := eventsModel(t, sz[0], sz[1])
		press(m, "e", "j")
		t.Run(fmt.Sprintf("styled_%dx%d", sz[0], sz[1]), func(t *testing.T) { golden.RequireEqual(t, content(m)) })
		t.Run(fmt.Sprintf("plain_%dx%d", sz[0], sz[1]), func(t *testing.T) { golden.RequireEqual(t, ansi.Strip(content(m))) })
	}
}

// TestEventsStrip: when the selected row is too narrow for its change and
// RequestId, they are shown whole under the rows; when the row shows them
// whole, or the pane cannot spare the lines, there is no strip.
func TestEventsStrip(t *testing.T) {
	const uuid = "bb452f42-a03f-4de2-8a51-9db1bac0b698"
	long := watch.Event{At: t0.Add(-time.Second), Kind: watch.EventError, Ref: ref("task-error-0007"), To: watch.Error,
		Code: "InternalError.CRInternalError", RequestID: uuid}
	tests := []struct {
		name  string
		w, h  int
		keys  []string
		strip []string // the strip's lines, trimmed; nil: none
	}{
		{"60 columns: cut row, strip wraps between words", 60, 20, []string{"e"},
			[]string{"▸ error InternalError.CRInternalError", uuid}},
		{"80 columns: one line", 80, 24, []string{"e"}, []string{"▸ error InternalError.CRInternalError  " + uuid}},
		{"200 columns: the row is whole", 200, 40, []string{"e"}, nil},
		{"a row that fits has no strip", 80, 24, []string{"e", "j", "j"}, nil},
		{"too few rows to spare", 60, 9, []string{"e"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := eventsModel(t, tc.w, tc.h)
			m.Update(engineMsg{watch.Update{Events: []watch.Event{long}}})
			press(m, tc.keys...)
			v := ansi.Strip(content(m))
			var got []string // from the ▸ line to the pane's bottom border
			for _, l := range strings.Split(v, "\n") {
				l = strings.Trim(l, "│ ")
				if strings.HasPrefix(l, "╰") {
					break
				}
				if got != nil || strings.HasPrefix(l, "▸") {
					got = append(got, l)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.strip, "|") {
				t.Errorf("strip %q, want %q\n%s", got, tc.strip, v)
			}
			for _, l := range strings.Split(v, "\n") {
				if ansi.StringWidth(l) > tc.w {
					t.Errorf("line wider than %d: %q", tc.w, l)
				}
			}
			assertTerminalSafe(t, "events strip", content(m))
		})
	}
}

// TestEventsFilterIsItsOwn: `/` in the events pane filters the pane; the
// list's filter is as it was when the pane closes.
func TestEventsFilterIsItsOwn(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	m.Update(engineMsg{watch.Update{Events: []watch.Event{
		{At: t0, Kind: watch.EventError, Ref: ref("task-error-0007"), Code: "InternalError", RequestID: "req-err"},
		{At: t0, Kind: watch.EventNote, Ref: ref("task-vod-0003"), Note: "VOD storage"},
	}, Stats: okStats()}})
	press(m, "/")
	typeText(m, "task-")
	press(m, "enter")
	before := len(m.visible)
	press(m, "e", "/")
	typeText(m, "internal")
	press(m, "enter")
	if got := paneTitle(m); !strings.Contains(got, "(1, newest first") {
		t.Errorf("the pane's filter shows %q, want 1 event", got)
	}
	if m.filter != "task-" {
		t.Errorf("typing in the events pane changed the list's filter to %q", m.filter)
	}
	press(m, "esc") // closes the pane
	if m.focus.has(focusEvents) || m.filter != "task-" || len(m.visible) != before {
		t.Errorf("after the pane closed: open %v, list filter %q, %d rows (want %d)", m.focus.has(focusEvents), m.filter, len(m.visible), before)
	}
	if head := lines(ansi.Strip(content(m)))[1]; !strings.Contains(head, "[filter: task-]") {
		t.Errorf("header %q", head)
	}
	// Opened again, the pane starts unfiltered.
	press(m, "e")
	if got := paneTitle(m); !strings.Contains(got, "all tasks (2, newest first") {
		t.Errorf("reopened pane shows %q, want 2 events unfiltered", got)
	}
}
