package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
)

// rtFunc is an http.RoundTripper made of a function: the tests deliver
// callbacks inside a synctest bubble, where the clock is fake and a real
// socket would not be.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// script answers the emulator's callback POSTs: answer(n) says what the
// n-th attempt (from 1) gets: a status, 0 to hand the request to the real
// receiver, or -1 to never answer (the client's 5 s timeout ends it).
type script struct {
	mu       sync.Mutex
	attempts []time.Duration // since the first attempt
	first    time.Time
	answer   func(n int) int
	rcv      http.Handler
}

func (sc *script) RoundTrip(req *http.Request) (*http.Response, error) {
	sc.mu.Lock()
	if sc.first.IsZero() {
		sc.first = time.Now()
	}
	sc.attempts = append(sc.attempts, time.Since(sc.first))
	n := len(sc.attempts)
	sc.mu.Unlock()
	switch code := sc.answer(n); code {
	case 0:
		w := httptest.NewRecorder()
		sc.rcv.ServeHTTP(w, req)
		return w.Result(), nil
	case -1:
		<-req.Context().Done()
		return nil, req.Context().Err()
	default:
		return &http.Response{StatusCode: code, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
	}
}

// idleVOD is one VOD task that never streams: it owes one callback, its 301.
var idleVOD = &Scenario{Tasks: []ScenarioTask{{TaskID: demoIDs[3], Storage: storageVOD}}}

// TestCallbackRetries follows TRTC's rule: a failure (a non-200 status, or
// no answer in 5 s) is retried at once, then every 10 s, until the message
// is over a minute old.
func TestCallbackRetries(t *testing.T) {
	s := time.Second
	tests := []struct {
		name      string
		answer    func(n int) int
		want      []time.Duration
		delivered bool
	}{
		{"500 three times", func(n int) int { return map[bool]int{true: 500, false: 0}[n <= 3] }, []time.Duration{0, 0, 10 * s, 20 * s}, true},
		{"no answer twice", func(n int) int { return map[bool]int{true: -1, false: 0}[n <= 2] }, []time.Duration{0, 5 * s, 20 * s}, true},
		{"never 200", func(int) int { return 503 }, []time.Duration{0, 0, 10 * s, 20 * s, 30 * s, 40 * s, 50 * s, 60 * s}, false},
		{"never answers", func(int) int { return -1 }, []time.Duration{0, 5 * s, 20 * s, 35 * s, 50 * s}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rcv := cbReceiver(t)
				sc := &script{answer: tt.answer, rcv: rcv}
				var log bytes.Buffer
				srv, err := New(Config{Scenario: idleVOD, CallbackURL: "http://receiver.invalid/cb", CallbackKey: cbKey, cbTransport: sc, Log: &syncWriter{w: &log}})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				time.Sleep(3 * time.Minute)
				synctest.Wait()
				sc.mu.Lock()
				got := sc.attempts
				sc.mu.Unlock()
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Fatalf("attempts at %v, want %v", got, tt.want)
				}
				st := srv.callbackStats()
				if tt.delivered != (st.Delivered == 1) || tt.delivered == (st.GaveUp == 1) || rcv.Stats().Accepted != st.Delivered {
					t.Fatalf("stats %+v, receiver %+v", st, rcv.Stats())
				}
				if !tt.delivered && !strings.Contains(log.String(), fmt.Sprintf("given up after %d attempts", len(tt.want))) {
					t.Fatalf("give-up not logged:\n%s", log.String())
				}
			})
		})
	}
}

// syncWriter serialises writes for a log read by the test.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// chaosRun runs scenario tasks that each owe a 301 and a 303 at the same
// instant, with the chaos options, and returns each task's arrivals and
// the receiver's stats.
func chaosRun(t *testing.T, chaos CallbackChaos, seed int64) (map[string][]callback.EventType, callback.Stats) {
	var tasks []ScenarioTask
	for i := range 40 {
		tasks = append(tasks, ScenarioTask{TaskID: fmt.Sprintf("chaos-%02d", i)}) // fixed: the order, and so the draws, follow the IDs
	}
	var out map[string][]callback.EventType
	var st callback.Stats
	synctest.Test(t, func(t *testing.T) {
		rcv := cbReceiver(t)
		srv, err := New(Config{Seed: seed, Scenario: &Scenario{Tasks: tasks, Callbacks: chaos}, CallbackURL: "http://receiver.invalid/",
			CallbackKey: cbKey, cbTransport: &script{answer: func(int) int { return 0 }, rcv: rcv}})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		time.Sleep(time.Second)
		synctest.Wait()
		out = map[string][]callback.EventType{}
		for _, e := range rcv.Drain(nil) {
			out[e.TaskID] = append(out[e.TaskID], e.Type)
		}
		st = rcv.Stats()
	})
	return out, st
}

// TestCallbackChaos: the scenario's duplicates and reorder options make
// callbacks arrive twice or after the task's next one, reproducibly for a
// seed; the receiver takes each once.
func TestCallbackChaos(t *testing.T) {
	calm, st := chaosRun(t, CallbackChaos{}, 1)
	for id, got := range calm {
		if fmt.Sprint(got) != fmt.Sprint([]callback.EventType{301, 303}) {
			t.Fatalf("without chaos %.8s got %v", id, got)
		}
	}
	if st.Accepted != 80 || st.Duplicates != 0 {
		t.Fatalf("without chaos: %+v", st)
	}

	all, st := chaosRun(t, CallbackChaos{Duplicates: 1, Reorder: 1}, 1)
	for id, got := range all {
		if fmt.Sprint(got) != fmt.Sprint([]callback.EventType{303, 301}) {
			t.Fatalf("reorder 1: %.8s got %v, want 303 before 301", id, got)
		}
	}
	if st.Accepted != 80 || st.Duplicates != 80 {
		t.Fatalf("duplicates 1: accepted %d, duplicates %d; want 80 and 80", st.Accepted, st.Duplicates)
	}

	some, st := chaosRun(t, CallbackChaos{Duplicates: 0.3, Reorder: 0.3}, 7)
	again, st2 := chaosRun(t, CallbackChaos{Duplicates: 0.3, Reorder: 0.3}, 7)
	if fmt.Sprint(some) != fmt.Sprint(again) || st.Duplicates != st2.Duplicates {
		t.Fatal("the same seed gave different chaos")
	}
	swapped := 0
	for _, got := range some {
		if got[0] == 303 {
			swapped++
		}
	}
	if st.Accepted != 80 || st.Duplicates == 0 || st.Duplicates == 80 || swapped == 0 || swapped == 40 {
		t.Fatalf("chaos 0.3: %d duplicates, %d of 40 tasks reordered", st.Duplicates, swapped)
	}
}

// TestCallbackQueueFull: a receiver that never answers fills the sender's
// bounded queues; further callbacks are dropped, counted and logged, and
// the task store stays free for the API throughout.
func TestCallbackQueueFull(t *testing.T) {
	var tasks []ScenarioTask
	for range 3000 {
		tasks = append(tasks, ScenarioTask{}) // 301 + 303 each: 6,000 messages in the first round
	}
	synctest.Test(t, func(t *testing.T) {
		var log bytes.Buffer
		srv, err := New(Config{Scenario: &Scenario{Tasks: tasks}, CallbackURL: "http://receiver.invalid/",
			cbTransport: &script{answer: func(int) int { return -1 }}, Log: &syncWriter{w: &log}})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		time.Sleep(time.Second)
		synctest.Wait() // every sender is stuck waiting for an answer
		if !srv.mu.TryLock() {
			t.Fatal("the task store is locked while callbacks wait")
		}
		srv.mu.Unlock()
		st := srv.callbackStats()
		if st.Dropped == 0 || st.Queued+st.Dropped != 6000 || st.Queued > cbShards*cbQueue+cbShards {
			t.Fatalf("stats %+v", st)
		}
		if n := strings.Count(log.String(), "dropped: the sender's queue is full"); int64(n) != st.Dropped {
			t.Fatalf("%d drops logged, %d counted", n, st.Dropped)
		}
	})
}
