package hook

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

var liveRef = taskref.Ref{Region: "ap-mumbai", SdkAppID: 1400000001, TaskID: "t1"}

// TestFromUpdate: transitions (into a failed state too), new failure
// codes and callbacks that report a problem reach the hooks with the
// task's note; a first answer, adds, removes, notes, a failure that
// clears, routine callbacks and callbacks for tasks not watched do not.
func TestFromUpdate(t *testing.T) {
	at := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	base := Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Note: "vip"}
	with := func(f func(*Event)) Event { e := base; f(&e); return e }
	tests := []struct {
		name string
		ev   watch.Event
		want []Event
	}{
		{"transition", watch.Event{At: at, Kind: watch.EventTransition, Ref: liveRef, From: watch.Idle, To: watch.InProgress, RequestID: "req-1"},
			[]Event{with(func(e *Event) { e.Kind, e.From, e.To, e.RequestID = transitionKind, "Idle", "InProgress", "req-1" })}},
		{"into a failed state is a transition", watch.Event{At: at, Kind: watch.EventTransition, Ref: liveRef, From: watch.InProgress, To: watch.Error, RequestID: "req-f"},
			[]Event{with(func(e *Event) { e.Kind, e.From, e.To, e.RequestID = transitionKind, "InProgress", "error", "req-f" })}},
		{"a new failure code", watch.Event{At: at, Kind: watch.EventError, Ref: liveRef, To: watch.Error, Code: "LimitExceeded", RequestID: "req-g"},
			[]Event{with(func(e *Event) { e.Kind, e.To, e.ErrorCode, e.RequestID = errorKind, "error", "LimitExceeded", "req-g" })}},
		{"a first answer", watch.Event{At: at, Kind: watch.EventTransition, Ref: liveRef, From: watch.Pending, To: watch.Idle}, nil},
		{"calls succeed again", watch.Event{At: at, Kind: watch.EventError, Ref: liveRef, To: watch.InProgress}, nil},
		{"add", watch.Event{At: at, Kind: watch.EventAdd, Ref: liveRef}, nil},
		{"remove", watch.Event{At: at, Kind: watch.EventRemove, Ref: liveRef}, nil},
		{"note", watch.Event{At: at, Kind: watch.EventNote, Ref: liveRef, Note: "vip"}, nil},
		{"a problem callback", watch.Event{At: at, Kind: watch.EventCallback, Ref: liveRef, By: "callback", Code: "recorder failover", Text: "306 recorder failed over"},
			[]Event{with(func(e *Event) {
				e.Kind, e.To, e.ErrorCode, e.Text = callbackKind, "InProgress", "recorder failover", "306 recorder failed over"
			})}},
		{"a routine callback", watch.Event{At: at, Kind: watch.EventCallback, Ref: liveRef, By: "callback", Text: "307 file started: alice/audio a.m3u8"}, nil},
		{"a callback for a task not watched", watch.Event{At: at, Kind: watch.EventNotWatched, Ref: liveRef, By: "callback", Text: "308 upload error X: y"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fromUpdate(watch.Update{Changed: []watch.Task{{Ref: liveRef, Note: "vip", Phase: watch.InProgress}}, Events: []watch.Event{tt.ev}})
			if len(got) != len(tt.want) {
				t.Fatalf("events %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("\n got %+v\nwant %+v", got[i], tt.want[i])
				}
			}
		})
	}
	// Several events in one update keep their order.
	got := fromUpdate(watch.Update{Events: []watch.Event{tests[0].ev, tests[3].ev, tests[2].ev}})
	if len(got) != 2 || got[0].Kind != transitionKind || got[1].Kind != errorKind {
		t.Errorf("two events of one update: %+v", got)
	}
}

func TestFromAlert(t *testing.T) {
	at := time.Date(2026, 11, 28, 22, 3, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		task watch.Task
		want Event
	}{
		{"idle", watch.Task{Ref: liveRef, Phase: watch.Idle, Last: &watch.Answer{RequestID: "rq-3"}},
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: alertKind, To: "Idle", RequestID: "rq-3", Rule: "idle>5m", Note: "Idle for 7m (rule idle>5m)"}},
		{"failing", watch.Task{Ref: liveRef, Phase: watch.Error, LastErr: &watch.Failure{Kind: client.KindTransient, Code: "InternalError", RequestID: "req-f"}},
			Event{Time: at, SdkAppID: 1400000001, TaskID: "t1", Region: "ap-mumbai", Kind: alertKind, To: "error", ErrorCode: "InternalError", Rule: "idle>5m", Note: "Idle for 7m (rule idle>5m)"}},
	} {
		if got := FromAlert(tc.task, "idle>5m", "Idle for 7m (rule idle>5m)", at); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// fakeFeed hands out updates; Changed is unbuffered, so a second send
// returns only once Follow has fired the first update's events.
type fakeFeed struct {
	ch     chan struct{}
	next   chan watch.Update
	closed chan struct{}
}

func newFakeFeed() *fakeFeed {
	return &fakeFeed{ch: make(chan struct{}), next: make(chan watch.Update), closed: make(chan struct{})}
}

func (f *fakeFeed) Changed() <-chan struct{} { return f.ch }
func (f *fakeFeed) Collect() watch.Update    { return <-f.next }
func (f *fakeFeed) Close()                   { close(f.closed) }

func (f *fakeFeed) push(up watch.Update) {
	f.ch <- struct{}{}
	f.next <- up
	f.ch <- struct{}{} // back in its select: the events are fired
	f.next <- watch.Update{}
}

// TestFollow: what the feed reports runs the hook, and stop closes the
// feed.
func TestFollow(t *testing.T) {
	dir := t.TempDir()
	var fails failures
	// The race runtime would wait a second at each exit of the hook and its
	// supervisor (this binary, built with -race).
	r, err := New(Config{Cmd: helper("record", dir), OnFailure: fails.add, environ: helperEnv("GORACE=atexit_sleep_ms=0")})
	if err != nil {
		t.Fatal(err)
	}
	feed := newFakeFeed()
	stop := r.Follow(feed, func(f func()) { go f() })
	feed.push(watch.Update{Events: []watch.Event{{At: time.Now(), Kind: watch.EventTransition, Ref: liveRef, From: watch.InProgress, To: watch.Exited}}})
	r.Drain()
	stop()
	r.Close()
	select {
	case <-feed.closed:
	default:
		t.Error("stop left the feed open")
	}
	if f := fails.all(); len(f) != 0 {
		t.Fatalf("failures: %v", f)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("%d hook runs, want 1", len(ents))
	}
	raw, _ := os.ReadFile(filepath.Join(dir, ents[0].Name()))
	stdin, _, _ := strings.Cut(strings.TrimPrefix(string(raw), "STDIN "), "ENV\n")
	var got Event
	if err := json.Unmarshal([]byte(stdin), &got); err != nil || got.Kind != transitionKind || got.From != "InProgress" || got.To != "Exited" || got.TaskID != "t1" {
		t.Errorf("stdin %q: %+v, %v", stdin, got, err)
	}
}
