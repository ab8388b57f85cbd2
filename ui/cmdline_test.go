package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/ui/common"
)

// runLine opens the command line, types line and presses enter.
func runLine(m *Model, line string) tea.Cmd {
	pressFlow(m, ":")
	typeText(m, line)
	return pressFlow(m, "enter")
}

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		line  string
		flash string // part of the message it leaves
		err   bool
		check func(t *testing.T, m *Model, msgs []tea.Msg)
	}{
		{name: "sdkappid sets the default", line: "sdkappid 1400000002", flash: "typed tasks now use SdkAppId 1400000002",
			check: func(t *testing.T, m *Model, _ []tea.Msg) {
				if m.opts.SdkAppID != 1400000002 {
					t.Errorf("SdkAppID = %d", m.opts.SdkAppID)
				}
			}},
		{name: "sdkappid rejects a non-number", line: "sdkappid 14000x", flash: ":sdkappid:", err: true,
			check: func(t *testing.T, m *Model, _ []tea.Msg) {
				if m.opts.SdkAppID != testApp {
					t.Errorf("SdkAppID changed to %d", m.opts.SdkAppID)
				}
			}},
		{name: "sdkappid takes one word", line: "sdkappid 1 2", flash: "takes one SdkAppId", err: true},
		{name: "bare sdkappid says the current", line: "sdkappid", flash: "typed tasks use SdkAppId 1400000001"},
		{name: "region sets the default", line: ":region ap-mumbai", flash: "typed tasks now use region ap-mumbai",
			check: func(t *testing.T, m *Model, _ []tea.Msg) {
				if m.opts.Region != "ap-mumbai" || !strings.Contains(lines(ansi.Strip(content(m)))[0], "ap-mumbai") {
					t.Errorf("region %q; header %q", m.opts.Region, lines(ansi.Strip(content(m)))[0])
				}
			}},
		{name: "region rejects an unknown one", line: "region mars-1", flash: "mars-1 is not one of ap-beijing", err: true,
			check: func(t *testing.T, m *Model, _ []tea.Msg) {
				if m.opts.Region != testRegion {
					t.Errorf("region changed to %q", m.opts.Region)
				}
			}},
		{name: "unknown command", line: "frobnicate now", flash: "unknown command :frobnicate (commands: sdkappid, region", err: true},
		{name: "events asks for the pane", line: "events",
			check: func(t *testing.T, _ *Model, msgs []tea.Msg) {
				if len(msgs) != 1 {
					t.Fatalf("messages %v", msgs)
				}
				if _, ok := msgs[0].(eventsMsg); !ok {
					t.Errorf("got %T, want eventsMsg", msgs[0])
				}
			}},
		{name: "q quits", line: "q",
			check: func(t *testing.T, _ *Model, msgs []tea.Msg) {
				if len(msgs) != 1 {
					t.Fatalf("messages %v", msgs)
				}
				if _, ok := msgs[0].(tea.QuitMsg); !ok {
					t.Errorf("got %T, want quit", msgs[0])
				}
			}},
		{name: "empty line does nothing", line: "  "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng := newCountingEngine()
			m := loaded(t, eng, 120, 30)
			cmd := runLine(m, tc.line)
			if m.focus.top() != focusList {
				t.Errorf("mode %v after enter, want the list", m.focus.top())
			}
			if eng.total() != 0 {
				t.Errorf("Update made %d engine calls", eng.total())
			}
			if !strings.Contains(m.flash.text, tc.flash) || (tc.err != (m.flash.kind == common.FlashErr)) {
				t.Errorf("flash %q (kind %d), want %q (error %v)", m.flash.text, m.flash.kind, tc.flash, tc.err)
			}
			var msgs []tea.Msg
			if tc.flash == "" {
				msgs = runCmd(cmd)
			}
			if tc.check != nil {
				tc.check(t, m, msgs)
			}
		})
	}
}

// TestCommandDefaultsReachAdd: a typed task takes the SdkAppId and region
// set on the command line, without a restart.
func TestCommandDefaultsReachAdd(t *testing.T) {
	eng := newCountingEngine()
	m := loaded(t, eng, 120, 30)
	runLine(m, "sdkappid 1400000002")
	runLine(m, "region ap-mumbai")
	pressFlow(m, "a")
	typeText(m, "newtask-1")
	runCmd(pressFlow(m, "enter"))
	if len(eng.added) != 1 || len(eng.added[0]) != 1 {
		t.Fatalf("added %v", eng.added)
	}
	if r := eng.added[0][0]; r.SdkAppID != 1400000002 || r.Region != "ap-mumbai" || r.TaskID != "newtask-1" {
		t.Errorf("added %+v", r)
	}
}

// TestCommandCompletion: the line completes from the root's table: the
// commands this session offers (a session without export, team mode,
// never offers :export and says why when asked to complete it) and each
// one's words (the cmdline package tests the completion itself).
func TestCommandCompletion(t *testing.T) {
	for _, tc := range []struct {
		typed, flash string
		export       bool // a session with export (not team mode)
	}{
		{typed: "", flash: "sdkappid  region  alert  events  q"},
		{typed: "", flash: "sdkappid  region  export  alert  events  q", export: true},
		{typed: "region ap-s", flash: "ap-shanghai  ap-singapore"},
		{typed: "export c", flash: exportOffText},
		{typed: "export ", flash: "md  csv", export: true},
		{typed: "alert ", flash: "idle>5m  clear"},
	} {
		t.Run(fmt.Sprintf("%q/export=%v", tc.typed, tc.export), func(t *testing.T) {
			m := loaded(t, newCountingEngine(), 120, 30)
			m.opts.AlertExamples = []string{"idle>5m"}
			if tc.export {
				m.opts.Export = (&fakeExport{}).write
				m.opts.ExportFormats = []string{"md", "csv"}
			}
			pressFlow(m, ":")
			typeText(m, tc.typed)
			pressFlow(m, "tab")
			if m.focus.top() != focusCmdline || !strings.Contains(m.flash.text, tc.flash) {
				t.Errorf("top %v, flash %q, want %q", m.focus.top(), m.flash.text, tc.flash)
			}
		})
	}
}

// TestCommandHistoryAndEsc: a command from the history runs as typed;
// esc leaves the line; q typed on it is a letter, not quit.
func TestCommandHistoryAndEsc(t *testing.T) {
	m := loaded(t, newCountingEngine(), 120, 30)
	runLine(m, "region ap-mumbai")
	runLine(m, "region ap-seoul")
	pressFlow(m, ":")
	typeText(m, "reg")
	if !strings.Contains(ansi.Strip(content(m)), ":reg") {
		t.Errorf("the command line is not on screen:\n%s", ansi.Strip(content(m)))
	}
	pressFlow(m, "up", "up", "enter")
	if m.focus.top() != focusList || m.opts.Region != "ap-mumbai" {
		t.Errorf("up, up, enter: top %v, region %q, want ap-mumbai run again", m.focus.top(), m.opts.Region)
	}
	pressFlow(m, ":")
	typeText(m, "region ap-seoul")
	pressFlow(m, "esc")
	if m.focus.top() != focusList || m.opts.Region != "ap-mumbai" {
		t.Errorf("esc: top %v, region %q", m.focus.top(), m.opts.Region)
	}
	pressFlow(m, ":")
	if cmd := pressFlow(m, "q"); isQuit(cmd) || !strings.Contains(ansi.Strip(content(m)), ":q") {
		t.Errorf("q on the command line quit or was lost:\n%s", ansi.Strip(content(m)))
	}
}
