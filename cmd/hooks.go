package cmd

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/trtcwatch/trtcwatch/hook"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
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
	fs.StringVar(&f.onChange, "on-change", "", "run CMD (with /bin/sh -c) for each transition and alert: the event as JSON on stdin, TRTCWATCH_* basics in the environment")
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

// hookFeed is what the hook wiring reads: the engine's news through its
// own session, so the dashboard's reader is never slowed or starved.
type hookFeed interface {
	Changed() <-chan struct{}
	Collect() watch.Update
	Close()
}

// startHooks starts the --on-change runner and the goroutine that feeds
// it the engine's transitions and error-code changes (read from a
// session of its own, never the UI's), and wires alert firings and
// failures into the dashboard: o.OnAlert only queues (hook.Runner.Fire
// never blocks), and failures reach the banner through a buffered channel
// that drops rather than waits. The returned stop ends the feed, then the
// runner (running hooks finish or are killed at their timeout); drain
// waits for the hooks of what was fired so far (tests).
func (f *hookFlags) startHooks(ctx context.Context, open func() hookFeed, goFn func(func()), o *ui.Options, log *slog.Logger) (stop, drain func(), err error) {
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
	feed := open()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	goFn(func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-feed.Changed():
			}
			for _, ev := range hookEvents(feed.Collect()) {
				r.Fire(ev)
			}
		}
	})
	o.OnAlert = func(fr ui.Firing) { r.Fire(alertEvent(fr)) }
	o.HookFailures = fails
	return func() {
		cancel()
		<-done
		feed.Close()
		r.Close()
	}, r.Drain, nil
}

// hookEvents are the events a hook hears about: transitions, and a call
// failure that starts or changes its code. Adds, removes and notes are
// the user's own doing and stay out of the chat, and so does a task's
// first answer (pending to its state).
func hookEvents(up watch.Update) []hook.Event {
	notes := make(map[string]string, len(up.Changed))
	for _, t := range up.Changed {
		notes[t.Ref.String()] = t.Note
	}
	var out []hook.Event
	for _, ev := range up.Events {
		he := hook.Event{Time: ev.At, SdkAppID: ev.Ref.SdkAppID, TaskID: ev.Ref.TaskID, Region: ev.Ref.Region,
			From: string(ev.From), To: string(ev.To), RequestID: ev.RequestID, Note: notes[ev.Ref.String()]}
		switch {
		case ev.Kind == watch.EventTransition && ev.From == watch.Pending:
			continue // a task's first answer, not a change: a start-up with 500 tasks stays quiet
		case ev.Kind == watch.EventTransition:
			he.Kind = hook.Transition
		case ev.Kind == watch.EventError && ev.Code != "":
			he.Kind, he.ErrorCode, he.From = hook.Error, ev.Code, ""
		default:
			continue
		}
		out = append(out, he)
	}
	return out
}

// alertEvent is a rule firing as a hook event; Note carries the reason.
func alertEvent(fr ui.Firing) hook.Event {
	t := fr.Task
	ev := hook.Event{Time: fr.At, SdkAppID: t.Ref.SdkAppID, TaskID: t.Ref.TaskID, Region: t.Ref.Region,
		Kind: hook.Alert, To: string(t.Phase), Rule: fr.Rule, Note: fr.Reason}
	if t.Last != nil {
		ev.RequestID = t.Last.RequestID
	}
	if t.LastErr != nil {
		ev.ErrorCode = t.LastErr.Code
	}
	return ev
}
