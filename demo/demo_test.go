package demo

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/taskref"
)

func start(t *testing.T) (*Env, *client.Client) {
	t.Helper()
	env, err := startEnv(nil, "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	c, err := client.New(client.Config{Region: Region, Endpoint: env.URL(), Credential: env.Credential(), Rate: 100})
	if err != nil {
		t.Fatal(err)
	}
	return env, c
}

// TestStartServesEveryRef: each demo task answers through the real client
// with the demo key, the made-up one is not found, and each has a note.
func TestStartServesEveryRef(t *testing.T) {
	if n, want := len(notes), len(emulator.DemoScenario().Tasks); n != want {
		t.Fatalf("%d notes for %d scenario tasks: keep them in step", n, want)
	}
	env, c := start(t)
	if len(env.Refs) != len(notes)+1 {
		t.Fatalf("%d refs, want %d", len(env.Refs), len(notes)+1)
	}
	for _, r := range env.Refs {
		if env.Notes[r] == "" {
			t.Errorf("%s has no note", r.TaskID)
		}
		_, err := c.Describe(context.Background(), r)
		var ce *client.Error
		switch {
		case r.TaskID == emulator.DemoNeverFoundTaskID:
			if !errors.As(err, &ce) || ce.Kind != client.KindGone {
				t.Errorf("never-found task: %v, want a gone error", err)
			}
		case err != nil:
			t.Errorf("%s: %v", r.TaskID, err)
		}
	}
}

// recorder is an Adder that keeps what it was given.
type recorder struct {
	mu    sync.Mutex
	added []taskref.Ref
	notes map[taskref.Ref]string
}

func (r *recorder) Add(refs []taskref.Ref) ([]taskref.Ref, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.added = append(r.added, refs...)
	return refs, nil
}

func (r *recorder) SetNote(ref taskref.Ref, note string, _ uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes[ref] = note
	return nil
}

// TestFeedCreatesAndStopsTasks: the feeder creates tasks through the API,
// adds them with a note, and stops each after its life, so it ends.
func TestFeedCreatesAndStopsTasks(t *testing.T) {
	_, c := start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &recorder{notes: map[taskref.Ref]string{}}
	go feed(ctx, c, rec, 20*time.Millisecond, 100*time.Millisecond, nil)

	var first taskref.Ref
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		rec.mu.Lock()
		n := len(rec.added)
		if n > 0 {
			first = rec.added[0]
		}
		note := rec.notes[first]
		rec.mu.Unlock()
		if n >= 3 && note != "" {
			if !strings.Contains(note, "stopped after 100ms") {
				t.Errorf("note %q does not say when the task stops", note)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("feeder added %d tasks", n)
		}
	}
	if _, err := c.Describe(ctx, first); err != nil {
		t.Fatalf("a task the feeder created is unknown: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := c.Describe(ctx, first)
		var ce *client.Error
		if errors.As(err, &ce) && ce.Kind == client.KindGone || err == nil && resp.Status != nil && *resp.Status == "Exited" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first task was never stopped: %v", err)
		}
	}
}

// TestFeedJoinsItsTimers: once its context ends, feed returns only after
// every stop timer is stopped or has run, so nothing of the demo outlives
// it (the dashboard removes the demo's files right after).
func TestFeedJoinsItsTimers(t *testing.T) {
	for _, life := range []time.Duration{time.Hour, 30 * time.Millisecond} { // pending, and firing
		t.Run(life.String(), func(t *testing.T) {
			_, c := start(t)
			ctx, cancel := context.WithCancel(context.Background())
			rec := &recorder{notes: map[taskref.Ref]string{}}
			done := make(chan struct{})
			go func() { defer close(done); feed(ctx, c, rec, 10*time.Millisecond, life, nil) }()
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				rec.mu.Lock()
				n := len(rec.added)
				rec.mu.Unlock()
				if n >= 5 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("feeder added %d tasks", n)
				}
			}
			cancel()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("feed did not return after its context ended")
			}
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			// feed itself, or a call it made. (A stop timer's closure may
			// still be returning from its stops.Done: its work is over.)
			for _, fn := range []string{"demo.feed(", "demo.stopTask", "demo.createTask"} {
				if strings.Contains(stacks, "trtcwatch/"+fn) {
					t.Errorf("%s still runs after feed returned", fn)
				}
			}
		})
	}
}
