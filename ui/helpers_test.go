package ui

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui/uitest"
	"github.com/trtcwatch/trtcwatch/watch"
)

// t0 is the fixed clock of every test.
var t0 = uitest.T0

const (
	testApp    = 1400000001
	testRegion = "ap-singapore"
)

// countingEngine is a fake Engine that counts every call, to prove Update
// and View make none and that the commands make the expected ones.
type countingEngine struct {
	mu          sync.Mutex
	calls       map[string]int
	ch          chan struct{}
	pending     []watch.Update
	added       [][]taskref.Ref
	removed     []taskref.Ref
	removedMany [][]taskref.Ref
	notes       map[taskref.Ref]string
	paused      []bool
	pauseSeqs   []uint64
	noteSeqs    []uint64
	refresh     []taskref.Ref
	addErr      error
}

func newCountingEngine() *countingEngine {
	return &countingEngine{calls: map[string]int{}, ch: make(chan struct{}, 1), notes: map[taskref.Ref]string{}}
}

func (f *countingEngine) count(name string) {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
}

func (f *countingEngine) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *countingEngine) n(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

func (f *countingEngine) Add(refs []taskref.Ref) ([]taskref.Ref, error) {
	f.count("Add")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.added = append(f.added, refs)
	if f.addErr != nil {
		return nil, f.addErr
	}
	return refs, nil
}

func (f *countingEngine) Remove(ref taskref.Ref) error {
	f.count("Remove")
	f.mu.Lock()
	f.removed = append(f.removed, ref)
	f.mu.Unlock()
	return nil
}

func (f *countingEngine) RemoveMany(refs []taskref.Ref) (int, error) {
	f.count("RemoveMany")
	f.mu.Lock()
	f.removedMany = append(f.removedMany, refs)
	f.mu.Unlock()
	return len(refs), nil
}

func (f *countingEngine) SetNote(ref taskref.Ref, note string, seq uint64) error {
	f.count("SetNote")
	f.mu.Lock()
	f.noteSeqs = append(f.noteSeqs, seq)
	f.notes[ref] = note
	f.mu.Unlock()
	return nil
}

func (f *countingEngine) Refresh(ref taskref.Ref) {
	f.count("Refresh")
	f.mu.Lock()
	f.refresh = append(f.refresh, ref)
	f.mu.Unlock()
}

func (f *countingEngine) RefreshAll() error { f.count("RefreshAll"); return nil }

func (f *countingEngine) SetPaused(p bool, seq uint64) error {
	f.count("SetPaused")
	f.mu.Lock()
	f.paused = append(f.paused, p)
	f.pauseSeqs = append(f.pauseSeqs, seq)
	f.mu.Unlock()
	return nil
}

func (f *countingEngine) Changed() <-chan struct{} { f.count("Changed"); return f.ch }

func (f *countingEngine) Collect() watch.Update {
	f.count("Collect")
	f.mu.Lock()
	defer f.mu.Unlock()
	var u watch.Update
	for _, p := range f.pending {
		u.Changed = append(u.Changed, p.Changed...)
		u.Removed = append(u.Removed, p.Removed...)
		u.Stats = p.Stats
	}
	f.pending = nil
	return u
}

// push queues an update and signals Changed, as the engine does.
func (f *countingEngine) push(u watch.Update) {
	f.mu.Lock()
	f.pending = append(f.pending, u)
	f.mu.Unlock()
	select {
	case f.ch <- struct{}{}:
	default:
	}
}

func ref(id string) taskref.Ref {
	return taskref.Ref{Region: testRegion, SdkAppID: testApp, TaskID: id}
}

func okStats() watch.Stats {
	return watch.Stats{Rate: 18.9, Limit: 20, Quota: 20, Throttles1m: 2, Calls: 4242, Health: watch.HealthOK}
}

// hostile is a string a TRTC end user could choose: escape sequences
// (CSI, OSC title and OSC 52, DCS), BEL, a one-rune C1 CSI, bidi override,
// zero-width, wide and combining characters.
const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m\u202eevil\u200b\x1bP+q\x1b\\日本e\u0301"

// fixtureTasks covers every phase, one task with many files, one VOD-like
// task (InProgress, empty list), and one with hostile strings everywhere.
func fixtureTasks() []watch.Task {
	ans := func(status string, at time.Time, files ...watch.File) *watch.Answer {
		return packedAnswer(status, "req-"+status, at, files, nil)
	}
	file := func(i int) watch.File {
		return watch.File{UserID: fmt.Sprintf("user_%02d", i), TrackType: "audio_video",
			FileName: fmt.Sprintf("1400000001_room42_user_%02d_main.mp4", i), Begin: t0.Add(-time.Duration(i+1) * time.Minute)}
	}
	hist := []watch.Transition{
		{At: t0.Add(-10 * time.Minute), From: watch.Pending, To: watch.Idle, RequestID: "req-a"},
		{At: t0.Add(-8 * time.Minute), From: watch.Idle, To: watch.InProgress, RequestID: "req-b"},
	}
	long := "1-rJp4NqIK2FYuJD8RvXoKlGAu0e/AQYZQNSjkI9Ozf0qzAGl12-1tcQUcyDWkPmw0MXwU_q_8qHLkLn"
	ts := []watch.Task{
		{Ref: ref(long), Note: "customer A, ticket 1234", Phase: watch.InProgress, Since: t0.Add(-8 * time.Minute),
			Last: ans("InProgress", t0.Add(-2*time.Second), file(1), file(2), file(3)), SeenLive: true, History: hist,
			NextPoll: t0.Add(time.Second)},
		{Ref: ref("task-idle-0002"), Phase: watch.Idle, Since: t0.Add(-3 * time.Minute),
			Last: ans("Idle", t0.Add(-1*time.Second)), SeenLive: true, NextPoll: t0.Add(2 * time.Second)},
		{Ref: ref("task-vod-0003"), Note: "VOD storage", Phase: watch.InProgress, Since: t0.Add(-90 * time.Second),
			Last: ans("InProgress", t0.Add(-3*time.Second)), SeenLive: true},
		{Ref: ref("task-exit-0004"), Phase: watch.Exited, Since: t0.Add(-20 * time.Second),
			Last: ans("Exited", t0.Add(-4*time.Second), file(1)), SeenLive: true},
		{Ref: ref("task-ended-0005"), Phase: watch.Ended, Since: t0.Add(-2 * time.Hour), EndedAt: t0.Add(-2 * time.Hour),
			Last: ans("Exited", t0.Add(-2*time.Hour-time.Second), file(4)), SeenLive: true},
		{Ref: ref("task-missing-06"), Phase: watch.NotFound, Since: t0.Add(-5 * time.Minute),
			LastErr: &watch.Failure{Kind: client.KindGone, Code: "InvalidParameter.TaskNotExist", Message: "task not exist", RequestID: "req-gone", At: t0.Add(-5 * time.Minute)}},
		{Ref: ref("task-error-0007"), Phase: watch.Error, Since: t0.Add(-40 * time.Second), Stale: true, Failures: 3,
			Last:     ans("Idle", t0.Add(-70*time.Second)),
			LastErr:  &watch.Failure{Kind: client.KindTransient, Code: "InternalError", Message: "backend timed out", RequestID: "req-err", At: t0.Add(-3 * time.Second)},
			NextPoll: t0.Add(4 * time.Second)},
		{Ref: taskref.Ref{Region: testRegion, SdkAppID: 1400000002, TaskID: "task-pending-8"}, Phase: watch.Pending, Since: t0.Add(-1 * time.Second)},
		hostileTask(),
	}
	for i := range ts {
		ts[i].AddedAt = t0.Add(-time.Hour + time.Duration(i)*time.Minute)
	}
	return ts
}

func hostileTask() watch.Task {
	return watch.Task{
		Ref: ref("task-hostile-9"), Note: "note " + hostile, Phase: watch.Throttled, Since: t0.Add(-7 * time.Second),
		Last: packedAnswer("Idle"+hostile, "req"+hostile, t0.Add(-9*time.Second),
			[]watch.File{{UserID: "u" + hostile, TrackType: "t" + hostile, FileName: "f" + hostile + ".mp4", Begin: t0.Add(-time.Minute)}}, nil),
		LastErr: &watch.Failure{Kind: client.KindThrottled, Code: "RequestLimitExceeded" + hostile, Message: "slow down " + hostile,
			RequestID: "rq" + hostile, At: t0.Add(-7 * time.Second)},
		History: []watch.Transition{{At: t0.Add(-7 * time.Second), From: watch.Idle, To: watch.Throttled, RequestID: "h" + hostile}},
	}
}

// packedAnswers holds what packedAnswer made, by its arguments.
var packedAnswers sync.Map

// packedAnswer is watch.NewAnswer for the fixtures, which build the same
// answers in hundreds of tests: each distinct answer is packed once per
// test binary (packing one costs ~3 ms of CPU under -race, where
// sync.Pool keeps dropping the deflate writer) and every call gets its
// own copy, so a test may change its copy's fields (Answer's files and
// raw JSON are packed bytes nobody writes to).
func packedAnswer(status, requestID string, at time.Time, files []watch.File, raw []byte) *watch.Answer {
	key := fmt.Sprintf("%q %q %v %#v %q", status, requestID, at, files, raw)
	a, ok := packedAnswers.Load(key)
	if !ok {
		a, _ = packedAnswers.LoadOrStore(key, watch.NewAnswer(status, requestID, at, files, raw))
	}
	c := *a.(*watch.Answer)
	return &c
}

// sampleRand is the random source of a sweep's sample in the normal
// suite: a new seed each run, logged; TRTCWATCH_SWEEP_SEED=<seed>
// replays it.
func sampleRand(t *testing.T) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("TRTCWATCH_SWEEP_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TRTCWATCH_SWEEP_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("sample seed %d; replay: TRTCWATCH_SWEEP_SEED=%d go test ./ui -run %s", seed, seed, t.Name())
	return rand.New(rand.NewPCG(seed, 0))
}

// newTestModel builds a dashboard at w×h with the fixed clock, dark.
func newTestModel(t testing.TB, eng Engine, w, h int) *Model {
	t.Helper()
	m := New(eng, Options{
		Keys: DefaultKeyMap(), Endpoint: "https://trtc.intl.tencentcloudapi.com", Region: testRegion, SdkAppID: testApp,
		Now: func() time.Time { return t0 }, Location: time.UTC,
	})
	t.Cleanup(m.cancel) // the model's waits end with the test
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// loaded is newTestModel fed with the fixture tasks.
func loaded(t testing.TB, eng Engine, w, h int) *Model {
	m := newTestModel(t, eng, w, h)
	m.Update(engineMsg{watch.Update{Changed: fixtureTasks(), Stats: okStats()}})
	return m
}

// keyMsg turns "j", "enter", "ctrl+c", "G" into the key press Bubble Tea sends.
func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "alt+esc": // what two escapes in one read decode to
		return tea.KeyPressMsg{Code: tea.KeyEscape, Mod: tea.ModAlt}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends keys and returns the last command.
func press(m *Model, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = m.Update(keyMsg(k))
	}
	return cmd
}

// typeText sends one key press per rune.
func typeText(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// runCmd runs a command (and the batches inside it) and returns the
// messages it gives, in the order of the batches. A command that waits (a
// timer: a message's expiry, the clock's tick, the cursor's blink; the
// engine's news, a hook's failure) is left pending, as a program would
// leave it: runCmd returns once every command it started has answered or
// is parked waiting on a channel or a timer (parked), which is exact
// however loaded the machine: a command still at work is running or
// runnable, never parked (the commands under test call fakes).
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	type result struct {
		path []int
		msg  tea.Msg
	}
	ch := make(chan result, 64)
	var mu sync.Mutex
	ids := map[string]bool{} // goroutines started and not yet answered
	running := 0
	start := func(path []int, c tea.Cmd) {
		running++
		started := make(chan struct{})
		go func() {
			id := goroutineID()
			mu.Lock()
			ids[id] = true
			mu.Unlock()
			close(started)
			msg := c()
			mu.Lock()
			delete(ids, id)
			mu.Unlock()
			ch <- result{path, msg}
		}()
		<-started
	}
	start(nil, cmd)
	var got []result
	deadline := time.Now().Add(10 * time.Second) // only a bug reaches it
	for running > 0 {
		select {
		case r := <-ch:
			running--
			if b, ok := r.msg.(tea.BatchMsg); ok {
				for i, c := range b {
					if c != nil {
						start(append(slices.Clone(r.path), i), c)
					}
				}
				continue
			}
			if r.msg != nil {
				got = append(got, r)
			}
		case <-time.After(time.Millisecond):
			mu.Lock()
			waiting := parked(ids)
			mu.Unlock()
			if waiting == running {
				running = 0 // the rest wait; their answers, if ever, are dropped
			} else if time.Now().After(deadline) {
				panic("runCmd: a command neither answered nor parked in 10 s")
			}
		}
	}
	slices.SortFunc(got, func(a, b result) int { return slices.Compare(a.path, b.path) })
	out := make([]tea.Msg, len(got))
	for i, r := range got {
		out[i] = r.msg
	}
	return out
}

// goroutineID is the calling goroutine's id, from its stack's header
// ("goroutine 42 [running]:").
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

// parked counts the goroutines of ids that are parked on a channel, a
// select or a sleep: waiting for something that is not work.
func parked(ids map[string]bool) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	waiting := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		f := strings.Fields(g) // goroutine 42 [chan receive, 2 minutes]:
		if len(f) < 3 || !ids[f[1]] {
			continue
		}
		state := strings.Trim(strings.Join(f[2:min(len(f), 5)], " "), "[]:,")
		for _, s := range []string{"chan receive", "chan send", "select", "sleep"} {
			if strings.HasPrefix(state, s) {
				waiting++
				break
			}
		}
	}
	return waiting
}

func isQuit(cmd tea.Cmd) bool {
	for _, msg := range runCmd(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func content(m *Model) string { return m.View().Content }

var errBoom = errors.New("disk full")

func lines(s string) []string { return strings.Split(s, "\n") }

func fixedNow() time.Time { return t0 }

// The dashboard runs on the engine itself, and in team mode on one
// watch.Session per viewer.
var (
	_ Engine = (*watch.Engine)(nil)
	_ Engine = (*watch.Session)(nil)
)
