// Package attack is a set of hostile SSH clients for the team-mode server's
// stress tests: sockets that never speak, handshakes that stall, logins
// that open no dashboard, env-request floods and huge terminals, each
// reconnecting whenever the server closes it, as a persistent attacker
// would. Login is the real engineer beside them.
package attack

import (
	"bytes"
	"context"
	"io"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// Mix says how many connections of each kind attack at once.
type Mix struct {
	Silent   int // TCP connections that never send a byte
	Slow     int // send a version line, then a byte every half second
	Idle     int // log in with Key and open nothing (ssh -N)
	EnvFlood int // log in, open a session, send 30 KB env requests without end
	HugePty  int // log in, ask for a 65535x65535 terminal, then resize without end
}

// Total is how many connections the mix holds open at once.
func (m Mix) Total() int { return m.Silent + m.Slow + m.Idle + m.EnvFlood + m.HugePty }

// Attack is a running attack; Stop ends it.
type Attack struct {
	addr   string
	key    gossh.Signer
	ctx    context.Context
	cancel func()
	wg     sync.WaitGroup
	conns  atomic.Int64
	ready  atomic.Int64
}

// reconnectPause is how long a worker waits before reconnecting.
const reconnectPause = 100 * time.Millisecond

// Start attacks the server at addr with mix; key is an authorized key for
// the kinds that log in.
func Start(addr string, key gossh.Signer, mix Mix) *Attack {
	ctx, cancel := context.WithCancel(context.Background())
	a := &Attack{addr: addr, key: key, ctx: ctx, cancel: cancel}
	for _, k := range []struct {
		n   int
		run func(held func()) error
	}{{mix.Silent, a.silent}, {mix.Slow, a.slow}, {mix.Idle, a.idle}, {mix.EnvFlood, a.envFlood}, {mix.HugePty, a.hugePty}} {
		for range k.n {
			a.wg.Go(func() {
				var once sync.Once
				held := func() { once.Do(func() { a.ready.Add(1) }) }
				for a.ctx.Err() == nil {
					a.conns.Add(1)
					k.run(held) //nolint:errcheck // the server closing it is the point
					select {
					case <-a.ctx.Done():
					case <-time.After(reconnectPause):
					}
				}
			})
		}
	}
	return a
}

// Connections is how many connections the attack opened so far.
func (a *Attack) Connections() int64 { return a.conns.Load() }

// Ready is how many of the mix's connections have held what their kind
// holds at least once: connected (silent), a version line sent (slow),
// logged in (idle), a session open (env flood), a dashboard open (huge
// terminal). Mix.Total of them is the attack at full strength; until
// then a test would measure an attack still connecting.
func (a *Attack) Ready() int64 { return a.ready.Load() }

// Stop ends every attacking connection and waits for the workers.
func (a *Attack) Stop() {
	a.cancel()
	a.wg.Wait()
}

// dial opens a TCP connection that Stop closes.
func (a *Attack) dial() (net.Conn, func(), error) {
	c, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(a.ctx, "tcp", a.addr)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(a.ctx, func() { c.Close() })
	return c, func() { stop(); c.Close() }, nil
}

// login logs in with the key over a connection that Stop closes.
func (a *Attack) login() (*gossh.Client, func(), error) {
	c, done, err := a.dial()
	if err != nil {
		return nil, nil, err
	}
	cc, chans, reqs, err := gossh.NewClientConn(c, a.addr, clientConfig(a.key))
	if err != nil {
		done()
		return nil, nil, err
	}
	return gossh.NewClient(cc, chans, reqs), done, nil
}

// session logs in and opens a session channel on a connection that Stop
// closes; done closes it.
func (a *Attack) session() (*gossh.Session, func(), error) {
	c, done, err := a.login()
	if err != nil {
		return nil, nil, err
	}
	s, err := c.NewSession()
	if err != nil {
		done()
		return nil, nil, err
	}
	return s, done, nil
}

func clientConfig(key gossh.Signer) *gossh.ClientConfig {
	return &gossh.ClientConfig{User: "oncall", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
}

func (a *Attack) silent(held func()) error {
	c, done, err := a.dial()
	if err != nil {
		return err
	}
	defer done()
	held()
	_, err = io.Copy(io.Discard, c) // until the server closes it
	return err
}

func (a *Attack) slow(held func()) error {
	c, done, err := a.dial()
	if err != nil {
		return err
	}
	defer done()
	go io.Copy(io.Discard, c) //nolint:errcheck // ends with the connection
	if _, err := io.WriteString(c, "SSH-2.0-slow\r\n"); err != nil {
		return err
	}
	held()
	for {
		select {
		case <-a.ctx.Done():
			return nil
		case <-time.After(500 * time.Millisecond):
		}
		if _, err := c.Write([]byte{0}); err != nil {
			return err
		}
	}
}

func (a *Attack) idle(held func()) error {
	c, done, err := a.login()
	if err != nil {
		return err
	}
	defer done()
	held()
	return c.Wait()
}

func (a *Attack) envFlood(held func()) error {
	s, done, err := a.session()
	if err != nil {
		return err
	}
	defer done()
	held()
	payload := gossh.Marshal(struct{ Name, Value string }{"TZ", strings.Repeat("x", 30<<10)})
	for {
		if _, err := s.SendRequest("env", false, payload); err != nil {
			return err
		}
	}
}

func (a *Attack) hugePty(held func()) error {
	s, done, err := a.session()
	if err != nil {
		return err
	}
	defer done()
	s.Stdout, s.Stderr = io.Discard, io.Discard
	if err := s.RequestPty("xterm-256color", 65535, 65535, gossh.TerminalModes{}); err != nil {
		return err
	}
	if err := s.Shell(); err != nil {
		return err
	}
	held()
	for i := 0; ; i++ {
		select {
		case <-a.ctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
		if err := s.WindowChange(65535-i%2, 4000+i%2); err != nil {
			return err
		}
	}
}

// Session is a real engineer's dashboard session, opened by Login. The
// durations are from the start of the TCP connect.
type Session struct {
	Client *gossh.Client
	Login  time.Duration // logged in: the handshake and the key accepted
	Shell  time.Duration // the pty and the shell accepted
	Frame  time.Duration // the dashboard showing what Login waited for
}

// Login opens a dashboard the way `ssh -t` does (an 80x24 xterm) and waits
// until it shows want (at most within).
func Login(addr string, key gossh.Signer, want string, within time.Duration) (*Session, error) {
	start := time.Now()
	c, err := gossh.Dial("tcp", addr, clientConfig(key))
	if err != nil {
		return nil, err
	}
	sess := &Session{Client: c, Login: time.Since(start)}
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, err
	}
	out := &watcher{want: []byte(want), found: make(chan struct{})}
	s.Stdout, s.Stderr = out, io.Discard
	if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err == nil {
		err = s.Shell()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	sess.Shell = time.Since(start)
	select {
	case <-out.found:
		sess.Frame = time.Since(start)
		return sess, nil
	case <-time.After(within):
		c.Close()
		return nil, &timeoutError{want: want, within: within}
	}
}

type timeoutError struct {
	want   string
	within time.Duration
}

func (e *timeoutError) Error() string {
	return "the dashboard did not show " + e.want + " within " + e.within.String()
}

// watcher keeps the tail of a session's output and says when want shows.
type watcher struct {
	mu    sync.Mutex
	tail  []byte
	want  []byte
	found chan struct{}
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.want == nil {
		return len(p), nil
	}
	w.tail = append(w.tail, p...)
	if bytes.Contains([]byte(ansi.Strip(string(w.tail))), w.want) {
		close(w.found)
		w.want, w.tail = nil, nil
		return len(p), nil
	}
	if len(w.tail) > 64<<10 {
		w.tail = w.tail[len(w.tail)-8<<10:]
	}
	return len(p), nil
}

// Bounds are what the stress tests assert beside an attack: the issue's
// "a real engineer logs in within 2 s and the server stays under 300 MB
// of RSS". The race detector slows the handshake's cryptography and the
// scheduler several times over and keeps shadow memory beside the heap,
// so a race-instrumented build is held to four times both (its tests log
// which bounds applied).
func Bounds() (login time.Duration, rssMB float64, race bool) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 8 * time.Second, 1200, true
			}
		}
	}
	return 2 * time.Second, 300, false
}
