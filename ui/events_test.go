package ui

import (
	"fmt"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

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
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats(), Events: now}})
	return m
}

// shownTasks is the pane's rows as task ids, top first.
func shownTasks(m *Model) []string {
	var out []string
	for _, i := range m.shownEvents() {
		out = append(out, m.evp.ring[i].ev.Ref.TaskID)
	}
	return out
}

func TestEventsPaneKeys(t *testing.T) {
	long := fixtureTasks()[0].Ref.TaskID
	all := []string{"task-hostile-9", "task-error-0007", long, long, "task-ended-0005"}
	tests := []struct {
		name     string
		keys     []string
		open     bool
		shown    []string
		selected string // the list's selected task afterwards
		cursor   int
	}{
		{"e opens, newest first, logged ones included", []string{"e"}, true, all, long, 0},
		{"e again closes", []string{"e", "e"}, false, all, long, 0},
		{"esc closes", []string{"e", "esc"}, false, all, long, 0},
		{"j moves, G bottom, k up", []string{"e", "j", "G", "k"}, true, all, long, 3},
		{"t follows the selected task", []string{"e", "t"}, true, []string{long, long}, long, 0},
		{"t twice is all tasks again", []string{"e", "t", "t"}, true, all, long, 0},
		{"follow moves with the list", []string{"j", "j", "j", "j", "j", "j", "e", "t"}, true, []string{"task-error-0007"}, "task-error-0007", 0},
		{"/ filters the pane", append([]string{"e", "/"}, strings.Split("internal", "")...), true, []string{"task-error-0007"}, "", 0},
		{"filter kept after enter", append(append([]string{"e", "/"}, strings.Split("req-", "")...), "enter"), true, []string{"task-error-0007", long, long}, "", 0},
		{"enter jumps to the event's task", []string{"e", "j", "enter"}, false, all, "task-error-0007", 1},
		{"enter jumps past only-problems hiding the task", []string{"f", "e", "j", "j", "enter"}, false, all, long, 2},
		{"? over the pane, esc back to it", []string{"e", "?", "esc"}, true, all, long, 0},
		{"q quits from the pane", []string{"e"}, true, all, long, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := eventsModel(t, 100, 30)
			press(m, tc.keys...)
			if m.focus.has(focusEvents) != tc.open {
				t.Fatalf("open %v, want %v", m.focus.has(focusEvents), tc.open)
			}
			if got := shownTasks(m); strings.Join(got, ",") != strings.Join(tc.shown, ",") {
				t.Errorf("shown %v\nwant  %v", got, tc.shown)
			}
			if tc.selected != "" && m.sel.TaskID != tc.selected {
				t.Errorf("selected %q, want %q", m.sel.TaskID, tc.selected)
			}
			if m.problems && !tc.open {
				t.Error("only-problems still on after jumping to a task it hid")
			}
			if m.evp.cursor != tc.cursor {
				t.Errorf("cursor %d, want %d", m.evp.cursor, tc.cursor)
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

// The ring keeps the newest eventsRingMax, logged ones first to go.
func TestEventsRingBounded(t *testing.T) {
	m := eventsModel(t, 80, 24)
	for i := range 3 {
		evs := make([]watch.Event, 2000)
		for j := range evs {
			evs[j] = watch.Event{At: t0.Add(time.Duration(i*2000+j) * time.Millisecond), Kind: watch.EventAdd, Ref: ref(fmt.Sprintf("t%d", i*2000+j))}
		}
		m.Update(engineMsg{watch.Update{Events: evs}})
	}
	if n := len(m.evp.ring); n != eventsRingMax {
		t.Fatalf("ring holds %d, want %d", n, eventsRingMax)
	}
	if got := shownTasks(m); got[0] != "t5999" || got[len(got)-1] != "t1000" {
		t.Errorf("kept %s … %s", got[0], got[len(got)-1])
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

// TestEventsStripCountsTheDate: an event from another day shows its date
// on the row, and the strip appears as soon as that row is cut, not only
// when a row with a time of day alone would be.
func TestEventsStripCountsTheDate(t *testing.T) {
	m := eventsModel(t, 200, 40)
	old := watch.Event{At: t0.Add(-25 * time.Hour), Kind: watch.EventError, Ref: ref("task-error-0007"), To: watch.Error,
		Code: "InternalError.CRInternalError", RequestID: "bb452f42-a03f-4de2-8a51-9db1bac0b698"}
	m.Update(engineMsg{watch.Update{Events: []watch.Event{old}}})
	press(m, "e")
	shown := m.shownEvents()
	i := slices.IndexFunc(shown, func(i int) bool { return m.evp.ring[i].ev.RequestID == old.RequestID })
	if i < 0 {
		t.Fatal("the event is not shown")
	}
	m.evp.cursor = i
	r := &m.evp.ring[shown[i]]
	loc := m.clock.Location()
	line := m.eventLine(r, eventIDMinW, loc)
	if !strings.HasPrefix(line, m.eventTime(old.At, loc)) || len(m.eventTime(old.At, loc)) <= len("15:04:05") {
		t.Fatalf("row %q does not start with a date", line)
	}
	w := common.Width(line)
	if s := m.eventStrip(shown, eventIDMinW, w, 30, loc); s != nil {
		t.Errorf("row fits in %d cells, strip %q", w, s)
	}
	if s := m.eventStrip(shown, eventIDMinW, w-1, 30, loc); s == nil {
		t.Errorf("row of %d cells cut to %d, no strip", w, w-1)
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
	if got := len(m.shownEvents()); got != 1 {
		t.Errorf("the pane's filter shows %d events, want 1", got)
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
	if got := len(m.shownEvents()); got != 2 {
		t.Errorf("reopened pane shows %d events, want 2", got)
	}
}
