//go:build !linux

package hook

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"time"
)

// Without Linux's child subreaper there is no supervisor: the hook runs
// directly, and at its timeout its process group is killed (killGroup).
// What it started in a new session is not found.

// protect does nothing here: the process stays readable by its user.
func protect() error { return nil }

// runOnce runs argv with env, stdin and the timeout and returns how it
// ended. stderr gets its stderr.
func runOnce(argv, env []string, stdin []byte, stderr io.Writer, timeout time.Duration) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stderr = stderr
	cmd.WaitDelay = time.Second // a grandchild holding a pipe cannot hold the slot
	killGroup(cmd)
	err := cmd.Run()
	var o outcome
	var exit *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		o.TimedOut = true
	case errors.As(err, &exit) && exit.Exited():
		o.Exited, o.Code = true, exit.ExitCode()
	case errors.As(err, &exit):
		o.Signal = exit.ProcessState.String()
	case errors.Is(err, exec.ErrWaitDelay):
		o.Exited, o.Held = true, true
		if cmd.ProcessState != nil {
			o.Code = cmd.ProcessState.ExitCode()
		}
	case err != nil:
		o.StartErr = err.Error()
	default:
		o.Exited = true
	}
	return o
}
