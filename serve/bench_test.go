package serve

import (
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// watcher is a benchmark client's output: it keeps only a short tail, and
// says when a wanted text has been drawn.
type watcher struct {
	mu    sync.Mutex
	tail  string
	want  string
	found chan struct{}
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	hay := w.tail + string(p)
	if w.want != "" && strings.Contains(ansi.Strip(hay), w.want) {
		close(w.found)
		w.want = ""
	}
	if len(hay) > 512 {
		hay = hay[len(hay)-512:]
	}
	w.tail = hay
	return len(p), nil
}

func (w *watcher) expect(s string) chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.want, w.found = s, make(chan struct{})
	return w.found
}

// openDrawn opens a dashboard as alice on an h x w terminal, its output
// into w, and returns once it has drawn want.
func openDrawn(b *testing.B, r *rig, out *watcher, h, w int, want string) (*gossh.Client, *gossh.Session) {
	b.Helper()
	c, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		b.Fatal(err)
	}
	s, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	s.Stdout = out
	found := out.expect(want)
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		b.Fatal(err)
	}
	select {
	case <-found:
	case <-time.After(60 * time.Second):
		b.Fatalf("a session never drew %q", want)
	}
	return c, s
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru) //nolint:errcheck // Linux always answers
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSessions32 serves 1,000 tasks to 32 sessions: the heap and CPU
// per session (CPU of this process, which also runs the 32 clients, over
// a quiet second), and the time from one engine change (a note on the
// task every session has selected) until every session has drawn it.
func BenchmarkSessions32(b *testing.B) {
	const sessions = 32
	r := startRig(b, 1000, 5*time.Second)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	ws := make([]*watcher, sessions)
	for i := range ws {
		ws[i] = &watcher{}
		c, s := openDrawn(b, r, ws[i], 40, 160, "1000 tasks")
		b.Cleanup(func() { s.Close(); c.Close() })
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	cpu0, t0 := cpuTime(), time.Now()
	time.Sleep(time.Second) // the measured quiet window
	cpu := cpuTime() - cpu0
	wall := time.Since(t0)

	first := tref("task-0000")
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		note := make([]byte, 10)
		for j := range note {
			note[j] = byte('a' + (i+j)%26) // every cell differs from the last note
		}
		founds := make([]chan struct{}, sessions)
		for k, w := range ws {
			founds[k] = w.expect(string(note))
		}
		start := time.Now()
		if err := r.eng.SetNote(first, string(note), 0); err != nil {
			b.Fatal(err)
		}
		for _, f := range founds {
			select {
			case <-f:
			case <-time.After(30 * time.Second):
				b.Fatal("a session never drew the change")
			}
		}
		total += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/change-to-all-frames")
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/sessions/1024, "heap-KiB/session")
	b.ReportMetric(float64(cpu)/float64(wall)/sessions*100, "cpu-%/session")
}

// BenchmarkHangUp is a viewer who opens a dashboard on a large terminal
// (500x100, the clamp) and hangs up once it has drawn: the CPU of this
// process (server and client) per session, from the connect until the
// server has let the session go.
func BenchmarkHangUp(b *testing.B) {
	r := startRig(b, 50, time.Minute)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, _ := openDrawn(b, r, &watcher{}, 100, 500, "task-0049")
		c.Close()
		for r.srv.Sessions() != 0 {
			time.Sleep(time.Millisecond)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/session")
}
