package cmd

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext is a context that ends at SIGINT, SIGTERM or SIGHUP with
// the signal as its cause, so a command can say which one stopped it and
// exit 128+n as a shell does. SIGHUP is among them: its default action
// would kill the process with the terminal still raw. The func it returns
// stops listening for the signals and ends the context.
func SignalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
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
