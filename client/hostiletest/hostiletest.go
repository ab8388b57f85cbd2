// Package hostiletest is an HTTP server on loopback that answers whatever a
// test asks: any status, header, body, Content-Encoding, size and speed.
// trtcwatch's client must survive every such answer (no panic, bounded
// memory and time, no secret kept), and its tests drive the real client,
// with real signatures, against this server to prove it.
package hostiletest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one answer. The zero Reply is an empty 200.
type Reply struct {
	Status int         // 0 = 200
	Header http.Header // sent as is (Content-Type, Location, Content-Encoding…)

	// Body is the payload. "{{header:NAME}}" in it is replaced by the
	// request's header NAME, so a test can have the server echo the
	// session token or the Authorization header back.
	Body []byte
	// Size, when above len(Body), repeats Body until Size bytes have been
	// produced (before encoding); -1 repeats it until the client hangs up.
	Size int64
	// Encoding "gzip" or "deflate" compresses the produced bytes on the
	// fly and sets Content-Encoding, so a bomb of any size costs the server
	// no memory. Any other value is only sent as the header.
	Encoding string
	// Chunk and Drip slow the answer down: Chunk bytes (after encoding) are
	// written and flushed, then the handler waits Drip. Chunk 0 = 32 KiB.
	Chunk int
	Drip  time.Duration
}

// Request is what the server recorded of one request.
type Request struct {
	Method, Host, Path string
	Header             http.Header
}

// Server is a running hostile server; Close it (Start does, at test end).
type Server struct {
	*httptest.Server

	mu    sync.Mutex
	reply func(*http.Request) Reply
	reqs  []Request
}

// Start runs a server that answers r to every request until Set changes it.
func Start(t testing.TB, r Reply) *Server {
	s := &Server{reply: func(*http.Request) Reply { return r }}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Set makes every later request get r.
func (s *Server) Set(r Reply) { s.SetFunc(func(*http.Request) Reply { return r }) }

// SetFunc picks each answer from the request.
func (s *Server) SetFunc(f func(*http.Request) Reply) {
	s.mu.Lock()
	s.reply = f
	s.mu.Unlock()
}

// Requests returns what was received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Host: r.Host, Path: r.URL.Path, Header: r.Header.Clone()})
	reply := s.reply(r)
	s.mu.Unlock()

	body := echo(reply.Body, r)
	for k, vs := range reply.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	var enc io.WriteCloser
	out := &pacedWriter{w: w, chunk: reply.Chunk, drip: reply.Drip, done: r.Context().Done()}
	if out.chunk <= 0 {
		out.chunk = 32 << 10
	}
	switch reply.Encoding {
	case "gzip":
		enc, _ = gzip.NewWriterLevel(out, gzip.BestSpeed)
	case "deflate":
		enc, _ = flate.NewWriter(out, flate.BestSpeed)
	}
	if reply.Encoding != "" {
		w.Header().Set("Content-Encoding", reply.Encoding)
	}
	if enc == nil && reply.Size >= 0 && reply.Size <= int64(len(body)) && reply.Drip == 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	var dst io.Writer = out
	if enc != nil {
		dst = enc
	}
	produce(dst, body, reply.Size)
	if enc != nil {
		enc.Close()
	}
	out.flush()
}

// produce writes body, repeated up to size bytes (-1: until a write fails).
func produce(w io.Writer, body []byte, size int64) {
	if size <= int64(len(body)) && size != -1 {
		w.Write(body)
		return
	}
	if len(body) == 0 {
		body = []byte{' '}
	}
	block := bytes.Repeat(body, max(1, (64<<10)/len(body)))
	for sent := int64(0); size == -1 || sent < size; {
		b := block
		if size != -1 && int64(len(b)) > size-sent {
			b = b[:size-sent]
		}
		n, err := w.Write(b)
		sent += int64(n)
		if err != nil {
			return
		}
	}
}

// pacedWriter writes in flushed chunks with a pause between them, and
// fails once the client has gone, which ends an endless answer.
type pacedWriter struct {
	w     http.ResponseWriter
	chunk int
	drip  time.Duration
	buf   []byte
	done  <-chan struct{}
}

func (p *pacedWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		k := min(len(b), p.chunk-len(p.buf))
		p.buf = append(p.buf, b[:k]...)
		b, n = b[k:], n+k
		if len(p.buf) == p.chunk {
			if err := p.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (p *pacedWriter) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf)
	p.buf = p.buf[:0]
	if err == nil {
		err = http.NewResponseController(p.w).Flush()
	}
	if err != nil {
		return err
	}
	if p.drip > 0 {
		t := time.NewTimer(p.drip)
		defer t.Stop()
		select {
		case <-t.C:
		case <-p.done:
			return http.ErrAbortHandler
		}
	}
	select {
	case <-p.done:
		return http.ErrAbortHandler
	default:
	}
	return nil
}

// echo fills "{{header:NAME}}" placeholders from the request.
func echo(body []byte, r *http.Request) []byte {
	const open, close = "{{header:", "}}"
	s := string(body)
	for {
		i := strings.Index(s, open)
		if i < 0 {
			return []byte(s)
		}
		j := strings.Index(s[i:], close)
		if j < 0 {
			return []byte(s)
		}
		name := s[i+len(open) : i+j]
		s = s[:i] + r.Header.Get(name) + s[i+j+len(close):]
	}
}
