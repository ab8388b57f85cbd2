package hook

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trtcwatch/trtcwatch/internal/waittest"
)

// TestMain turns this test binary into the hook itself when a test runs it
// with GO_WANT_HELPER_PROCESS=1 (the os.Args[0] re-exec trick), so the
// tests of what a hook is given (stdin, environment, what it can read of
// its ancestors) need no shell script.
func TestMain(m *testing.M) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") == "1" {
		os.Exit(helperMain(os.Args[1:]))
	}
	waittest.RaiseParallel() // the parallel tests wait on hooks and their timeouts
	os.Exit(m.Run())
}

// helper is the argv that runs this binary as a hook in mode with args.
func helper(mode string, args ...string) []string {
	return append([]string{os.Args[0], "-test.run=^$", "--", mode}, args...)
}

// helperEnv is a minimal environment for a helper hook plus extra.
// noRaceExitSleep is part of it.
func helperEnv(extra ...string) []string {
	return append([]string{"GO_WANT_HELPER_PROCESS=1", "PATH=" + os.Getenv("PATH"), noRaceExitSleep}, extra...)
}

// shellEnv is the environment of a /bin/sh hook (Shell) plus extra.
func shellEnv(extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), noRaceExitSleep}, extra...)
}

// The hooks of the tests that start many or wait on hung ones are /bin/sh
// lines (Shell, as users write them): sh starts in a millisecond, where this
// test binary as a hook costs ~60 ms of CPU under -race, and the hook's
// supervisor already is this binary.
const (
	// slowHook counts the hooks alive beside it (a file run-PID each in
	// $OUT), leaves OVER-N there when more than $MAX are, and lingers 5 ms
	// so that its siblings overlap it.
	slowHook = `me="$OUT/run-$$"; : >"$me"; set -- "$OUT"/run-*; [ $# -le "$MAX" ] || : >"$OUT/OVER-$#"; sleep 0.005; rm -f "$me"`
	// hangHook starts a grandchild in its process group, writes its pid to
	// $OUT/grandchild, and never exits.
	hangHook = `sleep 1000 & echo $! >"$OUT/grandchild"; wait`
)

// noRaceExitSleep stops a race-built binary from sleeping a second as it
// exits (the race detector's default atexit_sleep_ms=1000, to let other
// goroutines' reports print): the supervisor and the helper hook are this
// test binary, so under -race every hook took two seconds longer.
const noRaceExitSleep = "GORACE=atexit_sleep_ms=0"

func helperMain(args []string) int {
	for len(args) > 0 && args[0] != "--" {
		args = args[1:]
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "helper: no mode")
		return 2
	}
	mode, args := args[1], args[2:]
	switch mode {
	case "record": // record DIR: stdin and the whole environment
		in, _ := io.ReadAll(os.Stdin)
		out := "STDIN " + string(in) + "ENV\n" + strings.Join(os.Environ(), "\n") + "\n"
		return writeFile(filepath.Join(args[0], strconv.Itoa(os.Getpid())), out)
	case "fail": // exit 3 after a hostile, over-long stderr
		fmt.Fprint(os.Stderr, "boom \x1b[2J"+strings.Repeat("x", 4000))
		return 3
	case "peek": // peek DIR: try to read the environment of our ancestors and of $TESTPID
		var out strings.Builder
		pid := os.Getppid()
		for range 3 { // the supervisor, the runner's process, what started it
			b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
			fmt.Fprintf(&out, "ancestor %d: %q %v\n", pid, b, err)
			stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
			f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
			if len(f) < 2 {
				break
			}
			pid, _ = strconv.Atoi(f[1])
		}
		b, err := os.ReadFile("/proc/" + os.Getenv("TESTPID") + "/environ")
		fmt.Fprintf(&out, "trtcwatch %s: %q %v\n", os.Getenv("TESTPID"), b, err)
		return writeFile(filepath.Join(args[0], "peek"), out.String())
	}
	return 2
}

func writeFile(path, s string) int {
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		return 5
	}
	return 0
}
