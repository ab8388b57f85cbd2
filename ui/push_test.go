package ui

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// What recording callbacks put on screen: the header's counter, the
// events pane's callback and not-watched rows, the facts in the details
// and the describe view, the adopted mark and the room filter.

// receiverStats is a receiver's counters as Stats.Push carries them.
func receiverStats(ok, refused int64, insecure bool) watch.Stats {
	st := okStats()
	rs := callback.Stats{Accepted: ok, Refused: map[callback.Reason]int64{}, Insecure: insecure}
	if refused > 0 {
		var why callback.Reason // the header counts refusals whatever their reason
		rs.Refused[why] = refused
	}
	st.Push.Receiver = &rs
	return st
}

// pushedTask is a task callbacks told about, with hostile strings in
// everything they carry: the room, the robot, a file's user, a fault.
func pushedTask(id, room string, adopted bool) watch.Task {
	t := fixtureTasks()[0]
	t.Ref = ref(id)
	t.Note = ""
	mix := watch.File{UserID: "", TrackType: "audio_video", FileName: "1400000001_" + id + "__mix.mp4"}
	t.Last = packedAnswer("InProgress", "req-push", t0.Add(-2*time.Second), []watch.File{mix}, nil)
	t.Pushed = &watch.Pushed{Adopted: adopted, RoomID: room, RobotID: "robot" + hostile, Callbacks: 6, Latest: t0.Add(-time.Second), Dropped: 1,
		Started:   watch.Outcome{At: t0.Add(-8 * time.Minute)},
		Stopped:   watch.Stop{At: t0.Add(-time.Second), LeaveCode: 2},
		Failovers: []watch.Outcome{{At: t0.Add(-5 * time.Minute)}},
		Files: []watch.PushedFile{
			{At: t0.Add(-8 * time.Minute), FileName: mix.FileName, UserID: "mixer" + hostile, TrackType: "audio_video"},
			{At: t0.Add(-30 * time.Second), FileName: "late_" + id + ".m3u8", UserID: "carol", TrackType: "audio"},
		},
		Faults: []watch.PushedFault{{At: t0.Add(-20 * time.Second), Type: callback.UploadError, Code: "NoSuchBucket" + hostile, Message: "m" + hostile}},
	}
	return t
}

// pushModel is the fixture list plus two tasks callbacks told about (one
// adopted, in room 1234), with the receiver's counters in the header.
func pushModel(t testing.TB, w, h int) *Model {
	m := loaded(t, newCountingEngine(), w, h)
	m.Update(engineMsg{watch.Update{Changed: []watch.Task{pushedTask("task-push-0010", "1234", true), pushedTask("task-push-0011", "5678", false)},
		Stats: receiverStats(12, 3, false)}})
	return m
}

func TestHeaderCallbacks(t *testing.T) {
	tests := []struct {
		name     string
		stats    watch.Stats
		readOnly bool
		w        int
		want     []string // in the header's first line
		not      []string
	}{
		{"no receiver", okStats(), false, 200, nil, []string{"callbacks", "read-only"}},
		{"counter whole", receiverStats(12, 3, false), false, 200, []string{"callbacks 12 ok · 3 refused"}, []string{"insecure"}},
		{"insecure", receiverStats(12, 0, true), false, 200, []string{"callbacks insecure (Sign not checked)", "callbacks 12 ok · 0 refused"}, nil},
		{"short at 80", receiverStats(12, 3, false), false, 80, []string{"callbacks 12 ok · 3 refused", "1400000001"}, nil},
		{"short at 70, none refused", receiverStats(12, 0, false), false, 70, []string{"callbacks 12 ok"}, []string{"refused"}},
		{"short at 70, insecure", receiverStats(7, 0, true), false, 70, []string{"insecure", "callbacks 7 ok"}, nil},
		{"read-only", okStats(), true, 60, []string{"read-only"}, nil},
		{"read-only and counter", receiverStats(12, 3, false), true, 80, []string{"read-only", "callbacks 12 ok · 3 refused"}, nil},
		{"read-only and counter, short", receiverStats(12, 3, false), true, 79, []string{"read-only", "callbacks 12 ok · 3 refused"}, nil},
		{"read-only, insecure", receiverStats(12, 0, true), true, 60, []string{"read-only", "insecure"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := loaded(t, newCountingEngine(), tc.w, 24)
			m.opts.ReadOnly = tc.readOnly
			m.Update(engineMsg{watch.Update{Stats: tc.stats}})
			line := m.headerLines()[0]
			plain := ansi.Strip(line)
			for _, s := range tc.want {
				if !strings.Contains(plain, s) {
					t.Errorf("header %q lacks %q", plain, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(plain, s) {
					t.Errorf("header %q has %q", plain, s)
				}
			}
			if w := ansi.StringWidth(line); w > tc.w {
				t.Errorf("header is %d wide at %d", w, tc.w)
			}
			rs := tc.stats.Push.Receiver
			if rs != nil && rs.RefusedTotal() > 0 && strings.Contains(plain, "refused") && !strings.Contains(line, m.st.Warn+"3 refused") {
				t.Errorf("the refusals are not a warning: %q", line)
			}
			if rs != nil && rs.Insecure && !strings.Contains(line, m.st.Bad+"insecure") && !strings.Contains(line, m.st.Bad+"callbacks insecure") {
				t.Errorf("insecure is not in red: %q", line)
			}
		})
	}
}

// TestPushLayoutDoesNotJump: at every width from 60 to 200 the counter, a
// read-only session and the adopted rows leave the header two lines, every
// line within the width, and the list where it was.
func TestPushLayoutDoesNotJump(t *testing.T) {
	for w := 60; w <= 200; w += 7 {
		plain := loaded(t, newCountingEngine(), w, 24)
		m := pushModel(t, w, 24)
		m.opts.ReadOnly = true
		m.Update(engineMsg{watch.Update{Stats: receiverStats(1234, 56, true)}})
		at := func(m *Model) int {
			for i, l := range lines(ansi.Strip(content(m))) {
				if strings.Contains(l, "STATE") {
					return i
				}
			}
			return -1
		}
		if a, b := at(plain), at(m); a != b || a < 0 {
			t.Errorf("at %d the list's head moved from line %d to %d", w, a, b)
		}
		for i, l := range lines(content(m)) {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("at %d line %d is %d wide", w, i, lw)
			}
		}
		h := ansi.Strip(m.headerLines()[0])
		if !strings.Contains(h, "read-only") || !strings.Contains(h, "insecure") {
			t.Errorf("at %d the header lost the read-only or the insecure mark: %q", w, h)
		}
		if w >= 90 && !strings.Contains(h, "cb 1234 ok 56 refused") && !strings.Contains(h, "callbacks 1234 ok · 56 refused") {
			t.Errorf("at %d the header lost the counter: %q", w, h)
		}
	}
}

// callbackEvents are a callback for a watched task and one for a task not
// watched, hostile where the network could make them so.
func callbackEvents() []watch.Event {
	nw := taskref.Ref{Region: testRegion, SdkAppID: testApp, TaskID: "task-unwatched-42"}
	return []watch.Event{
		{At: t0.Add(-3 * time.Second), Kind: watch.EventCallback, Ref: ref("task-idle-0002"), By: "callback",
			Text: "302 recorder stopped, LeaveCode 2: room dismissed by the customer" + hostile},
		{At: t0.Add(-2 * time.Second), Kind: watch.EventNotWatched, Ref: nw, By: "callback", Code: "adopt limit",
			Text: "301 recorder started" + hostile},
	}
}

func TestEventsPaneCallbacks(t *testing.T) {
	for _, w := range []int{60, 100, 200} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := loaded(t, newCountingEngine(), w, 30)
			m.Update(engineMsg{watch.Update{Events: callbackEvents(), Stats: okStats()}})
			press(m, "e")
			screen := content(m)
			assertTerminalSafe(t, "events pane", screen)
			plain := ansi.Strip(screen)
			for _, s := range []string{"not watched, SdkAppId " + fmt.Sprint(testApp), "callback  302 recorder stopped"} {
				if w >= 100 && !strings.Contains(plain, s) {
					t.Errorf("pane lacks %q:\n%s", s, plain)
				}
			}
			// The selected not-watched row: what it says is whole under the
			// rows when narrow, and the hint bar offers a.
			for _, s := range []string{"a adds it", "a add this task"} {
				if (w >= 100 || s == "a adds it") && !strings.Contains(strings.ReplaceAll(plain, "\n", " "), s) {
					t.Errorf("pane lacks %q:\n%s", s, plain)
				}
			}
		})
	}
}

func TestEventsAddNotWatched(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		added []taskref.Ref
		flash string
	}{
		{"a on a not-watched row adds it", []string{"e", "a"}, []taskref.Ref{{Region: testRegion, SdkAppID: testApp, TaskID: "task-unwatched-42"}}, "1 added"},
		{"a on a callback row adds nothing", []string{"e", "j", "a"}, nil, "a adds the task of a \"not watched\" row"},
		{"enter on a not-watched row says how to add it", []string{"e", "enter"}, nil, "task-unwatched-42 is not watched: a adds it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng := newCountingEngine()
			m := loaded(t, eng, 120, 30)
			m.Update(engineMsg{watch.Update{Events: callbackEvents(), Stats: okStats()}})
			for _, msg := range runCmd(press(m, tc.keys...)) {
				m.Update(msg)
			}
			eng.mu.Lock()
			var got []taskref.Ref
			for _, refs := range eng.added {
				got = append(got, refs...)
			}
			eng.mu.Unlock()
			if !reflect.DeepEqual(got, tc.added) {
				t.Errorf("added %v, want %v", got, tc.added)
			}
			if !strings.Contains(m.flash.text, tc.flash) {
				t.Errorf("flash %q, want %q", m.flash.text, tc.flash)
			}
		})
	}
}

// TestReadOnlyAddNotWatchedRefused: a read-only session's a on a
// not-watched row goes to the engine session, which refuses it; the screen
// says so as the add key's refusal does, the engine is unchanged, and the
// hint bar never offered the key.
func TestReadOnlyAddNotWatchedRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := watch.New(nil, watch.Config{}) // never run: no call goes out
		es := eng.ReadOnlySession("viewer")
		defer es.Close()
		m := New(es, Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Location: time.UTC, ReadOnly: true})
		d := &driver{m: m}
		defer d.stop()
		d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
		d.start(m.Init())
		d.settle()
		d.send(engineMsg{watch.Update{Events: callbackEvents(), Stats: okStats()}})
		d.keys("e")
		if hint := ansi.Strip(lines(content(d.m))[29]); strings.Contains(hint, "add") {
			t.Errorf("a read-only hint bar offers add: %q", hint)
		}
		d.keys("a")
		if want := "read-only session: adding tasks is not allowed"; !strings.HasPrefix(d.m.flash.text, want) {
			t.Errorf("flash %q, want %q", d.m.flash.text, want)
		}
		if n := len(eng.Tasks()); n != 0 {
			t.Errorf("the engine watches %d tasks after a refused add", n)
		}
	})
}

func TestDetailsShowPushed(t *testing.T) {
	for _, w := range []int{60, 100, 200} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			m := pushModel(t, w, 60)
			press(m, "G", "tab") // the last task: callbacks told about it
			r := m.selected()
			if r == nil || r.t.Pushed == nil {
				t.Fatalf("selected %v", r)
			}
			details := strings.Join(m.detailLines(m.layout().detW), "\n")
			press(m, "i")
			describe := content(m)
			for where, s := range map[string]string{"details": details, "describe": describe} {
				assertTerminalSafe(t, where, s)
				plain := strings.Join(strings.Fields(ansi.Strip(s)), " ") // wrapping aside
				for _, want := range []string{"RoomId", "5678", "Failover", "306 moved to a new recorder", "LeaveCode 2: room dismissed by the customer",
					"308 upload error NoSuchBucket", "late_task-push-0011.m3u8", "carol", "latest of 6, 1 fact not kept"} {
					if !strings.Contains(plain, want) {
						t.Errorf("%s at %d lacks %q:\n%s", where, w, want, ansi.Strip(s))
					}
				}
			}
			if plain := strings.Join(strings.Fields(ansi.Strip(details)), ""); !strings.Contains(plain, "(callback)") {
				t.Errorf("details: the mixed file's UserId from its 307 is not shown:\n%s", plain)
			}
			if !strings.Contains(ansi.Strip(describe), "UserId (307)") {
				t.Errorf("describe: the file's 307 UserId is not shown:\n%s", ansi.Strip(describe))
			}
		})
	}
}

func TestFilterByRoomAndAdoptedMark(t *testing.T) {
	tests := []struct {
		filter string
		want   []string
	}{
		{"room:1234", []string{"task-push-0010"}},
		{"room:5678", []string{"task-push-0011"}},
		{"5678", []string{"task-push-0011"}},
		{"room:", []string{"task-push-0010", "task-push-0011"}},
		{"room:9", nil},
	}
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			m := pushModel(t, 120, 30)
			press(m, "/")
			typeText(m, tc.filter)
			press(m, "enter")
			var got []string
			for _, r := range m.visible {
				got = append(got, r.t.Ref.TaskID)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("/%s shows %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
	for _, ascii := range []bool{false, true} {
		m := pushModel(t, 120, 30)
		m.opts.ASCII = ascii
		for _, l := range lines(ansi.Strip(content(m))) {
			marked := strings.Contains(l, m.adoptedGlyph()+" task-push")
			if strings.Contains(l, "task-push-0010") != marked && strings.Contains(l, "task-push-001") {
				t.Errorf("ascii %v: adopted mark wrong on %q", ascii, l)
			}
		}
	}
}

// TestGoldenPush pins the details of a task callbacks told about, and the
// events pane with a callback and a not-watched row.
func TestGoldenPush(t *testing.T) {
	for _, sz := range [][2]int{{80, 40}, {140, 40}} {
		t.Run(fmt.Sprintf("details_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := pushModel(t, sz[0], sz[1])
			press(m, "G", "tab")
			golden.RequireEqual(t, ansi.Strip(content(m)))
		})
		t.Run(fmt.Sprintf("events_%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := pushModel(t, sz[0], sz[1])
			m.Update(engineMsg{watch.Update{Events: callbackEvents(), Stats: receiverStats(12, 3, false)}})
			press(m, "e")
			golden.RequireEqual(t, ansi.Strip(content(m)))
		})
	}
}
