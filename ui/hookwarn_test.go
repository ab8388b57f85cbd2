package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/watch"
)

// TestHookFailureBanner: a failed hook shows in a banner, counted, with
// the failure's text sanitised, and leaves after hookBannerTTL; the model
// reads the channel only in a command.
func TestHookFailureBanner(t *testing.T) {
	now := t0
	ch := make(chan string, 4)
	eng := newCountingEngine()
	m := New(eng, Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC,
		Now: func() time.Time { return now }, HookFailures: ch})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
	ch <- "hook for task task-1: exit status 3: webhook said no\x1b[2J"
	wait := waitHookFailure(m.ctx, ch)
	for _, step := range []struct {
		after time.Duration
		fail  bool
		want  string // "" means no banner
	}{
		{fail: true, want: "--on-change failed, last 0s ago: hook for task task-1: exit status 3: webhook said no"},
		{after: time.Minute, fail: true, want: "--on-change failed (2 times so far)"},
		{after: time.Minute, want: "(2 times so far), last 1m00s ago: again"},
		{after: hookBannerTTL + time.Second, want: ""},
	} {
		now = now.Add(step.after)
		if step.fail {
			if step.after > 0 {
				ch <- "again"
			}
			msgs := runCmd(wait)
			if len(msgs) != 1 {
				t.Fatalf("the wait gave %v", msgs)
			}
			var cmd tea.Cmd
			_, cmd = m.Update(msgs[0])
			wait = cmd
		} else {
			m.Update(tickMsg{at: now})
		}
		screen := ansi.Strip(content(m))
		if strings.Contains(content(m), "\x1b[2J") {
			t.Fatal("an escape from the hook reached the screen")
		}
		has := strings.Contains(screen, "--on-change failed")
		if step.want == "" && has || step.want != "" && !strings.Contains(strings.Join(strings.Fields(screen), " "), step.want) {
			t.Errorf("after %v: want %q, screen:\n%s", step.after, step.want, screen)
		}
	}
	if eng.total() != 0 {
		t.Errorf("%d engine calls", eng.total())
	}
}

// TestHookBannerNarrow: below hookBannerWide the failure takes one line.
func TestHookBannerNarrow(t *testing.T) {
	m := loaded(t, newCountingEngine(), 60, 20)
	m.Update(hookFailMsg{"hook for task " + strings.Repeat("x", 120) + ": exit status 1"})
	ls := m.layout().banners
	if len(ls) != 1 || !strings.Contains(ansi.Strip(ls[0]), "--on-change failed, last 0s ago: hook for task xxx") {
		t.Errorf("banner lines %q", ls)
	}
}
