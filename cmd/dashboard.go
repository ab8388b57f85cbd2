package cmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/atotto/clipboard"

	"github.com/trtcwatch/trtcwatch/hook"
	"github.com/trtcwatch/trtcwatch/ui"
)

// dashboardFlags are the flags of the interactive dashboard: the
// backend's, and the escalation workflow's (alerts, exports, hooks).
type dashboardFlags struct {
	backend    backendFlags
	escalation escalationFlags
	hooks      hookFlags
}

func (f *dashboardFlags) register(fs *flag.FlagSet) {
	f.backend.register(fs)
	f.escalation.register(fs)
	f.hooks.register(fs)
}

// dashboardUsage is what -h prints above the flags.
const dashboardUsage = `Usage:
  trtcwatch [flags] [TASK...]    watch recording tasks live (TASK is TASKID or SDKAPPID:TASKID)
  trtcwatch --demo               the same against a built-in emulator, no account needed
  trtcwatch --callbacks 127.0.0.1:8090 --callback-key-file FILE [flags] [TASK...]
                                 also take TRTC's recording callbacks: changes at once (README: Push)
  trtcwatch snapshot [flags] TASK...   look tasks up once and print them (-h for flags)
  trtcwatch events [flags]       print the event log (-h for flags)
  trtcwatch emulator [flags]     serve a local TRTC API for testing (-h for flags)
  trtcwatch serve --authorized-keys FILE [flags]   team mode: the dashboard over SSH (-h for flags)

Flags:
`

// runDashboard runs the interactive dashboard. Every way out gives the
// terminal back: q, a signal (SIGHUP, SIGTERM, SIGINT, SIGQUIT), a fatal
// error or a panic anywhere the dashboard runs code; the watch list stays
// whole because every save replaces the file atomically.
func runDashboard(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, keys ui.KeyMap) (code int) {
	fs := flag.NewFlagSet("trtcwatch", flag.ContinueOnError)
	var f dashboardFlags
	f.register(fs)
	if err := parseFlags(fs, dashboardUsage, args, stdout); err != nil {
		return fail(stderr, err)
	}
	if err := f.hooks.validate(); err != nil {
		return fail(stderr, err)
	}
	b, err := newBackend(&f.backend, fs.Args(), keys, dashboardRole)
	if err != nil {
		return fail(stderr, err)
	}
	// Then the terminal: without one nothing may be saved or started.
	ttyFd, releaseTTY, err := openTerminal(stdin, stdout)
	if err != nil {
		return fail(stderr, usagef("%v", err))
	}
	defer releaseTTY()
	defer b.close()
	if err := b.open(); err != nil {
		return fail(stderr, err)
	}
	defer b.catchPanic(stderr, &code)
	b.start(ctx, stderr)

	uiOpts := b.uiOptions()
	uiOpts.Clipboard = clipboard.WriteAll
	// NO_COLOR or TERM=dumb asks for plain glyphs and borders; View never
	// reads the environment itself.
	uiOpts.ASCII = ui.ASCIIWanted(os.Getenv)
	if f.backend.demo {
		f.escalation.demoDefaults()
	}
	f.escalation.apply(&uiOpts)
	stopHooks, _, err := f.hooks.startHooks(func() hook.Feed { return b.eng.Session("hooks") }, b.guard.spawn, &uiOpts, b.log)
	if err != nil {
		return fail(stderr, fmt.Errorf("--on-change: %w", err))
	}
	defer stopHooks()
	var model tea.Model = ui.New(b.eng, uiOpts)
	if testHook != nil {
		model = testHook(model)
	}
	if err := discardInput(ttyFd); err != nil {
		b.log.Warn("discard typed-ahead keys", "err", err)
	}
	return finish(ctx, runProgram(ctx, model, b.guard), b.guard, stderr, b.exitInfo(), b.stop)
}
