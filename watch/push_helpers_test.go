package watch

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// cbAt is an accepted callback as the receiver hands it on: type typ for
// task r, happened at at, arrived now. Tests of the receiver's own checks
// live in package callback; here the engine's side is tested, and the
// end-to-end tests put a real receiver in between.
func cbAt(r taskref.Ref, typ callback.EventType, at time.Time, payload string) callback.Event {
	ev := callback.Event{SdkAppID: r.SdkAppID, Type: typ, TaskID: r.TaskID, RoomID: callback.RoomID{ID: "20015"},
		RobotID: "recorder_20015", At: at, Sent: at, Received: time.Now()}
	if payload != "" {
		ev.Payload = json.RawMessage(payload)
	}
	return ev
}

// callTimes answers every call with status and records when each task was
// called, on whatever clock time.Now gives (the bubble's under synctest).
type callTimes struct {
	mu    sync.Mutex
	at    map[taskref.Ref][]time.Time
	total int
}

func newCallTimes() *callTimes { return &callTimes{at: map[taskref.Ref][]time.Time{}} }

func (c *callTimes) answer(status string) func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
	return func(_ context.Context, r taskref.Ref, _ int) (*client.DescribeCloudRecordingResponse, error) {
		c.mu.Lock()
		c.at[r] = append(c.at[r], time.Now())
		c.total++
		c.mu.Unlock()
		return resp(status), nil
	}
}

func (c *callTimes) of(r taskref.Ref) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.at[r]...)
}

func (c *callTimes) count(r taskref.Ref) int { return len(c.of(r)) }

// minGap is the shortest time between two calls for one task.
func minGap(ts []time.Time) time.Duration {
	gap := time.Duration(1<<63 - 1)
	for i := 1; i < len(ts); i++ {
		gap = min(gap, ts[i].Sub(ts[i-1]))
	}
	return gap
}

// kindEvents is the events of kind k in u.
func kindEvents(u Update, k EventKind) []Event {
	var out []Event
	for _, ev := range u.Events {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// pushedOf is the task's callback facts, nil when none.
func pushedOf(e *Engine, r taskref.Ref) *Pushed {
	t, _ := taskOf(e, r)
	return t.Pushed
}
