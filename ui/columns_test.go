package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
)

// TestColumnsStayAsErrorsComeAndGo: once a call has failed, the column
// header and every row's cells stay where they are while calls fail and
// recover; FOR, ANSWER and FILES stay at 80 columns, FILES at 60, and the
// code is whole at 60, 80, 120 and 200.
func TestColumnsStayAsErrorsComeAndGo(t *testing.T) {
	const code = "InternalError.CRInternalError"
	for _, sz := range [][2]int{{60, 20}, {80, 24}, {120, 36}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			ts := demoLike()
			m := alertingModel(t, sz[0], sz[1], ts)
			m.Update(engineMsg{watch.Update{Changed: []watch.Task{failing(ts[2], code)}, Stats: okStats()}})
			head := listRows(m)[0]
			calm := listRows(m)[1] // a row that never fails
			for _, want := range []string{"FILES", "STATE", "TASK ID"} {
				if !strings.Contains(head, want) {
					t.Errorf("no %s while a call fails: %q", want, head)
				}
			}
			if sz[0] >= 80 && (!strings.Contains(head, "FOR") || !strings.Contains(head, "ANSWER")) {
				t.Errorf("FOR and ANSWER dropped while a call fails: %q", head)
			}
			failRow := listRows(m)[3]
			if !strings.Contains(failRow, " "+code) {
				t.Errorf("the code is not whole on its row: %q", failRow)
			}
			for i, up := range []watch.Task{recovered(ts[2]), failing(ts[2], code), recovered(ts[2])} {
				m.Update(engineMsg{watch.Update{Changed: []watch.Task{up}, Stats: okStats()}})
				if got := listRows(m)[0]; got != head {
					t.Errorf("step %d: the columns moved:\n%q\n%q", i, head, got)
				}
				if got := listRows(m)[1]; got != calm {
					t.Errorf("step %d: a calm row moved:\n%q\n%q", i, calm, got)
				}
			}
		})
	}
}

// TestCountsLineKeepsEveryState: the header's counts keep all nine states
// at every width from 60 columns (64 with a filter, which stays too), and
// every problem down to 40: words go from the calm end first, never a
// count.
func TestCountsLineKeepsEveryState(t *testing.T) {
	t.Parallel()
	for _, filter := range []string{"", "task"} {
		t.Run("filter "+filter, func(t *testing.T) { countsLineAt(t, filter) })
	}
}

func countsLineAt(t *testing.T, filter string) {
	m := loaded(t, newCountingEngine(), 60, 30)
	vanished := watch.Task{Ref: ref("task-vanished-10"), Phase: watch.Vanished, Last: &watch.Answer{Status: "Idle"}}
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{vanished}, Stats: okStats()}})
	all := 60
	if filter != "" {
		press(m, "/")
		typeText(m, filter)
		press(m, "enter")
		all = 64
	}
	for w := 40; w <= 200; w++ {
		m.Update(tea.WindowSizeMsg{Width: w, Height: 30})
		counts := lines(ansi.Strip(content(m)))[1]
		if ansi.StringWidth(counts) > w {
			t.Fatalf("%d: counts line wider than the screen: %q", w, counts)
		}
		short := false
		for _, i := range countOrder {
			p := watch.Phases[i]
			n := m.counts[i]
			if n == 0 || (w < all && !p.Problem()) {
				continue
			}
			full := m.st.StateText(p) + " " + common.Itoa(n)
			brief := m.st.Glyph(p) + " " + common.Itoa(n)
			switch {
			case strings.Contains(counts, full):
				if short {
					t.Errorf("%d: %q keeps its word after a worse count lost its own: %q", w, full, counts)
				}
			case strings.Contains(counts, "  "+brief):
				short = true
			default:
				t.Errorf("%d: counts line %q drops %s", w, counts, p)
			}
		}
		if filter != "" && !strings.Contains(counts, "[filter: task]") && !strings.Contains(counts, "[/task]") {
			t.Errorf("%d: counts line %q hides the filter", w, counts)
		}
	}
}
