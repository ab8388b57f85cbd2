package hook

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMain turns this test binary into the hook itself when a test runs it
// with GO_WANT_HELPER_PROCESS=1 (the os.Args[0] re-exec trick), so the
// tests need no shell script.
func TestMain(m *testing.M) {
	if os.Getenv("GO_WANT_HELPER_PROCESS") == "1" {
		os.Exit(helperMain(os.Args[1:]))
	}
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
	case "hang": // hang DIR: start a grandchild in our group, then never exit
		gc := exec.Command(os.Args[0], "-test.run=^$", "--", "sleep")
		gc.Env = os.Environ()
		if err := gc.Start(); err != nil {
			return 4
		}
		writeFile(filepath.Join(args[0], "grandchild"), strconv.Itoa(gc.Process.Pid))
		select {}
	case "sleep":
		select {}
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
	case "slow": // slow DIR MAX: count the hooks alive beside us
		dir, limit := args[0], args[1]
		me := filepath.Join(dir, "run-"+strconv.Itoa(os.Getpid()))
		writeFile(me, "")
		ents, _ := os.ReadDir(dir)
		n := 0
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), "run-") {
				n++
			}
		}
		if max, _ := strconv.Atoi(limit); n > max {
			writeFile(filepath.Join(dir, "OVER-"+strconv.Itoa(n)), "")
		}
		time.Sleep(5 * time.Millisecond) // the helper process, not the test: give siblings time to overlap
		os.Remove(me)
		return 0
	}
	return 2
}

func writeFile(path, s string) int {
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		return 5
	}
	return 0
}
