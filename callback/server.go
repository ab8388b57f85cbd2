package callback

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/trtcwatch/trtcwatch/loopback"
)

// The receiver's HTTP timeouts. TRTC sends a body of a few KiB in one go
// and waits 5 s for the answer, so an honest sender never comes near them;
// a slow (slowloris) client is cut off instead of holding a connection.
const (
	// readHeaderTimeout bounds the request line and headers.
	readHeaderTimeout = 5 * time.Second
	// readTimeout bounds the whole request, body included.
	readTimeout = 10 * time.Second
	// writeTimeout bounds the answer (from the end of the headers).
	writeTimeout = 10 * time.Second
	// idleTimeout is how long a kept-alive connection may wait for its
	// next request (TRTC and proxies reuse connections).
	idleTimeout = 60 * time.Second
	// maxHeaderBytes bounds the headers; TRTC sends a handful.
	maxHeaderBytes = 16 << 10
)

// newServer wraps h in an http.Server with the timeouts above; the tests
// of slow clients shorten the read timeouts.
func newServer(h http.Handler, readHeader, read time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeader,
		ReadTimeout:       read,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// Listen binds addr, refusing an address beyond loopback unless
// Options.ListenAny says so (loopback.Listen, the rule serve and the
// emulator apply too; its refusals wrap loopback.ErrNotLoopback, so that
// a command can name its own flag).
func (r *Receiver) listen(addr string) (net.Listener, error) {
	ln, err := loopback.Listen(addr, r.opts.ListenAny)
	if errors.Is(err, loopback.ErrNotLoopback) {
		return nil, fmt.Errorf("callback receiver: %w; use 127.0.0.1 or ::1 behind a proxy or tunnel, or allow other hosts", err)
	}
	if err != nil {
		return nil, fmt.Errorf("callback receiver %s: %w", addr, err)
	}
	return ln, nil
}

// Server is a receiver bound to its address (Bind), serving once Serve
// runs, until Shutdown or Close.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Bind listens on addr (Listen's rules) and makes the server that will
// serve r there with the timeouts above, without serving yet: a command
// binds before anything else starts, so that a taken port is an error at
// start-up that loses nothing, and serves once its consumer is ready (a
// callback that arrives meanwhile waits in the listen queue, well within
// the 5 s TRTC allows). errLog takes what net/http itself reports (a
// handler's recovered panic, an accept error); nil is the log package's
// standard logger (stderr), which a dashboard that owns the terminal must
// not use.
func (r *Receiver) Bind(addr string, errLog *log.Logger) (*Server, error) {
	ln, err := r.listen(addr)
	if err != nil {
		return nil, err
	}
	srv := newServer(r, readHeaderTimeout, readTimeout)
	srv.ErrorLog = errLog
	return &Server{srv: srv, ln: ln}, nil
}

// Serve serves until Shutdown or Close, and then returns nil; any other
// error ends serving. Run it on a goroutine of the caller's (under its
// panic guard).
func (s *Server) Serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// URL is the address to give TRTC (through a proxy) or the emulator,
// e.g. "http://127.0.0.1:43121/".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// Shutdown stops listening and lets the callbacks being answered finish
// (graceful, each one a few microseconds of work) for at most wait, then
// closes every connection left, such as a slow client's still sending.
// It is safe before Serve ran, and more than once.
func (s *Server) Shutdown(wait time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.Close() //nolint:errcheck // closes what Shutdown left: nothing, or the connections that outlasted wait
	return err
}

// Close stops listening and closes every connection at once.
func (s *Server) Close() error {
	err := s.srv.Close()
	s.ln.Close() //nolint:errcheck // closed by srv.Close once Serve ran; before, only here
	return err
}
