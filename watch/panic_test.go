package watch

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
)

// lockedBuf is a log sink safe for the engine's workers.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestPanicInOnePollIsThatTasksFailure: a call that panics (here the API
// below the engine) fails that task, is logged, and neither crashes the
// program nor stops the other tasks being polled.
func TestPanicInOnePollIsThatTasksFailure(t *testing.T) {
	f := newFake(func(_ context.Context, r taskref.Ref, _ int) (*client.DescribeCloudRecordingResponse, error) {
		if r == ref(0) {
			var m map[string]int
			m["boom"]++ // a nil-map write: a runtime panic, as a parser bug would raise
		}
		return resp("Idle"), nil
	})
	var logs lockedBuf
	e := New(f, Config{Interval: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	e.Add(refs(2))
	start(t, e)
	eventually(t, "both tasks polled twice", func() bool { r0, r1 := ref(0), ref(1); return f.count(&r0) >= 2 && f.count(&r1) >= 2 })
	bad, _ := taskOf(e, ref(0))
	good, _ := taskOf(e, ref(1))
	if bad.LastErr == nil || bad.LastErr.Code != client.CodePanic || !strings.Contains(bad.LastErr.Message, "nil map") {
		t.Fatalf("panicking task: %+v", bad.LastErr)
	}
	if good.Phase != Idle || good.LastErr != nil {
		t.Fatalf("healthy task: phase %v err %+v", good.Phase, good.LastErr)
	}
	if !strings.Contains(logs.String(), "panic while polling a task") {
		t.Fatalf("panic not logged: %q", logs.String())
	}
}
