package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// Has reports whether ref is watched.
func (e *Engine) Has(ref taskref.Ref) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tasks[ref] != nil
}

// fakeAPI answers from a function the test can swap, and records every call,
// the rates AIMD asked for and how many calls ran at once per task.
type fakeAPI struct {
	mu       sync.Mutex
	answer   func(ctx context.Context, ref taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error)
	calls    []taskref.Ref
	counts   map[taskref.Ref]int
	perTask  map[taskref.Ref]int
	overlap  int // calls that started while another for the same task ran
	rates    []float64
	inflight int
}

func newFake(answer func(ctx context.Context, ref taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error)) *fakeAPI {
	return &fakeAPI{answer: answer, perTask: map[taskref.Ref]int{}, counts: map[taskref.Ref]int{}}
}

func (f *fakeAPI) Describe(ctx context.Context, ref taskref.Ref) (*client.DescribeCloudRecordingResponse, error) {
	f.mu.Lock()
	f.calls = append(f.calls, ref)
	f.counts[ref]++
	n := f.counts[ref]
	if f.perTask[ref] > 0 {
		f.overlap++
	}
	f.perTask[ref]++
	f.inflight++
	answer := f.answer
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.perTask[ref]--
		f.inflight--
		f.mu.Unlock()
	}()
	return answer(ctx, ref, n)
}

func (f *fakeAPI) SetRate(r float64) {
	f.mu.Lock()
	f.rates = append(f.rates, r)
	f.mu.Unlock()
}

func (f *fakeAPI) setAnswer(a func(ctx context.Context, ref taskref.Ref, n int) (*client.DescribeCloudRecordingResponse, error)) {
	f.mu.Lock()
	f.answer = a
	f.mu.Unlock()
}

func (f *fakeAPI) count(ref *taskref.Ref) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ref == nil {
		return len(f.calls)
	}
	return f.counts[*ref]
}

func (f *fakeAPI) callLog() []taskref.Ref {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func status(s string) func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
	return func(context.Context, taskref.Ref, int) (*client.DescribeCloudRecordingResponse, error) {
		return resp(s), nil
	}
}

func resp(s string) *client.DescribeCloudRecordingResponse {
	id := "req-" + s
	return &client.DescribeCloudRecordingResponse{Status: &s, RequestId: &id}
}

func cerr(k client.Kind, code string) error {
	return &client.Error{Kind: k, Code: code, Message: code + " happened", RequestID: "req-err"}
}

// memStore is an in-memory Store with a switchable failure.
type memStore struct {
	mu      sync.Mutex
	entries []watchlist.Entry
	warns   []string
	fail    error
	writes  int
}

func (s *memStore) Load() ([]watchlist.Entry, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.entries), s.warns
}

func (s *memStore) Update(fn func([]watchlist.Entry) []watchlist.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.writes++
	s.entries = fn(slices.Clone(s.entries))
	return nil
}

func (s *memStore) refs() []taskref.Ref {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []taskref.Ref
	for _, e := range s.entries {
		out = append(out, e.Ref)
	}
	return out
}

func ref(i int) taskref.Ref {
	return taskref.Ref{Region: "ap-singapore", SdkAppID: 1400000001, TaskID: fmt.Sprintf("task-%05d", i)}
}

func refs(n int) []taskref.Ref {
	out := make([]taskref.Ref, n)
	for i := range out {
		out[i] = ref(i)
	}
	return out
}

// start runs e until the test ends.
func start(t *testing.T, e *Engine) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
}

// eventually polls cond until it holds, failing after a generous deadline.
// It waits for behaviour; it never asserts on speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func taskOf(e *Engine, r taskref.Ref) (Task, bool) {
	for _, t := range e.Tasks() {
		if t.Ref == r {
			return t, true
		}
	}
	return Task{}, false
}

func phaseIs(e *Engine, r taskref.Ref, p Phase) func() bool {
	return func() bool { t, ok := taskOf(e, r); return ok && t.Phase == p }
}

var errDisk = errors.New("read-only file system")

// mustFlush waits until e's edits are on disk.
func mustFlush(t *testing.T, e *Engine) {
	t.Helper()
	if err := e.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
}
