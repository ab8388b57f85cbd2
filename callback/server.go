package callback

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/trtcwatch/trtcwatch/loopback"
)

// The receiver's HTTP timeouts. TRTC sends a body of a few KiB in one go
// and waits 5 s for the answer, so an honest sender never comes near them;
// a slow (slowloris) client is cut off instead of holding a connection.
const (
	// ReadHeaderTimeout bounds the request line and headers.
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds the whole request, body included.
	ReadTimeout = 10 * time.Second
	// WriteTimeout bounds the answer (from the end of the headers).
	WriteTimeout = 10 * time.Second
	// IdleTimeout is how long a kept-alive connection may wait for its
	// next request (TRTC and proxies reuse connections).
	IdleTimeout = 60 * time.Second
	// MaxHeaderBytes bounds the headers; TRTC sends a handful.
	MaxHeaderBytes = 16 << 10
)

// NewServer wraps h in an http.Server with the timeouts above.
func NewServer(h http.Handler) *http.Server {
	return newServer(h, ReadHeaderTimeout, ReadTimeout)
}

// newServer lets the tests of slow clients shorten the read timeouts.
func newServer(h http.Handler, readHeader, read time.Duration) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeader,
		ReadTimeout:       read,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// Listen binds addr, refusing an address beyond loopback unless
// Options.ListenAny says so (loopback.Listen, the rule serve and the
// emulator apply too; its refusals wrap loopback.ErrNotLoopback, so that
// a command can name its own flag).
func (r *Receiver) Listen(addr string) (net.Listener, error) {
	ln, err := loopback.Listen(addr, r.opts.ListenAny)
	if errors.Is(err, loopback.ErrNotLoopback) {
		return nil, fmt.Errorf("callback receiver: %w; use 127.0.0.1 or ::1 behind a proxy or tunnel, or allow other hosts", err)
	}
	if err != nil {
		return nil, fmt.Errorf("callback receiver %s: %w", addr, err)
	}
	return ln, nil
}

// Server is a running receiver (Start).
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Start listens on addr (Listen's rules) and serves r with NewServer's
// timeouts until Close.
func (r *Receiver) Start(addr string) (*Server, error) {
	ln, err := r.Listen(addr)
	if err != nil {
		return nil, err
	}
	s := &Server{srv: NewServer(r), ln: ln}
	go s.srv.Serve(ln) //nolint:errcheck // ErrServerClosed after Close
	return s, nil
}

// URL is the address to give TRTC (through a proxy) or the emulator,
// e.g. "http://127.0.0.1:43121/".
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// Close stops listening and closes every connection.
func (s *Server) Close() error { return s.srv.Close() }
