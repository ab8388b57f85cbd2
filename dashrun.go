package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/ui"
)

// testHook, set only by this package's tests, puts a faulty layer around
// the real model (and may start goroutines under the guard) to prove that
// every way out gives the terminal back. Nil in the shipped program.
var testHook func(m tea.Model, spawn func(func())) tea.Model

// startupNoticeAfter is how long start-up may be silent before it says
// what it waits for.
const startupNoticeAfter = 500 * time.Millisecond

// engineStopWait bounds the wait for the engine on the way out: a save in
// flight finishes well within it, and a stuck engine cannot hold the exit.
const engineStopWait = 10 * time.Second

// programEnd is how the Bubble Tea program ended.
type programEnd struct {
	err     error
	sigquit bool // SIGQUIT came: the terminal is back, now dump the goroutines
}

// runProgram runs the model under the guard until it quits, the context
// ends (SIGINT, SIGTERM, SIGHUP), SIGQUIT comes or anything panics. Bubble
// Tea's own signal handler is off so one path handles every signal; its
// panic catcher stays on as the net for panics inside Bubble Tea itself.
// Every ending is a Quit, Bubble Tea's orderly shutdown (it waits for its
// input reader, leaves the alternate screen, shows the cursor and restores
// the tty mode); Kill, which skips the wait, only if Quit is not taken up.
func runProgram(ctx context.Context, m tea.Model, g *guard) programEnd {
	p := tea.NewProgram(&guardedModel{inner: m, g: g}, tea.WithoutSignalHandler(), tea.WithFPS(ui.FPS))
	quit := make(chan os.Signal, 1)
	signal.Notify(quit, syscall.SIGQUIT)
	defer signal.Stop(quit)
	ended := make(chan struct{})
	var sigquit atomic.Bool
	go func() {
		select {
		case <-quit:
			sigquit.Store(true)
		case <-g.panicked:
		case <-ctx.Done():
		case <-ended:
			return
		}
		p.Quit()
		select {
		case <-ended:
		case <-time.After(quitWait):
			p.Kill()
		}
	}()
	_, err := p.Run()
	close(ended)
	return programEnd{err: err, sigquit: sigquit.Load()}
}

// quitWait is how long a Quit may take before the program is killed.
const quitWait = 3 * time.Second

// exitInfo is what the panic report names.
type exitInfo struct {
	logFile, statePath string
	secrets            []string
}

// finish turns how the program ended into the exit code and message, with
// the terminal already restored; stop ends the engine (its saves are
// atomic, so the watch list is whole whenever it stops).
func finish(ctx context.Context, end programEnd, g *guard, stderr io.Writer, info exitInfo, stop func()) int {
	if errors.Is(end.err, tea.ErrProgramPanic) && !g.failed() {
		g.record("panic inside Bubble Tea (its trace was printed above)", nil)
	}
	switch {
	case g.failed():
		stop()
		return g.report(stderr, info.logFile, info.statePath, info.secrets)
	case end.sigquit:
		// The terminal is back: let the runtime print every goroutine and
		// exit 2, as SIGQUIT does, with the engine still in the trace.
		signal.Reset(syscall.SIGQUIT)
		if self, err := os.FindProcess(os.Getpid()); err == nil && self.Signal(syscall.SIGQUIT) == nil {
			time.Sleep(engineStopWait) // the runtime ends the process meanwhile
		}
		stop()
		return 2
	}
	stop()
	var sc signalCause
	if errors.As(context.Cause(ctx), &sc) {
		fmt.Fprintf(stderr, "trtcwatch: %v; the watch list is saved\n", sc)
		return sc.exitCode()
	}
	if end.err != nil && ctx.Err() == nil {
		return fail(stderr, fmt.Errorf("dashboard: %w", end.err))
	}
	return 0
}

// stopEngine cancels the engine and waits (bounded) for it to return; Run
// writes the last watch-list edit before it does, and flush then writes any
// edit a command made after that, so nothing the user did is lost on exit.
func stopEngine(cancel func(), done <-chan struct{}, flush func() error, log *slog.Logger) {
	cancel()
	select {
	case <-done:
	case <-time.After(engineStopWait):
		log.Warn("engine did not stop in time", "waited", engineStopWait)
		return
	}
	if err := flush(); err != nil {
		log.Warn("watch list not saved on exit", "err", err)
	}
}

// startupNotice prints what start-up waits for if it takes longer than
// after; the func it returns stops it, and waits for a line being written
// so nothing lands on the screen once Bubble Tea owns it.
func startupNotice(stderr io.Writer, after time.Duration, what string) func() {
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(after, func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			fmt.Fprintf(stderr, "trtcwatch: %s\n", what)
		}
	})
	return func() {
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// knownSecrets are the secret values this process may hold, to redact
// from a crash log: the flags' credential if any and the environment's.
func knownSecrets(cfg client.Config) []string {
	s := []string{os.Getenv(client.EnvSecretKey), os.Getenv(client.EnvSessionToken), os.Getenv(client.EnvToken)}
	if c := cfg.Credential; c != nil {
		s = append(s, c.SecretKey, c.Token)
	}
	return s
}
