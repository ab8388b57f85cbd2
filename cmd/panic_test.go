//go:build unix

package cmd

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTraceHasNoSecret: the real dashboard, in a terminal, polling with the
// canary credential, is made to dump every goroutine's stack the way a
// crash does (SIGQUIT with GOTRACEBACK=system: all goroutines, runtime ones
// too, as a panic in any goroutine would print them). The trace must name
// the engine and client frames, so it really was taken mid-polling, and
// hold no fragment of the key or the token.
func TestTraceHasNoSecret(t *testing.T) {
	t.Parallel()
	ok, _, _ := secretEndpoints(t)
	dir := t.TempDir()
	c := startPTY(t, []string{"--endpoint", ok, "--sdk-app-id", "1400000001", "--interval", "200ms",
		"--state", filepath.Join(dir, "watchlist.json"), "--log-file", filepath.Join(dir, "debug.log"),
		"sec-live-1", "sec-idle-2"}, append(canaryEnviron(t), "GOTRACEBACK=system"), 160, 40)
	c.waitText(t, "InProgress", 15*time.Second) // an answer came: the key signed calls
	time.Sleep(500 * time.Millisecond)          // a few more sweeps, so calls are in flight
	if err := c.cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	if code := c.wait(t, 15*time.Second); code != 2 {
		t.Errorf("exit code %d after SIGQUIT, want the runtime's 2", code)
	}
	out := c.out.String()
	for _, want := range []string{"SIGQUIT", "goroutine ", "watch.(*Engine)", "runtime."} {
		if !strings.Contains(out, want) {
			t.Fatalf("the trace lacks %q, so it proves nothing:\n%s", want, tail(out, 4000))
		}
	}
	noLeak(t, "goroutine trace", out)
}
