package cmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/trtcwatch/trtcwatch/emulator"
	"github.com/trtcwatch/trtcwatch/emulator/emutest"
	"github.com/trtcwatch/trtcwatch/internal/waittest"
	"github.com/trtcwatch/trtcwatch/ui"
)

// childEnv carries the arguments of a child run of this test binary as
// the real program, separated by a unit separator.
const childEnv = "TRTCWATCH_TEST_MAIN_ARGS"

// TestMain runs the program itself (what main does), not the tests, when
// a test starts this binary as the real program (see startPTY).
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childEnv); ok {
		os.Args = append(os.Args[:1], strings.Split(args, "\x1f")...)
		if kind := os.Getenv(panicEnv); kind != "" {
			installPanicHook(kind)
		}
		ctx, stop := SignalContext(context.Background())
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	waittest.RaiseParallel() // the tests wait on children, terminals and scenario clocks
	os.Exit(m.Run())
}

// run is Main with the default key map, as the program runs it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Main(ctx, args, stdin, stdout, stderr, ui.DefaultKeyMap())
}

// TestBadFlags: every bad flag is one line naming the flag, exit 2, and no
// request reaches the API (the emulator counts none).
func TestBadFlags(t *testing.T) {
	srv := emutest.Start(t, emulator.Config{}, "")
	t.Setenv("TENCENTCLOUD_SECRET_ID", emulator.DemoSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", emulator.DemoSecretKey)
	ep := srv.URL()

	tests := []struct {
		name string
		args []string
		want string // must appear in the one-line error
	}{
		{"unknown region", []string{"snapshot", "--endpoint", ep, "--region", "eu-west-1", "1:abc"}, "--region"},
		{"sdk app id not a number", []string{"snapshot", "--endpoint", ep, "--sdk-app-id", "abc", "def"}, "--sdk-app-id"},
		{"sdk app id zero", []string{"snapshot", "--endpoint", ep, "--sdk-app-id", "0", "def"}, "--sdk-app-id"},
		{"malformed endpoint", []string{"snapshot", "--endpoint", "http://[::1", "1:abc"}, "--endpoint"},
		{"endpoint with path", []string{"snapshot", "--endpoint", "example.com/x", "1:abc"}, "--endpoint"},
		{"plain http to a remote host", []string{"snapshot", "--endpoint", "http://example.com", "1:abc"}, "--endpoint"},
		{"zero rate", []string{"snapshot", "--endpoint", ep, "--rate", "0", "1:abc"}, "--rate"},
		{"negative rate", []string{"snapshot", "--endpoint", ep, "--rate", "-3", "1:abc"}, "--rate"},
		{"rate above quota at the real API", []string{"snapshot", "--rate", "25", "1:abc"}, "--rate"},
		{"rate that never finishes a call", []string{"snapshot", "--endpoint", ep, "--rate", "0.001", "1:abc"}, "--rate must be between 0.167 (one call per --timeout 6s) and 20"},
		{"tiny rate", []string{"snapshot", "--endpoint", ep, "--rate", "1e-300", "1:abc"}, "--rate must be between"},
		{"rate below one call per timeout", []string{"snapshot", "--endpoint", ep, "--rate", "0.15", "1:abc"}, "--rate must be between 0.167"},
		{"rate below the floor", []string{"snapshot", "--endpoint", ep, "--timeout", "30s", "--rate", "0.05", "1:abc"}, "--rate must be between 0.1 "},
		{"NaN rate", []string{"snapshot", "--endpoint", ep, "--rate", "NaN", "1:abc"}, "--rate must be between"},
		{"infinite rate", []string{"snapshot", "--endpoint", ep, "--rate", "+Inf", "1:abc"}, "--rate must be between"},
		{"minus infinite rate", []string{"snapshot", "--endpoint", ep, "--rate", "-Inf", "1:abc"}, "--rate must be between"},
		{"huge rate at the emulator", []string{"snapshot", "--endpoint", ep, "--rate", "1e9", "1:abc"}, "--rate must be between"},
		{"dashboard tiny rate", []string{"--endpoint", ep, "--rate", "0.001", "1:abc"}, "--rate must be between"},
		{"zero timeout", []string{"snapshot", "--endpoint", ep, "--timeout", "0s", "1:abc"}, "--timeout must be between 500ms and 2m0s"},
		{"tiny timeout", []string{"snapshot", "--endpoint", ep, "--timeout", "1ns", "1:abc"}, "--timeout must be between"},
		{"huge timeout", []string{"snapshot", "--endpoint", ep, "--timeout", "100000h", "1:abc"}, "--timeout must be between"},
		{"tiny interval", []string{"--endpoint", ep, "--interval", "1ns", "1:abc"}, "--interval must be between 100ms and 1h0m0s"},
		{"huge interval", []string{"--endpoint", ep, "--interval", "1000h", "1:abc"}, "--interval must be between"},
		{"zero interval", []string{"--endpoint", ep, "--interval", "0s", "1:abc"}, "--interval"},
		{"negative interval", []string{"--endpoint", ep, "--interval", "-2s", "1:abc"}, "--interval"},
		{"bad task id", []string{"snapshot", "--endpoint", ep, "1:ab*c"}, "bad TASK"},
		{"task without app id", []string{"snapshot", "--endpoint", ep, "abc"}, "--sdk-app-id"},
		{"no task", []string{"snapshot", "--endpoint", ep}, "TASK"},
		{"unknown flag", []string{"snapshot", "--nope"}, "-nope"},
		{"emulator fault rate", []string{"emulator", "--fault-rate", "2"}, "--fault-rate"},
		{"emulator extra argument", []string{"emulator", "extra"}, "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, exitUsage, stderr.String())
			}
			msg := stderr.String()
			if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, tt.want) {
				t.Fatalf("stderr = %q, want one line naming %q", msg, tt.want)
			}
			if stdout.Len() != 0 {
				t.Fatalf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
	if n := srv.Stats().Requests(); n != 0 {
		t.Fatalf("emulator saw %d requests from bad invocations, want 0", n)
	}
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"snapshot", "-h"}, {"emulator", "--help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "Usage") {
			t.Errorf("%v: no usage on stdout: %q", args, stdout.String())
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
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
