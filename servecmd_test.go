package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"
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
	} {
		var stderr strings.Builder
		code := run(context.Background(), tc.args, nil, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 saying %q", tc.args, code, stderr.String(), tc.want)
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
