package watch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// End to end: the emulator posts its recording callbacks, signed, over
// loopback to a real callback.Receiver; the engine consumes them and polls
// the emulator through the real client. Interval is 60 s, so only the
// callbacks can explain a change seen within seconds.

const e2eKey = "pushE2EKey01"

// sentAPI records when each call for each task left, around the real client.
type sentAPI struct {
	API
	mu   sync.Mutex
	sent map[taskref.Ref][]time.Time
}

func (s *sentAPI) Describe(ctx context.Context, r taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	s.mu.Lock()
	s.sent[r] = append(s.sent[r], time.Now())
	s.mu.Unlock()
	return s.API.Describe(ctx, r)
}

func (s *sentAPI) of(r taskref.Ref) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent[r])
}

// pushRig is an engine, a receiver and an emulator posting to it.
type pushRig struct {
	e   *Engine
	api *sentAPI
	rcv *callback.Receiver
	emu *emulator.Server
}

// startPushRig watches refs with Interval 60 s and starts the emulator with
// scenario (a new index file every fileEvery while a task streams), its
// callbacks going to a receiver the engine consumes.
func startPushRig(t testing.TB, scenario string, refs []taskref.Ref, fileEvery time.Duration) *pushRig {
	t.Helper()
	api := &sentAPI{sent: map[taskref.Ref][]time.Time{}}
	e := New(api, Config{Interval: 60 * time.Second, MaxBackoff: 60 * time.Second})
	if _, err := e.Add(refs); err != nil {
		t.Fatal(err)
	}
	rcv, err := callback.New(callback.Options{Key: e2eKey, Watched: e.WatchesApp})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rcv.Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	go rs.Serve() //nolint:errcheck // nil once closed
	t.Cleanup(func() { rs.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	consumed := make(chan struct{})
	go func() { e.ConsumeCallbacks(ctx, rcv); close(consumed) }()
	emu := emutest.Start(t, emulator.Config{FileEvery: fileEvery, ExitLinger: 500 * time.Millisecond, Seed: 7,
		CallbackURL: rs.URL(), CallbackKey: e2eKey}, scenario)
	api.API = realClient(t, emu.URL(), emulator.DemoSecretKey, 20)
	ran := make(chan struct{})
	go func() { e.Run(ctx); close(ran) }()
	t.Cleanup(func() { cancel(); <-consumed; <-ran })
	return &pushRig{e: e, api: api, rcv: rcv, emu: emu}
}

// TestPushEndToEnd: a task stops in the emulator; its 302 reaches the
// engine as a callback event, and the row's confirmed state changes with
// the answer of a call made after it, long before the 60 s interval could
// have found it. The calls stay at most one per second for the task.
func TestPushEndToEnd(t *testing.T) {
	t.Parallel() // its own emulator, receiver and engine; waits on the emulator's timeline
	const scenario = `{"tasks": [
	  {"task_id": "push-0001", "users": ["alice"], "leave_code": 2, "timeline": [
	    {"at": "0s", "status": "InProgress"}, {"at": "2500ms", "status": "Exited"}, {"at": "3500ms", "status": "gone"}]}]}`
	r := sref("push-0001")
	rig := startPushRig(t, scenario, []taskref.Ref{r}, 300*time.Millisecond)
	e := rig.e
	var evs []Event
	var stopped, exited Event
	deadline := time.Now().Add(20 * time.Second)
	for exited.At.IsZero() && time.Now().Before(deadline) {
		select {
		case <-e.Changed():
		case <-time.After(50 * time.Millisecond):
		}
		for _, ev := range e.Collect().Events {
			evs = append(evs, ev)
			switch {
			case ev.Kind == EventCallback && strings.HasPrefix(ev.Text, "302 recorder stopped, LeaveCode 2"):
				stopped = ev
			case ev.Kind == EventTransition && ev.From == InProgress && !stopped.At.IsZero():
				exited = ev
			}
		}
	}
	if stopped.At.IsZero() || exited.At.IsZero() {
		t.Fatalf("no 302 callback then change: events %+v", evs)
	}
	task, _ := taskOf(e, r)
	p := task.Pushed
	if p == nil || p.Stopped.LeaveCode != 2 || p.RoomID == "" || p.Started.At.IsZero() || len(p.Files) == 0 || p.Files[0].UserID != "alice" {
		t.Fatalf("callback facts %+v", p)
	}
	// The change came with the answer of a call sent after the 302 was
	// filed, one of a handful: callbacks ask, at most once a second.
	sent := rig.api.of(r)
	if !slices.ContainsFunc(sent, func(at time.Time) bool { return !at.Before(stopped.At) && !at.After(exited.At) }) {
		t.Errorf("no call between the 302 (%v) and the change (%v): sent %v", stopped.At, exited.At, sent)
	}
	if g := minGap(sent); g < 900*time.Millisecond { // the client's limiter may move a send by its jitter margin
		t.Errorf("two calls for the task %v apart: callbacks must ask at most once a second", g)
	}
	if len(sent) > 2+int(exited.At.Sub(sent[0])/time.Second) {
		t.Errorf("%d calls in %v", len(sent), exited.At.Sub(sent[0]))
	}
	// The emulator goes on sending after the change (the task's end), so
	// the engine may not have filed the receiver's last callbacks yet.
	eventually(t, "the engine files every callback the receiver accepted", func() bool {
		return e.Stats().Push.Filed == uint64(rig.rcv.Stats().Accepted)
	})
	if st := rig.rcv.Stats(); st.RefusedTotal() != 0 {
		t.Errorf("receiver %+v, engine %+v", st, e.Stats().Push)
	}
	t.Logf("302 at %s, confirmed by the API %v later; %d calls for the task, %d callbacks",
		stopped.At.Format("15:04:05.000"), exited.At.Sub(stopped.At).Round(time.Millisecond), len(sent), p.Callbacks)
}

// BenchmarkPushToConfirmed measures, over real loopback with the emulator
// posting signed callbacks, how long from a callback's arrival at the
// receiver to (a) its event in the engine's news and (b) the API-confirmed
// phase change it announced (the 302 of a task ending: Interval is 60 s,
// so polling cannot explain it). 40 tasks, each writing a file every 10 s
// (a 307 and a 304: 8 callbacks a second in all, which take about 8 of
// the 20 calls a second to confirm), end at random times from 6 s to 12 s.
func BenchmarkPushToConfirmed(b *testing.B) {
	const n = 40
	var tasks []string
	var refs []taskref.Ref
	for i := range n {
		id := fmt.Sprintf("bench-%04d", i)
		// Streams start over the first 5 s (so that files are not all
		// written at once) and end over the 6 s after that.
		begin, exit := (i*131)%5000, 6000+(i*7919)%6000
		tasks = append(tasks, fmt.Sprintf(`{"task_id": %q, "users": ["u%d"], "timeline": [{"at": "%dms", "status": "InProgress"}, {"at": "%dms", "status": "Exited"}]}`, id, i, begin, exit))
		refs = append(refs, sref(id))
	}
	scenario := `{"tasks": [` + strings.Join(tasks, ",") + `]}`
	var toEvent, toConfirmed []time.Duration
	early := 0 // exits a call made for an earlier callback saw before the 302 arrived
	for b.Loop() {
		rig := startPushRig(b, scenario, refs, 0) // the emulator's file pace
		stopAt := map[taskref.Ref]time.Time{}     // when the 302 arrived
		changed := map[taskref.Ref]bool{}         // the API said so before it did
		done := 0
		deadline := time.Now().Add(30 * time.Second)
		for done < n && time.Now().Before(deadline) {
			select {
			case <-rig.e.Changed():
			case <-time.After(20 * time.Millisecond):
			}
			seen := time.Now()
			for _, ev := range rig.e.Collect().Events {
				switch {
				case ev.Kind == EventCallback && strings.HasPrefix(ev.Text, "302 "):
					received := pushedOf(rig.e, ev.Ref).Received
					stopAt[ev.Ref] = received
					toEvent = append(toEvent, seen.Sub(received))
					if changed[ev.Ref] {
						early++
						done++
					}
				case ev.Kind == EventTransition && (ev.To == Exited || ev.To == Ended):
					if at, ok := stopAt[ev.Ref]; ok {
						toConfirmed = append(toConfirmed, seen.Sub(at))
						done++
					} else {
						changed[ev.Ref] = true
					}
				}
			}
		}
		if done < n {
			b.Fatalf("%d of %d exits seen with their callback", done, n)
		}
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		s := slices.Clone(d)
		slices.Sort(s)
		return s[int(float64(len(s)-1)*p)]
	}
	b.ReportMetric(float64(pct(toEvent, .5).Microseconds())/1000, "ms-event-p50")
	b.ReportMetric(float64(pct(toEvent, .99).Microseconds())/1000, "ms-event-p99")
	b.ReportMetric(float64(pct(toConfirmed, .5).Microseconds())/1000, "ms-confirmed-p50")
	b.ReportMetric(float64(pct(toConfirmed, .99).Microseconds())/1000, "ms-confirmed-p99")
	b.ReportMetric(float64(early)/float64(n*b.N), "seen-before-callback")
}
