package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// silent opens a TCP connection (from local, an address of this machine,
// or any) that never says a word.
func silent(t testing.TB, addr, local string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %q: %v", local, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByServer says whether the server has closed c: it reads past the
// server's version line and sees the end within a moment.
func closedByServer(c net.Conn) bool {
	buf := make([]byte, 512)
	for {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(buf); err != nil {
			var ne net.Error
			return !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// eventually waits (bounded) until cond holds.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// TestSilentSocketsDoNotLockOut: 160 sockets that never speak, each
// reopened as soon as the server closes it, do not keep a real engineer
// out, 3 times of 3; the server keeps at most maxWaitingPerAddr of them
// (they all come from 127.0.0.1) and logs the closing at most once per
// logPeriod. Before, 80 such sockets filled every place and each refusal
// logged a line.
func TestSilentSocketsDoNotLockOut(t *testing.T) {
	var logged lockedBuffer
	r := startRig(t, 1, time.Second, func(c *Config) { c.Log = slog.New(slog.NewTextHandler(&logged, nil)) })
	ctx, stop := context.WithCancel(context.Background())
	var flood sync.WaitGroup
	for range maxWaitingPerAddr + 32 {
		flood.Go(func() { // reopen as soon as the server closes it
			for ctx.Err() == nil {
				c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", r.addr)
				if err != nil {
					continue
				}
				// Read until the server closes it (or the test ends): a
				// wake-up per socket when it happens, not one per 100 ms.
				stopped := context.AfterFunc(ctx, func() { c.Close() })
				io.Copy(io.Discard, c) //nolint:errcheck // ends when either side closes
				stopped()
				c.Close()
			}
		})
	}
	defer func() { stop(); flood.Wait() }()
	eventually(t, "the flood fills the address's waiting places", func() bool { return waitingCount(r.srv) >= maxWaitingPerAddr })
	for i := range 3 {
		start := time.Now()
		tm := open(t, r.addr, r.alice, nil, true)
		tm.waitText(t, "task-0000", wait)
		t.Logf("login %d of 3 under the flood: dashboard in %v", i+1, time.Since(start).Round(time.Millisecond))
		tm.s.Close()
		tm.c.Close()
	}
	if n := waitingCount(r.srv); n > maxWaitingPerAddr {
		t.Fatalf("%d connections from one address wait, more than %d", n, maxWaitingPerAddr)
	}
	if n := strings.Count(logged.String(), "connection closed to make room"); n > 2 {
		t.Fatalf("%d log lines about closed connections: not rate-limited", n)
	}
}

func waitingCount(s *Server) int {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	return len(s.conns.waiting)
}

// TestPerAddressLimit: one address fills only its own places. With
// 127.0.0.3's places full of connections that have spoken, a silent
// newcomer from it is refused, not let in over them; silent sockets from
// 127.0.0.2, 40 more than its places, leave maxWaitingPerAddr of them
// open and every one of 127.0.0.3's; with a third busy address the
// server keeps maxWaiting in all, closing silent ones only.
func TestPerAddressLimit(t *testing.T) {
	r := startRig(t, 1, time.Second, func(c *Config) { c.LoginTimeout = 10 * time.Minute })
	openCount := func(cs []net.Conn) int {
		var n atomic.Int64
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Go(func() {
				if !closedByServer(c) {
					n.Add(1)
				}
			})
		}
		wg.Wait()
		return int(n.Load())
	}
	var three, two []net.Conn
	for range maxWaitingPerAddr {
		c := silent(t, r.addr, "127.0.0.3")
		io.WriteString(c, "SSH-2.0-")
		three = append(three, c)
	}
	// (Every one taken and read: silentCount alone is 0 before the server
	// has taken them all, and the newcomer would get a free place.)
	eventually(t, "the server took all and read what they said", func() bool {
		return addrCount(r.srv, "127.0.0.3") == maxWaitingPerAddr && silentCount(r.srv, "127.0.0.3") == 0
	})
	// (Waited for, not read once: on a loaded machine the server may take
	// longer than closedByServer's moment to close it.)
	newcomer := silent(t, r.addr, "127.0.0.3")
	eventually(t, "a silent newcomer refused, not let in over connections that had spoken", func() bool { return closedByServer(newcomer) })
	for range maxWaitingPerAddr + 40 {
		two = append(two, silent(t, r.addr, "127.0.0.2"))
	}
	// (The server takes each connection on a goroutine of its own: wait
	// until it has taken them all.)
	eventually(t, "127.0.0.2 keeps its places' worth", func() bool { return openCount(two) == maxWaitingPerAddr })
	var four []net.Conn
	for range maxWaitingPerAddr {
		four = append(four, silent(t, r.addr, "127.0.0.4"))
	}
	eventually(t, "the server keeps maxWaiting in all", func() bool {
		return openCount(two)+openCount(four) == maxWaiting-len(three) && waitingCount(r.srv) == maxWaiting
	})
	if n := openCount(three); n != len(three) {
		t.Fatalf("%d of 127.0.0.3's connections, which had spoken, were closed", len(three)-n)
	}
}

func addrCount(s *Server, ip string) (n int) {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	for w := range s.conns.waiting {
		if w.ip == ip {
			n++
		}
	}
	return n
}

func silentCount(s *Server, ip string) (n int) {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	for w := range s.conns.waiting {
		if w.ip == ip && w.silent() {
			n++
		}
	}
	return n
}

// TestLoginTimeout: a connection that sends its version line and then
// stalls the handshake is closed after LoginTimeout.
func TestLoginTimeout(t *testing.T) {
	r := startRig(t, 1, time.Second, func(c *Config) { c.LoginTimeout = 300 * time.Millisecond })
	c := silent(t, r.addr, "")
	io.WriteString(c, "SSH-2.0-slow\r\n")
	eventually(t, "a stalled handshake is closed", func() bool { return closedByServer(c) })
}

// TestNoDashboardIsClosed: a logged-in connection that opens no dashboard
// (ssh -N), or keeps the connection after its dashboard ended, is closed
// after ShellTimeout; so is one that only sends requests.
func TestNoDashboardIsClosed(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	r := startRig(t, 1, time.Second, func(c *Config) { c.ShellTimeout = 300 * time.Millisecond })
	ended := func(c *gossh.Client) func() bool {
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		return func() bool {
			select {
			case <-done:
				return true
			default:
				return false
			}
		}
	}
	n, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	eventually(t, "an ssh -N connection is closed", ended(n))

	tm := open(t, r.addr, r.alice, nil, true)
	tm.waitText(t, "task-0000", wait)
	isEnded := ended(tm.c)
	time.Sleep(600 * time.Millisecond) // twice the timeout: a connection with a dashboard stays
	if isEnded() {
		t.Fatal("a connection with a dashboard was closed")
	}
	tm.typeText(t, "q")
	tm.waitEnd(t, wait)
	eventually(t, "a connection whose dashboard ended is closed", isEnded)

	c, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	isEnded = ended(c)
	for !isEnded() { // requests, never a shell
		s.SendRequest("env", true, gossh.Marshal(struct{ Name, Value string }{"TZ", "UTC"})) //nolint:errcheck // until it is closed
	}
}

// TestIdleLoginsDoNotLockOut: idleLogins `ssh -N` connections with one
// key (16, four times the bound; 30 with -tags long) keep at most
// maxWaitingPerKey open once a login comes after shellGrace (its oldest
// are closed), and do not keep out another engineer, even with only 3
// places. Before, 22 such connections locked everyone out.
func TestIdleLoginsDoNotLockOut(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	r := startRig(t, 1, time.Second, func(c *Config) { c.MaxSessions = 3 })
	var idle []*gossh.Client
	for i := range idleLogins + 1 {
		if i == idleLogins {
			time.Sleep(shellGrace + 100*time.Millisecond) // they are all past their grace when the last logs in
		}
		c, err := dial(r.addr, gossh.PublicKeys(r.alice))
		if err != nil {
			t.Fatalf("ssh -N %d: %v", i, err)
		}
		defer c.Close()
		idle = append(idle, c)
	}
	tm := open(t, r.addr, r.reader, nil, true)
	tm.waitText(t, "task-0000", wait)
	open := 0
	for _, c := range idle {
		if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err == nil {
			open++
		}
	}
	if open > maxWaitingPerKey {
		t.Fatalf("%d of one key's ssh -N connections are open, more than %d", open, maxWaitingPerKey)
	}
}

// TestChannelsPerConnection: one connection opens at most maxChannels
// sessions at once.
func TestChannelsPerConnection(t *testing.T) {
	r := startRig(t, 1, time.Second)
	c, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := range maxChannels {
		if _, err := c.NewSession(); err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
	}
	if _, err := c.NewSession(); err == nil || !strings.Contains(err.Error(), "too many sessions") {
		t.Fatalf("session %d: %v, want refused", maxChannels+1, err)
	}
}

// TestLogLimiter: a flood of one kind writes its first line at once, then
// one summary per period with the count, and nothing once it stops.
func TestLogLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		l := newLogLimiter(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}})), 10*time.Second)
		lines := func() []string { return strings.Split(strings.TrimSpace(out.String()), "\n") }
		for i := range 1000 {
			l.warn("connection refused", "n", i)
		}
		l.info("login failed", "n", 0)
		if got := lines(); len(got) != 2 || !strings.Contains(got[0], "n=0") {
			t.Fatalf("after the first burst: %q", got)
		}
		time.Sleep(10 * time.Second)
		synctest.Wait()
		got := lines()
		if len(got) != 3 || !strings.Contains(got[2], `msg="connection refused" more=999 in=10s n=999`) {
			t.Fatalf("after a period: %q", got)
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if n := len(lines()); n != 3 {
			t.Fatalf("%d lines after the flood stopped, want 3", n)
		}
		l.warn("connection refused", "n", 1000)
		if got := lines(); len(got) != 4 || !strings.Contains(got[3], "n=1000") || strings.Contains(got[3], "more") {
			t.Fatalf("a new event after a quiet period: %q", got)
		}
		time.Sleep(10 * time.Second) // the last period ends with nothing to say
		synctest.Wait()
	})
}
