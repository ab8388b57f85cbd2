package ui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/recfile"
	"github.com/trtcwatch/trtcwatch/ui/uitest"
	"github.com/trtcwatch/trtcwatch/watch"
)

// withRecording is a model at w×h showing only uitest.RecordingTask, selected.
func withRecording(t *testing.T, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, newCountingEngine(), w, h)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{uitest.RecordingTask()}, Stats: okStats()}})
	return m
}

// joined is the screen text with lines stripped of styling and leading
// blanks and glued together, so a wrapped value reads whole again.
func joined(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(strings.TrimSpace(ansi.Strip(l)))
	}
	return b.String()
}

func checkWidth(t *testing.T, what string, lines []string, w int) {
	t.Helper()
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("%s: line %d is %d cells wide, more than %d: %q", what, i, n, w, ansi.Strip(l))
		}
	}
}

func TestDetailFilesReadable(t *testing.T) {
	for _, w := range []int{40, 48, 60, 64, 80} {
		m := withRecording(t, 200, 60)
		lines := m.buildDetail(m.selected(), w)
		checkWidth(t, "detail", lines, w)
		plain := ansi.Strip(strings.Join(lines, "\n"))
		flat := strings.Join(strings.Fields(plain), " ")
		for _, want := range []string{"Files (5) room 20002", "in <TaskId>/", "teacher_li", "(all users)", "mixed", "aux", "main ha1",
			"haN: written after the recorder's Nth restart (failover)"} {
			if !strings.Contains(flat, want) {
				t.Errorf("w=%d: detail lacks %q:\n%s", w, want, plain)
			}
		}
		if strings.Contains(plain, "student_…") || strings.Contains(plain, "PvRgmGoZM…") {
			t.Errorf("w=%d: a user or file name is cut:\n%s", w, plain)
		}
		all := joined(lines)
		for _, f := range uitest.RecordingTask().Last.Files() {
			n := recfile.Parse(f.FileName)
			if !strings.Contains(all, n.Base) {
				t.Errorf("w=%d: file name %q not shown whole (wrapped or not)", w, n.Base)
			}
		}
		// A long user id may wrap, inside its column or on its own lines:
		// the first cells of consecutive lines read it whole.
		var cells strings.Builder
		for _, l := range lines {
			if f := strings.Fields(ansi.Strip(l)); len(f) > 0 {
				cells.WriteString(f[0])
			}
		}
		if !strings.Contains(cells.String(), "student_with_a_rather_long_user_id_0001") {
			t.Errorf("w=%d: the long user id is not shown whole:\n%s", w, plain)
		}
	}
}

// TestFileNameWrapsWithHangingIndent: continuation lines sit deeper than
// the first, and a break never splits the "__" separator.
func TestFileNameWrapsWithHangingIndent(t *testing.T) {
	m := withRecording(t, 200, 60)
	lines := m.buildDetail(m.selected(), 48)
	saw := false
	for i, l := range lines {
		s := ansi.Strip(l)
		if strings.HasPrefix(s, "    1400000001_20002__UserId_s_"+uitest.B64("teacher_li")) && i+1 < len(lines) {
			next := ansi.Strip(lines[i+1])
			if !strings.HasPrefix(next, "      __UserId_e_") {
				t.Errorf("continuation of %q is %q, want a 6-cell hanging indent starting at __UserId_e_", s, next)
			}
			saw = true
		}
	}
	if !saw {
		t.Fatalf("no wrapped file name at width 48:\n%s", ansi.Strip(strings.Join(lines, "\n")))
	}
}

// TestRequestIdsNeverCut: every RequestId is whole on one line of the
// detail pane at every width the pane takes (describe's own test does the
// describe view).
func TestRequestIdsNeverCut(t *testing.T) {
	ids := []string{uitest.RecReq1, uitest.RecReq2, uitest.RecReq3, uitest.RecErr}
	m := withRecording(t, 200, 60)
	for w := 37; w <= 120; w++ {
		lines := m.buildDetail(m.selected(), w)
		checkWidth(t, "detail", lines, w)
		plain := ansi.Strip(strings.Join(lines, "\n"))
		for _, id := range ids {
			if !strings.Contains(plain, id) {
				t.Fatalf("detail at width %d: RequestId %s cut or broken:\n%s", w, id, plain)
			}
		}
	}
}

func TestDescribeOpensScrollsAndCloses(t *testing.T) {
	m := withRecording(t, 80, 24)
	press(m, "enter", "enter")
	if m.focus.top() != focusDescribe {
		t.Fatalf("enter twice: mode %d, want the describe view", m.focus.top())
	}
	out := ansi.Strip(content(m))
	if !strings.Contains(out, "Describe PvRgmGoZ") || !strings.Contains(out, "1-20 of ") {
		t.Fatalf("describe title or position missing:\n%s", out)
	}
	// Where the view is, from its title: "first-last of total".
	pos := func() (y, total, h int) {
		mm := regexp.MustCompile(`(\d+)-(\d+) of (\d+)`).FindStringSubmatch(ansi.Strip(content(m)))
		if mm == nil {
			t.Fatalf("no position in the title:\n%s", ansi.Strip(content(m)))
		}
		first, _ := strconv.Atoi(mm[1])
		last, _ := strconv.Atoi(mm[2])
		total, _ = strconv.Atoi(mm[3])
		return first - 1, total, last - first + 1
	}
	steps := []struct {
		key  string
		want func(y, total, h int) bool
	}{
		{"j", func(y, _, _ int) bool { return y == 1 }},
		{"pgdown", func(y, _, h int) bool { return y == 1+h }},
		{"k", func(y, _, h int) bool { return y == h }},
		{"pgup", func(y, _, _ int) bool { return y == 0 }},
		{"down", func(y, _, _ int) bool { return y == 1 }},
		{"G", func(y, total, h int) bool { return y == total-h }},
		{"g", func(y, _, _ int) bool { return y == 0 }},
		{"d", func(y, _, _ int) bool { return y == 0 }}, // no removal from here
	}
	for _, s := range steps {
		press(m, s.key)
		y, total, h := pos()
		if !s.want(y, total, h) || m.focus.top() != focusDescribe {
			t.Fatalf("after %q: offset %d of %d (height %d), mode %d", s.key, y, total, h, m.focus.top())
		}
	}
	press(m, "esc")
	if m.focus.top() != focusDetails {
		t.Fatalf("esc: mode %d, want the detail pane", m.focus.top())
	}
	press(m, "esc", "i")
	if m.focus.top() != focusDescribe {
		t.Fatalf("i from the list: mode %d", m.focus.top())
	}
}

// TestTicketHistoryNewestFirst: Y's ticket lists the history newest
// first, as the details and the describe view do.
func TestTicketHistoryNewestFirst(t *testing.T) {
	m := withRecording(t, 120, 40)
	s := m.ticketText(m.selected())
	if i2, i1 := strings.Index(s, uitest.RecReq2), strings.Index(s, uitest.RecReq1); i2 < 0 || i1 < 0 || i2 > i1 {
		t.Errorf("history not newest first (%d, %d):\n%s", i2, i1, s)
	}
}

// TestDescribeCopies: y in the describe view copies the whole view
// (describe's own test checks it is what is shown).
func TestDescribeCopies(t *testing.T) {
	m := withRecording(t, 100, 30)
	press(m, "i")
	msgs := runCmd(press(m, "y"))
	if len(msgs) != 1 {
		t.Fatalf("y: %d messages", len(msgs))
	}
	c, ok := msgs[0].(copiedMsg)
	if !ok || c.what != "the describe view" || !strings.Contains(c.text, "TaskId          "+uitest.RecTaskID) || !strings.Contains(c.text, "Raw response") {
		t.Fatalf("y copied %+v", msgs[0])
	}
}

// TestDescribeSweep: every size from the floor up draws no line wider
// than the terminal and no more lines than it has. The text wraps anew
// at every width, so widths from 40 up are drawn at one height, reached
// by a resize with the view open and then by opening it again on each
// task; the height only sets how many lines show, so heights from 8 up
// are drawn at one width by a resize. With -tags long (sweepEvery) that
// is every width from 40 to 100 and every fourth to 240, and every
// height from 8 to 80; the normal suite draws 40 to 50, every seventh
// width, 24 widths from a logged seed (sampleRand), every height to 30
// and 80 and eight heights from the seed. A failure names its size.
func TestDescribeSweep(t *testing.T) {
	t.Parallel()
	var sizes [][2]int
	if sweepEvery {
		for w := 40; w <= 240; w++ {
			if w <= 100 || w%4 == 0 {
				sizes = append(sizes, [2]int{w, 24})
			}
		}
		for h := 8; h <= 80; h++ {
			sizes = append(sizes, [2]int{60, h})
		}
	} else {
		rng := sampleRand(t)
		ws := map[int]bool{}
		for w := 40; w <= 240; w++ {
			ws[w] = w <= 50 || w%7 == 0
		}
		for range 24 {
			ws[40+rng.IntN(201)] = true
		}
		for w := 40; w <= 240; w++ {
			if ws[w] {
				sizes = append(sizes, [2]int{w, 24})
			}
		}
		hs := []int{80}
		for h := 8; h <= 30; h++ {
			hs = append(hs, h)
		}
		for range 8 {
			hs = append(hs, 31+rng.IntN(49))
		}
		for _, h := range hs {
			sizes = append(sizes, [2]int{60, h})
		}
	}
	m := withRecording(t, 80, 24)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{hostileTask()}}})
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		if out := lines(content(m)); len(out) > h {
			t.Fatalf("%dx%d resized: %d lines", w, h, len(out))
		}
		checkWidth(t, "describe resized", lines(content(m)), w)
		if h != 24 {
			continue
		}
		for _, task := range []string{"G", "g"} {
			press(m, "esc", "esc", task, "i", "G")
			out := lines(content(m))
			checkWidth(t, "describe", out, w)
			if len(out) > h {
				t.Fatalf("%dx%d: %d lines", w, h, len(out))
			}
		}
	}
	m = withRecording(t, 80, 24)
	press(m, "i")
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 8})
	checkWidth(t, "describe after resize", lines(content(m)), 40)
}
