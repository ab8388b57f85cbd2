package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/sanitize"
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
	tests := []struct {
		name     string
		key      string
		native   error // nil: native works; errBoom: fails; errNoClipboard: no native at all
		noNative bool
		want     func(string) bool
	}{
		{name: "y native", key: "y", want: func(s string) bool { return s == sanitize.String("id"+hostile) }},
		{name: "y OSC 52 when native fails", key: "y", native: errBoom, want: func(s string) bool { return s == sanitize.String("id"+hostile) }},
		{name: "y OSC 52 with no native", key: "y", noNative: true, want: func(s string) bool { return s == sanitize.String("id"+hostile) }},
		{name: "Y details", key: "Y", want: func(s string) bool {
			return strings.Contains(s, "TaskId: id\\x1b]0;pwned") && strings.Contains(s, "UserId=u\\x1b]0;pwned") &&
				strings.Contains(s, "RequestId req\\x1b]0;pwned") && strings.Contains(s, "Status: throttled (API status Idle\\x1b") &&
				strings.Contains(s, "Last error: RequestLimitExceeded\\x1b]0;pwned")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var native []string
			m := New(newCountingEngine(), Options{Keys: testKeyMap(), Now: fixedNow, Location: time.UTC,
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
			if !strings.HasPrefix(m.flash.text, "copied ") {
				t.Errorf("flash %q", m.flash.text)
			}
		})
	}
}
