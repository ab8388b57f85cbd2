package client

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds on what one answer may make the client read. Past either, the
// call fails with codeTooLarge, naming the bound; memory per call stays
// under a few times maxBodyBytes whatever the server sends.
const (
	// maxBodyBytes bounds an answer body twice: the bytes read from the
	// connection (compressed or not) and the bytes after decompression, so
	// neither an endless chunked body nor a gzip/deflate bomb can grow the
	// process. A real Describe answer is a few kilobytes.
	maxBodyBytes = 8 << 20
	// maxHeaderBytes bounds an answer's header block (the transport's
	// MaxResponseHeaderBytes); the API sends well under 2 KiB.
	maxHeaderBytes = 64 << 10
	// maxLocationBytes bounds the Location a refused redirect quotes.
	maxLocationBytes = 256
	// maxExcerpt bounds the part of a malformed body quoted in an error.
	maxExcerpt = 200
)

// Codes the hardened path adds to the ClientError family.
const (
	codeRedirect   = "ClientError.Redirect"            // a 3xx answer; redirects are never followed
	codeTooLarge   = "ClientError.ResponseTooLarge"    // the body passed maxBodyBytes
	codeHTTPStatus = "ClientError.HttpStatusCodeError" // a non-200 answer without an API error (the SDK's code)
	codeNetwork    = "ClientError.NetworkError"        // the SDK's code for transport failures
	CodePanic      = "ClientError.Panic"               // a panic below the client, turned into this call's error
	codeNoSuchHost = "ClientError.NoSuchHost"          // the endpoint's host does not resolve (KindConfig)
	codeRefused    = "ClientError.ConnectionRefused"   // nothing listens at the endpoint (KindConfig)
)

// exchange carries what the guard saw of one call's answer back to the
// call path, through the request's context.
type exchange struct {
	raw  []byte   // the Response object as received (validated); its own copy
	bufs [][]byte // bodies read for this call (one per attempt), for release
}

// release hands the call's body buffers back for the next answer; nothing
// may use them afterwards (ex.raw is a copy).
func (ex *exchange) release() {
	for _, b := range ex.bufs {
		putBody(b)
	}
	ex.bufs = nil
}

// Body buffers are reused across calls: every answer would otherwise leave
// a buffer of its size behind as garbage. The pool keeps only buffers up to
// maxPooledBody, so one huge (hostile) answer is never held on to.
const maxPooledBody = 64 << 10

var bodyPool sync.Pool // of *[]byte

// getBody returns an empty buffer, reused when one is free.
func getBody() []byte {
	if p, ok := bodyPool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

// putBody gives b back unless it is too large to keep.
func putBody(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooledBody {
		return
	}
	bodyPool.Put(&b)
}

type exchangeKey struct{}

// guard is the RoundTripper under the SDK on every call. It is the one
// place where the bytes of an answer are checked before the SDK's parser
// sees them: requests go only to the configured endpoint; redirects are
// refused; the body is read under maxBodyBytes (before and after
// gzip/deflate) and under the call's deadline; and only a JSON object with
// a Response object reaches the SDK, whose parser panics on `null`.
type guard struct {
	next    http.RoundTripper
	ep      endpoint
	timeout time.Duration // named in the timeout message
}

func (g *guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.URL.Scheme, g.ep.scheme) || !strings.EqualFold(req.URL.Host, g.ep.host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &Error{Kind: KindConfig, Code: codeRedirect,
			Message: "refused to send a request to " + safeURL(req.URL.Scheme+"://"+req.URL.Host) + ": only " + g.ep.String() + " is called"}
	}
	resp, err := g.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if loc == "" {
			loc = "(no Location)"
		}
		return nil, &Error{Kind: KindTransient, Code: codeRedirect,
			Message: fmt.Sprintf("answer is a redirect (HTTP %d) to %s; redirects are not followed: check --endpoint",
				resp.StatusCode, safeURL(loc))}
	}
	body, cerr := g.read(req.Context(), resp)
	if cerr != nil {
		return nil, cerr
	}
	raw, ok := responseObject(body)
	if !ok {
		if resp.StatusCode == http.StatusOK {
			return nil, &Error{Kind: KindTransient, Code: CodeBadResponse,
				Message: "answer is not a JSON object with a Response object: " + excerpt(body)}
		}
		return nil, &Error{Kind: KindTransient, Code: codeHTTPStatus,
			Message: fmt.Sprintf("HTTP %d %s: %s", resp.StatusCode, http.StatusText(resp.StatusCode), excerpt(body))}
	}
	if ex, _ := req.Context().Value(exchangeKey{}).(*exchange); ex != nil {
		ex.raw = raw
		ex.bufs = append(ex.bufs, body)
	}
	// The SDK gets exactly the checked bytes, plain, as JSON (a
	// text/event-stream type would send it down its streaming path).
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.Header.Set("Content-Type", "application/json")
	resp.Uncompressed = true
	return resp, nil
}

// read returns the decompressed body, bounded in size and by ctx: when ctx
// ends, the body is closed, which ends a read blocked on a slow server.
func (g *guard) read(ctx context.Context, resp *http.Response) ([]byte, *Error) {
	defer resp.Body.Close()
	stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
	defer stop()
	fail := func(err error) ([]byte, *Error) {
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindTransient, Code: codeNetwork, Err: ctx.Err(),
				Message: fmt.Sprintf("reading the answer took longer than the per-call timeout (%s): %v", g.timeout, ctx.Err())}
		}
		return nil, &Error{Kind: KindTransient, Code: CodeBadResponse, Err: err,
			Message: "reading the answer: " + err.Error()}
	}
	wire := &counter{r: resp.Body}
	limited := io.LimitReader(wire, maxBodyBytes+1)
	var r io.Reader = limited
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if resp.Uncompressed {
		enc = "" // the transport already decompressed it; the bound below still holds
	}
	switch enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(limited)
		if err != nil {
			return fail(fmt.Errorf("gzip body: %w", err))
		}
		r = zr
	case "deflate":
		r = deflateReader(limited)
	default:
		return nil, &Error{Kind: KindTransient, Code: CodeBadResponse,
			Message: "answer has an unsupported Content-Encoding " + strconv.Quote(boundText(enc, 40))}
	}
	hint := 0
	if resp.ContentLength > 0 && enc == "" {
		hint = int(min(resp.ContentLength, maxBodyBytes))
	}
	body, over, err := readCapped(r, maxBodyBytes, hint, getBody())
	switch {
	case wire.n > maxBodyBytes:
		return nil, &Error{Kind: KindTransient, Code: codeTooLarge,
			Message: fmt.Sprintf("answer body is larger than %d bytes (8 MiB) as sent; stopped reading", maxBodyBytes)}
	case over:
		return nil, &Error{Kind: KindTransient, Code: codeTooLarge,
			Message: fmt.Sprintf("answer body decompresses (%s) to more than %d bytes (8 MiB); stopped reading", enc, maxBodyBytes)}
	case err != nil:
		return fail(err)
	case ctx.Err() != nil:
		return fail(ctx.Err())
	}
	return body, nil
}

// readCapped reads r until EOF into buf (reused when it is large enough),
// growing it by doubling but never past limit bytes. over reports that r
// holds more than limit: once buf is full, one more byte is read into a
// scratch byte, not into a buffer grown by one. So a huge answer costs
// about 2×limit of allocation in all and never more than 1.5×limit live
// (the last doubling copies limit/2 into limit); growing to limit+1 to
// tell "more" cost one copy of limit more, 3×limit in all.
func readCapped(r io.Reader, limit, hint int, buf []byte) (body []byte, over bool, err error) {
	// hint+1: a body of exactly hint bytes then reaches EOF without growing.
	if want := min(max(hint+1, 4096), limit); cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	buf = buf[:0]
	for {
		if len(buf) == limit {
			var probe [1]byte
			n, err := io.ReadFull(r, probe[:])
			if err == io.EOF {
				err = nil
			}
			return buf, n > 0, err
		}
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(2*cap(buf), limit))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, false, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
}

// deflateReader reads HTTP "deflate", which RFC 9110 defines as zlib but
// which some servers send as raw DEFLATE: a zlib header picks zlib.
func deflateReader(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 512)
	if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
		zr, err := zlib.NewReader(br)
		if err == nil {
			return zr
		}
		return errReader{fmt.Errorf("deflate body: %w", err)}
	}
	return flate.NewReader(br)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// counter counts the bytes read from the connection.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// responseObject returns the body's Response object when the body is a
// JSON object holding one (decoded the way the SDK decodes it).
func responseObject(body []byte) ([]byte, bool) {
	var top struct {
		Response json.RawMessage `json:"Response"`
	}
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, false
	}
	raw := bytes.TrimSpace(top.Response)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, false
	}
	return raw, true
}

// excerpt quotes the start of a malformed body for an error message.
func excerpt(body []byte) string {
	if len(body) == 0 {
		return "empty body"
	}
	s := string(body)
	if len(s) > maxExcerpt {
		s = boundText(s, maxExcerpt)
	}
	return fmt.Sprintf("%d bytes: %q", len(body), strings.ToValidUTF8(s, "\uFFFD"))
}

// safeURL bounds a server-chosen URL and keeps it to one printable line.
func safeURL(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strconv.Quote(boundText(s, maxLocationBytes))
}

// ctxCause is the context error err wraps, if any.
func ctxCause(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return context.Canceled
	}
	return nil
}
