package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/ui/uitest"
	"github.com/trtcwatch/trtcwatch/watch"
)

// setClipboardText reads the text of the OSC 52 fallback message.
func setClipboardText(msgs []tea.Msg) (string, bool) {
	for _, msg := range msgs {
		if strings.HasSuffix(fmt.Sprintf("%T", msg), "setClipboardMsg") {
			return fmt.Sprint(msg), true
		}
	}
	return "", false
}

func TestCopy(t *testing.T) {
	hostileID := hostileTask()
	hostileID.Ref.TaskID = "id" + hostile
	isID := func(s string) bool { return s == sanitize.String("id"+hostile) }
	tests := []struct {
		name      string
		key       string
		native    error // nil: native works; errBoom: it fails
		noNative  bool  // no native clipboard at all
		want      func(string) bool
		wantFlash string
	}{
		{name: "y native", key: "y", want: isID, wantFlash: "copied TaskId to the clipboard"},
		{name: "y OSC 52 when native fails", key: "y", native: errBoom, want: isID,
			wantFlash: "sent TaskId to the terminal (OSC 52); v shows it if paste fails"},
		{name: "y OSC 52 with no native", key: "y", noNative: true, want: isID,
			wantFlash: "sent TaskId to the terminal (OSC 52); v shows it if paste fails"},
		{name: "Y details", key: "Y", wantFlash: "copied task details to the clipboard", want: func(s string) bool {
			return strings.Contains(s, "TaskId: id\\x1b]0;pwned") && strings.Contains(s, "UserId=u\\x1b]0;pwned") &&
				strings.Contains(s, "RequestId req\\x1b]0;pwned") && strings.Contains(s, "Status: throttled (API status Idle\\x1b") &&
				strings.Contains(s, "Last error: RequestLimitExceeded\\x1b]0;pwned")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var native []string
			m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Now: fixedNow, Location: time.UTC,
				Clipboard: func(s string) error {
					mu.Lock()
					defer mu.Unlock()
					native = append(native, s)
					return tc.native
				}})
			if tc.noNative {
				m.opts.Clipboard = nil
			}
			m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
			m.Update(engineMsg{watch.Update{Changed: []watch.Task{hostileID}, Stats: okStats()}})
			var copied string
			for _, msg := range runCmd(press(m, tc.key)) {
				_, cmd := m.Update(msg)
				if s, ok := setClipboardText(runCmd(cmd)); ok {
					if tc.native == nil && !tc.noNative {
						t.Error("fell back to OSC 52 although the native clipboard worked")
					}
					copied = s
				}
			}
			mu.Lock()
			if tc.native == nil && !tc.noNative {
				if len(native) != 1 {
					t.Fatalf("native writes %d", len(native))
				}
				copied = native[0]
			}
			mu.Unlock()
			assertTerminalSafe(t, "clipboard", copied)
			if !tc.want(copied) {
				t.Errorf("copied %q", copied)
			}
			if m.flash.text != tc.wantFlash {
				t.Errorf("flash %q, want %q", m.flash.text, tc.wantFlash)
			}
			// v shows exactly what was copied, safe for the terminal.
			press(m, "v")
			out := content(m)
			assertTerminalSafe(t, "copied box", out)
			if m.focus.top() != focusCopied || !strings.Contains(ansi.Strip(out), strings.SplitN(copied, "\n", 2)[0]) {
				t.Errorf("v does not show the copied text:\n%s", ansi.Strip(out))
			}
			press(m, "esc")
			if m.focus.top().box() {
				t.Error("esc did not close the copied text")
			}
		})
	}
}

func TestShowCopiedBeforeAnyCopy(t *testing.T) {
	m := loaded(t, newCountingEngine(), 80, 24)
	press(m, "v")
	if m.focus.top().box() || !strings.Contains(m.flash.text, "nothing copied yet") {
		t.Errorf("box %v flash %q", m.focus.top(), m.flash.text)
	}
}

// The copied box has no side borders: a hand selection of its lines picks
// up the text and nothing else.
func TestCopiedBoxSelectsCleanly(t *testing.T) {
	m := loaded(t, newCountingEngine(), 80, 24)
	m.Update(copiedMsg{what: "task details", text: "TaskId: abc\nHistory (newest first):\n  2026-03-14T17:26:53+08:00 Idle -> InProgress\n", err: errBoom})
	press(m, "v")
	want := []string{"TaskId: abc", "History (newest first):", "  2026-03-14T17:26:53+08:00 Idle -> InProgress"}
	got := lines(ansi.Strip(content(m)))
	for _, w := range want {
		found := false
		for _, l := range got {
			if strings.TrimRight(l, " ") == w {
				found = true
			}
		}
		if !found {
			t.Errorf("no line that is exactly %q:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestTicketTextTimesAndOrder(t *testing.T) {
	tk := fixtureTasks()[0] // two transitions, oldest first in the engine
	tests := []struct {
		z    int // presses of z: to UTC, then to UTC+8
		want []string
	}{
		{1, []string{"(API status InProgress) since 2026-03-14T09:18:53+00:00",
			"  2026-03-14T09:18:53+00:00 Idle -> InProgress RequestId req-b\n  2026-03-14T09:16:53+00:00 pending -> Idle RequestId req-a",
			"Copied 2026-03-14T09:26:53+00:00 from trtcwatch"}},
		{2, []string{"since 2026-03-14T17:18:53+08:00", "BeginTime=2026-03-14T17:24:53+08:00",
			"History (newest first):\n  2026-03-14T17:18:53+08:00 Idle -> InProgress"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.z), func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 100, 30)
			for range tc.z {
				press(m, "z")
			}
			r := m.rows[tk.Ref]
			s := m.ticketText(r)
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("ticket lacks %q:\n%s", w, s)
				}
			}
		})
	}
}

// TestHistoryNamesTheCode: Y's history line for a change to a failure
// names the failed call's code, the one the engine recorded on the
// transition (watch.Transition.Code), for the last failure and an older
// one alike, and nothing else: no event or last failure stands in for it.
func TestHistoryNamesTheCode(t *testing.T) {
	tk := failing(demoLike()[0], "InternalError.CRInternalError")
	older := t0.Add(-5 * time.Minute)
	tk.History = []watch.Transition{
		{At: older.Add(-time.Minute), From: watch.Pending, To: watch.InProgress, RequestID: "req-a"},
		{At: older, From: watch.InProgress, To: watch.Throttled, RequestID: "req-b", Code: "RequestLimitExceeded"},
		{At: older.Add(time.Second), From: watch.Throttled, To: watch.InProgress, RequestID: "req-c"},
		{At: t0.Add(-3 * time.Second), From: watch.InProgress, To: watch.Error, RequestID: "req-fail", Code: "InternalError.CRInternalError"},
		{At: t0.Add(-2 * time.Second), From: watch.Error, To: watch.Throttled, RequestID: "req-fail"}, // no code recorded: none named
	}
	m := newTestModel(t, newCountingEngine(), 120, 30)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: okStats()}})
	var text string
	for _, msg := range runCmd(press(m, "Y")) {
		if c, ok := msg.(copiedMsg); ok {
			text = c.text
		}
	}
	for _, want := range []string{
		"InProgress -> error (InternalError.CRInternalError) RequestId req-fail",
		"InProgress -> throttled (RequestLimitExceeded) RequestId req-b",
		"throttled -> InProgress RequestId req-c",
		"error -> throttled RequestId req-fail",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Y lacks %q:\n%s", want, text)
		}
	}
	if details := ansi.Strip(content(m)); !strings.Contains(details, "InProgress -> error (InternalError.CRInternalError)") {
		t.Errorf("the details' history does not name the code:\n%s", details)
	}
}

// TestCopiedBoxKeepsNamesWhole: the v box is there to select text by
// hand, so at 80 columns every file's own name, the TaskId and each
// RequestId are whole on one line, never broken inside.
func TestCopiedBoxKeepsNamesWhole(t *testing.T) {
	ts := demoLike()
	files := uitest.DemoFiles(ts[0].Ref.TaskID)
	ts[0].Last = packedAnswer("InProgress", "bcd274bf-89d4-4464-820b-c9643b26e0b9", t0.Add(-time.Second), files, nil)
	m := alertingModel(t, 80, 60, ts)
	for _, msg := range runCmd(press(m, "Y")) {
		m.Update(msg)
	}
	press(m, "v")
	if m.focus.top() != focusCopied {
		t.Fatalf("v opened box %v", m.focus.top())
	}
	screen := ansi.Strip(content(m))
	for _, want := range append(uitest.BaseNames(files), ts[0].Ref.TaskID, "bcd274bf-89d4-4464-820b-c9643b26e0b9") {
		if !strings.Contains(screen, want) {
			t.Errorf("%q is not whole on a line of the box:\n%s", want, screen)
		}
	}
	for _, l := range lines(screen) {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line wider than the screen: %q", l)
		}
	}
}
