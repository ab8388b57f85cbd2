// Package emulator is a local TRTC API server for the four on-cloud
// recording actions (DescribeCloudRecording, CreateCloudRecording,
// ModifyCloudRecording, DeleteCloudRecording; service trtc, version
// 2019-07-22). It exists so that trtcwatch can be run and tested end to end
// with no cloud account: the official SDKs talk to it unchanged, signatures
// are verified the way the real service verifies them (TC3-HMAC-SHA256 and
// the legacy v1 HmacSHA1/HmacSHA256 form signature), the 20 requests/s quota
// is enforced with the real error message, and tasks move through
// Idle → InProgress → Exited → gone on their own.
//
// Tasks are not tied to a region: any of Regions finds them. Task state is
// derived lazily from timelines whenever a request asks, so unless it sends
// callbacks (Config.CallbackURL, callbacks.go) the server runs no
// background goroutines or timers of its own: Close only has to stop the
// listener, the callback sender if any, and wake the requests that are
// sleeping (latency, stalls).
package emulator

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trtcwatch/trtcwatch/loopback"
)

// Config tunes the emulator. The zero value is a quiet, fault-free server
// using the demo credentials and the real service's limits.
type Config struct {
	// SecretID and SecretKey are the one key pair the server knows; both
	// empty means DemoSecretID/DemoSecretKey.
	SecretID, SecretKey string
	// ListenAny lets Start listen on an address that is not loopback
	// (0.0.0.0, ::, a LAN address). Without it such an address is refused;
	// with it the demo key pair is refused, because it is public and anyone
	// who can reach the port could then sign requests.
	ListenAny bool
	// Token, if set, must arrive as X-TC-Token (v1: Token) on every request,
	// else AuthFailure.TokenFailure. Empty: any token is accepted.
	Token string
	// RateLimit is the quota per (Action, SecretId) over a sliding one-second
	// window: 0 means 20 like the real API, negative means unlimited.
	RateLimit int
	// Latency is added to every answer.
	Latency time.Duration
	// FaultRate (0..1) is the share of requests answered with a random
	// transient fault: InternalError JSON, HTTP 502 with an HTML body, a
	// truncated JSON body (HTTP 200) or a stall past the client's timeout.
	FaultRate float64
	// StallFor is how long a stall lasts (default 15s). A stall ends early
	// when the client goes away or the server closes.
	StallFor time.Duration
	// ExitLinger is how long an ended task shows Exited before it is gone
	// (default 5s).
	ExitLinger time.Duration
	// GoneCode is the error code for gone and unknown tasks (default
	// ResourceNotFound, the only not-found code the Describe page documents).
	GoneCode string
	// StreamDelay is the longest wait before the simulated users of a task
	// created through the API start streaming (default 3s).
	StreamDelay time.Duration
	// FileEvery is how much streaming time passes between two new entries
	// of a COS task's StorageFileList (default 10s).
	FileEvery time.Duration
	// Scenario holds tasks and fault windows that exist from server start.
	Scenario *Scenario
	// Log receives one line per request (time, action, secretId, task,
	// code, duration). Secret keys and signatures are never written.
	Log io.Writer
	// Seed makes faults, stream delays and the scenario's callback chaos
	// reproducible (0 = time-based).
	Seed int64
	// CallbackURL, when set, receives TRTC's recording callbacks for every
	// change of every task, posted and retried as TRTC does (callbacks.go).
	CallbackURL string
	// CallbackKey signs the callbacks (the Sign header), as the key set in
	// the TRTC console does; empty sends them unsigned. 1 to 32 letters and
	// digits, the console's rule.
	CallbackKey string

	cbTransport http.RoundTripper // tests deliver callbacks without a network
}

// Defaults applied by New; exported so that command-line help can quote them.
const (
	DefaultRateLimit  = 20
	DefaultStallFor   = 15 * time.Second
	DefaultExitLinger = 5 * time.Second
	DefaultGoneCode   = "ResourceNotFound"
)

// Defaults no flag sets.
const (
	defaultStreamDelay = 3 * time.Second
	defaultFileEvery   = 10 * time.Second
	// maxConcurrentTasks is the real service's default cap of running
	// recordings per SdkAppId (FailedOperation.RestrictedConcurrency).
	maxConcurrentTasks = 100
)

// Server is one emulated TRTC endpoint. Use it through Start/URL, or mount
// Handler in a server of your own; either way call Close when done.
type Server struct {
	cfg      Config
	now      func() time.Time // injectable only for tests of time-based behaviour
	verifier *verifier
	quota    *quota
	scenario *Scenario // validated copy, task IDs filled in

	mu        sync.Mutex
	rng       *rand.Rand
	faultRate float64
	start     time.Time
	tasks     map[string]*task
	faults    map[string][]FaultWindow
	stats     map[string]*ActionStats
	closed    bool
	inflight  sync.WaitGroup
	active    atomic.Int64 // requests in flight, for tests
	logMu     sync.Mutex

	done     chan struct{}
	httpSrv  *http.Server
	listener net.Listener
	cb       *cbSender // nil without Config.CallbackURL
	// faultKinds restricts the random fault mix (tests force one kind).
	faultKinds []faultKind
}

// New checks cfg, fills in defaults and loads the scenario. It does not
// listen; the scenario clock starts now and is restarted by Start.
func New(cfg Config) (*Server, error) {
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	s := &Server{
		cfg:       cfg,
		now:       time.Now,
		verifier:  &verifier{secretID: cfg.SecretID, secretKey: cfg.SecretKey, token: cfg.Token},
		quota:     newQuota(cfg.RateLimit),
		rng:       rand.New(rand.NewPCG(uint64(seed), uint64(seed)>>1|1)),
		faultRate: cfg.FaultRate,
		stats:     map[string]*ActionStats{},
		done:      make(chan struct{}),
	}
	s.verifier.now = func() time.Time { return s.now() }
	if cfg.Scenario != nil {
		sc, err := cfg.Scenario.prepared()
		if err != nil {
			return nil, fmt.Errorf("emulator scenario: %w", err)
		}
		s.scenario = sc
	}
	s.resetClock(s.now())
	s.startCallbacks(seed)
	return s, nil
}

func applyDefaults(cfg *Config) error {
	switch {
	case cfg.SecretID == "" && cfg.SecretKey == "":
		cfg.SecretID, cfg.SecretKey = DemoSecretID, DemoSecretKey
	case cfg.SecretID == "" || cfg.SecretKey == "":
		return errors.New("emulator: set both SecretID and SecretKey, or neither for the demo pair")
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.FaultRate < 0 || cfg.FaultRate > 1 || cfg.FaultRate != cfg.FaultRate {
		return fmt.Errorf("emulator: fault rate %v is outside 0..1", cfg.FaultRate)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"latency", &cfg.Latency, 0},
		{"stall duration", &cfg.StallFor, DefaultStallFor},
		{"exit linger", &cfg.ExitLinger, DefaultExitLinger},
		{"stream delay", &cfg.StreamDelay, defaultStreamDelay},
		{"file interval", &cfg.FileEvery, defaultFileEvery},
	} {
		if *d.v < 0 {
			return fmt.Errorf("emulator: %s %v is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.GoneCode == "" {
		cfg.GoneCode = DefaultGoneCode
	}
	if !validCode(cfg.GoneCode) {
		return fmt.Errorf("emulator: gone code %q is not an API error code", cfg.GoneCode)
	}
	return checkCallbackConfig(cfg)
}

// resetClock makes now the scenario's time zero and rebuilds its tasks.
func (s *Server) resetClock(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked(now)
}

func (s *Server) resetLocked(now time.Time) {
	s.start = now
	s.tasks = map[string]*task{}
	s.faults = map[string][]FaultWindow{}
	if s.scenario == nil {
		return
	}
	for i := range s.scenario.Tasks {
		t := scenarioTask(&s.scenario.Tasks[i], now)
		s.tasks[t.id] = t
	}
	for _, f := range s.scenario.Faults {
		s.faults[f.TaskID] = append(s.faults[f.TaskID], f)
	}
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and returns once
// connections are accepted. The scenario clock restarts here.
func (s *Server) Start(addr string) error {
	if s.cfg.ListenAny && (s.cfg.SecretID == DemoSecretID || s.cfg.SecretKey == DemoSecretKey) {
		return errors.New("emulator: refusing to listen beyond loopback with the public demo key pair; give your own SecretId and SecretKey")
	}
	ln, err := loopback.Listen(addr, s.cfg.ListenAny)
	if errors.Is(err, loopback.ErrNotLoopback) {
		return fmt.Errorf("emulator: %w; use 127.0.0.1 or ::1, or allow other hosts with ListenAny and your own keys", err)
	}
	if err != nil {
		return fmt.Errorf("emulator listen %s: %w", addr, err)
	}
	s.mu.Lock()
	if s.closed || s.httpSrv != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("emulator: Start after Close or twice")
	}
	s.resetLocked(s.now())
	s.listener = ln
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv := s.httpSrv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	return nil
}

// URL is the base URL clients use, e.g. "http://127.0.0.1:43121"; empty
// before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Close stops the listener, ends stalls and latency sleeps, and waits for
// requests in flight, so nothing of the server outlives it.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.httpSrv
	s.mu.Unlock()
	close(s.done)
	var err error
	if srv != nil {
		err = srv.Close()
	}
	if s.cb != nil {
		s.cb.stop()
	}
	s.inflight.Wait()
	return err
}

// SetFaultRate changes the random fault rate while running (clamped to 0..1),
// so a test can break the server and then heal it.
func (s *Server) SetFaultRate(r float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultRate = min(max(r, 0), 1)
}

// ActionStats counts what one action was answered with.
type ActionStats struct {
	Requests  int            // every request that reached the server
	Throttled int            // answered RequestLimitExceeded by the quota
	Faults    int            // random faults injected (FaultRate)
	Errors    map[string]int // API error answers by code (throttles and scenario faults included)
}

// Stats is a snapshot of per-action counters, keyed by action name
// ("(none)" for requests rejected before an action was known, "(invalid)"
// for unknown actions). Tests and benchmarks read it to see what the server
// actually answered, independently of what the client concluded.
type Stats struct {
	Actions map[string]ActionStats
}

// Total sums every action.
func (st Stats) Total() ActionStats {
	t := ActionStats{Errors: map[string]int{}}
	for _, a := range st.Actions {
		t.Requests += a.Requests
		t.Throttled += a.Throttled
		t.Faults += a.Faults
		for c, n := range a.Errors {
			t.Errors[c] += n
		}
	}
	return t
}

// Requests is the total number of requests the server received, the usual
// question of a test that checks nothing was sent.
func (st Stats) Requests() int { return st.Total().Requests }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Actions: make(map[string]ActionStats, len(s.stats))}
	for k, v := range s.stats {
		c := *v
		c.Errors = make(map[string]int, len(v.Errors))
		for code, n := range v.Errors {
			c.Errors[code] = n
		}
		out.Actions[k] = c
	}
	return out
}
