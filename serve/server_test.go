package serve

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
)

// wait bounds every wait on a session's output; the proof is what shows,
// never how long it took.
const wait = 15 * time.Second

func TestTwoSessionsSeeTheSameChange(t *testing.T) {
	r := startRig(t, 3, 200*time.Millisecond)
	bobKey := newKey(t)
	f, err := os.OpenFile(r.keysPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(authLine(bobKey, "", "bob@home"))
	f.Close()
	obs := r.eng.Session("observer")
	defer obs.Close()

	alice := open(t, r.addr, r.alice, nil, true)
	bob := open(t, r.addr, bobKey, map[string]string{"TZ": "Asia/Singapore"}, true)
	alice.waitText(t, "task-0002", wait)
	bob.waitText(t, "task-0002", wait)
	bob.waitText(t, "2 viewers", wait)

	alice.typeText(t, "a")
	alice.waitText(t, "add>", wait)
	alice.typeText(t, "shared-task-42\r")
	bob.waitText(t, "shared-task-42", wait)

	// The event log names who added it: alice's key comment.
	deadline := time.Now().Add(wait)
	for {
		var by []string
		for _, ev := range obs.Collect().Events {
			if ev.Kind == watch.EventAdd && ev.Ref.TaskID == "shared-task-42" {
				by = append(by, ev.By)
			}
		}
		if len(by) > 0 {
			if by[0] != "alice@laptop" {
				t.Fatalf("add recorded as by %q, want alice@laptop", by[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no add event for shared-task-42")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// q ends only alice's session.
	alice.typeText(t, "q")
	alice.waitEnd(t, wait)
	if err := r.eng.Collect().Stats.Viewers; err != 1 {
		// SetViewers runs as the handler returns; allow it to land.
		deadline := time.Now().Add(wait)
		for r.srv.Sessions() != 1 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := r.srv.Sessions(); n != 1 {
			t.Fatalf("%d sessions after alice quit, want 1", n)
		}
	}
}

func TestUnauthorisedKeyIsRefused(t *testing.T) {
	r := startRig(t, 1, time.Second)
	stranger := newKey(t)
	if _, err := dial(r.addr, gossh.PublicKeys(stranger)); err == nil {
		t.Fatal("a key not in the file logged in")
	}
	if _, err := dial(r.addr, gossh.Password("hunter2")); err == nil {
		t.Fatal("password auth is on")
	}
	if _, err := dial(r.addr, gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
		return []string{"x"}, nil
	})); err == nil {
		t.Fatal("keyboard-interactive auth is on")
	}
	// The file is read again when it changes: adding the key lets it in,
	// removing alice's shuts her out.
	writeFile(t, r.keysPath, authLine(stranger, "", "new@team")+"garbage line\n")
	c, err := dial(r.addr, gossh.PublicKeys(stranger))
	if err != nil {
		t.Fatalf("a key added to the file is refused: %v", err)
	}
	c.Close()
	if _, err := dial(r.addr, gossh.PublicKeys(r.alice)); err == nil {
		t.Fatal("a key removed from the file still logs in")
	}
	// An unreadable file refuses everyone.
	os.Remove(r.keysPath)
	if _, err := dial(r.addr, gossh.PublicKeys(stranger)); err == nil {
		t.Fatal("a missing authorized keys file let a key in")
	}
}

func TestReadOnlyKeyCannotAdd(t *testing.T) {
	r := startRig(t, 2, time.Second)
	rd := open(t, r.addr, r.reader, nil, true)
	rd.waitText(t, "task-0001", wait)
	rd.typeText(t, "a")
	rd.waitText(t, "read-only session: adding tasks is not allowed", wait)
	rd.typeText(t, "\x1b[200~evil-task-1\x1b[201~") // a bracketed paste
	rd.typeText(t, "R")
	rd.waitText(t, "refreshing all tasks is not allowed", wait)
	rd.typeText(t, "/task-0001\r") // filtering is fine
	rd.waitText(t, "filter: task-0001", wait)
	if n := len(r.eng.Collect().Changed); n != 2 {
		t.Fatalf("the engine holds %d tasks after a read-only session's add and paste, want 2", n)
	}
}

func TestSessionLimitRefusesPolitely(t *testing.T) {
	r := startRig(t, 1, time.Second, func(c *Config) { c.MaxSessions = 2 })
	a := open(t, r.addr, r.alice, nil, true)
	b := open(t, r.addr, r.reader, nil, true)
	a.waitText(t, "task-0000", wait)
	b.waitText(t, "task-0000", wait)
	third := open(t, r.addr, r.alice, nil, true)
	err := third.waitEnd(t, wait)
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("the third session ended with %v, want exit status 1", err)
	}
	if got := strings.TrimSpace(third.text()); got != "trtcwatch: sorry, all 2 places are taken; please try again later" {
		t.Fatalf("the refusal is %q", got)
	}
	if r.srv.Sessions() != 2 {
		t.Fatalf("%d sessions, want the first 2", r.srv.Sessions())
	}
}

func TestIdleSessionIsClosed(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	r := startRig(t, 1, time.Second, func(c *Config) { c.IdleTimeout = 400 * time.Millisecond })
	idle := open(t, r.addr, r.alice, nil, true)
	idle.waitText(t, "task-0000", wait)
	if err := idle.waitEnd(t, wait); err != nil {
		t.Fatalf("idle session ended with %v", err)
	}
	if !strings.Contains(idle.text(), "no input for 400ms; goodbye") {
		t.Fatalf("no goodbye line:\n%s", tail(idle.text(), 500))
	}
	// Input keeps a session open past the timeout.
	busy := open(t, r.addr, r.reader, nil, true)
	for range 6 {
		busy.typeText(t, "j")
		select {
		case err := <-busy.done:
			t.Fatalf("a session with input was closed: %v", err)
		case <-time.After(150 * time.Millisecond): // typing pace, not a proof
		}
	}
}

func TestShutdownSaysGoodbye(t *testing.T) {
	r := startRig(t, 1, time.Second)
	a := open(t, r.addr, r.alice, nil, true)
	a.waitText(t, "task-0000", wait)
	r.shutdown(t)
	a.waitEnd(t, wait)
	if !strings.Contains(a.text(), "the server is shutting down; the watch list is saved. Goodbye.") {
		t.Fatalf("no goodbye:\n%s", tail(a.text(), 500))
	}
	if n := r.srv.Sessions(); n != 0 {
		t.Fatalf("%d sessions after shutdown", n)
	}
	if _, err := dial(r.addr, gossh.PublicKeys(r.alice)); err == nil {
		t.Fatal("the server still accepts after shutdown")
	}
}

// TestSlowReaderDoesNotStall: a client that stops reading its socket
// while its screen keeps changing (it resizes again and again) gets frames
// dropped, not queued without bound; another session still sees a change,
// and the server still shuts down promptly.
func TestSlowReaderDoesNotStall(t *testing.T) {
	t.Parallel() // its own rig, waits on timeouts; measures nothing process-wide
	r := startRig(t, 60, 200*time.Millisecond, func(c *Config) { c.OutputLimit = 16 << 10 })
	slow, sc := openStalling(t, r.addr, r.reader)
	fast := open(t, r.addr, r.alice, nil, true)
	slow.waitText(t, "60 tasks", wait)
	fast.waitText(t, "60 tasks", wait)
	sc.stall()
	// The resizes are paced, one a millisecond. Sent as fast as the client
	// could (tens of thousands in half a second), they filled the server's
	// request pipeline for that connection: the server stopped reading it,
	// the client's next request blocked, and in one run in three the first
	// drop came only after about a minute, from the once-a-second repaints.
	// That back-pressure touches only the flooding connection.
	deadline := time.Now().Add(4 * wait)
	for i := 0; r.srv.Dropped() == 0; i++ {
		if time.Now().After(deadline) {
			t.Fatal("no frame was dropped for a client that stopped reading")
		}
		slow.s.WindowChange(60+i%2*10, 250-i%3*10) //nolint:errcheck // the test checks drops instead
		time.Sleep(time.Millisecond)               // a resize per ms: plenty of frames, not tens of thousands of requests
	}
	fast.typeText(t, "a")
	fast.typeText(t, "after-the-stall\r")
	fast.waitText(t, "after-the-stall", wait)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, done := shutOnce.LoadOrStore(r, true); !done {
		if err := r.srv.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown with a stalled client: %v", err)
		}
		<-r.served
	}
}

// TestShutdownRacesServe: a Shutdown that comes before Serve, or while
// Serve is still starting (a SIGTERM right after start), still ends Serve
// with nil. The ssh server only closes listeners it already tracks; before
// the fix Serve went on accepting and serve never exited.
func TestShutdownRacesServe(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "authorized_keys")
	writeFile(t, keys, authLine(newKey(t), "", "alice@laptop"))
	hk, err := LoadOrCreateHostKey(filepath.Join(dir, "host_key"))
	if err != nil {
		t.Fatal(err)
	}
	eng := watch.New(nil, watch.Config{})
	for i := range 40 {
		srv, err := New(Config{HostKeyPEM: hk.PEM, AuthorizedKeys: keys, Engine: eng,
			Options: ui.Options{Keys: ui.DefaultKeyMap(), Region: "ap-singapore"}})
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		first := i%4 == 0 // every fourth: Shutdown before Serve is even called
		if first {
			if err := srv.Shutdown(context.Background()); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
		}
		go func() { served <- srv.Serve(l) }()
		if !first {
			if err := srv.Shutdown(context.Background()); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
		}
		select {
		case err := <-served:
			if err != nil {
				t.Fatalf("run %d: serve: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d: Serve still accepting after Shutdown", i)
		}
		if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
			c.Close()
			t.Fatalf("run %d: the listener still accepts", i)
		}
	}
}
