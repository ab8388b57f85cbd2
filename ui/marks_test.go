package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// flowKey is keyMsg plus the space bar, which Bubble Tea names "space".
func flowKey(s string) tea.KeyPressMsg {
	if s == "space" {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	return keyMsg(s)
}

// pressFlow sends keys (space included) and returns the last command.
func pressFlow(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(flowKey(k))
	}
	return cmd
}

func markedIDs(m *Model) []string {
	var out []string
	for ref := range m.marks {
		out = append(out, ref.TaskID)
	}
	slices.Sort(out)
	return out
}

func fixtureID(i int) string { return fixtureTasks()[i].Ref.TaskID }

func TestMarks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  []string
		after func(m *Model) // between the keys and the checks
		want  []string       // marked TaskIds, sorted
	}{
		{name: "space marks and moves down", keys: []string{"space"}, want: []string{fixtureID(0)}},
		{name: "space twice marks two", keys: []string{"space", "space"}, want: []string{fixtureID(0), "task-idle-0002"}},
		{name: "space again unmarks", keys: []string{"space", "k", "space"}, want: nil},
		{name: "* marks what the filter shows", keys: []string{"/", "t", "a", "s", "k", "-", "e", "enter", "*"},
			want: []string{"task-ended-0005", "task-error-0007", "task-exit-0004"}},
		{name: "* with problems only", keys: []string{"f", "*"}, want: []string{"task-error-0007", "task-hostile-9", "task-missing-06"}},
		{name: "u clears", keys: []string{"*", "u"}, want: nil},
		{name: "marks survive sort and filter", keys: []string{"space", "s", "s", "/", "i", "d", "l", "e", "enter", "esc", "s"},
			want: []string{fixtureID(0)}},
		{name: "a task removed elsewhere loses its mark", keys: []string{"space", "space"},
			after: func(m *Model) { m.Update(engineMsg{watch.Update{Removed: []taskref.Ref{ref("task-idle-0002")}}}) },
			want:  []string{fixtureID(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newCountingEngine()
			m := loaded(t, eng, 120, 30)
			pressFlow(m, tc.keys...)
			if tc.after != nil {
				tc.after(m)
			}
			if got := markedIDs(m); !slices.Equal(got, tc.want) {
				t.Errorf("marked %q, want %q", got, tc.want)
			}
			if eng.total() != 0 {
				t.Errorf("Update made %d engine calls, want 0", eng.total())
			}
			screen := ansi.Strip(content(m))
			head := strings.Join(lines(screen)[:2], "\n")
			if n := len(tc.want); n > 0 {
				if !strings.Contains(head, common.Itoa(n)+" marked") {
					t.Errorf("header lacks %q:\n%s", common.Itoa(n)+" marked", head)
				}
				if got := strings.Count(screen, "◆"); got != min(n, len(m.visible)) && tc.name != "marks survive sort and filter" {
					t.Errorf("%d rows drawn marked, want %d", got, n)
				}
			} else if strings.Contains(head, "marked") || strings.Contains(screen, "◆") {
				t.Errorf("no mark expected on screen:\n%s", screen)
			}
		})
	}
}

// TestMarkGlyphASCII: without Unicode the mark is a +.
func TestMarkGlyphASCII(t *testing.T) {
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Now: fixedNow, ASCII: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
	pressFlow(m, "j", "space")
	row := ""
	for _, l := range lines(ansi.Strip(content(m))) {
		if strings.Contains(l, "task-idle-0002") {
			row = l
		}
	}
	if !strings.Contains(row, "+ o Idle") || strings.Contains(content(m), "◆") {
		t.Errorf("marked row in ASCII = %q, want the + mark", row)
	}
}

// TestBulkActions: with tasks marked, d r n y Y act on all of them; the
// removal asks once, naming the count, keeps them on any key but y, and
// removes with one RemoveMany call.
func TestBulkActions(t *testing.T) {
	two := []string{fixtureID(0), "task-idle-0002"}
	for _, tc := range []struct {
		name   string
		keys   []string
		prompt string // the question on screen before the last key
		last   string
		check  func(t *testing.T, m *Model, eng *countingEngine, msgs []tea.Msg)
	}{
		{name: "d y removes the marked with one RemoveMany", keys: []string{"space", "space", "d"}, prompt: "remove 2 marked tasks from the watch list? y removes all 2", last: "y",
			check: func(t *testing.T, m *Model, eng *countingEngine, _ []tea.Msg) {
				if eng.n("RemoveMany") != 1 || eng.n("Remove") != 0 {
					t.Fatalf("RemoveMany %d, Remove %d: want 1, 0", eng.n("RemoveMany"), eng.n("Remove"))
				}
				var got []string
				for _, r := range eng.removedMany[0] {
					got = append(got, r.TaskID)
				}
				slices.Sort(got)
				if !slices.Equal(got, two) {
					t.Errorf("removed %q, want %q", got, two)
				}
				if len(m.rows) != 7 || m.markCount() != 0 || !strings.Contains(m.flash.text, "removed 2 tasks") {
					t.Errorf("after removal: %d rows, %d marks, flash %q", len(m.rows), m.markCount(), m.flash.text)
				}
			}},
		{name: "d n keeps", keys: []string{"space", "space", "d"}, prompt: "remove 2 marked tasks", last: "n", check: keptAll},
		{name: "d enter keeps (default no)", keys: []string{"space", "space", "d"}, prompt: "remove 2 marked tasks", last: "enter", check: keptAll},
		{name: "d esc keeps", keys: []string{"space", "space", "d"}, prompt: "remove 2 marked tasks", last: "esc", check: keptAll},
		{name: "D asks for the ended and not found", keys: []string{"D"}, prompt: "remove 2 ended or not-found tasks from the watch list?", last: "y",
			check: func(t *testing.T, m *Model, eng *countingEngine, _ []tea.Msg) {
				if eng.n("RemoveMany") != 1 {
					t.Fatalf("RemoveMany called %d times, want 1", eng.n("RemoveMany"))
				}
				var got []string
				for _, r := range eng.removedMany[0] {
					got = append(got, r.TaskID)
				}
				if !slices.Equal(got, []string{"task-ended-0005", "task-missing-06"}) {
					t.Errorf("removed %q", got)
				}
			}},
		{name: "D enter keeps", keys: []string{"D"}, prompt: "remove 2 ended or not-found tasks", last: "enter", check: keptAll},
		{name: "one mark names one", keys: []string{"j", "space", "d"}, prompt: "remove 1 marked task from the watch list? y removes it", last: "y",
			check: func(t *testing.T, m *Model, eng *countingEngine, _ []tea.Msg) {
				if eng.n("RemoveMany") != 1 || len(eng.removedMany[0]) != 1 || eng.removedMany[0][0].TaskID != "task-idle-0002" {
					t.Errorf("removed %v", eng.removedMany)
				}
			}},
		{name: "r refreshes the marked", keys: []string{"space", "space"}, last: "r",
			check: func(t *testing.T, m *Model, eng *countingEngine, _ []tea.Msg) {
				if eng.n("Refresh") != 2 {
					t.Errorf("Refresh called %d times, want 2", eng.n("Refresh"))
				}
			}},
		{name: "y copies the marked ids", keys: []string{"space", "space"}, last: "y",
			check: func(t *testing.T, m *Model, _ *countingEngine, msgs []tea.Msg) {
				if got := copied(msgs); got != strings.Join(two, "\n") {
					t.Errorf("copied %q", got)
				}
			}},
		{name: "Y copies every marked task's details", keys: []string{"space", "space"}, last: "Y",
			check: func(t *testing.T, m *Model, _ *countingEngine, msgs []tea.Msg) {
				got := copied(msgs)
				if !strings.Contains(got, two[0]) || !strings.Contains(got, two[1]) || strings.Contains(got, "task-vod-0003") {
					t.Errorf("copied %q", got)
				}
			}},
		{name: "without marks y copies the selected", keys: []string{"space", "u"}, last: "y",
			check: func(t *testing.T, m *Model, _ *countingEngine, msgs []tea.Msg) {
				if got := copied(msgs); got != "task-idle-0002" {
					t.Errorf("copied %q", got)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newCountingEngine()
			m := loaded(t, eng, 120, 30)
			pressFlow(m, tc.keys...)
			if tc.prompt != "" {
				if m.focus.top() != focusConfirm || !strings.Contains(ansi.Strip(content(m)), tc.prompt) {
					t.Fatalf("mode %v, want the question %q on screen:\n%s", m.focus.top(), tc.prompt, ansi.Strip(content(m)))
				}
			}
			cmd := pressFlow(m, tc.last)
			if eng.total() != 0 {
				t.Fatalf("Update made %d engine calls itself", eng.total())
			}
			msgs := runCmd(cmd)
			for _, msg := range msgs {
				m.Update(msg)
			}
			tc.check(t, m, eng, msgs)
		})
	}
}

func keptAll(t *testing.T, m *Model, eng *countingEngine, _ []tea.Msg) {
	t.Helper()
	if eng.n("RemoveMany")+eng.n("Remove") != 0 || len(m.rows) != 9 || m.focus.top() != focusList {
		t.Errorf("removal made %d calls, %d rows left, mode %v", eng.n("RemoveMany")+eng.n("Remove"), len(m.rows), m.focus.top())
	}
	if !strings.Contains(m.flash.text, "kept 2") {
		t.Errorf("flash %q, want kept 2 …", m.flash.text)
	}
}

func copied(msgs []tea.Msg) string {
	for _, msg := range msgs {
		if c, ok := msg.(copiedMsg); ok {
			return c.text
		}
	}
	return ""
}

// TestBulkNote: n with marks sets one note on each, numbered like single edits.
func TestBulkNote(t *testing.T) {
	eng := newCountingEngine()
	m := loaded(t, eng, 120, 30)
	pressFlow(m, "j", "space", "space", "n")
	// One of the two has a note ("VOD storage"): the prompt says it goes
	// before it does, and the message after.
	if m.focus.top() != focusNote || !strings.Contains(ansi.Strip(content(m)), "note for 2 marked (replaces 1 note)>") {
		t.Fatalf("mode %v; screen:\n%s", m.focus.top(), ansi.Strip(content(m)))
	}
	typeText(m, "T-42")
	cmd := pressFlow(m, "enter")
	if want := "note set on 2 tasks (1 note replaced)"; m.flash.text != want {
		t.Errorf("flash %q, want %q", m.flash.text, want)
	}
	for _, msg := range runCmd(cmd) {
		m.Update(msg)
	}
	if eng.n("SetNote") != 2 || eng.notes[ref("task-idle-0002")] != "T-42" || eng.notes[ref("task-vod-0003")] != "T-42" {
		t.Errorf("SetNote %d, notes %v", eng.n("SetNote"), eng.notes)
	}
	if eng.noteSeqs[0] == eng.noteSeqs[1] {
		t.Errorf("note sequences %v repeat", eng.noteSeqs)
	}
	// An abandoned bulk note never captures the next single edit.
	pressFlow(m, "n", "esc", "u", "n")
	typeText(m, "x")
	for _, msg := range runCmd(pressFlow(m, "enter")) {
		m.Update(msg)
	}
	if eng.n("SetNote") != 3 {
		t.Errorf("SetNote %d after one single edit, want 3", eng.n("SetNote"))
	}
}

// TestRemoveGoneNone: D with nothing ended asks nothing.
func TestRemoveGoneNone(t *testing.T) {
	m := newTestModel(t, newCountingEngine(), 100, 30)
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks()[:3], Stats: okStats()}})
	pressFlow(m, "D")
	if m.focus.top() != focusList || !strings.Contains(m.flash.text, "no ended or not-found task") {
		t.Errorf("mode %v flash %q", m.focus.top(), m.flash.text)
	}
}

// TestHintNamesClearMarks: while tasks are marked the hint bar says how
// to clear them, and stops once they are cleared.
func TestHintNamesClearMarks(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	last := func() string { ls := lines(ansi.Strip(content(m))); return ls[len(ls)-1] }
	if strings.Contains(last(), "clear marks") {
		t.Fatalf("hint %q before any mark", last())
	}
	pressFlow(m, "space")
	if !strings.HasPrefix(last(), "u clear marks") {
		t.Errorf("hint %q with a mark", last())
	}
	pressFlow(m, "u")
	if strings.Contains(last(), "clear marks") {
		t.Errorf("hint %q after u", last())
	}
}

// TestBulkNotePrompt: a bulk note says how many notes it replaces, and
// says nothing when the marked tasks share the note it starts from.
func TestBulkNotePrompt(t *testing.T) {
	tests := []struct {
		notes  []string
		prompt string
		value  string
	}{
		{[]string{"", ""}, "note for 2 marked> ", ""},
		{[]string{"T-1", "T-2", ""}, "note for 3 marked (replaces 2 notes)> ", ""},
		{[]string{"T-1", "T-1"}, "note for 2 marked> ", "T-1"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.notes), func(t *testing.T) {
			var ts []watch.Task
			for i, n := range tt.notes {
				ts = append(ts, watch.Task{Ref: ref(fmt.Sprintf("task-%d", i)), Note: n, Phase: watch.Idle})
			}
			m := newTestModel(t, newCountingEngine(), 120, 30)
			m.Update(engineMsg{watch.Update{Changed: ts, Stats: okStats()}})
			pressFlow(m, "*", "n")
			if m.input.Prompt != tt.prompt || m.input.Value() != tt.value {
				t.Errorf("prompt %q value %q, want %q %q", m.input.Prompt, m.input.Value(), tt.prompt, tt.value)
			}
		})
	}
}

// TestBulkNoteRefilters: a bulk note that makes the marked tasks stop
// matching the filter takes them out of the list, as a single note does.
func TestBulkNoteRefilters(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	press(m, "/")
	typeText(m, "ticket")
	press(m, "enter")
	if len(m.visible) != 1 {
		t.Fatalf("%d rows match ticket", len(m.visible))
	}
	pressFlow(m, "*", "n")
	for range 40 {
		press(m, "backspace")
	}
	typeText(m, "moved to another team")
	pressFlow(m, "enter")
	if len(m.visible) != 0 {
		t.Errorf("%d rows still shown by a filter they no longer match", len(m.visible))
	}
}
