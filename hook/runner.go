package hook

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// Defaults for a Config left zero.
const (
	DefaultMaxConcurrent = 4
	DefaultTimeout       = 10 * time.Second
	defaultQueue         = 64
	stderrLimit          = 512 // bytes of a failed hook's stderr kept for the report
)

// Config sets up a Runner.
type Config struct {
	// Cmd is the argv to run, Cmd[0] the program. The dashboard passes
	// Shell(flag): the user's own command line, with no API string in it.
	Cmd []string
	// MaxConcurrent bounds the hooks running at once (default 4).
	MaxConcurrent int
	// Timeout bounds each run, counting whatever the hook leaves running in
	// the background or in a new session: at the deadline all of it is
	// killed (on Linux; elsewhere the hook's process group). Default 10s.
	Timeout time.Duration
	// queue bounds the events waiting for a free slot (default 64; the
	// tests set it). When a burst overflows it the oldest waiting event is
	// dropped and counted: the newest says most about the task now.
	queue int
	// OnFailure is told of every failed run (exit status, timeout, could
	// not start). It is called from the runner's goroutines, so it must be
	// quick and must not call Close; send to a buffered channel.
	OnFailure func(Failure)
	// environ is the environment the child inherits before the filter and
	// the TRTCWATCH_* variables; nil (all but the tests) means os.Environ().
	environ []string
}

// Shell is the argv that runs a --on-change command line with /bin/sh, so
// users can write pipes and redirections. The line is the user's own;
// event data reaches it only through stdin and the environment.
func Shell(cmdline string) []string { return []string{"/bin/sh", "-c", cmdline} }

// Failure is one failed hook run, for the banner and the log.
type Failure struct {
	Event    Event
	Err      error  // what went wrong, one line
	ExitCode int    // the exit status, -1 when the hook did not exit by itself
	TimedOut bool   // killed at the timeout
	stderr   string // the first stderrLimit bytes of its stderr, sanitised
}

// String is the failure as one banner line.
func (f Failure) String() string {
	s := fmt.Sprintf("hook for task %s: %v", sanitize.String(f.Event.TaskID), f.Err)
	if line, _, _ := strings.Cut(strings.TrimSpace(f.stderr), `\n`); line != "" {
		s += ": " + line
	}
	return s
}

// Stats are the runner's counters: the log says them when the hooks stop,
// so a user can see that a burst dropped events.
type Stats struct {
	Started, Failed, Dropped uint64
	Running, Queued          int
	PeakRunning              int
}

// Runner runs hooks. Fire never blocks; Close stops it.
type Runner struct {
	cfg Config
	env []string

	mu     sync.Mutex
	cond   *sync.Cond // work queued or closed
	idle   *sync.Cond // a hook finished: Drain re-checks
	queue  []Event    // oldest first, at most cfg.queue
	closed bool
	stats  Stats
	wg     sync.WaitGroup
}

// New checks cfg, fills in the defaults and starts the workers. On Linux
// it also makes this process non-dumpable (for good): the hooks run as the
// same user, and would otherwise read the API secret from this process's
// /proc/PID/environ or memory.
func New(cfg Config) (*Runner, error) {
	if len(cfg.Cmd) == 0 || cfg.Cmd[0] == "" {
		return nil, errors.New("hook: no command")
	}
	// Zero or less takes the default.
	cfg.MaxConcurrent = cmp.Or(max(cfg.MaxConcurrent, 0), DefaultMaxConcurrent)
	cfg.Timeout = cmp.Or(max(cfg.Timeout, 0), DefaultTimeout)
	cfg.queue = cmp.Or(max(cfg.queue, 0), defaultQueue)
	if cfg.environ == nil {
		cfg.environ = os.Environ()
	}
	if err := protect(); err != nil {
		return nil, fmt.Errorf("hook: keep this process's memory from the hooks: %w", err)
	}
	r := &Runner{cfg: cfg, env: filterEnv(cfg.environ), queue: make([]Event, 0, cfg.queue)}
	r.cond = sync.NewCond(&r.mu)
	r.idle = sync.NewCond(&r.mu)
	for range cfg.MaxConcurrent {
		r.wg.Add(1)
		go r.worker()
	}
	return r, nil
}

// Fire queues ev for the hook and returns at once. It reports false when ev
// was not queued (the runner is closed); an overflow drops the oldest
// waiting event instead, counted in Stats.Dropped.
func (r *Runner) Fire(ev Event) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.stats.Dropped++
		return false
	}
	if len(r.queue) == r.cfg.queue {
		copy(r.queue, r.queue[1:])
		r.queue = r.queue[:len(r.queue)-1]
		r.stats.Dropped++
	}
	r.queue = append(r.queue, ev)
	r.cond.Signal()
	return true
}

// Stats returns the counters.
func (r *Runner) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Queued = len(r.queue)
	return s
}

// Drain waits until no event is waiting and no hook runs: every event
// fired before has had its run. Fire from another goroutine can keep it
// waiting; a quitting dashboard calls Close instead.
func (r *Runner) Drain() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for (len(r.queue) > 0 || r.stats.Running > 0) && !r.closed {
		r.idle.Wait()
	}
}

// Close stops the runner: events still waiting are dropped (counted),
// running hooks (and what they left running) end or are killed at their
// timeout, and every goroutine
// has returned when Close does. Close is safe to call more than once.
func (r *Runner) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		r.stats.Dropped += uint64(len(r.queue))
		r.queue = nil
		r.cond.Broadcast()
		r.idle.Broadcast()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *Runner) worker() {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.closed {
			r.cond.Wait()
		}
		if r.closed {
			r.mu.Unlock()
			return
		}
		ev := r.queue[0]
		r.queue = r.queue[1:]
		r.stats.Started++
		r.stats.Running++
		r.stats.PeakRunning = max(r.stats.PeakRunning, r.stats.Running)
		r.mu.Unlock()

		f, failed := r.run(ev)
		if failed && r.cfg.OnFailure != nil {
			r.cfg.OnFailure(f) // before Drain can return, so a drained runner has reported everything
		}
		r.mu.Lock()
		r.stats.Running--
		if failed {
			r.stats.Failed++
		}
		r.idle.Broadcast()
		r.mu.Unlock()
	}
}

// run runs the hook once for ev.
func (r *Runner) run(ev Event) (Failure, bool) {
	input, err := json.Marshal(ev)
	if err != nil {
		return Failure{Event: ev, ExitCode: -1, Err: fmt.Errorf("encode event: %w", err)}, true
	}
	env := append(append([]string(nil), r.env...), ev.env()...)
	stderr := &limitWriter{max: stderrLimit}
	o := runOnce(r.cfg.Cmd, env, append(input, '\n'), stderr, r.cfg.Timeout)
	return o.failure(ev, r.cfg.Timeout, r.cfg.Cmd[0], sanitize.String(stderr.buf.String()))
}

// limitWriter keeps the first max bytes and swallows the rest, so a chatty
// hook costs bounded memory and never blocks on a full pipe.
type limitWriter struct {
	max int
	buf bytes.Buffer
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// filterEnv drops every variable that could carry a credential or that
// belongs to trtcwatch: TENCENTCLOUD_* (keys, session token, credentials
// file), TRTCWATCH_* (the emulator's keys; the hook's own are set after),
// and TRTC_*. Windows names are case-insensitive, so the match is too.
func filterEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		up := strings.ToUpper(name)
		if strings.HasPrefix(up, "TENCENTCLOUD_") || strings.HasPrefix(up, "TRTCWATCH_") || strings.HasPrefix(up, "TRTC_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
