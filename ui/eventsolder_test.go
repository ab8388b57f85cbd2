package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// TestEventsPaneSaysWhatWasNotRead: when start-up read only the log's
// newest part, the events pane says so under its oldest event, once the
// list is scrolled down to it, and never above newer events.
func TestEventsPaneSaysWhatWasNotRead(t *testing.T) {
	const older = "… older events not read at start: 180 MB of the event log; trtcwatch events prints them all"
	past := make([]watch.Event, 40)
	for i := range past {
		past[i] = watch.Event{At: t0.Add(time.Duration(i-40) * time.Minute), Kind: watch.EventAdd, Ref: ref("task-idle-0002"), By: "local"}
	}
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp,
		Now: func() time.Time { return t0 }, Location: time.UTC, PastEvents: past, PastEventsOlder: older})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
	m.Update(keyMsg("e"))
	if screen := ansi.Strip(content(m)); strings.Contains(screen, "older events not read") {
		t.Errorf("the note shows above newer events:\n%s", screen)
	}
	m.Update(keyMsg("G"))
	screen := ansi.Strip(content(m))
	flat := strings.Join(strings.Fields(screen), " ")
	if !strings.Contains(flat, strings.Join(strings.Fields(older), " ")) {
		t.Fatalf("no note under the oldest event:\n%s", screen)
	}
	if i, j := strings.Index(screen, "older events not read"), strings.LastIndex(screen, "added"); i < j {
		t.Errorf("the note is not under the oldest event:\n%s", screen)
	}
}
