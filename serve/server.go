// Package serve is trtcwatch's team mode: one watch engine served over SSH
// to every engineer on call, each with a dashboard of their own (selection,
// filter, sort, size, colours, time zone) on the same tasks, states and
// notes. Built on wish and its Bubble Tea middleware; sessions cost no API
// calls, since they only read what the one engine publishes.
package serve

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/sanitize"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

// Defaults for Config's limits.
const (
	DefaultMaxSessions = 32
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxPaste    = 64 << 10 // bytes one paste may bring in (thousands of task IDs)
	DefaultOutputLimit = 1 << 20  // bytes queued for a client that reads slowly
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
	// client may cost; zero means the default.
	MaxSessions int
	IdleTimeout time.Duration
	MaxPaste    int
	OutputLimit int
	Log         *slog.Logger
}

// Server is the team-mode SSH server.
type Server struct {
	cfg  Config
	log  *slog.Logger
	keys *keyring
	ssh  *ssh.Server

	mu       sync.Mutex
	sessions map[*session]struct{}
	closing  bool
	ln       net.Listener   // what Serve accepts on; closed by Shutdown
	wg       sync.WaitGroup // session handlers
	copiers  sync.WaitGroup // frame writers' copy goroutines

	refused atomic.Int64 // sessions turned away because the server was full
	conns   atomic.Int64 // open connections, logged in or not (see connLimit)
	drops   atomic.Int64 // frames dropped for slow clients, all sessions
}

// New checks the configuration and builds the server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.Engine == nil {
		return nil, errors.New("serve: no engine")
	}
	// Zero or less takes the default.
	cfg.MaxSessions = cmp.Or(max(cfg.MaxSessions, 0), DefaultMaxSessions)
	cfg.IdleTimeout = cmp.Or(max(cfg.IdleTimeout, 0), DefaultIdleTimeout)
	cfg.MaxPaste = cmp.Or(max(cfg.MaxPaste, 0), DefaultMaxPaste)
	cfg.OutputLimit = cmp.Or(max(cfg.OutputLimit, 0), DefaultOutputLimit)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	keys, err := newKeyring(cfg.AuthorizedKeys, log)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: log, keys: keys, sessions: map[*session]struct{}{}}
	// Only public keys: with no password or keyboard-interactive handler
	// those methods are never offered.
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(cfg.HostKeyPEM),
		wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool {
			_, ok := s.keys.lookup(key)
			return ok
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	srv.HandshakeTimeout = 20 * time.Second
	srv.ConnCallback = s.countConn
	srv.Handler = s.admit(bm.MiddlewareWithProgramHandler(s.program)(s.goodbye))
	s.ssh = srv
	return s, nil
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

// Sessions is how many dashboards are being served now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Dropped is how many frames were dropped for clients that read slowly.
func (s *Server) Dropped() int64 { return s.drops.Load() }

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

type ctxKey struct{}

// admit decides whether a session may start: its key is still authorized,
// it has a terminal, the server has room and is not closing. It keeps the
// viewer count the engine publishes.
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		v, ok := s.keys.lookup(sess.PublicKey())
		if !ok {
			refuse(sess, "this key is not (or no longer) authorized")
			return
		}
		pty, winch, ok := sess.Pty()
		if !ok {
			refuse(sess, "the dashboard needs a terminal: connect with ssh -t")
			return
		}
		st := &session{viewer: v, pty: pty, winch: winch}
		s.mu.Lock()
		switch {
		case s.closing:
			s.mu.Unlock()
			refuse(sess, "the server is shutting down; try again in a moment")
			return
		case len(s.sessions) >= s.cfg.MaxSessions:
			s.mu.Unlock()
			s.refused.Add(1)
			s.log.Info("session refused: full", "viewer", v.Name, "max", s.cfg.MaxSessions)
			refuse(sess, fmt.Sprintf("sorry, all %d places are taken; please try again later", s.cfg.MaxSessions))
			return
		}
		s.sessions[st] = struct{}{}
		n := len(s.sessions)
		s.wg.Add(1)
		s.mu.Unlock()
		s.cfg.Engine.SetViewers(n)
		s.log.Info("session start", "viewer", v.Name, "read_only", v.ReadOnly, "remote", sess.RemoteAddr().String())
		defer func() {
			st.stop()
			s.mu.Lock()
			delete(s.sessions, st)
			n := len(s.sessions)
			s.mu.Unlock()
			s.cfg.Engine.SetViewers(n)
			s.log.Info("session end", "viewer", v.Name, "why", st.reasonText())
			s.wg.Done()
		}()
		sess.Context().SetValue(ctxKey{}, st)
		next(sess)
	}
}

// refuse ends a session with one polite line.
func refuse(sess ssh.Session, why string) {
	io.WriteString(sess, "trtcwatch: "+why+"\r\n") //nolint:errcheck // the client may be gone already
	sess.Exit(1)                                   //nolint:errcheck // as above
}

// goodbye runs after the session's program ended: it writes why (idle,
// shutdown), flushes, and cuts a connection whose client stopped reading.
func (s *Server) goodbye(sess ssh.Session) {
	// The program no longer takes resizes, but the SSH library hands each
	// one over unbuffered from the connection's only reader: left unread,
	// a client resizing now would freeze its connection, and with it the
	// close that unblocks a stalled write. Drain them until it closes.
	st, _ := sess.Context().Value(ctxKey{}).(*session)
	if st == nil || st.fw == nil {
		return
	}
	if winch := st.winch; winch != nil {
		s.copiers.Add(1)
		go func() {
			defer s.copiers.Done()
			for {
				select {
				case <-winch:
				case <-sess.Context().Done():
					return
				}
			}
		}()
	}
	if why := st.reasonText(); why != "" {
		io.WriteString(st.fw, "\r\ntrtcwatch: "+why+"\r\n") //nolint:errcheck // never fails
	}
	if !st.fw.Close(goodbyeWait) {
		if c, ok := sess.Context().Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok {
			c.Close() //nolint:errcheck // cutting a client that stopped reading
		}
	}
}

// connLimit bounds open connections, logged in or not, so a flood of
// handshakes cannot exhaust the server before MaxSessions applies.
func (s *Server) connLimit() int64 { return int64(2*s.cfg.MaxSessions + 16) }

// countConn admits a connection while under connLimit; the returned
// conn gives its place back when the server closes it.
func (s *Server) countConn(_ ssh.Context, c net.Conn) net.Conn {
	if s.conns.Add(1) > s.connLimit() {
		s.conns.Add(-1)
		s.log.Warn("connection refused: too many open", "remote", c.RemoteAddr().String(), "limit", s.connLimit())
		return nil
	}
	return &countedConn{Conn: c, release: sync.OnceFunc(func() { s.conns.Add(-1) })}
}

type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}
