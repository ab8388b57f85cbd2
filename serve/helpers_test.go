package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/taskref"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

const testApp = 1400000001

func tref(id string) taskref.Ref {
	return taskref.Ref{Region: "ap-singapore", SdkAppID: testApp, TaskID: id}
}

// Sessions is how many dashboards are being served now.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Dropped is how many frames were dropped for clients that read slowly.
func (s *Server) Dropped() int64 { return s.drops.Load() }

// newKey makes a client key pair.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// authLine is an authorized_keys line for k.
func authLine(k gossh.Signer, opts, comment string) string {
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey()))) + " " + comment
	if opts != "" {
		line = opts + " " + line
	}
	return line + "\n"
}

// rig is a server on loopback with its engine, against the emulator.
type rig struct {
	srv      *Server
	eng      *watch.Engine
	emu      *emulator.Server
	addr     string
	keysPath string
	alice    gossh.Signer // may edit
	reader   gossh.Signer // read-only
	served   chan error
	stopEng  func()
}

type rigOpt func(*Config)

// startRig serves n long-running demo tasks ("task-0000" …) polled every
// interval.
func startRig(t testing.TB, n int, interval time.Duration, opts ...rigOpt) *rig {
	t.Helper()
	var sc strings.Builder
	sc.WriteString(`{"tasks": [`)
	for i := range n {
		if i > 0 {
			sc.WriteString(",")
		}
		fmt.Fprintf(&sc, `{"task_id": "task-%04d", "timeline": [{"at": "0s", "status": "InProgress"}]}`, i)
	}
	sc.WriteString(`]}`)
	emu := emutest.Start(t, emulator.Config{Seed: 1}, sc.String())
	c, err := client.New(client.Config{Region: "ap-singapore", Endpoint: emu.URL(), Rate: 1000, Timeout: 2 * time.Second,
		Credential: common.NewCredential(emulator.DemoSecretID, emulator.DemoSecretKey)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	eng := watch.New(c, watch.Config{Interval: interval, Quota: 1000})
	refs := make([]taskref.Ref, n)
	for i := range refs {
		refs[i] = tref(fmt.Sprintf("task-%04d", i))
	}
	if _, err := eng.Add(refs); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	engDone := make(chan struct{})
	go func() { defer close(engDone); eng.Run(ctx) }()

	r := &rig{eng: eng, emu: emu, alice: newKey(t), reader: newKey(t), served: make(chan error, 1)}
	r.stopEng = func() { cancel(); <-engDone }
	r.keysPath = filepath.Join(dir, "authorized_keys")
	writeFile(t, r.keysPath, "# team\n"+authLine(r.alice, "", "alice@laptop")+authLine(r.reader, ReadOnlyOption, "reader@desk"))
	hk, err := LoadOrCreateHostKey(filepath.Join(dir, "host_key"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{HostKeyPEM: hk.PEM, AuthorizedKeys: r.keysPath, Engine: eng,
		Options: ui.Options{Keys: ui.DefaultKeyMap(), Region: "ap-singapore", SdkAppID: testApp}}
	for _, o := range opts {
		o(&cfg)
	}
	r.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = l.Addr().String()
	go func() { r.served <- r.srv.Serve(l) }()
	t.Cleanup(func() { r.shutdown(t); r.stopEng() })
	return r
}

var shutOnce sync.Map

// shutdown stops the server (once) and checks it ended cleanly.
func (r *rig) shutdown(t testing.TB) {
	if _, done := shutOnce.LoadOrStore(r, true); done {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-r.served; err != nil {
		t.Errorf("serve: %v", err)
	}
}

func writeFile(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

// dial logs in with key.
func dial(addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "oncall", Auth: auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
}

// term is one SSH session with a pty, as `ssh -t` opens it.
type term struct {
	c    *gossh.Client
	s    *gossh.Session
	in   io.WriteCloser
	out  *lockedBuffer
	done chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// open starts a dashboard session in an 80x24 terminal, ssh's size when
// it cannot ask a terminal (each frame costs per cell under -race; tests
// of sizes use openSized); env is sent before the pty. read=false leaves
// stdout unread (a client that stopped reading).
func open(t testing.TB, addr string, key gossh.Signer, env map[string]string, read bool) *term {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(key))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	tm := &term{c: c, s: s, out: &lockedBuffer{}, done: make(chan error, 1)}
	if read {
		s.Stdout = tm.out
		s.Stderr = tm.out
	} else if _, err := s.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	if err := s.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	go func() { tm.done <- s.Wait() }()
	t.Cleanup(func() { s.Close(); c.Close() })
	return tm
}

func (tm *term) text() string { return ansi.Strip(tm.out.String()) }

// waitText waits (bounded) until the session has shown s.
func (tm *term) waitText(t testing.TB, s string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(tm.text(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("the session never showed %q; it shows:\n%s", s, tail(tm.text(), 2000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitEnd waits (bounded) for the session to end.
func (tm *term) waitEnd(t testing.TB, within time.Duration) error {
	t.Helper()
	select {
	case err := <-tm.done:
		return err
	case <-time.After(within):
		t.Fatalf("the session did not end; it shows:\n%s", tail(tm.text(), 2000))
		return nil
	}
}

func (tm *term) typeText(t testing.TB, s string) {
	t.Helper()
	if _, err := io.WriteString(tm.in, s); err != nil {
		t.Fatalf("type %q: %v", s, err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// stallConn is a client connection whose reads stop when told: the whole
// client stops reading from the socket, as a frozen laptop does.
type stallConn struct {
	net.Conn
	mu      sync.Mutex
	stalled bool
	gate    chan struct{}
}

func (c *stallConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	stalled := c.stalled
	c.mu.Unlock()
	if stalled {
		<-c.gate
		return 0, io.EOF
	}
	return c.Conn.Read(p)
}

func (c *stallConn) stall() {
	c.mu.Lock()
	c.stalled = true
	c.mu.Unlock()
}

// openStalling is open over a connection that can stop reading.
func openStalling(t testing.TB, addr string, key gossh.Signer) (*term, *stallConn) {
	t.Helper()
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	sc := &stallConn{Conn: raw, gate: make(chan struct{})}
	cc, chans, reqs, err := gossh.NewClientConn(sc, addr, &gossh.ClientConfig{User: "oncall",
		Auth: []gossh.AuthMethod{gossh.PublicKeys(key)}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	c := gossh.NewClient(cc, chans, reqs)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{c: c, s: s, out: &lockedBuffer{}, done: make(chan error, 1)}
	s.Stdout, s.Stderr = tm.out, tm.out
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 60, 250, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.done <- s.Wait() }()
	t.Cleanup(func() { close(sc.gate); raw.Close() })
	return tm, sc
}

func discardLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// serverGoroutines counts the goroutines of the SSH server and its
// sessions (the SSH library, Bubble Tea, this package's), leaving out the
// engine's and the emulator's HTTP connections, whose number the test
// does not decide, and a session's pending tea.Tick: a timer that ends by
// itself when it fires, and the batch waiting for it (its other commands
// are goroutines of their own, counted). A message's timeout typed in a
// session's last moments held TestSSHKeyFuzz 10 s for nothing.
func serverGoroutines() (n int, dump string) {
	all := allStacks()
	var kept []string
	for _, g := range strings.Split(all, "\n\n") {
		if strings.Contains(g, "bubbletea/v2.Tick.func1") ||
			strings.Contains(g, "[sync.WaitGroup.Wait]") && strings.Contains(g, "bubbletea/v2.(*Program).execBatchMsg(") {
			continue
		}
		if strings.Contains(g, "charm.land/") || strings.Contains(g, "ultraviolet") || strings.Contains(g, "x/crypto/ssh") ||
			strings.Contains(g, "trtcwatch/serve.") && !strings.Contains(g, "testing.tRunner") {
			kept = append(kept, g)
		}
	}
	return len(kept), strings.Join(kept, "\n\n")
}

// allStacks is every goroutine's stack. Its buffer starts small and
// doubles until the dump fits: a 4 MB buffer on each of a wait's many
// looks cost more than the dump under -race.
func allStacks() string {
	buf := make([]byte, 256<<10)
	for {
		if n := runtime.Stack(buf, true); n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}
