// Command trtcwatch watches Tencent Cloud TRTC on-cloud recording tasks live
// in the terminal. This file only parses flags and wires packages together:
// the dashboard (ui, watch), the one-shot `snapshot`, the event log's
// `events` and the local `emulator`. Every flag error is one line naming the flag and the fix,
// exit code 2, before any request is made.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit code for bad flags or arguments.
const exitUsage = 2

func main() {
	ctx, stop := notifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalCause is the cause of a context ended by a signal, so a command
// can say which one and exit 128+n as a shell does.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "stopped by " + signalName(c.sig) }

// exitCode is 128 plus the signal's number, the shell's convention.
func (c signalCause) exitCode() int {
	if n, ok := c.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGHUP:
		return "SIGHUP (terminal closed)"
	case syscall.SIGTERM:
		return "SIGTERM"
	case os.Interrupt:
		return "SIGINT"
	}
	return s.String()
}

// notifyContext is signal.NotifyContext that keeps the signal as the
// context's cause. SIGHUP is among them: its default action would kill the
// process with the terminal still raw.
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// run is main without the process: tests call it with their own streams.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "snapshot":
			return runSnapshot(ctx, args[1:], stdin, stdout, stderr)
		case "emulator":
			return runEmulator(ctx, args[1:], stdout, stderr)
		case "events":
			return runEvents(ctx, args[1:], stdout, stderr)
		case "serve":
			return runServe(ctx, args[1:], stdout, stderr)
		case "help":
			args = []string{"-h"}
		}
	}
	return runDashboard(ctx, args, stdin, stdout, stderr)
}

// usageError is a bad flag or argument: printed as one line, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// fail prints err the way every subcommand does and returns the exit code.
func fail(stderr io.Writer, err error) int {
	if errors.Is(err, errHelpShown) {
		return 0
	}
	fmt.Fprintln(stderr, "trtcwatch:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// errHelpShown means -h was asked for and answered: exit 0.
var errHelpShown = errors.New("help shown")

// parseFlags parses and turns flag-package errors into our one-line form.
// -h prints usage and then the flags to stdout, where a user asking for
// them can page them.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprint(stdout, usage)
		fs.PrintDefaults()
		return errHelpShown
	}
	if err != nil {
		return usagef("%v (see trtcwatch %s -h)", err, fs.Name())
	}
	return nil
}
