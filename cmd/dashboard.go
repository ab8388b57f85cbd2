package cmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"

	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// dashboardFlags are the flags of the interactive dashboard.
type dashboardFlags struct {
	api      apiFlags
	interval time.Duration
	state    string
	demo     bool
	bell     bool
	mouse    bool
	logFile  string
	flow     flowFlags
	hooks    hookFlags
}

func (f *dashboardFlags) register(fs *flag.FlagSet) {
	f.api.register(fs)
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "refresh each task at most this often")
	fs.StringVar(&f.state, "state", "", "watch list file (default $XDG_STATE_HOME/trtcwatch/watchlist.json)")
	fs.BoolVar(&f.demo, "demo", false, "run against a built-in local emulator with demo tasks (no account needed)")
	fs.BoolVar(&f.bell, "bell", false, "ring the terminal bell when a task ends, exits or fails")
	fs.BoolVar(&f.mouse, "mouse", false, "click to select and wheel to scroll (turns off the terminal's own text selection)")
	fs.StringVar(&f.logFile, "log-file", "", "write a debug log to this file (never to the screen)")
	f.flow.register(fs)
	f.hooks.register(fs)
}

// dashboardUsage is what -h prints above the flags.
const dashboardUsage = `Usage:
  trtcwatch [flags] [TASK...]    watch recording tasks live (TASK is TASKID or SDKAPPID:TASKID)
  trtcwatch --demo               the same against a built-in emulator, no account needed
  trtcwatch snapshot [flags] TASK...   look tasks up once and print them (-h for flags)
  trtcwatch events [flags]       print the event log (-h for flags)
  trtcwatch emulator [flags]     serve a local TRTC API for testing (-h for flags)
  trtcwatch serve --authorized-keys FILE [flags]   team mode: the dashboard over SSH (-h for flags)

Flags:
`

// runDashboard runs the interactive dashboard. Every way out gives the
// terminal back: q, a signal (SIGHUP, SIGTERM, SIGINT, SIGQUIT), a fatal
// error or a panic anywhere the dashboard runs code; the watch list stays
// whole because every save replaces the file atomically.
func runDashboard(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, keys ui.KeyMap) (code int) {
	fs := flag.NewFlagSet("trtcwatch", flag.ContinueOnError)
	var f dashboardFlags
	f.register(fs)
	if err := parseFlags(fs, dashboardUsage, args, stdout); err != nil {
		return fail(stderr, err)
	}
	if err := f.validate(); err != nil {
		return fail(stderr, err)
	}
	app, refs, cfg, err := f.api.tasks(fs.Args())
	if err != nil {
		return fail(stderr, err)
	}
	// Then the terminal: without one nothing may be saved or started.
	ttyFd, releaseTTY, err := openTerminal(stdin, stdout)
	if err != nil {
		return fail(stderr, usagef("%v", err))
	}
	defer releaseTTY()
	log, closeLog, err := openLog(f.logFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer closeLog()
	cfg.Logger = log
	statePath, dm, err := placeWatchList(f.demo, f.state, log, &cfg, &app, &refs)
	if err != nil {
		return fail(stderr, err)
	}
	if dm != nil {
		defer dm.Close()
	}
	c, err := newClient(cfg)
	if err != nil {
		return fail(stderr, err)
	}

	g := newGuard()
	defer func() { // a panic on this goroutine before or after the program ran
		if r := recover(); r != nil {
			g.record(r, debug.Stack())
			code = g.report(stderr, f.logFile, statePath, append(knownSecrets(cfg), c.RedactionValues()...))
		}
	}()
	var uiStarted atomic.Bool
	engCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	eng := watch.New(c, watch.Config{
		Interval: f.interval,
		Quota:    c.MaxRate(),
		Store: watchlist.OpenWith(statePath, watchlist.Options{OnLockWait: func(w watchlist.LockWait) {
			if !uiStarted.Load() { // once the dashboard is up, its header shows the lock trouble
				fmt.Fprintln(stderr, w)
			}
		}}),
		Logger: log,
	})
	logBeside := statePath // the event log: beside --state when given (the demo's too)
	if f.state != "" {
		logBeside = f.state
	}
	pastEvents, olderEvents, stopEventLog := startEventLog(eng, logBeside, log, g.Go)
	defer stopEventLog() // deferred before stopEngine, so it runs after: the last events are logged
	done := make(chan struct{})
	g.Go(func() { defer close(done); eng.Run(engCtx) })
	defer func() { _ = stopEngine(cancel, done, eng.Flush, log) }() // finish's call reports; this one covers early returns
	notice := startupNotice(stderr, startupNoticeAfter,
		"waiting for the watch list "+statePath+" (another trtcwatch may hold its lock); keys typed now are dropped")
	if len(refs) > 0 {
		if _, err := eng.Add(refs); err != nil {
			log.Warn("add command-line tasks", "err", err)
		}
		// Saved before the dashboard starts, as before writes were coalesced:
		// start-up waits (with its notice) for a lock another trtcwatch holds.
		if err := eng.Flush(); err != nil {
			log.Warn("save command-line tasks", "err", err)
		}
	}
	if dm != nil {
		fed := make(chan struct{})
		g.Go(func() { defer close(fed); dm.Run(engCtx, c, eng, log) })
		// Joined before dm.Close (deferred earlier, so it runs after this).
		defer func() { cancel(); <-fed }()
	}

	uiOpts := ui.Options{
		Keys:      keys,
		Endpoint:  c.Endpoint(),
		Region:    cfg.Region,
		SdkAppID:  app,
		Bell:      f.bell,
		Mouse:     f.mouse,
		Clipboard: clipboard.WriteAll,
		Now:       time.Now,
		Log:       log,
		Demo:      f.demo,
		Context:   engCtx,
		// NO_COLOR or TERM=dumb asks for plain glyphs and borders; View
		// never reads the environment itself.
		ASCII:            ui.ASCIIWanted(os.Getenv),
		CredentialSource: c.CredentialSource(),
		RegionFrom:       cfg.RegionFrom,
		PastEvents:       pastEvents,
		PastEventsOlder:  olderEvents,
	}
	if f.demo {
		f.flow.demoDefaults()
	}
	f.flow.apply(&uiOpts)
	stopHooks, _, err := f.hooks.startHooks(engCtx, func() hookFeed { return eng.Session("hooks") }, g.Go, &uiOpts, log)
	if err != nil {
		return fail(stderr, fmt.Errorf("--on-change: %w", err))
	}
	defer stopHooks()
	m := ui.New(eng, uiOpts)
	var model tea.Model = m
	if testHook != nil {
		model = testHook(model, g.Go)
	}
	notice()
	uiStarted.Store(true)
	if err := discardInput(ttyFd); err != nil {
		log.Warn("discard typed-ahead keys", "err", err)
	}
	out := runProgram(ctx, model, g)
	return finish(ctx, out, g, stderr, exitInfo{f.logFile, statePath, append(knownSecrets(cfg), c.RedactionValues()...)}, func() error { return stopEngine(cancel, done, eng.Flush, log) })
}

// The --interval range: faster than minInterval only burns the quota, and
// slower than maxInterval is no longer watching.
const (
	minInterval = 100 * time.Millisecond
	maxInterval = time.Hour
)

func (f *dashboardFlags) validate() error {
	if f.interval < minInterval || f.interval > maxInterval {
		return usagef("--interval must be between %v and %v, such as 2s, got %v", minInterval, maxInterval, f.interval)
	}
	return f.hooks.validate()
}

// openLog opens the --log-file, or returns a logger that discards: the
// dashboard owns the screen, so nothing may log there.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	// Only a regular file: opening a FIFO would block start-up, and a
	// device (the terminal) would put the log on the screen.
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, nil, usagef("--log-file %s is not a regular file (%v)", path, st.Mode().Type())
	}
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, usagef("--log-file: %v", err)
	}
	return slog.New(slog.NewTextHandler(fh, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { fh.Close() }, nil
}
