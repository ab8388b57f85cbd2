package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/common"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// fullDisk is a watch-list store that refuses every write until told
// otherwise, as a full disk does.
type fullDisk struct {
	mu      sync.Mutex
	full    bool
	entries []watchlist.Entry
}

func (d *fullDisk) Load() ([]watchlist.Entry, []string) { return nil, nil }

func (d *fullDisk) Update(fn func([]watchlist.Entry) []watchlist.Entry) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.full {
		return errors.New("save watch list /s/watchlist.json: write /s/watchlist.json.tmp-1: no space left on device")
	}
	d.entries = fn(d.entries)
	return nil
}

// TestUnsavedBannerStays: an add the engine could not save shows a red
// banner naming the task at every size, the smallest dashboard (a prompt
// and a message line taking rows) and a too-small terminal included, and
// it is still there a quarter of an hour later (the old message went after
// 12 s); the first save that works takes it away.
func TestUnsavedBannerStays(t *testing.T) {
	disk := &fullDisk{full: true}
	eng := watch.New(nil, watch.Config{Store: disk})
	lost := taskref.Ref{Region: testRegion, SdkAppID: testApp, TaskID: "lost-task-1"}
	if _, err := eng.Add([]taskref.Ref{lost}); err != nil {
		t.Fatal(err)
	}
	var u *watch.UnsavedError
	if err := eng.Flush(); !errors.As(err, &u) {
		t.Fatalf("Flush on a full disk = %v", err)
	}
	for _, sz := range []struct {
		w, h   int
		prompt bool // the add box open and a message shown: the fewest rows
		whole  bool // the task is named on screen
	}{{40, 8, true, false}, {60, 20, false, true}, {80, 24, true, true}, {120, 36, false, true}, {200, 60, false, true}, {30, 6, false, false}} {
		now := t0
		m := New(newCountingEngine(), Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp,
			Now: func() time.Time { return now }, Location: time.UTC})
		m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: eng.Stats()}})
		if sz.prompt {
			m.Update(keyMsg("a"))
			m.setFlash("adding 1 task…", common.FlashInfo, common.FlashTTL)
		}
		now = now.Add(15 * time.Minute)
		m.Update(tickMsg{at: now})
		m.Update(engineMsg{watch.Update{Stats: eng.Stats()}})
		screen := ansi.Strip(content(m))
		if !strings.Contains(screen, "WATCH LIST NOT SAVED") || sz.whole && !strings.Contains(screen, lost.String()) {
			t.Errorf("%dx%d after 15 minutes: no banner naming %s:\n%s", sz.w, sz.h, lost, screen)
		}
		if n := len(lines(content(m))); n > sz.h {
			t.Errorf("%dx%d: %d lines drawn", sz.w, sz.h, n)
		}
	}

	disk.mu.Lock()
	disk.full = false
	disk.mu.Unlock()
	if err := eng.Flush(); err != nil {
		t.Fatalf("Flush once the disk has room = %v", err)
	}
	m := loaded(t, newCountingEngine(), 80, 24)
	m.Update(engineMsg{watch.Update{Stats: eng.Stats()}})
	if screen := ansi.Strip(content(m)); strings.Contains(screen, "NOT SAVED") {
		t.Errorf("the banner stayed after a save worked:\n%s", screen)
	}
}
