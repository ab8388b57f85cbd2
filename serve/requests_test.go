package serve

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// heapMB is the live heap after a collection, in MB (server and clients
// share this process: the clients' part is small and transient).
func heapMB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// waitTextBounded is waitText that also fails as soon as the heap passes
// limitMB: an unclamped terminal size grows it by tens of MB a second.
func (tm *term) waitTextBounded(t *testing.T, s string, limitMB float64) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !strings.Contains(tm.text(), s) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if mb := float64(ms.HeapAlloc) / (1 << 20); mb > limitMB {
			tm.c.Close()
			t.Fatalf("the heap reached %.0f MB (limit %.0f) waiting for %q", mb, limitMB, s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session never showed %q; it shows:\n%s", s, tail(tm.text(), 2000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHugeTerminalIsClamped: a pty request of 65535x65535 and window
// changes to 4000x4000 and 65535x65535 cost no more than a 500x300
// screen: the heap stays bounded and the session still answers. Before
// the clamp the server's heap grew by tens of MB a second until it died.
func TestHugeTerminalIsClamped(t *testing.T) {
	r := startRig(t, 3, time.Second)
	before := heapMB()
	tm := openSized(t, r.addr, r.alice, 65535, 65535)
	tm.waitTextBounded(t, "task-0002", before+200)
	for _, sz := range [][2]int{{4000, 4000}, {65535, 65535}, {1 << 31, 1 << 31}, {0, 0}, {120, 40}} {
		if err := tm.s.WindowChange(sz[1], sz[0]); err != nil {
			t.Fatalf("window change to %dx%d: %v", sz[0], sz[1], err)
		}
	}
	mark := fmt.Sprintf("huge-%d", time.Now().UnixNano())
	tm.typeText(t, "a"+mark+"\r")
	tm.waitTextBounded(t, mark, before+200)
	grew := heapMB() - before
	t.Logf("heap grew %.1f MB with a 65535x65535 session resized to 4000x4000 and 65535x65535", grew)
	if grew > 64 {
		t.Fatalf("the heap grew %.1f MB for one session", grew)
	}
	// The frame is drawn for at most maxCols columns.
	for _, line := range strings.Split(tm.text(), "\n") {
		if n := len([]rune(strings.TrimRight(line, " \r"))); n > maxCols {
			t.Fatalf("a line of %d columns was drawn (max %d)", n, maxCols)
		}
	}
}

// openSized is open with a terminal of cols x rows.
func openSized(t testing.TB, addr string, key gossh.Signer, cols, rows int) *term {
	t.Helper()
	c, err := dial(addr, gossh.PublicKeys(key))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	tm := &term{c: c, s: s, out: &lockedBuffer{}, done: make(chan error, 1)}
	s.Stdout, s.Stderr = tm.out, tm.out
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	if err := s.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	go func() { tm.done <- s.Wait() }()
	t.Cleanup(func() { s.Close(); c.Close() })
	return tm
}

func TestClampSizes(t *testing.T) {
	win := func(c, r uint32) []byte {
		b := make([]byte, 16)
		binary.BigEndian.PutUint32(b, c)
		binary.BigEndian.PutUint32(b[4:], r)
		binary.BigEndian.PutUint32(b[8:], 7)
		binary.BigEndian.PutUint32(b[12:], 9)
		return b
	}
	pty := func(term string, c, r uint32) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(term)))
		b = append(b, term...)
		b = append(b, win(c, r)...)
		return append(b, 0) // TTY_OP_END
	}
	for _, tc := range []struct {
		in         []byte
		ok         bool
		cols, rows uint32
	}{
		{win(80, 24), true, 80, 24},
		{win(320, 90), true, 320, 90},
		{win(500, 100), true, 500, 100},
		{win(480, 135), true, 480, 104},
		{win(200, 300), true, 200, 250},
		{win(160, 4000), true, 160, 300},
		{win(4000, 24), true, 500, 24},
		{win(4000, 4000), true, 500, 100},
		{win(1<<32-1, 1<<32-1), true, 500, 100},
		{win(0, 1<<32-1), true, 0, 300},
		{win(0, 0), true, 0, 0},
		{win(80, 24)[:15], false, 0, 0},
	} {
		out, ok := clampWindow(tc.in)
		if ok != tc.ok || ok && (binary.BigEndian.Uint32(out) != tc.cols || binary.BigEndian.Uint32(out[4:]) != tc.rows ||
			binary.BigEndian.Uint32(out[8:]) != 7 || binary.BigEndian.Uint32(out[12:]) != 9) {
			t.Errorf("clampWindow(%x) = %x %v, want %dx%d %v", tc.in, out, ok, tc.cols, tc.rows, tc.ok)
		}
	}
	for _, tc := range []struct {
		in         []byte
		ok         bool
		cols, rows uint32
	}{
		{pty("xterm-256color", 65535, 65535), true, 500, 100},
		{pty("screen.xterm+x_1", 100, 30), true, 100, 30},
		{pty(strings.Repeat("x", 65), 80, 24), false, 0, 0},
		{pty("xterm\x1b]", 80, 24), false, 0, 0},
		{pty("../../etc/passwd", 80, 24), false, 0, 0},
		{pty("xterm", 80, 24)[:20], false, 0, 0},
		{[]byte{0, 0, 0}, false, 0, 0},
		{[]byte{0xff, 0xff, 0xff, 0xff, 'x'}, false, 0, 0},
	} {
		out, ok := clampPty(tc.in)
		if ok != tc.ok {
			t.Errorf("clampPty(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		n := binary.BigEndian.Uint32(out)
		if string(out[4:4+n]) != string(tc.in[4:4+n]) || binary.BigEndian.Uint32(out[4+n:]) != tc.cols ||
			binary.BigEndian.Uint32(out[8+n:]) != tc.rows || len(out) != len(tc.in) || out[len(out)-1] != 0 {
			t.Errorf("clampPty(%q) = %q, want %dx%d", tc.in, out, tc.cols, tc.rows)
		}
	}
}

// TestEnvFloodIsBounded: 250 env requests of 32 KB (8 MB) before the
// shell leave the server's heap as it was, within 2 MB (it moves by about
// 1 MB either way here; before the bound the session kept every one, four
// times that), and the session then opens as usual; a connection that
// goes on sending env requests is closed. Before, 40,000 requests of 30 KB
// held 1.7 GB.
func TestEnvFloodIsBounded(t *testing.T) {
	r := startRig(t, 1, time.Second)
	c, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	before := heapMB()
	big := strings.Repeat("x", 32<<10)
	env := func(name, value string, reply bool) (bool, error) {
		return s.SendRequest("env", reply, gossh.Marshal(struct{ Name, Value string }{name, value}))
	}
	for i := range 250 {
		name := []string{"TZ", "NO_COLOR", "LANG", fmt.Sprintf("V%d", i)}[i%4]
		if _, err := env(name, big, false); err != nil {
			t.Fatalf("env %d: %v", i, err)
		}
	}
	// A request with a reply: every env request before it was handled.
	if ok, err := env("TZ", "UTC", true); err != nil || !ok {
		t.Fatalf("a small TZ after the flood: %v %v", ok, err)
	}
	grew := heapMB() - before
	t.Logf("heap grew %.1f MB over 250 env requests of 32 KB", grew)
	if grew > 2 {
		t.Fatalf("the heap grew %.1f MB: the env requests were kept", grew)
	}
	tm := &term{c: c, s: s, out: &lockedBuffer{}, done: make(chan error, 1)}
	s.Stdout = tm.out
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	tm.waitText(t, "task-0000", wait)

	flood, err := dial(r.addr, gossh.PublicKeys(r.alice))
	if err != nil {
		t.Fatal(err)
	}
	defer flood.Close()
	fs, err := flood.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := fs.SendRequest("env", true, gossh.Marshal(struct{ Name, Value string }{"LANG", "C"})); err != nil {
			if i < maxEnvFlood {
				t.Fatalf("closed after %d env requests, before the bound %d", i, maxEnvFlood)
			}
			break
		}
		if i > 2*maxEnvFlood {
			t.Fatalf("still open after %d env requests", i)
		}
	}
}

func TestKeepEnv(t *testing.T) {
	s := &Server{limited: newLogLimiter(discardLog(), time.Minute)}
	env := func(k, v string) []byte { return gossh.Marshal(struct{ Name, Value string }{k, v}) }
	kept := 0
	for _, tc := range []struct {
		payload []byte
		want    bool
	}{
		{env("TZ", "Asia/Singapore"), true},
		{env("NO_COLOR", "1"), true},
		{env("COLORTERM", "truecolor"), true},
		{env("CLICOLOR_FORCE", "1"), true},
		{env("LANG", "en_US.UTF-8"), false},
		{env("TERM", "xterm"), false},
		{env("UV_DEBUG", "/tmp/x"), false},
		{env("TMUX", "1"), false},
		{env("LD_PRELOAD", "/tmp/x.so"), false},
		{env("TZ", strings.Repeat("x", maxEnvValue+1)), false},
		{env("TZ", strings.Repeat("x", maxEnvValue)), true},
		{[]byte{0, 0}, false},
	} {
		if got := s.keepEnv(tc.payload, &kept); got != tc.want {
			t.Errorf("keepEnv(%.40q) = %v, want %v", tc.payload, got, tc.want)
		}
	}
	for kept < maxEnvRequests {
		if !s.keepEnv(env("TZ", "UTC"), &kept) {
			t.Fatalf("request %d refused, under the bound of %d", kept+1, maxEnvRequests)
		}
	}
	if s.keepEnv(env("TZ", "UTC"), &kept) {
		t.Fatalf("request %d kept, past the bound of %d", kept, maxEnvRequests)
	}
}
