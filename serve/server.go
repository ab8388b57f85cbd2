// Package serve is trtcwatch's team mode: one watch engine served over SSH
// to every engineer on call, each with a dashboard of their own (selection,
// filter, sort, size, colours, time zone) on the same tasks, states and
// notes. Built on charm.land/ssh; sessions cost no API calls, since they
// only read what the one engine publishes. It is a trust boundary: every
// client is bounded in what it may cost (conns.go, requests.go), whom a
// key lets in and from where is the authorized keys file's word
// (keys.go, keyopts.go), and a session's crash ends only that session
// (panic.go).
package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Defaults for Config's limits.
const (
	DefaultMaxSessions = 32
	DefaultIdleTimeout = 30 * time.Minute
	defaultMaxPaste    = 64 << 10 // bytes one paste may bring in (thousands of task IDs)
	defaultOutputLimit = 1 << 20  // bytes queued for a client that reads slowly
)

// goodbyeWait bounds the flush of a session's last frames and goodbye.
const goodbyeWait = 2 * time.Second

// Config is what the server serves and how it guards itself.
type Config struct {
	// HostKeyPEM is the server's private host key (see LoadOrCreateHostKey).
	HostKeyPEM []byte
	// AuthorizedKeys is the authorized_keys file; it is read again when it
	// changes. Keys with the option trtcwatch-readonly (or restrict) may
	// only look.
	AuthorizedKeys string
	// Engine is the one engine every session reads and edits.
	Engine *watch.Engine
	// Options is every session's dashboard template: the server fills in
	// what differs per session (read-only, glyphs, time zone, context).
	// It must hold nothing secret: it is drawn on every client's screen.
	Options ui.Options
	// MaxSessions, IdleTimeout, MaxPaste and OutputLimit bound what one
	// client may cost; LoginTimeout (connect to logged in) and
	// ShellTimeout (logged in to a dashboard) bound how long a connection
	// may hold a place without a dashboard. Zero means the default.
	MaxSessions  int
	IdleTimeout  time.Duration
	MaxPaste     int
	OutputLimit  int
	LoginTimeout time.Duration
	ShellTimeout time.Duration
	Log          *slog.Logger
}

// Server is the team-mode SSH server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	limited *logLimiter // what clients make happen, at most a line per kind per logPeriod
	keys    *keyring
	conns   *conns
	ssh     *ssh.Server

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	ln       net.Listener   // what Serve accepts on; closed by Shutdown
	wg       sync.WaitGroup // session handlers
	copiers  sync.WaitGroup // frame writers' copy goroutines

	drops atomic.Int64 // frames dropped for slow clients, all sessions
}

// New checks the configuration and builds the server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("serve: no engine")
	}
	// Zero or less takes the default.
	cfg.MaxSessions = cmp.Or(max(cfg.MaxSessions, 0), DefaultMaxSessions)
	cfg.IdleTimeout = cmp.Or(max(cfg.IdleTimeout, 0), DefaultIdleTimeout)
	cfg.MaxPaste = cmp.Or(max(cfg.MaxPaste, 0), defaultMaxPaste)
	cfg.OutputLimit = cmp.Or(max(cfg.OutputLimit, 0), defaultOutputLimit)
	cfg.LoginTimeout = cmp.Or(max(cfg.LoginTimeout, 0), defaultLoginTimeout)
	cfg.ShellTimeout = cmp.Or(max(cfg.ShellTimeout, 0), defaultShellTimeout)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	limited := newLogLimiter(log, logPeriod)
	keys, err := newKeyring(cfg.AuthorizedKeys, log, limited)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, limited: limited, keys: keys, sessions: map[*session]struct{}{},
		conns: &conns{log: limited, shellTimeout: cfg.ShellTimeout, waiting: map[*conn]struct{}{}}}
	// Only public keys: with no password or keyboard-interactive handler
	// those methods are never offered.
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(cfg.HostKeyPEM),
		wish.WithPublicKeyAuth(func(ctx ssh.Context, key ssh.PublicKey) bool {
			_, ok := s.keys.lookup(key, ctx.RemoteAddr())
			return ok
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.HandshakeTimeout = cfg.LoginTimeout // the handshake and the login: the library clears it after both
	srv.ConnCallback = s.conns.admit
	srv.ServerConfigCallback = s.conns.authConfig
	srv.ConnectionFailedCallback = func(c net.Conn, err error) {
		s.limited.info("login failed", "remote", c.RemoteAddr().String(), "err", sanitize.Clip(sanitize.String(err.Error()), 200))
	}
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
	srv.Handler = s.admit
	s.ssh = srv
	return s, nil
}

// Warnings are what the server found wrong at start, to print there too
// (they are logged): an authorized keys file someone else could write.
func (s *Server) Warnings() []string {
	if w := s.keys.warning(); w != "" {
		return []string{w}
	}
	return nil
}

// Serve accepts sessions on l until Shutdown; it then returns nil, also
// when Shutdown came first. The ssh server only closes listeners it has
// started tracking, so a Shutdown that ran before its Serve got that far
// left Serve accepting for ever: Server closes l itself.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		_ = l.Close()
		return nil
	}
	s.ln = l
	s.mu.Unlock()
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown says goodbye to every session, lets each program end (at most
// until ctx ends, then kills what is left), closes the listener and every
// connection and waits for all of the server's goroutines.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	ln := s.ln
	list := make([]*session, 0, len(s.sessions))
	for st := range s.sessions {
		list = append(list, st)
	}
	s.mu.Unlock()
	bye := s.farewell(ctx)
	for _, st := range list {
		st.quit(bye)
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("serve: sessions did not end in time: %w", ctx.Err())
		for _, st := range list {
			st.kill()
		}
	}
	if cerr := s.ssh.Close(); cerr != nil && err == nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = fmt.Errorf("serve: close: %w", cerr)
	}
	if ln != nil {
		_ = ln.Close() // after ssh.Close, so its Serve reads this as shut down
	}
	<-done
	s.copiers.Wait()
	return err
}

// farewell is Shutdown's goodbye to each session. It says the watch list
// is saved only once the engine's flush has succeeded; otherwise it says
// what is not saved, so nobody leaves believing their edit is safe.
func (s *Server) farewell(ctx context.Context) string {
	const head = "the server is shutting down; "
	flushed := make(chan error, 1)
	go func() { flushed <- s.cfg.Engine.Flush() }()
	var err error
	select {
	case err = <-flushed:
	case <-ctx.Done():
		return head + "the watch list's last save did not finish in time, so your last edits may be lost. Goodbye."
	}
	var u *watch.UnsavedError
	switch {
	case err == nil:
		return head + "the watch list is saved. Goodbye."
	case errors.As(err, &u):
		return head + "the watch list could NOT be saved (" + sanitize.String(u.Err.Error()) + "); not saved: " +
			u.Edits(farewellNamed) + ". Goodbye."
	}
	return head + "the watch list could NOT be saved (" + sanitize.String(err.Error()) + "). Goodbye."
}

// farewellNamed is how many tasks of each kind the goodbye names.
const farewellNamed = 5
