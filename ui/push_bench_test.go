package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/watch"
)

// acceptLog wraps the receiver: when it answers 200 to a 302 (the
// recorder left: the task is ending), the time is kept per TaskId, the
// first time only (a retry is not news).
type acceptLog struct {
	rcv *callback.Receiver
	mu  sync.Mutex
	at  map[string]time.Time
}

func (a *acceptLog) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	a.rcv.ServeHTTP(rec, req)
	var b callback.Body
	if rec.status != http.StatusOK || json.Unmarshal(body, &b) != nil || b.EventType != callback.RecorderStop {
		return
	}
	now := time.Now()
	a.mu.Lock()
	if _, ok := a.at[b.EventInfo.TaskId]; !ok {
		a.at[b.EventInfo.TaskId] = now
	}
	a.mu.Unlock()
}

func (a *acceptLog) of(id string) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.at[id]
	return t, ok
}

// lateAPI is the engine's API, set once the emulator it talks to runs.
type lateAPI struct{ watch.API }

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

// BenchmarkPushOnScreen measures, end to end over loopback, how long from
// the receiver accepting a task's 302 (its recorder left the room) to the
// dashboard's frame showing it: (a) the callback's row in the events pane
// and (b) the row's state as the API confirmed it (Exited or ended). The
// emulator posts signed callbacks to an httptest server serving a
// callback.Receiver with a key; the engine consumes them and polls the
// emulator through the real client with Interval 60 s, so polling cannot
// explain a change within seconds; two Models (the events pane open in
// one, the list in the other) get each Collect as the program's wait
// would hand it, and a time is taken at the first View after that
// Update that shows the change. 40 tasks, each writing a file every
// 10 s, end at random times from 6 s to 12 s (as watch's
// BenchmarkPushToConfirmed).
func BenchmarkPushOnScreen(b *testing.B) {
	const n, key = 40, "uiPushBenchKey01"
	var tasks []string
	var refs []taskref.Ref
	for i := range n {
		id := fmt.Sprintf("bench-%04d", i)
		begin, exit := (i*131)%5000, 6000+(i*7919)%6000
		tasks = append(tasks, fmt.Sprintf(`{"task_id": %q, "users": ["u%d"], "timeline": [{"at": "%dms", "status": "InProgress"}, {"at": "%dms", "status": "Exited"}]}`, id, i, begin, exit))
		refs = append(refs, taskref.Ref{Region: testRegion, SdkAppID: testApp, TaskID: id})
	}
	scenario := `{"tasks": [` + strings.Join(tasks, ",") + `]}`
	var toEvent, toRow []time.Duration
	early := 0
	for b.Loop() {
		api := &lateAPI{} // the client needs the emulator, which needs the receiver, which needs the engine
		eng := watch.New(api, watch.Config{Interval: 60 * time.Second, MaxBackoff: 60 * time.Second})
		rcv, err := callback.New(callback.Options{Key: key, Watched: eng.WatchesApp})
		if err != nil {
			b.Fatal(err)
		}
		acc := &acceptLog{rcv: rcv, at: map[string]time.Time{}}
		hs := httptest.NewServer(acc)
		emu := emutest.Start(b, emulator.Config{ExitLinger: 500 * time.Millisecond, Seed: 7, CallbackURL: hs.URL + "/", CallbackKey: key}, scenario)
		c, err := client.New(client.Config{Region: testRegion, Endpoint: emu.URL(), Rate: 20, Timeout: time.Second,
			Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
		if err != nil {
			b.Fatal(err)
		}
		api.API = c
		if _, err := eng.Add(refs); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { eng.ConsumeCallbacks(ctx, rcv) })
		wg.Go(func() { eng.Run(ctx) })

		model := func(keys ...string) *Model {
			m := New(eng, Options{Keys: DefaultKeyMap(), Region: testRegion, SdkAppID: testApp, Context: ctx, Location: time.UTC})
			m.Update(engineMsg{eng.Collect()})
			m.Update(tea.WindowSizeMsg{Width: 200, Height: 120})
			press(m, keys...)
			return m
		}
		evm, list := model("e"), model()
		seenEvent, seenRow := map[string]bool{}, map[string]bool{}
		deadline := time.Now().Add(40 * time.Second)
		for len(seenRow) < n && time.Now().Before(deadline) {
			select {
			case <-eng.Changed():
			case <-time.After(50 * time.Millisecond):
			}
			up := eng.Collect()
			evm.Update(engineMsg{up})
			list.Update(engineMsg{up})
			evFrame, listFrame := ansi.Strip(evm.View().Content), ansi.Strip(list.View().Content)
			shown := time.Now()
			for _, l := range strings.Split(evFrame, "\n") {
				id, ok := benchID(l)
				if !ok || seenEvent[id] || !strings.Contains(l, "callback  302 ") {
					continue
				}
				if at, ok := acc.of(id); ok {
					seenEvent[id] = true
					toEvent = append(toEvent, shown.Sub(at))
				}
			}
			for _, l := range strings.Split(listFrame, "\n") {
				id, ok := benchID(l)
				if !ok || seenRow[id] || !(strings.Contains(l, "Exited") || strings.Contains(l, "ended")) {
					continue
				}
				seenRow[id] = true
				if at, ok := acc.of(id); ok {
					toRow = append(toRow, shown.Sub(at))
				} else {
					early++ // a call asked by an earlier callback saw the exit first
				}
			}
		}
		cancel()
		wg.Wait()
		hs.Close()
		if len(seenRow) < n {
			b.Fatalf("%d of %d exits on screen", len(seenRow), n)
		}
	}
	pct := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return -1
		}
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[int(float64(len(s)-1)*p)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(toEvent, .5), "ms-event-p50")
	b.ReportMetric(pct(toEvent, .99), "ms-event-p99")
	b.ReportMetric(pct(toRow, .5), "ms-row-p50")
	b.ReportMetric(pct(toRow, .99), "ms-row-p99")
	b.ReportMetric(float64(early)/float64(n*b.N), "row-before-302")
}

// benchID is the bench task a screen line names.
func benchID(l string) (string, bool) {
	i := strings.Index(l, "bench-")
	if i < 0 || len(l) < i+10 {
		return "", false
	}
	return l[i : i+10], true
}
