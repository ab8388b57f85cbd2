// Package hostiletest is an HTTP server on loopback that answers whatever a
// test asks: any status, header, body, Content-Encoding, size and speed.
// trtcwatch's client must survive every such answer (no panic, bounded
// memory and time, no secret kept), and its tests drive the real client,
// with real signatures, against this server to prove it.
package hostiletest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
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
	out := &pacedWriter{w: w, chunk: reply.Chunk, drip: reply.Drip, done: r.Context().Done()}
	if out.chunk <= 0 {
		out.chunk = 32 << 10
	}
	compressed := reply.Encoding == "gzip" || reply.Encoding == "deflate"
	if reply.Encoding != "" {
		w.Header().Set("Content-Encoding", reply.Encoding)
	}
	if !compressed && reply.Size >= 0 && reply.Size <= int64(len(body)) && reply.Drip == 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if compressed {
		z := newCompressor(out, reply.Encoding == "gzip")
		if produce(body, reply.Size, z.write) == nil {
			z.close()
		}
	} else {
		produce(body, reply.Size, func(b []byte) error { _, err := out.Write(b); return err })
	}
	out.flush()
}

// produce passes body to emit, repeated up to size bytes (-1: until emit
// fails) in blocks of about 64 KiB: the same block each time, the last one
// cut short to end at size.
func produce(body []byte, size int64, emit func([]byte) error) error {
	if size <= int64(len(body)) && size != -1 {
		return emit(body)
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
		if err := emit(b); err != nil {
			return err
		}
		sent += int64(len(b))
	}
	return nil
}

// compressor writes the blocks produce emits as one gzip or raw DEFLATE
// stream. Each block is compressed alone, by a fresh compressor, and
// flushed: its output refers back only within itself and ends on a byte
// boundary, so a repeated block is compressed once and its bytes sent again
// for every repeat, and the copies decode one after another to the block
// repeated. Streaming a bomb through one compressor cost the server more
// than the client spent reading it.
type compressor struct {
	w      io.Writer
	gzip   bool
	plain  []byte // the last block compressed, and its compressed bytes
	packed []byte
	crc    uint32
	size   uint32 // of the plain bytes, modulo 2^32 as gzip keeps it
	began  bool
}

func newCompressor(w io.Writer, gzip bool) *compressor { return &compressor{w: w, gzip: gzip} }

// gzipHeader is a gzip member's header with no name, time or extra field.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

func (z *compressor) write(b []byte) error {
	if !z.began && z.gzip {
		if _, err := z.w.Write(gzipHeader); err != nil {
			return err
		}
	}
	z.began = true
	if len(b) == 0 {
		return nil
	}
	if len(b) != len(z.plain) || &b[0] != &z.plain[0] {
		z.plain, z.packed = b, deflate(b)
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, b)
	z.size += uint32(len(b))
	_, err := z.w.Write(z.packed)
	return err
}

// close ends the stream: an empty final block and, for gzip, the trailer.
func (z *compressor) close() {
	if z.write(nil) != nil {
		return
	}
	end := slices.Clone(finalBlock)
	if z.gzip {
		end = binary.LittleEndian.AppendUint32(end, z.crc)
		end = binary.LittleEndian.AppendUint32(end, z.size)
	}
	z.w.Write(end)
}

// finalBlock ends every stream: an empty stored block marked final (RFC
// 1951: BFINAL 1, BTYPE 00, then LEN 0 and its complement), what a
// compressor's Close writes after a flush.
var finalBlock = []byte{0x01, 0x00, 0x00, 0xff, 0xff}

// deflate compresses b alone and flushed: more blocks may follow.
func deflate(b []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	fw.Write(b)
	fw.Flush()
	return buf.Bytes()
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
