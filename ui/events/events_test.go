package events

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// t0 is the fixed clock of every test.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func ref(id string) taskref.Ref {
	return taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: id}
}

const long = "1-rJp4NqIK2FYuJD8RvXoKlGAu0e/AQYZQNSjkI9Ozf0qzAGl12-1tcQUcyDWkPmw0MXwU_q_8qHLkLn"

// fixtureEvents: two logged before this run and three this run saw.
func fixtureEvents() (past, now []watch.Event) {
	past = []watch.Event{
		{At: t0.Add(-26 * time.Hour), Kind: watch.EventAdd, Ref: ref("task-ended-0005"), By: "local"},
		{At: t0.Add(-10 * time.Minute), Kind: watch.EventTransition, Ref: ref(long), From: watch.Pending, To: watch.Idle, RequestID: "req-a"},
	}
	now = []watch.Event{
		{At: t0.Add(-8 * time.Minute), Kind: watch.EventTransition, Ref: ref(long), From: watch.Idle, To: watch.InProgress, RequestID: "req-b"},
		{At: t0.Add(-40 * time.Second), Kind: watch.EventError, Ref: ref("task-error-0007"), To: watch.Error, Code: "InternalError", RequestID: "req-err"},
		{At: t0.Add(-7 * time.Second), Kind: watch.EventNote, Ref: ref("task-hostile-9"), Note: "note \x1b]0;pwned\x07", By: "another dashboard"},
	}
	return past, now
}

// newPane is the pane at w×h holding the fixture's events, open, with
// the long task selected in the list.
func newPane(w, h int) *Model {
	k := func(keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], "x"))
	}
	st := common.NewStyles(true, false)
	past, now := fixtureEvents()
	m := New(&st, &common.Clock{Now: t0, Loc: time.UTC}, KeyMap{
		Nav:   common.Nav{Up: k("k", "up"), Down: k("j", "down"), PageUp: k("pgup"), PageDown: k("pgdown"), Top: k("g"), Bottom: k("G")},
		Close: k("e"), Scope: k("t"), Filter: k("/"), Submit: k("enter"), Copy: k("y"), CopyDetails: k("Y"), Back: k("esc"),
	}, past, "")
	m.Add(now)
	m.SetSelected(ref(long))
	m.SetSize(w, h)
	m.Open()
	return m
}

func press(m *Model, keys ...string) tea.Msg {
	var up tea.Msg
	for _, k := range keys {
		msg := tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		if k == "enter" {
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		}
		up, _ = m.Update(msg)
	}
	return up
}

// shownTasks is the pane's rows as task ids, top first.
func shownTasks(m *Model) []string {
	var out []string
	for _, i := range m.shownRows() {
		out = append(out, m.ring[i].ev.Ref.TaskID)
	}
	return out
}

// TestKeys: the pane's own keys move its cursor, switch what it shows,
// filter it, and hand the root what to do.
func TestKeys(t *testing.T) {
	all := []string{"task-hostile-9", "task-error-0007", long, long, "task-ended-0005"}
	tests := []struct {
		name   string
		keys   []string
		filter string
		shown  []string
		cursor int
		up     tea.Msg
	}{
		{"newest first, logged ones included", nil, "", all, 0, nil},
		{"j moves, G bottom, k up", []string{"j", "G", "k"}, "", all, 3, nil},
		{"t follows the selected task", []string{"t"}, "", []string{long, long}, 0, nil},
		{"t twice is all tasks again", []string{"t", "t"}, "", all, 0, nil},
		{"its own filter", nil, "internal", []string{"task-error-0007"}, 0, nil},
		{"e closes", []string{"e"}, "", all, 0, CloseMsg{}},
		{"/ asks for the filter, from the pane's", []string{"/"}, "req-", []string{"task-error-0007", long, long}, 0, FilterMsg{Filter: "req-"}},
		{"enter goes to the event's task", []string{"j", "enter"}, "", all, 1, GoToMsg{Ref: ref("task-error-0007")}},
		{"y copies the RequestId whole", []string{"j", "y"}, "", all, 1, common.CopyMsg{What: "RequestId", Text: "req-err"}},
		{"Y copies the whole event", []string{"j", "Y"}, "", all, 1, common.CopyMsg{What: "the event",
			Text: "2026-03-14T09:26:13+00:00  1400000001:task-error-0007  ap-singapore  error  state error  code InternalError  RequestId req-err"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newPane(100, 30)
			if tc.filter != "" {
				m.SetFilter(tc.filter)
			}
			if up := press(m, tc.keys...); up != tc.up {
				t.Errorf("handed the root %#v, want %#v", up, tc.up)
			}
			if got := shownTasks(m); strings.Join(got, ",") != strings.Join(tc.shown, ",") {
				t.Errorf("shown %v\nwant  %v", got, tc.shown)
			}
			if m.cursor != tc.cursor {
				t.Errorf("cursor %d, want %d", m.cursor, tc.cursor)
			}
		})
	}
	// t with no task selected shows all tasks and says why.
	m := newPane(100, 30)
	m.SetSelected(taskref.Ref{})
	if f, ok := press(m, "t").(common.FlashMsg); !ok || f.Text != "no task selected: showing all tasks" {
		t.Errorf("t with nothing selected: %#v", f)
	}
}

// The ring keeps the newest ringMax, logged ones first to go.
func TestRingBounded(t *testing.T) {
	m := newPane(80, 24)
	for i := range 3 {
		evs := make([]watch.Event, 2000)
		for j := range evs {
			evs[j] = watch.Event{At: t0.Add(time.Duration(i*2000+j) * time.Millisecond), Kind: watch.EventAdd, Ref: ref(fmt.Sprintf("t%d", i*2000+j))}
		}
		m.Add(evs)
	}
	if n := len(m.ring); n != ringMax {
		t.Fatalf("ring holds %d, want %d", n, ringMax)
	}
	if got := shownTasks(m); got[0] != "t5999" || got[len(got)-1] != "t1000" {
		t.Errorf("kept %s … %s", got[0], got[len(got)-1])
	}
}

// TestStripCountsTheDate: an event from another day shows its date on
// the row, and the strip appears as soon as that row is cut, not only
// when a row with a time of day alone would be.
func TestStripCountsTheDate(t *testing.T) {
	m := newPane(200, 40)
	old := watch.Event{At: t0.Add(-25 * time.Hour), Kind: watch.EventError, Ref: ref("task-error-0007"), To: watch.Error,
		Code: "InternalError.CRInternalError", RequestID: "bb452f42-a03f-4de2-8a51-9db1bac0b698"}
	m.Add([]watch.Event{old})
	shown := m.shownRows()
	i := slices.IndexFunc(shown, func(i int) bool { return m.ring[i].ev.RequestID == old.RequestID })
	if i < 0 {
		t.Fatal("the event is not shown")
	}
	m.cursor = i
	r := &m.ring[shown[i]]
	loc := m.clock.Location()
	line := m.line(r, minIDW, loc)
	if !strings.HasPrefix(line, m.time(old.At, loc)) || len(m.time(old.At, loc)) <= len("15:04:05") {
		t.Fatalf("row %q does not start with a date", line)
	}
	w := common.Width(line)
	if s := m.strip(shown, minIDW, w, 30, loc); s != nil {
		t.Errorf("row fits in %d cells, strip %q", w, s)
	}
	if s := m.strip(shown, minIDW, w-1, 30, loc); s == nil {
		t.Errorf("row of %d cells cut to %d, no strip", w, w-1)
	}
}
