package callback

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
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

// ErrNotLoopback is wrapped by Listen's refusal of an address beyond
// loopback, so that a command can name its own flag.
var ErrNotLoopback = errors.New("not a loopback address")

// Listen binds addr, refusing an address beyond loopback unless
// Options.ListenAny says so: checked before binding a literal address and
// again once a host name resolved. (The same rule as `trtcwatch emulator`
// and `serve` apply to their own addresses; see servecmd.go
// listenLoopback, which could share this once the commands move.)
func (r *Receiver) Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver %s: %w", addr, err)
	}
	if !r.opts.ListenAny && host != "localhost" {
		if ip := net.ParseIP(host); host == "" || ip != nil && !ip.IsLoopback() {
			return nil, fmt.Errorf("callback receiver %s: %w; use 127.0.0.1 or ::1 behind a proxy or tunnel, or allow other hosts", addr, ErrNotLoopback)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver: %w", err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !r.opts.ListenAny && (!ok || !tcp.IP.IsLoopback()) {
		ln.Close()
		return nil, fmt.Errorf("callback receiver %s resolved to %v: %w", addr, ln.Addr(), ErrNotLoopback)
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
