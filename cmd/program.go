package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trtcwatch/trtcwatch/client"
	"github.com/trtcwatch/trtcwatch/ui"
	"github.com/trtcwatch/trtcwatch/watch"
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
// the terminal already restored; stop ends the engine and says whether
// every edit reached the watch list (saves are atomic, so the file is
// whole whenever it stops). Edits that did not make it are listed on
// stderr and the exit code is 1, whatever ended the program (a panic
// keeps its own code); "saved" is said only after a save succeeded.
func finish(ctx context.Context, end programEnd, g *guard, stderr io.Writer, info exitInfo, stop func() error) int {
	if errors.Is(end.err, tea.ErrProgramPanic) && !g.failed() {
		g.record("panic inside Bubble Tea (its trace was printed above)", nil)
	}
	switch {
	case g.failed():
		unsaved := stop()
		code := g.report(stderr, info.logFile, info.statePath, info.secrets)
		reportUnsaved(stderr, info.statePath, unsaved)
		return code
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
	unsaved := stop()
	code := 0
	var sc signalCause
	switch {
	case errors.As(context.Cause(ctx), &sc) && unsaved == nil:
		fmt.Fprintf(stderr, "trtcwatch: %v; the watch list is saved\n", sc)
		code = sc.exitCode()
	case errors.As(context.Cause(ctx), &sc):
		fmt.Fprintf(stderr, "trtcwatch: %v\n", sc)
	case end.err != nil && ctx.Err() == nil:
		code = fail(stderr, fmt.Errorf("dashboard: %w", end.err))
	}
	if reportUnsaved(stderr, info.statePath, unsaved) {
		return 1
	}
	return code
}

// reportUnsaved says on stderr what the watch list at statePath could not
// save (err from stopEngine) and lists the added tasks one a line as
// SDKAPPID:TASKID, ready to paste into the add box (a) or to pass as
// arguments once the disk is fixed. It reports whether anything was lost.
func reportUnsaved(stderr io.Writer, statePath string, err error) bool {
	if err == nil {
		return false
	}
	var u *watch.UnsavedError
	if !errors.As(err, &u) {
		fmt.Fprintf(stderr, "trtcwatch: the last edits may not be in the watch list %s: %v\n", statePath, err)
		return true
	}
	fmt.Fprintf(stderr, "trtcwatch: the watch list %s could NOT be saved: %v\n", statePath, u.Err)
	fmt.Fprintf(stderr, "trtcwatch: not saved: %s\n", u.Edits(unsavedNamed))
	if len(u.Added) == 0 {
		return true
	}
	regions := map[string]bool{}
	for _, r := range u.Added {
		regions[r.Region] = true
	}
	n := "1 task was"
	if len(u.Added) > 1 {
		n = fmt.Sprintf("%d tasks were", len(u.Added))
	}
	fmt.Fprintf(stderr, "trtcwatch: %s added but not saved (region %s); paste these into a once the disk is fixed:\n",
		n, strings.Join(slices.Sorted(maps.Keys(regions)), ", "))
	for _, r := range u.Added {
		fmt.Fprintln(stderr, r.String())
	}
	return true
}

// unsavedNamed is how many tasks of each kind the "not saved" line names;
// the added ones are all listed below it.
const unsavedNamed = 5

// errEngineStuck is stopEngine's answer when the engine did not stop in
// time: its last edits may not have been written.
var errEngineStuck = fmt.Errorf("the engine did not stop within %v", engineStopWait)

// stopEngine cancels the engine and waits (bounded) for it to return; Run
// writes the last watch-list edit before it does, and flush then writes any
// edit a command made after that. It returns nil only when every edit is
// on disk: else flush's *watch.UnsavedError naming what is not, or
// errEngineStuck.
func stopEngine(cancel func(), done <-chan struct{}, flush func() error, log *slog.Logger) error {
	cancel()
	select {
	case <-done:
	case <-time.After(engineStopWait):
		log.Warn("engine did not stop in time", "waited", engineStopWait)
		return errEngineStuck
	}
	if err := flush(); err != nil {
		log.Warn("watch list not saved on exit", "err", err)
		return err
	}
	return nil
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
