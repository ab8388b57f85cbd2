package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// e2eScenario's times count from the emulator's start, so they leave the
// test 4 s to add its tasks and see the live one InProgress: under a loaded
// -race suite the first answer came after 2.7 s (the task already gone).
const e2eScenario = `{"tasks": [
  {"task_id": "e2e-live-1", "timeline": [{"at": "1s", "status": "InProgress"}, {"at": "4s", "status": "Exited"}, {"at": "4500ms", "status": "gone"}]},
  {"task_id": "e2e-keep-2"},
  {"task_id": "e2e-drop-3"}
]}`

// screenLog records, from inside the event loop (a tea.WithFilter runs
// there, so reading the model is race-free), what each task's row showed.
type screenLog struct {
	mu   sync.Mutex
	seen map[string][]string // TaskId -> badge labels in the order shown
	last string
}

func (s *screenLog) observe(mod tea.Model, msg tea.Msg) tea.Msg {
	m, ok := mod.(*Model)
	if !ok {
		return msg
	}
	out := ansi.Strip(m.View().Content)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = out
	for _, line := range strings.Split(out, "\n") {
		for _, id := range []string{"e2e-live-1", "e2e-keep-2", "e2e-drop-3"} {
			i := strings.Index(line, " "+id+" ")
			if i < 0 || i < badgeWidth {
				continue
			}
			f := strings.Fields(line[:i])
			if len(f) == 0 {
				continue
			}
			label := f[len(f)-1]
			if l := s.seen[id]; len(l) == 0 || l[len(l)-1] != label {
				s.seen[id] = append(s.seen[id], label)
			}
		}
	}
	return msg
}

func (s *screenLog) waitFor(t *testing.T, what string, cond func(seen map[string][]string, screen string) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		ok := cond(s.seen, s.last)
		s.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Fatalf("timed out waiting for %s; rows seen %v; screen:\n%s", what, s.seen, s.last)
}

// TestEndToEnd drives the real model in a real program against the
// emulator, the real client and the real engine with a watch list on disk:
// add tasks by typing, watch one go live then end, remove one, quit, and
// check the file.
func TestEndToEnd(t *testing.T) {
	t.Parallel() // most of it waits on the emulator's timeline
	srv := emutest.Start(t, emulator.Config{Seed: 1}, e2eScenario)
	c, err := client.New(client.Config{Region: testRegion, Endpoint: srv.URL(),
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "watchlist.json")
	eng := watch.New(c, watch.Config{Interval: 150 * time.Millisecond, Store: watchlist.Open(path, watchlist.Options{})})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { eng.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	m := New(eng, Options{Keys: DefaultKeyMap(), Endpoint: c.Endpoint(), Region: testRegion, SdkAppID: testApp, Context: ctx})
	log := &screenLog{seen: map[string][]string{}}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 40),
		teatest.WithProgramOptions(tea.WithFPS(FPS), tea.WithColorProfile(colorprofile.Ascii), tea.WithFilter(log.observe),
			tea.WithEnvironment([]string{"TERM=xterm-256color", "TERM_PROGRAM=Apple_Terminal"})))

	tm.Send(keyMsg("a"))
	tm.Type("e2e-live-1 e2e-keep-2 e2e-drop-3")
	tm.Send(keyMsg("enter"))
	log.waitFor(t, "three rows", func(seen map[string][]string, _ string) bool { return len(seen) == 3 })
	log.waitFor(t, "the live task to go InProgress, then end", func(seen map[string][]string, _ string) bool {
		l := seen["e2e-live-1"]
		live := slices.Index(l, "InProgress")
		return live >= 0 && slices.Index(l[live:], "ended") > 0
	})
	tm.Send(keyMsg("G")) // e2e-drop-3, the last added
	tm.Send(keyMsg("d"))
	log.waitFor(t, "the removal question", func(_ map[string][]string, screen string) bool {
		return strings.Contains(screen, "remove 1400000001:e2e-drop-3")
	})
	tm.Send(keyMsg("y"))
	log.waitFor(t, "the row to go", func(_ map[string][]string, screen string) bool {
		return !strings.Contains(screen, " e2e-drop-3 ") && strings.Contains(screen, "removed e2e-drop-3")
	})
	tm.Send(keyMsg("q"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if got := fm.rows[ref("e2e-live-1")]; got == nil || got.t.Phase != watch.Ended {
		t.Errorf("final live task %+v", got)
	}

	if err := eng.Flush(); err != nil { // as the dashboard does on quit
		t.Fatalf("flush the watch list: %v", err)
	}
	entries, warnings := watchlist.Open(path, watchlist.Options{}).Load()
	if len(warnings) > 0 {
		t.Errorf("watch list warnings: %v", warnings)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Ref.String())
	}
	want := []string{"1400000001:e2e-live-1", "1400000001:e2e-keep-2"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("watch list on disk = %v, want %v", ids, want)
	}
}
