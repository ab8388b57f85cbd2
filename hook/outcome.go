package hook

import (
	"fmt"
	"time"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// outcome is how one run of a hook ended: what the hook did, and what the
// deadline had to kill. The supervisor (Linux) sends it as JSON.
type outcome struct {
	Exited   bool   `json:"exited"`    // the hook exited by itself
	Code     int    `json:"code"`      // its exit status, when Exited
	Signal   string `json:"signal"`    // what ended it otherwise
	TimedOut bool   `json:"timed_out"` // the deadline came while it, or what it left, still ran
	Left     int    `json:"left"`      // processes it started, still running and killed at the deadline
	Held     bool   `json:"held"`      // a process it left still held its output and was not found (no supervisor)
	StartErr string `json:"start_err"` // why it could not be started
}

// failure words o for the banner and the log, in plain words: what the
// hook did and what was done about it. ok=false: the run went well.
func (o outcome) failure(ev Event, timeout time.Duration, prog, stderr string) (f Failure, failed bool) {
	f = Failure{Event: ev, ExitCode: -1, stderr: stderr}
	switch {
	case o.StartErr != "":
		f.Err = fmt.Errorf("could not start %s: %s", sanitize.String(prog), sanitize.String(o.StartErr))
	case o.TimedOut && !o.Exited:
		f.TimedOut = true
		msg := fmt.Sprintf("timed out after %s; killed it", timeout)
		if o.Left > 0 {
			msg += " and " + processes(o.Left) + " it started"
		}
		f.Err = fmt.Errorf("%s", msg)
	case o.TimedOut && o.Left > 0:
		f.TimedOut, f.ExitCode = true, o.Code
		f.Err = fmt.Errorf("%s, but left %s running past the %s timeout; killed them", exited(o.Code), processes(o.Left), timeout)
	case o.Held:
		f.ExitCode = o.Code
		f.Err = fmt.Errorf("%s, but a process it left running still held its output (only its process group is stopped on this system)", exited(o.Code))
	case o.Exited && o.Code == 0:
		return Failure{}, false
	case o.Exited:
		f.ExitCode = o.Code
		f.Err = fmt.Errorf("exit status %d", o.Code)
	default:
		f.Err = fmt.Errorf("killed by signal %s", o.Signal)
	}
	return f, true
}

func exited(code int) string {
	if code == 0 {
		return "finished"
	}
	return fmt.Sprintf("exited with status %d", code)
}

func processes(n int) string {
	if n == 1 {
		return "1 process"
	}
	return fmt.Sprintf("%d processes", n)
}
