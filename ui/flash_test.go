package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/watch"
)

// TestAnswerOutlivesNotices: the answer to a typed command stays for its
// time: an alert that fires meanwhile waits, and shows when it is done.
func TestAnswerOutlivesNotices(t *testing.T) {
	ts := demoLike()
	ts[20].Since = t0.Add(-time.Minute) // not idle long enough yet
	now := t0
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC,
		Now: func() time.Time { return now }, Alerts: []AlertRule{idleRule{5 * time.Minute}}, ParseAlert: parseIdle})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(engineMsg{watch.Update{Changed: ts, Stats: okStats()}})
	pressFlow(m, ":")
	typeText(m, "sdkappid 1400000002")
	pressFlow(m, "enter")
	answer := "typed tasks now use SdkAppId 1400000002"
	if m.flash.text != answer {
		t.Fatalf("flash %q", m.flash.text)
	}
	seq := m.flash.seq
	now = t0.Add(5 * time.Minute) // the idle task now meets idle>5m
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{ts[0]}, Stats: okStats()}})
	if m.alertCount() != 1 {
		t.Fatalf("%d alerts", m.alertCount())
	}
	if m.flash.text != answer {
		t.Errorf("the answer to :sdkappid was replaced by %q", m.flash.text)
	}
	m.Update(flashClearMsg{seq})
	if !strings.HasPrefix(m.flash.text, "alert: ") {
		t.Errorf("after the answer's time the alert shows %q", m.flash.text)
	}
	// A notice gives way to an answer at once.
	press(m, "z")
	if m.flash.text != "times in UTC" {
		t.Errorf("z answered %q", m.flash.text)
	}
}
