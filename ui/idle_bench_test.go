package ui

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	tea "charm.land/bubbletea/v2"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// idleWindow is how much real time BenchmarkIdleCPU measures per case;
// issue 14 asks for 30 s. `-idle-window 5s` gives a quicker, noisier look.
var idleWindow = flag.Duration("idle-window", 30*time.Second, "BenchmarkIdleCPU: real time measured per case")

// idleFPS is the renderer's frame rate in BenchmarkIdleCPU: the
// dashboard's own (FPS) unless set, e.g. to 60 to see Bubble Tea's default.
var idleFPS = flag.Int("idle-fps", FPS, "BenchmarkIdleCPU: Bubble Tea frame rate")

// BenchmarkIdleCPU runs the real dashboard with nothing changing and
// reports the CPU the whole process used over idleWindow of real time:
// the real model in a real Bubble Tea program (at FPS, as the dashboard
// runs it; a 160×50 terminal, output discarded), over the real engine running
// with its watch list on disk and a client pointed at the emulator. The
// tasks are paused, so no call goes out. Cases: no tasks; 10,000 tasks
// watched for two hours (their ages change once a minute); 10,000 tasks
// just loaded (their ages change every second, so one frame a second is
// the floor). Metrics: cpu-% of one core, and the frames drawn and the
// messages handled per second.
func BenchmarkIdleCPU(b *testing.B) {
	for _, c := range []struct {
		name  string
		tasks int
		age   time.Duration // how long ago the tasks were loaded, on the dashboard's clock
	}{
		{"none", 0, 0},
		{"10k-paused-2h", 10000, 2 * time.Hour},
		{"10k-paused-fresh", 10000, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			var r idleResult
			for b.Loop() {
				r = runIdle(b, c.tasks, c.age, *idleWindow)
			}
			b.ReportMetric(100*r.cpu.Seconds()/r.wall.Seconds(), "cpu-%")
			b.ReportMetric(float64(r.views)/r.wall.Seconds(), "frames/s")
			b.ReportMetric(float64(r.updates)/r.wall.Seconds(), "msgs/s")
		})
	}
}

type idleResult struct {
	cpu, wall      time.Duration
	views, updates int64
}

// countingModel counts what the event loop does with the dashboard:
// messages, and frames drawn (a View that is not the frame before it
// handed back; the event loop calls View from one goroutine).
type countingModel struct {
	inner          *Model
	views, updates *atomic.Int64
	last           *string
}

func (c countingModel) Init() tea.Cmd { return c.inner.Init() }
func (c countingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c.updates.Add(1)
	_, cmd := c.inner.Update(msg)
	return c, cmd
}
func (c countingModel) View() tea.View {
	v := c.inner.View()
	if len(v.Content) == 0 || len(*c.last) == 0 || unsafe.StringData(v.Content) != unsafe.StringData(*c.last) {
		c.views.Add(1)
	}
	*c.last = v.Content
	return v
}

func runIdle(b *testing.B, tasks int, age, window time.Duration) idleResult {
	b.StopTimer()
	defer b.StartTimer() // b.Loop wants it running
	srv := emutest.Start(b, emulator.Config{Seed: 1}, "")
	c, err := client.New(client.Config{Region: testRegion, Endpoint: srv.URL(),
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "watchlist.json")
	if tasks > 0 {
		err := watchlist.Open(path, watchlist.Options{}).Update(func([]watchlist.Entry) []watchlist.Entry {
			es := make([]watchlist.Entry, tasks)
			for i := range es {
				es[i] = watchlist.Entry{Ref: ref(fmt.Sprintf("1-rJp4NqIK2FYuJD8RvXoKlGAu0e-%05d-AQYZQNSjkI9Ozf0qzAGl12", i)),
					Note: fmt.Sprintf("ticket %d", i)}
			}
			return es
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	eng := watch.New(c, watch.Config{Store: watchlist.Open(path, watchlist.Options{})})
	eng.SetPaused(true, 0)
	ctx, cancel := context.WithCancel(context.Background())
	engDone := make(chan struct{})
	go func() { eng.Run(ctx); close(engDone) }()
	defer func() { cancel(); <-engDone }()

	var views, updates atomic.Int64
	m := New(eng, Options{Keys: DefaultKeyMap(), Endpoint: c.Endpoint(), Region: testRegion, SdkAppID: testApp,
		Context: ctx, Now: func() time.Time { return time.Now().Add(age) }})
	p := tea.NewProgram(countingModel{m, &views, &updates, new(string)}, tea.WithFPS(*idleFPS), tea.WithInput(nil), tea.WithOutput(io.Discard),
		tea.WithWindowSize(160, 50), tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	progDone := make(chan error, 1)
	go func() { _, err := p.Run(); progDone <- err }()
	defer func() {
		p.Quit()
		if err := <-progDone; err != nil {
			b.Errorf("program: %v", err)
		}
	}()

	// Let the first load, the first frames and the first GCs pass.
	time.Sleep(3 * time.Second)
	v0, u0 := views.Load(), updates.Load()
	c0, w0 := cpuTime(b), time.Now()
	b.StartTimer()
	time.Sleep(window)
	b.StopTimer()
	c1, w1 := cpuTime(b), time.Now()
	return idleResult{cpu: c1 - c0, wall: w1.Sub(w0), views: views.Load() - v0, updates: updates.Load() - u0}
}

// cpuTime is the user and system CPU the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
