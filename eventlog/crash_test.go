package eventlog

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/trtcwatch/trtcwatch/watch"
)

// helperEnv names the log a re-executed test binary appends to until it is
// killed (see TestMain).
const helperEnv = "EVENTLOG_CRASH_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		crashHelper(path)
		return
	}
	os.Exit(m.Run())
}

// crashHelper appends records forever, printing a dot after each, so the
// parent can kill it at a random point of its writing.
func crashHelper(path string) {
	w, err := openWriter(path, options{MaxSize: 64 << 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	out := bufio.NewWriterSize(os.Stdout, 1)
	for i := 0; ; i++ {
		e := ev(i, watch.EventTransition)
		e.Note = fmt.Sprintf("pid %d record %d", os.Getpid(), i)
		w.append(fromEvent(e, 0))
		out.WriteByte('.')
		out.Flush()
	}
}

// The writer SIGKILLed at random points crashKills times (25 in the normal
// suite, 200 with -tags long) leaves a log that loads:
// every line is a whole record or a torn one, skipped and counted.
func TestKilledWriterLeavesLoadableLog(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	path := filepath.Join(t.TempDir(), fileName)
	runs := crashKills
	check := max(runs/4, 1) // load the log after every check kills and at the end
	for i := range runs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of appends (0: possibly before any).
		buf := make([]byte, 1+rng.IntN(300))
		n := 0
		if rng.IntN(10) > 0 {
			for n < len(buf) {
				k, err := stdout.Read(buf[n:])
				if err != nil {
					break
				}
				n += k
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if i%check == check-1 || i == runs-1 {
			res, err := load(path, Filter{})
			if err != nil {
				t.Fatalf("after %d kills: %v", i+1, err)
			}
			if res.Skipped > i+1 {
				t.Fatalf("after %d kills, %d lines skipped: more than one torn line per kill", i+1, res.Skipped)
			}
			for _, r := range res.Records {
				if r.Kind != "transition" || r.TaskID == "" || r.PID == 0 {
					t.Fatalf("a damaged record loaded: %+v", r)
				}
			}
			if len(res.Records) == 0 {
				t.Fatal("nothing reached the log")
			}
			t.Logf("after %d kills: %d records, %d torn lines skipped", i+1, len(res.Records), res.Skipped)
		}
	}
}
