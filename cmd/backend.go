package cmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/demo"
	"github.com/trtcwatch/trtcwatch/eventlog"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
	"github.com/trtcwatch/trtcwatch/watchlist"
)

// backendFlags are the flags of what the dashboard and serve both run:
// the API, the watch list, the poll interval, the demo, the debug log, the
// callback receiver and who may reach it, and the two dashboard settings
// every screen takes from the command line.
type backendFlags struct {
	api       apiFlags
	interval  time.Duration
	state     string
	demo      bool
	bell      bool
	mouse     bool
	logFile   string
	listenAny bool
	callbacks callbackFlags
	fs        *flag.FlagSet // what was given, for the checks
}

func (f *backendFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	f.api.register(fs)
	f.callbacks.register(fs)
	fs.BoolVar(&f.listenAny, "listen-any", false, "allow a --callbacks address beyond loopback (0.0.0.0, ::, a LAN address); prefer a reverse proxy or a tunnel in front of loopback")
	fs.DurationVar(&f.interval, "interval", 2*time.Second, "refresh each task at most this often")
	fs.StringVar(&f.state, "state", "", "watch list file (default $XDG_STATE_HOME/trtcwatch/watchlist.json)")
	fs.BoolVar(&f.demo, "demo", false, "run against a built-in local emulator with demo tasks (no account needed)")
	fs.BoolVar(&f.bell, "bell", false, "ring the terminal bell when a task ends, exits or fails")
	fs.BoolVar(&f.mouse, "mouse", false, "click to select and wheel to scroll (turns off the terminal's own text selection)")
	fs.StringVar(&f.logFile, "log-file", "", "write a debug log to this file (never to the screen)")
}

// The --interval range: faster than minInterval only burns the quota, and
// slower than maxInterval is no longer watching.
const (
	minInterval = 100 * time.Millisecond
	maxInterval = time.Hour
)

// backend is what the dashboard and serve both run, built one way for
// both so that they cannot drift: the debug log, the watch list's place
// (or the demo's), the API client, the engine with its event log, and the
// demo's feeder, every goroutine under one panic guard. newBackend checks
// the flags and opens nothing; open opens the log, finds the watch list
// and makes the client; start runs the engine; stop stops it and says
// whether every edit was saved; close releases the rest.
type backend struct {
	flags *backendFlags
	keys  ui.KeyMap
	role  role
	guard *guard

	app  uint64
	refs []taskref.Ref
	cfg  client.Config
	push pushSetup

	log       *slog.Logger
	closeLog  func()
	statePath string
	demo      *demo.Attached // nil without --demo
	client    *client.Client

	eng          *watch.Engine
	ctx          context.Context // the engine's: ends at stop, not at a signal
	cancel       func()          // ends ctx
	done         chan struct{}   // closed when the engine's Run returned
	fed          chan struct{}   // closed when the demo's feeder returned; nil without --demo
	pastEvents   []watch.Event
	olderEvents  string
	stopEventLog func()

	rcv         *callback.Receiver // nil without --callbacks or --demo
	rcvSrv      *callback.Server   // rcv bound to its address, served from start on
	stopConsume func()             // ends ConsumeCallbacks
	consumed    chan struct{}      // closed when ConsumeCallbacks returned; nil before start

	stopOnce sync.Once
	stopErr  error
}

// role is what differs between the backend's two users, said once.
type role struct {
	listens  bool   // the command has a listener of its own (serve's --listen), which --listen-any also frees
	actor    string // who the engine's own edits are by ("" is "local")
	waitNote string // appended to the start-up notice of a lock wait
	stopped  string // what a panic stopped, for its report
}

var (
	dashboardRole = role{waitNote: "; keys typed now are dropped", stopped: "the dashboard stopped; the terminal is restored"}
	serveRole     = role{listens: true, actor: "server", stopped: "the server stopped and closed every session"}
)

// newBackend checks the flags and reads the TASKs: every usage error
// comes from here, before anything is opened or started.
func newBackend(f *backendFlags, args []string, keys ui.KeyMap, r role) (*backend, error) {
	if f.interval < minInterval || f.interval > maxInterval {
		return nil, usagef("--interval must be between %v and %v, such as 2s, got %v", minInterval, maxInterval, f.interval)
	}
	app, refs, cfg, err := f.api.tasks(args)
	if err != nil {
		return nil, err
	}
	push, err := f.callbacks.check(f.fs, f.listenAny, f.demo)
	if err != nil {
		return nil, err
	}
	if f.listenAny && !push.on && !r.listens {
		return nil, usagef("--listen-any needs --callbacks ADDR (the only address the dashboard listens on)")
	}
	return &backend{flags: f, keys: keys, role: r, guard: newGuard(), app: app, refs: refs, cfg: cfg, push: push}, nil
}

// open opens the --log-file, finds the watch list (with --demo, starts the
// demo's emulator and points the client and the TASKs at it) and makes
// the client. Call close once open succeeded or failed.
func (b *backend) open() error {
	log, closeLog, err := openLog(b.flags.logFile)
	if err != nil {
		return err
	}
	b.log, b.closeLog = log, closeLog
	b.cfg.Logger = log
	if err := b.bindCallbacks(); err != nil {
		return err
	}
	if err := b.placeWatchList(); err != nil {
		return err
	}
	b.client, err = newClient(b.cfg)
	return err
}

// placeWatchList finds the watch list: --state, or the default place, or
// with --demo the demo's own throwaway list, in which case the client's
// configuration, the SdkAppId and the TASKs are pointed at the demo too.
func (b *backend) placeWatchList() error {
	if b.flags.demo {
		dm, err := demo.Attach(b.log, b.rcvSrv.URL(), b.push.key)
		if err != nil {
			return err
		}
		b.demo = dm
		b.cfg.Endpoint, b.cfg.Credential, b.cfg.Region, b.cfg.RegionFrom, b.app = dm.URL(), dm.Credential(), demo.Region, "", demo.SdkAppID
		b.refs = append(dm.Refs, b.refs...)
		b.statePath = dm.StatePath
		return nil
	}
	if b.flags.state != "" {
		b.statePath = b.flags.state
		return nil
	}
	path, err := watchlist.DefaultPath()
	if err != nil {
		return usagef("cannot find a place for the watch list (%v); pass --state FILE", err)
	}
	b.statePath = path
	return nil
}

// eventLogBeside is the watch list the event log goes beside: --state
// when given (the demo's too, so that `trtcwatch events --state FILE`
// finds it), else the watch list in use (the default place, or the
// demo's temporary directory).
func (b *backend) eventLogBeside() string {
	if b.flags.state != "" {
		return b.flags.state
	}
	return b.statePath
}

// startupNoticeAfter is how long start-up may be silent before it says
// what it waits for.
const startupNoticeAfter = 500 * time.Millisecond

// start builds the engine on the client and the watch list, puts the
// event log's history back, runs the engine, adds the command-line TASKs
// and saves them, and with --demo starts the demo's feeder: every
// goroutine under the guard. While it waits for a lock another trtcwatch
// holds it says so on stderr (after startupNoticeAfter), and so does each
// lock wait until it returns; after that the screens show lock trouble in
// their header. The engine runs on ctx without its cancellation: a signal
// ends the command, which then stops the engine itself and so knows
// whether everything was saved.
func (b *backend) start(ctx context.Context, stderr io.Writer) {
	var started atomic.Bool
	b.ctx, b.cancel = context.WithCancel(context.WithoutCancel(ctx))
	b.eng = watch.New(b.client, watch.Config{
		Interval: b.flags.interval,
		Quota:    b.client.MaxRate(),
		Store: watchlist.Open(b.statePath, watchlist.Options{OnLockWait: func(w watchlist.LockWait) {
			if !started.Load() {
				fmt.Fprintln(stderr, w)
			}
		}}),
		Logger: b.log,
		Actor:  b.role.actor,
		Push:   b.push.pushConfig(b.cfg.Region, b.app),
	})
	b.pastEvents, b.olderEvents, b.stopEventLog = eventlog.Attach(b.eng, b.eventLogBeside(), b.log, b.guard.spawn)
	b.done = make(chan struct{})
	b.guard.spawn(func() { defer close(b.done); b.eng.Run(b.ctx) })
	notice := startupNotice(stderr, startupNoticeAfter,
		"waiting for the watch list "+b.statePath+" (another trtcwatch may hold its lock)"+b.role.waitNote)
	defer func() { notice(); started.Store(true) }()
	if len(b.refs) > 0 {
		if _, err := b.eng.Add(b.refs); err != nil {
			b.log.Warn("add command-line tasks", "err", err)
		}
		// Saved before the screens start: start-up waits (with its notice)
		// for a lock another trtcwatch holds.
		if err := b.eng.Flush(); err != nil {
			b.log.Warn("save command-line tasks", "err", err)
		}
	}
	// Callbacks are taken once the command-line tasks are watched, so
	// that theirs are filed rather than counted as not watched.
	b.startCallbacks()
	if b.demo != nil {
		b.fed = make(chan struct{})
		b.guard.spawn(func() { defer close(b.fed); b.demo.Run(b.ctx, b.client, b.eng, b.log) })
	}
	if testSpawn != nil {
		testSpawn(b.guard.spawn)
	}
}

// testSpawn, set only by this package's tests, is handed the guard's
// spawn once the backend runs, to prove that a panic on any goroutine the
// dashboard or serve starts is caught. Nil in the shipped program.
var testSpawn func(spawn func(func()))

// uiOptions is the dashboard's options as the dashboard and every serve
// session start from them: the keys, where the tasks are (endpoint,
// region and where it came from, SdkAppId, the demo), the bell and the
// mouse, the log, where the credential came from, the event log's history
// and the engine's context (serve gives each session its own). Nothing
// secret: serve draws it on every viewer's screen.
func (b *backend) uiOptions() ui.Options {
	return ui.Options{
		Keys:             b.keys,
		Endpoint:         b.client.Endpoint(),
		Region:           b.cfg.Region,
		RegionFrom:       b.cfg.RegionFrom,
		SdkAppID:         b.app,
		Demo:             b.flags.demo,
		Bell:             b.flags.bell,
		Mouse:            b.flags.mouse,
		Log:              b.log,
		CredentialSource: b.client.CredentialSource(),
		PastEvents:       b.pastEvents,
		PastEventsOlder:  b.olderEvents,
		Context:          b.ctx,
	}
}

// engineStopWait bounds the wait for the engine on the way out: a save in
// flight finishes well within it, and a stuck engine cannot hold the exit.
const engineStopWait = 10 * time.Second

// errEngineStuck is stop's answer when the engine did not stop in time:
// its last edits may not have been written.
var errEngineStuck = fmt.Errorf("the engine did not stop within %v", engineStopWait)

// stop ends the engine and the demo's feeder and waits (bounded) for the
// engine to return; Run writes the last watch-list edit before it does,
// and Flush then writes any edit a screen made after that. It returns nil
// only when every edit is on disk: else Flush's *watch.UnsavedError
// naming what is not, or errEngineStuck. Only the first call stops; later
// ones return its answer.
func (b *backend) stop() error {
	b.stopOnce.Do(func() {
		if b.eng == nil {
			return
		}
		b.stopCallbacks()
		b.cancel()
		select {
		case <-b.done:
		case <-time.After(engineStopWait):
			b.log.Warn("engine did not stop in time", "waited", engineStopWait)
			b.stopErr = errEngineStuck
			return
		}
		if err := b.eng.Flush(); err != nil {
			b.log.Warn("watch list not saved on exit", "err", err)
			b.stopErr = err
		}
	})
	return b.stopErr
}

// close stops the engine if stop was not called, then waits for the
// demo's feeder, closes the event log (after the engine, so its last
// events are logged), the callback receiver's port (bound even when open
// failed later), the demo and the log. It is safe after a failed open.
func (b *backend) close() {
	b.stop()
	if b.rcvSrv != nil {
		b.rcvSrv.Close() //nolint:errcheck // closed already unless start never ran
	}
	if b.fed != nil {
		<-b.fed
	}
	if b.stopEventLog != nil {
		b.stopEventLog()
	}
	if b.demo != nil {
		if err := b.demo.Close(); err != nil {
			b.log.Warn("demo", "err", err)
		}
	}
	if b.closeLog != nil {
		b.closeLog()
	}
}

// exitInfo is what a panic report and the unsaved edits name: the log,
// the watch list, and every secret the process may hold.
func (b *backend) exitInfo() exitInfo {
	secrets := append(knownSecrets(b.cfg), b.push.key)
	if b.client != nil {
		secrets = append(secrets, b.client.RedactionValues()...)
	}
	return exitInfo{stopped: b.role.stopped, logFile: b.flags.logFile, statePath: b.statePath, secrets: secrets}
}

// exit stops the backend and says how the run ended (see ending); runErr
// is the dashboard's or the server's own failure.
func (b *backend) exit(ctx context.Context, stderr io.Writer, runErr error) int {
	return ending(ctx, stderr, b.guard, b.exitInfo(), b.stop(), runErr)
}

// catchPanic is deferred by a command on its own goroutine: a panic there
// is caught like one anywhere else the backend runs code, the engine is
// stopped and the report written, and code becomes the exit code.
func (b *backend) catchPanic(stderr io.Writer, code *int) {
	if r := recover(); r != nil {
		b.guard.record(r, debug.Stack())
		*code = b.exit(context.Background(), stderr, nil)
	}
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

// startupNotice prints what start-up waits for if it takes longer than
// after; the func it returns stops it, and waits for a line being written
// so nothing lands on the screen once Bubble Tea owns it.
func startupNotice(stderr io.Writer, after time.Duration, what string) func() {
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(after, func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			fmt.Fprintf(stderr, "trtcwatch: %s\n", what)
		}
	})
	return func() {
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// knownSecrets are the secret values this process may hold, to redact
// from a crash log: the flags' credential if any and the environment's.
func knownSecrets(cfg client.Config) []string {
	s := []string{os.Getenv(client.EnvSecretKey), os.Getenv(client.EnvSessionToken), os.Getenv(client.EnvToken)}
	if c := cfg.Credential; c != nil {
		s = append(s, c.SecretKey, c.Token)
	}
	return s
}
