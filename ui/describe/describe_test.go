package describe

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/ui/uitest"
	"github.com/trtcwatch/trtcwatch/watch"
)

// t0 is the fixed clock of every test.
var t0 = uitest.T0

// newView is the describe view of t at w×h (the body: title included),
// open from the top, on a clock fixed at t0, dark.
func newView(t watch.Task, w, h int) *Model {
	st := common.NewStyles(true, false)
	k := func(keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], "x"))
	}
	m := New(&st, &common.Clock{Now: t0, Loc: time.UTC}, KeyMap{
		Nav:  common.Nav{Up: k("k", "up"), Down: k("j", "down"), PageUp: k("pgup"), PageDown: k("pgdown"), Top: k("g"), Bottom: k("G")},
		Copy: k("y"), CopyDetails: k("Y"), Back: k("esc"),
	})
	m.SetSize(w, h)
	m.Open(t, 1)
	return m
}

// content is every line of the view's text, styled, scrolled or not.
func (m *Model) content() []string {
	m.sync()
	return strings.Split(m.vp.GetContent(), "\n")
}

func checkWidth(t *testing.T, what string, lines []string, w int) {
	t.Helper()
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("%s: line %d is %d cells wide, more than %d: %q", what, i, n, w, ansi.Strip(l))
		}
	}
}

func TestContent(t *testing.T) {
	d := newView(uitest.RecordingTask(), 120, 40).doc(uitest.RecordingTask(), 120)
	text := d.CopyText()
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"TaskId " + uitest.RecTaskID, "Note ticket 4711", "Answered 2026", "RequestId " + uitest.RecReq3, "Status InProgress",
		"stale: a later call failed", "StorageFileList 5 files listed",
		"Code InternalError.CRInternalError", "Message on-cloud recording internal error, try again later please", "RequestId " + uitest.RecErr,
		"1. " + uitest.RecName("", "teacher_li", "main", "audio"), "User student_with_a_rather_long_user_id_0001", "Stream aux (screen share)",
		"Failover ha1_", "Stream mixed", `UserId "" (empty)`, "BeginTimeStamp 2026",
		"Raw response", `"RequestId": "` + uitest.RecReq3 + `"`, `    "StorageFileList": [`,
	} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("describe lacks %q:\n%s", want, text)
		}
	}
	// History newest first (the ticket copy too: the root's TestTicketHistoryNewestFirst).
	if i2, i1 := strings.Index(text, uitest.RecReq2), strings.Index(text, uitest.RecReq1); i2 < 0 || i1 < 0 || i2 > i1 {
		t.Errorf("history not newest first (%d, %d):\n%s", i2, i1, text)
	}
}

// TestCopiesWhatIsShown: y copies the view as plain text, and every line
// on screen is in the copy, unwrapped.
func TestCopiesWhatIsShown(t *testing.T) {
	m := newView(uitest.RecordingTask(), 100, 30)
	for _, k := range []string{"y", "Y"} {
		up, cmd := m.Update(tea.KeyPressMsg{Code: rune(k[0]), Text: k})
		c, ok := up.(common.CopyMsg)
		if !ok || cmd != nil || c.What != "the describe view" || c.Text != m.text {
			t.Fatalf("%s copied %+v", k, up)
		}
		copyText := strings.ReplaceAll(c.Text, "\n", "")
		for _, l := range m.content() {
			s := strings.TrimSpace(ansi.Strip(l))
			if s != "" && !strings.Contains(copyText, s) {
				t.Errorf("shown %q is not in the copy", s)
			}
		}
	}
}

// TestRequestIdsNeverCut: every RequestId is whole on one line of the
// view at every width it takes (the root's test does the detail pane).
func TestRequestIdsNeverCut(t *testing.T) {
	m := newView(uitest.RecordingTask(), 200, 60)
	for w := 37; w <= 120; w++ {
		lines := m.doc(uitest.RecordingTask(), w).Lines
		checkWidth(t, "describe", lines, w)
		plain := ansi.Strip(strings.Join(lines, "\n"))
		for _, id := range []string{uitest.RecReq1, uitest.RecReq2, uitest.RecReq3, uitest.RecErr} {
			if !strings.Contains(plain, id) {
				t.Fatalf("width %d: RequestId %s cut or broken:\n%s", w, id, plain)
			}
		}
	}
}

func TestRawSanitised(t *testing.T) {
	for name, raw := range map[string]string{
		"JSON escapes": `{"UserId":"evil\u001b]0;pwned\u0007","X":"` + "\u202e" + `"}`,
		"not JSON":     "{\"a\":\"\x1b]52;c;aGk=\x07\x1b[2J\"",
	} {
		t.Run(name, func(t *testing.T) {
			task := uitest.RecordingTask()
			task.Last = watch.NewAnswer(task.Last.Status, task.Last.RequestID, task.Last.At, task.Last.Files(), []byte(raw))
			d := newView(task, 100, 30).doc(task, 100)
			for _, l := range append(d.Lines, d.Plain...) {
				if s := ansi.Strip(l); strings.ContainsAny(s, "\x1b\x07\u202e") {
					t.Fatalf("raw control reached the screen: %q", s)
				}
			}
			if name == "not JSON" && !strings.Contains(d.CopyText(), "not valid JSON") {
				t.Error("invalid JSON not flagged")
			}
		})
	}
}

// TestGoneSaysSo: a task removed while it is read says so instead of its
// account, and comes back when it is watched again.
func TestGoneSaysSo(t *testing.T) {
	m := newView(uitest.RecordingTask(), 100, 30)
	m.SetGone()
	if v := ansi.Strip(m.View()); !strings.Contains(v, "This task is no longer watched. esc goes back.") || strings.Contains(v, "ticket 4711") {
		t.Errorf("gone:\n%s", v)
	}
	m.SetTask(uitest.RecordingTask(), 2)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "ticket 4711") {
		t.Errorf("watched again:\n%s", v)
	}
}

// TestRawJSONKeepsStringsWhole: the describe view's raw JSON wraps between
// tokens: a file's own name and a quoted message are whole on a line.
func TestRawJSONKeepsStringsWhole(t *testing.T) {
	task := uitest.RecordingTask()
	files := uitest.DemoFiles(task.Ref.TaskID)
	var b strings.Builder
	b.WriteString(`{"Status":"InProgress","Message":"the recorder answered with a long sentence of several words","StorageFileList":[`)
	for i, f := range files {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"UserId":"u","FileName":%q,"TrackType":%q}`, f.FileName, f.TrackType)
	}
	b.WriteString(`],"RequestId":"bcd274bf-89d4-4464-820b-c9643b26e0b9"}`)
	task.Last = watch.NewAnswer("InProgress", "bcd274bf-89d4-4464-820b-c9643b26e0b9", t0.Add(-time.Second), files, []byte(b.String()))
	raw := strings.Join(newView(task, 80, 40).content(), "\n")
	raw = ansi.Strip(raw[strings.Index(raw, "Raw response"):])
	for _, want := range append(uitest.BaseNames(files), `"the recorder answered with a long sentence of several words",`) {
		if !strings.Contains(raw, want) {
			t.Errorf("%q is not whole on a line of the raw JSON:\n%s", want, raw)
		}
	}
}
