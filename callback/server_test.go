package callback

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/loopback"
)

func TestBindTimeouts(t *testing.T) {
	bound, err := newTestReceiver(t, nil).Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bound.Close()
	s := bound.srv
	if s.ReadHeaderTimeout != readHeaderTimeout || s.ReadTimeout != readTimeout || s.WriteTimeout != writeTimeout ||
		s.IdleTimeout != idleTimeout || s.MaxHeaderBytes != maxHeaderBytes {
		t.Fatalf("server %+v lacks the receiver's timeouts", s)
	}
	if readHeaderTimeout > 5*time.Second || readTimeout >= 15*time.Second {
		t.Fatal("a timeout exceeds what TRTC waits for an answer (5 s per try)")
	}
}

// TestListen: the receiver applies the one loopback rule (package
// loopback tests the rule itself) with its own Options.ListenAny, and its
// refusal says how to give TRTC a public URL instead.
func TestListen(t *testing.T) {
	ln, err := newTestReceiver(t, nil).listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	_, err = newTestReceiver(t, nil).listen("0.0.0.0:0")
	if !errors.Is(err, loopback.ErrNotLoopback) || !strings.Contains(err.Error(), "behind a proxy or tunnel") {
		t.Fatalf("listen(0.0.0.0:0) = %v: want the loopback refusal with the way out", err)
	}
	ln, err = newTestReceiver(t, func(o *Options) { o.ListenAny = true }).listen("0.0.0.0:0")
	if err != nil {
		t.Fatalf("listen(0.0.0.0:0) with ListenAny: %v", err)
	}
	ln.Close()
}

// startShort serves r on loopback with short read timeouts, so a slow
// client's fate is known in a fraction of a second.
func startShort(t *testing.T, r *Receiver) string {
	t.Helper()
	ln, err := r.listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(r, 200*time.Millisecond, 400*time.Millisecond)
	go srv.Serve(ln) //nolint:errcheck // closed below
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// awaitClose reads what the server sends until it closes the connection,
// failing if that takes longer than limit (the server did not cut the
// client off).
func awaitClose(t *testing.T, c net.Conn, limit time.Duration) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(limit)) //nolint:errcheck // checked by the read
	got, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept a slow client for %v (read %q)", limit, got)
	}
	return string(got)
}

// TestSlowClients: over a real loopback connection, a client that sends
// half its headers, or half its body, is cut off by the server's timeouts;
// the half body is counted as unreadable and nothing is handed on; and
// while dozens of slow clients hang, a good callback is still answered.
func TestSlowClients(t *testing.T) {
	r := newTestReceiver(t, nil)
	addr := startShort(t, r)
	var slow []net.Conn
	for range 40 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: applic")
		slow = append(slow, c)
	}

	now := time.Now()
	body := cbBody(RecorderStart, task1, now, now, `{"Status": 0}`)
	req := request(body, nil)
	hdr := "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nSdkAppId: " + req.Header.Get("SdkAppId") +
		"\r\nSign: " + req.Header.Get("Sign") + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"

	half, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	io.WriteString(half, hdr)      //nolint:errcheck // checked by what the server answers
	half.Write(body[:len(body)/2]) //nolint:errcheck // likewise

	// A good callback on its own connection while those hang.
	good, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	io.WriteString(good, hdr) //nolint:errcheck // checked by the answer
	good.Write(body)          //nolint:errcheck // likewise
	good.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(good), nil)
	if err != nil {
		t.Fatalf("good callback while slow clients hang: %v", err)
	}
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || !bytes.Equal(b, okBody) {
		t.Fatalf("good callback: %d %s", resp.StatusCode, b)
	}

	if got := awaitClose(t, half, 5*time.Second); got != "" && !strings.Contains(got, " 400 ") {
		t.Fatalf("half body answered %q", got)
	}
	for _, c := range slow {
		if got := awaitClose(t, c, 5*time.Second); got != "" && !strings.Contains(got, " 408 ") {
			t.Fatalf("half header answered %q", got)
		}
	}
	st := r.Stats()
	if st.Accepted != 1 || st.Refused[reasonUnreadable] != 1 || st.RefusedTotal() != 1 {
		t.Fatalf("stats %+v: want the good one accepted and the half body unreadable", st)
	}
	if n := len(drainAll(r)); n != 1 {
		t.Fatalf("%d events handed on", n)
	}
}

// TestOversizeOverTheWire: a body over the bound is answered 413 over a
// real connection, whether declared or chunked.
func TestOversizeOverTheWire(t *testing.T) {
	r := newTestReceiver(t, func(o *Options) { o.MaxBody = 1024 })
	addr := startShort(t, r)
	now := time.Now()
	big := cbBody(FileInfo, task1, now, now, `{"FileList": "`+strings.Repeat("a", 2000)+`"}`)
	for _, chunked := range []bool{false, true} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", bytes.NewReader(big))
		if chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(bytes.NewReader(big))
		}
		req.Header = request(big, nil).Header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("chunked %v: %d", chunked, resp.StatusCode)
		}
	}
	if st := r.Stats(); st.Refused[reasonTooLarge] != 2 || st.Accepted != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// TestBindServeShutdown: Bind refuses beyond loopback and takes the port
// before serving; a callback sent before Serve waits in the listen queue
// and is answered once Serve runs; Shutdown lets a request being sent
// finish within its wait, closes a slow client's connection, makes
// Serve return nil, and frees the port. Shutdown before Serve frees the
// port too.
func TestBindServeShutdown(t *testing.T) {
	if _, err := newTestReceiver(t, nil).Bind("0.0.0.0:0", nil); !errors.Is(err, loopback.ErrNotLoopback) {
		t.Fatalf("Bind beyond loopback: %v", err)
	}
	r := newTestReceiver(t, nil)
	s, err := r.Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := cbBody(RecorderStart, task1, now, now, `{"Status": 0}`)
	post := func() (*http.Response, error) {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"trtc/callback", bytes.NewReader(body))
		req.Header = request(body, nil).Header
		return http.DefaultClient.Do(req)
	}
	early := make(chan int, 1)
	go func() {
		resp, err := post()
		if err != nil {
			early <- -1
			return
		}
		resp.Body.Close()
		early <- resp.StatusCode
	}()
	active := make(chan string, 8) // a connection began a request: its client's address
	s.srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateActive {
			active <- c.RemoteAddr().String()
		}
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()
	if code := <-early; code != http.StatusOK || r.Stats().Accepted != 1 {
		t.Fatalf("a callback sent before Serve: %d, %d accepted", code, r.Stats().Accepted)
	}

	// A request whose body never ends holds its connection: Shutdown waits
	// for it only as long as it was told to.
	slow, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	// Waited for by address: another connection's news (the early
	// callback's) must not pass for it, or Shutdown finds nothing active.
	for a := <-active; a != slow.LocalAddr().String(); a = <-active {
	}
	// Shutdown returns within its wait: having closed the connection
	// (DeadlineExceeded), or having found it gone already (nil: the
	// server may end a body read it shuts down under; seen 3 runs in 60).
	begun := time.Now()
	if err := s.Shutdown(50 * time.Millisecond); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with a request in flight: %v", err)
	}
	if took := time.Since(begun); took > 2*time.Second {
		t.Errorf("Shutdown with a request in flight took %v, past its wait of 50ms", took)
	}
	awaitClose(t, slow, 5*time.Second)
	if err := <-served; err != nil {
		t.Errorf("Serve after Shutdown: %v", err)
	}
	if _, err := post(); err == nil {
		t.Error("still answering after Shutdown")
	}

	unserved, err := newTestReceiver(t, nil).Bind("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(unserved.URL(), "http://"), "/")
	if err := unserved.Shutdown(time.Second); err != nil {
		t.Errorf("Shutdown before Serve: %v", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("Shutdown before Serve left the port taken: %v", err)
	}
	ln.Close()
}
