package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// idleRule is a stand-in for package alert's idle>D: Idle longer than d.
type idleRule struct{ d time.Duration }

func (r idleRule) String() string { return "idle>" + r.d.String() }
func (r idleRule) Check(t watch.Task, now time.Time) (string, bool) {
	return "", t.Phase == watch.Idle && now.Sub(t.Since) > r.d
}

func parseIdle(s string) (AlertRule, error) {
	d, ok := strings.CutPrefix(s, "idle>")
	if !ok {
		return nil, errors.New("alert rule " + s + ": want idle>DURATION")
	}
	dd, err := time.ParseDuration(d)
	if err != nil {
		return nil, err
	}
	return idleRule{dd}, nil
}

type firings struct {
	mu  sync.Mutex
	got []string
}

func (f *firings) add(x Firing) {
	f.mu.Lock()
	f.got = append(f.got, x.Rule+" "+x.Task.Ref.TaskID)
	f.mu.Unlock()
}

func rang(cmd tea.Cmd) bool {
	for _, msg := range runCmd(cmd) {
		if r, ok := msg.(tea.RawMsg); ok && r.Msg == "\a" {
			return true
		}
	}
	return false
}

// alertModel loads the fixture with rules; the clock is a variable so
// ticks can move it.
func alertModel(t *testing.T, now *time.Time, bell bool, rules ...AlertRule) (*Model, *firings, tea.Cmd) {
	fs := &firings{}
	m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC,
		Now: func() time.Time { return *now }, Bell: bell, Alerts: rules, ParseAlert: parseIdle,
		AlertExamples: []string{"idle>5m", "nofiles>3m", "vanished", "error>2m", "auth"}, OnAlert: fs.add})
	t.Cleanup(m.cancel)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	_, cmd := m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
	return m, fs, cmd
}

func rowLine(m *Model, id string) string {
	for _, l := range lines(ansi.Strip(content(m))) {
		if strings.Contains(l, id) {
			return l
		}
	}
	return ""
}

func TestAlertsFlagRows(t *testing.T) {
	now := t0
	m, fs, cmd := alertModel(t, &now, true, idleRule{2 * time.Minute})
	if !rang(cmd) {
		t.Error("a rule that holds at load did not ring")
	}
	if got := m.alerts(ref("task-idle-0002")); len(got) != 1 || got[0] != "idle>2m0s" {
		t.Fatalf("alerts on task-idle-0002 = %v", got)
	}
	head := lines(ansi.Strip(content(m)))[1]
	if !strings.Contains(head, "1 alert") {
		t.Errorf("header %q lacks the alert count", head)
	}
	if l := rowLine(m, "task-idle-0002"); !strings.HasPrefix(strings.TrimLeft(l, "│"), "!") {
		t.Errorf("flagged row not marked: %q", l)
	}
	// Under the cursor the row keeps its !, and the details say why.
	m.selectTask(ref("task-idle-0002"))
	if screen := ansi.Strip(content(m)); !strings.Contains(screen, "Alert") || !strings.Contains(screen, "meets idle>2m0s") {
		t.Errorf("the details of a flagged task do not name its rule:\n%s", screen)
	}
	if !strings.Contains(m.flash.text, "alert: task-idle-0002 meets idle>2m0s") {
		t.Errorf("flash %q", m.flash.text)
	}
	// f includes the flagged row although Idle is not a problem.
	pressFlow(m, "f")
	found := false
	for _, r := range m.visible {
		found = found || r.id == "task-idle-0002"
	}
	if !found || len(m.visible) != 4 {
		t.Errorf("f shows %d rows, flagged included %v", len(m.visible), found)
	}
	// A quiet second with the same result neither rings nor fires again.
	_, cmd = m.Update(engineMsg{watch.Update{Stats: okStats()}}) // the engine's once-a-second news
	if rang(cmd) || len(fs.got) != 1 {
		t.Errorf("second evaluation rang or fired again: %v", fs.got)
	}
	// The task leaves Idle: the flag goes, and f drops it.
	tk := fixtureTasks()[1]
	tk.Phase, tk.Since = watch.InProgress, now
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{tk}, Stats: okStats()}})
	if m.alertCount() != 0 || len(m.visible) != 3 {
		t.Errorf("after recovery: %d alerts, %d rows under f", m.alertCount(), len(m.visible))
	}
}

func TestAlertsTickAndNoBell(t *testing.T) {
	now := t0
	m, fs, cmd := alertModel(t, &now, false, idleRule{5 * time.Minute})
	if rang(cmd) || m.alertCount() != 0 {
		t.Fatalf("fired early: %d", m.alertCount())
	}
	now = t0.Add(3 * time.Minute)                                // task-idle-0002 now Idle for 6m
	_, cmd = m.Update(engineMsg{watch.Update{Stats: okStats()}}) // the engine's once-a-second news
	if m.alertCount() != 1 || len(fs.got) != 1 || fs.got[0] != "idle>5m0s task-idle-0002" {
		t.Errorf("after a quiet second: %d alerts, firings %v", m.alertCount(), fs.got)
	}
	if rang(cmd) {
		t.Error("rang without --bell")
	}
}

func TestAlertCommand(t *testing.T) {
	for _, tc := range []struct {
		line, flash string
		rules, n    int
	}{
		{line: "alert idle>1m", flash: "alert rules: idle>1m0s; 1 task flagged now", rules: 1, n: 1},
		{line: "alert idle>1h", flash: "0 tasks flagged now", rules: 1},
		{line: "alert nonsense", flash: ":alert: alert rule nonsense: want idle>DURATION"},
		{line: "alert", flash: "no alert rules (e.g. :alert idle>5m; rules: idle>5m, nofiles>3m, vanished, error>2m, auth)"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			now := t0
			m, _, _ := alertModel(t, &now, false)
			runLine(m, tc.line)
			if !strings.Contains(m.flash.text, tc.flash) || len(m.alert.rules) != tc.rules || m.alertCount() != tc.n {
				t.Errorf("flash %q, %d rules, %d flagged", m.flash.text, len(m.alert.rules), m.alertCount())
			}
		})
	}
	now := t0
	m, _, _ := alertModel(t, &now, false, idleRule{time.Minute})
	runLine(m, "alert idle>1m") // the same rule again is not doubled
	if len(m.alert.rules) != 1 {
		t.Errorf("%d rules", len(m.alert.rules))
	}
	runLine(m, "alert clear")
	if len(m.alert.rules) != 0 || m.alertCount() != 0 || strings.Contains(lines(ansi.Strip(content(m)))[1], "alert") {
		t.Errorf("clear left %d rules, %d flagged", len(m.alert.rules), m.alertCount())
	}
	pressFlow(m, ":")
	typeText(m, "alert n")
	pressFlow(m, "tab")
	if screen := ansi.Strip(content(m)); !strings.Contains(screen, ":alert nofiles>3m ") {
		t.Errorf("completion not on the line:\n%s", screen)
	}
}

// reasonRule says why, as package alert's rules do.
type reasonRule struct{ idleRule }

func (r reasonRule) Check(t watch.Task, now time.Time) (string, bool) {
	_, ok := r.idleRule.Check(t, now)
	return "Idle for " + now.Sub(t.Since).String() + "\x1b[31m", ok
}

func TestAlertReasonInMessageAndFiring(t *testing.T) {
	now := t0
	m, fs, _ := alertModel(t, &now, false, reasonRule{idleRule{time.Minute}})
	if !strings.HasPrefix(m.flash.text, "alert: task-idle-0002: Idle for 3m0s") || strings.Contains(m.flash.text, "\x1b") {
		t.Errorf("flash %q (the reason, sanitised)", m.flash.text)
	}
	if len(fs.got) != 1 {
		t.Errorf("firings %v", fs.got)
	}
}
