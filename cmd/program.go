package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/ui"
)

// testHook, set only by this package's tests, puts a faulty layer around
// the real model to prove that every way out gives the terminal back. Nil
// in the shipped program.
var testHook func(m tea.Model) tea.Model

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

// finish turns how the program ended into the exit code and message, with
// the terminal already restored; stop ends the engine and says whether
// every edit reached the watch list (saves are atomic, so the file is
// whole whenever it stops). After SIGQUIT the runtime dumps every
// goroutine and exits 2, as SIGQUIT does; any other ending is ending's.
func finish(ctx context.Context, end programEnd, g *guard, stderr io.Writer, info exitInfo, stop func() error) int {
	if errors.Is(end.err, tea.ErrProgramPanic) && !g.failed() {
		g.record("panic inside Bubble Tea (its trace was printed above)", nil)
	}
	if end.sigquit && !g.failed() {
		// The terminal is back: let the runtime print every goroutine and
		// exit 2, as SIGQUIT does, with the engine still in the trace.
		signal.Reset(syscall.SIGQUIT)
		if self, err := os.FindProcess(os.Getpid()); err == nil && self.Signal(syscall.SIGQUIT) == nil {
			time.Sleep(engineStopWait) // the runtime ends the process meanwhile
		}
		stop()
		return 2
	}
	var runErr error
	if end.err != nil {
		runErr = fmt.Errorf("dashboard: %w", end.err)
	}
	return ending(ctx, stderr, g, info, stop(), runErr)
}
