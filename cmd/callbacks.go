package cmd

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"log/slog"
	"time"

	"github.com/trtcwatch/trtcwatch/callback"
	"github.com/trtcwatch/trtcwatch/loopback"
	"github.com/trtcwatch/trtcwatch/watch"
)

// callbackFlags are the push flags (#21) the dashboard and serve share: the
// receiver's address and key, adoption and the confirm interval. They are
// read into watch.PushConfig and callback.Options here, once for both.
type callbackFlags struct {
	addr     string
	key      string
	keyFile  string
	insecure bool
	adopt    bool
	confirm  time.Duration
}

// The --confirm-interval range: below a second the API confirms a task
// as often as callbacks may ask anyway (watch.PushConfig.ConfirmGap), and
// beyond an hour a lost callback hides a change for too long.
const (
	minConfirmInterval     = time.Second
	maxConfirmInterval     = time.Hour
	defaultConfirmInterval = 30 * time.Second
)

// maxCallbackKey is the longest key the TRTC console takes
// (callback.ValidateKey).
const maxCallbackKey = 32

// callbackShutdownWait bounds the goodbye of the receiver on exit: an
// answer takes microseconds, so only a slow client still sending is cut.
const callbackShutdownWait = 2 * time.Second

// demoCallbackAddr is where --demo's receiver listens unless --callbacks
// says: a free loopback port, which only the demo's emulator is told.
const demoCallbackAddr = "127.0.0.1:0"

func (f *callbackFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "callbacks", "", "receive TRTC's recording callbacks on this `address`, such as 127.0.0.1:8090 "+
		"(loopback unless --listen-any: put a reverse proxy or a tunnel in front for TRTC's public URL); each is checked, shown at once and confirmed by the API")
	fs.StringVar(&f.key, "callback-key", "", "the callback key set in the TRTC console, which every callback's Sign is checked against "+
		"(or env "+envCallbackKey+", or --callback-key-file; a flag shows in the process list)")
	fs.StringVar(&f.keyFile, "callback-key-file", "", "read the callback key from this file (mode 600, the key on one line)")
	fs.BoolVar(&f.insecure, "callback-insecure", false, "accept callbacks without checking Sign (no key; loopback only; the header says so)")
	fs.BoolVar(&f.adopt, "adopt", false, "watch a task that a callback names and the list lacks (SdkAppIds watched or --sdk-app-id, in --region; at most 500, 60 a minute)")
	fs.DurationVar(&f.confirm, "confirm-interval", defaultConfirmInterval, "poll a task whose callbacks keep arriving at least this often (it only ever stretches --interval)")
}

// callbackOnly are the flags that mean nothing without a receiver.
var callbackOnly = []string{"callback-key", "callback-key-file", "callback-insecure", "adopt", "confirm-interval"}

// pushSetup is what the flags ask of the receiver and the engine, checked.
type pushSetup struct {
	on      bool   // a receiver runs: --callbacks or --demo
	addr    string // where it listens
	key     string // "" only with insecure
	opts    callback.Options
	confirm time.Duration
	adopt   bool
}

// check validates the push flags against the rest (fs tells which were
// given): every refusal is a usage error naming the flag, before anything
// is opened. With --demo a receiver always runs, signed with a key made
// for the run, so the demo shows callbacks arriving; the key flags are
// then refused (the demo's emulator is the only sender).
func (f *callbackFlags) check(fs *flag.FlagSet, listenAny, demo bool) (pushSetup, error) {
	if f.confirm < minConfirmInterval || f.confirm > maxConfirmInterval {
		return pushSetup{}, usagef("--confirm-interval must be between %v and %v, such as 30s, got %v", minConfirmInterval, maxConfirmInterval, f.confirm)
	}
	s := pushSetup{on: f.addr != "" || demo, addr: f.addr, confirm: f.confirm, adopt: f.adopt}
	if !s.on {
		for _, name := range callbackOnly {
			if flagSet(fs, name) {
				return s, usagef("--%s needs --callbacks ADDR (the receiver TRTC posts recording callbacks to)", name)
			}
		}
		return s, nil
	}
	if demo {
		for _, name := range []string{"callback-key", "callback-key-file", "callback-insecure"} {
			if flagSet(fs, name) {
				return s, usagef("--%s is not for --demo: the demo's emulator signs its callbacks with a key made for the run", name)
			}
		}
		if s.addr == "" {
			s.addr = demoCallbackAddr
		}
		s.key = rand.Text() // 26 letters and digits now: a key the console could hold
		if len(s.key) > maxCallbackKey {
			s.key = s.key[:maxCallbackKey]
		}
		s.opts = callback.Options{Key: s.key, ListenAny: listenAny}
		return s, nil
	}
	key, err := callbackKey(fs, true, f.key, f.keyFile)
	if err != nil {
		return s, err
	}
	switch {
	case f.insecure && key != "":
		return s, usagef("--callback-insecure and a callback key (--callback-key, --callback-key-file or %s) exclude each other: drop one", envCallbackKey)
	case f.insecure && listenAny:
		return s, usagef("--callback-insecure cannot go with --listen-any: without a key anyone who reaches the receiver could post; set the key from the TRTC console")
	case !f.insecure && key == "":
		return s, usagef("--callbacks needs the callback key set in the TRTC console: --callback-key-file FILE, env %s or --callback-key "+
			"(or --callback-insecure to accept unsigned callbacks on loopback, for a test)", envCallbackKey)
	}
	s.key = key
	s.opts = callback.Options{Key: key, Insecure: f.insecure, ListenAny: listenAny}
	return s, nil
}

// pushConfig is the engine's side of the push flags: adoption in the
// dashboard's region, for --sdk-app-id too, and the confirm interval.
func (s pushSetup) pushConfig(region string, app uint64) watch.PushConfig {
	c := watch.PushConfig{Adopt: s.adopt, Region: region, ConfirmInterval: s.confirm}
	if app != 0 {
		c.Apps = []uint64{app}
	}
	return c
}

// bindCallbacks makes the receiver and binds its address, serving nothing
// yet (startCallbacks serves once the engine runs): a taken port or an
// address beyond loopback is a usage error before anything is started or
// saved. Its Watched is the engine's WatchesApp, read only once serving
// began, after start made the engine.
func (b *backend) bindCallbacks() error {
	if !b.push.on {
		return nil
	}
	opts := b.push.opts
	opts.Watched = func(app uint64) bool { return b.eng.WatchesApp(app) }
	rcv, err := callback.New(opts)
	if err != nil {
		return usagef("--callbacks: %v", err)
	}
	srv, err := rcv.Bind(b.push.addr, slog.NewLogLogger(b.log.Handler(), slog.LevelWarn))
	if errors.Is(err, loopback.ErrNotLoopback) {
		return usagef("--callbacks %s is not a loopback address; use 127.0.0.1 or ::1 behind a reverse proxy or a tunnel, or add --listen-any", b.push.addr)
	}
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // the receiver's prefix says what the flag's name says
		}
		return usagef("--callbacks %s: %v", b.push.addr, err)
	}
	b.rcv, b.rcvSrv = rcv, srv
	return nil
}

// startCallbacks has the engine consume the receiver, then serves it,
// both under the guard: from now on a callback is answered and filed.
func (b *backend) startCallbacks() {
	if b.rcvSrv == nil {
		return
	}
	ctx, cancel := context.WithCancel(b.ctx)
	b.stopConsume, b.consumed = cancel, make(chan struct{})
	b.guard.spawn(func() { defer close(b.consumed); b.eng.ConsumeCallbacks(ctx, b.rcv) })
	b.guard.spawn(func() {
		if err := b.rcvSrv.Serve(); err != nil {
			b.log.Warn("callback receiver stopped", "err", err)
		}
	})
	b.log.Info("receiving callbacks", "url", b.rcvSrv.URL(), "insecure", b.push.opts.Insecure)
}

// stopCallbacks stops taking callbacks before the engine stops: it shuts
// the receiver down (bounded by callbackShutdownWait), ends the consumer
// and files what it accepted last, so that no callback answered 200 is
// lost. Safe when no receiver runs.
func (b *backend) stopCallbacks() {
	if b.rcvSrv == nil {
		return
	}
	if err := b.rcvSrv.Shutdown(callbackShutdownWait); err != nil {
		b.log.Warn("callback receiver shutdown", "err", err)
	}
	if b.consumed == nil {
		return
	}
	b.stopConsume()
	<-b.consumed
	b.eng.Push(b.rcv.Drain(nil))
}

// callbackURL is where the receiver listens ("" when none runs), for
// serve to print: with --callbacks HOST:0 only this says the port.
func (b *backend) callbackURL() string {
	if b.rcvSrv == nil {
		return ""
	}
	return b.rcvSrv.URL()
}
