package cmd

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/serve"
)

func TestServeFlags(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keys, nil, 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--demo"}, "--authorized-keys FILE is required"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--listen", "0.0.0.0:2222"}, "not a loopback address"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--listen", "10.1.2.3:2222"}, "add --listen-any"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--max-sessions", "0"}, "--max-sessions must be between"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--idle-timeout", "10ms"}, "--idle-timeout must be at least"},
		{[]string{"serve", "--demo", "--authorized-keys", filepath.Join(t.TempDir(), "none")}, "--authorized-keys:"},
		// The dashboard's flags that would run on the server are not serve's.
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--alert", "idle>5m"}, "--alert is not for serve: team mode has no alert rules, exports or hooks"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--on-change=true"}, "--on-change is not for serve"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "-export-dir", "/tmp"}, "--export-dir is not for serve"},
		{[]string{"serve", "--hook-timeout", "5s", "--demo", "--authorized-keys", keys}, "--hook-timeout is not for serve"},
		{[]string{"serve", "--demo", "--authorized-keys", keys, "--hook-max", "2"}, "--hook-max is not for serve"},
	} {
		var stderr strings.Builder
		code := run(context.Background(), tc.args, nil, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 saying %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// TestServeHelpListsOnlyItsFlags: serve -h lists the flags team mode uses
// and none that it would ignore (alert rules, exports, hooks).
func TestServeHelpListsOnlyItsFlags(t *testing.T) {
	var out strings.Builder
	if code := run(context.Background(), []string{"serve", "-h"}, nil, &out, io.Discard); code != 0 {
		t.Fatalf("serve -h exit %d", code)
	}
	for _, want := range []string{"-authorized-keys", "-listen", "-region", "-sdk-app-id", "-interval", "-state", "-demo", "-bell", "-mouse", "-log-file", "-max-sessions", "-idle-timeout", "-host-key"} {
		if !strings.Contains(out.String(), "  "+want+" ") && !strings.Contains(out.String(), "  "+want+"\n") {
			t.Errorf("serve -h does not list %s", want)
		}
	}
	for _, not := range []string{"-alert", "-export-dir", "-on-change", "-hook-max", "-hook-timeout"} {
		if strings.Contains(out.String(), "  "+not) {
			t.Errorf("serve -h lists %s, which team mode does not use", not)
		}
	}
}

// TestConnectHint: serve prints an ssh command that works, never a
// literal HOST: the address for a specific listen, this machine's name for
// a wildcard one, and for loopback the address plus the jump through this
// machine.
func TestConnectHint(t *testing.T) {
	name := func() (string, error) { return "oncall-box", nil }
	for _, tc := range []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222}, "connect with: ssh -t -p 2222 127.0.0.1 (on this machine)\n  or from yours: ssh -t -J oncall-box -p 2222 127.0.0.1\n"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 2222}, "connect with: ssh -t -p 2222 ::1 (on this machine)\n  or from yours: ssh -t -J oncall-box -p 2222 ::1\n"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 2200}, "connect with: ssh -t -p 2200 oncall-box\n"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 2200}, "connect with: ssh -t -p 2200 oncall-box\n"},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 22}, "connect with: ssh -t -p 22 10.1.2.3\n"},
	} {
		if got := connectHint(tc.addr, name); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.addr, got, tc.want)
		}
	}
	noName := func() (string, error) { return "", errors.New("no name") }
	for addr, want := range map[string]string{
		"0.0.0.0":   "connect with: ssh -t -p 2200 127.0.0.1 (on this machine)\n",
		"127.0.0.1": "connect with: ssh -t -p 2200 127.0.0.1 (on this machine)\n",
	} {
		if got := connectHint(&net.TCPAddr{IP: net.ParseIP(addr), Port: 2200}, noName); got != want {
			t.Errorf("%s without a host name: %q, want %q", addr, got, want)
		}
	}
}

// TestServeWarnsAboutLooseFiles: a keys file its group may write and a
// host key others may read are warned about on stderr at start.
func TestServeWarnsAboutLooseFiles(t *testing.T) {
	dir := t.TempDir()
	keys, host := filepath.Join(dir, "keys"), filepath.Join(dir, "host_key")
	os.WriteFile(keys, nil, 0o600)
	os.Chmod(keys, 0o664)
	if _, err := serve.LoadOrCreateHostKey(host); err != nil {
		t.Fatal(err)
	}
	os.Chmod(host, 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	outR, outW := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--demo", "--listen", "127.0.0.1:0", "--authorized-keys", keys, "--host-key", host}, nil, outW, &stderr)
		outW.Close()
	}()
	go io.Copy(io.Discard, outR) //nolint:errcheck // the banner
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "readable by others"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no warning about the host key: %q", stderr.String())
		}
	}
	cancel()
	<-code
	for _, want := range []string{"trtcwatch: warning: host key " + host + " is readable by others (mode 0644)",
		"trtcwatch: warning: authorized keys " + keys + " is writable by its group (mode 0664)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestServeSIGTERM: the signal ends serve with 128+15 and says the watch
// list is saved.
func TestServeSIGTERM(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keys, nil, 0o600)
	ctx, cancel := context.WithCancelCause(context.Background())
	var stderr lockedBuffer
	outR, outW := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--demo", "--listen", "127.0.0.1:0", "--authorized-keys", keys}, nil, outW, &stderr)
		outW.Close()
	}()
	buf := make([]byte, 512)
	if n, err := outR.Read(buf); err != nil || !strings.Contains(string(buf[:n]), "listening on 127.0.0.1:") {
		t.Fatalf("start: %q %v %s", buf[:n], err, stderr.String())
	}
	go io.Copy(io.Discard, outR) //nolint:errcheck // the rest of the banner
	cancel(signalCause{syscall.SIGTERM})
	select {
	case c := <-code:
		if c != 128+int(syscall.SIGTERM) || !strings.Contains(stderr.String(), "SIGTERM; the watch list is saved") {
			t.Fatalf("exit %d, %q", c, stderr.String())
		}
	case <-time.After(30 * time.Second):
		// Say where it is stuck: every goroutine's stack.
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2) //nolint:errcheck // diagnostics
		t.Fatal("serve did not stop on SIGTERM")
	}
}
