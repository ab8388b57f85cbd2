package cmd

import (
	"flag"
	"log/slog"
	"time"

	"github.com/trtcwatch/trtcwatch/hook"
	"github.com/trtcwatch/trtcwatch/ui"
)

// hookFlags are --on-change and its limits.
type hookFlags struct {
	onChange string
	max      int
	timeout  time.Duration
}

// The ranges of the hook limits: a hook is a notification, not a job.
const (
	maxHookRuns    = 32
	minHookTimeout = time.Second
	maxHookTimeout = 10 * time.Minute
)

func (f *hookFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.onChange, "on-change", "", "run CMD (with /bin/sh -c) for each transition, new failure code, alert and callback reporting a problem: the event as JSON on stdin, TRTCWATCH_* basics in the environment")
	fs.IntVar(&f.max, "hook-max", hook.DefaultMaxConcurrent, "most --on-change commands running at once")
	fs.DurationVar(&f.timeout, "hook-timeout", hook.DefaultTimeout, "kill an --on-change command, and whatever it left running, after this long")
}

func (f *hookFlags) validate() error {
	if f.max < 1 || f.max > maxHookRuns {
		return usagef("--hook-max must be between 1 and %d, got %d", maxHookRuns, f.max)
	}
	if f.timeout < minHookTimeout || f.timeout > maxHookTimeout {
		return usagef("--hook-timeout must be between %v and %v, got %v", minHookTimeout, maxHookTimeout, f.timeout)
	}
	return nil
}

// startHooks starts the --on-change runner and has it follow the
// engine's transitions and error-code changes (hook.Runner.Follow, on a
// session of its own that open starts, never the UI's), and wires alert
// firings and failures into the dashboard: o.OnAlert only queues
// (hook.Runner.Fire never blocks), and failures reach the banner through a
// buffered channel that drops rather than waits. The returned stop ends
// the feed, then the runner (running hooks finish or are killed at their
// timeout), and logs how many hooks ran, failed and were dropped by a
// burst; drain waits for the hooks of what was fired so far (tests).
func (f *hookFlags) startHooks(open func() hook.Feed, spawn func(func()), o *ui.Options, log *slog.Logger) (stop, drain func(), err error) {
	if f.onChange == "" {
		return func() {}, func() {}, nil
	}
	fails := make(chan string, 16)
	r, err := hook.New(hook.Config{
		Cmd: hook.Shell(f.onChange), MaxConcurrent: f.max, Timeout: f.timeout,
		OnFailure: func(fl hook.Failure) {
			log.Warn("on-change hook failed", "task", fl.Event.TaskID, "kind", fl.Event.Kind, "exit", fl.ExitCode, "timed_out", fl.TimedOut, "err", fl.Err)
			select {
			case fails <- fl.String():
			default: // the banner shows the latest anyway
			}
		},
	})
	if err != nil {
		return nil, nil, err
	}
	// The session starts here, only when hooks run: an unread session
	// would keep every event.
	stopFollow := r.Follow(open(), spawn)
	o.OnAlert = func(fr ui.Firing) { r.Fire(hook.FromAlert(fr.Task, fr.Rule, fr.Reason, fr.At)) }
	o.HookFailures = fails
	return func() {
		stopFollow()
		r.Close()
		st := r.Stats()
		log.Info("on-change hooks stopped", "started", st.Started, "failed", st.Failed, "dropped", st.Dropped, "peak_running", st.PeakRunning)
	}, r.Drain, nil
}
