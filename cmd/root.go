// Package cmd is trtcwatch's commands, one file each: the dashboard
// (dashboard.go), team mode (serve.go), the one-shot snapshot
// (snapshot.go), the event log's events (events.go) and the local emulator
// (emulator.go); Main (root.go) picks one. What they share sits in files
// named for it: the flag parser, its errors and the API flags (flags.go),
// the engine and everything around it that the dashboard and serve both
// run (backend.go) and how such a run ends (exit.go), the signals
// (signals.go), the dashboard's terminal, program and panic guard
// (terminal.go, program.go, guard.go), its escalation flags (escalation.go,
// hooks.go) and the keys a command is given (keys.go). A command file calls
// those; they never call a command. Every flag error is one line naming
// the flag and the fix, exit code 2, before any request is made.
package cmd

import (
	"context"
	"io"

	"github.com/trtcwatch/trtcwatch/ui"
)

// Main runs the command line args (without the program's name) and
// returns the exit code; main passes the process's streams and the user's
// key bindings, tests their own.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, keys ui.KeyMap) int {
	if len(args) > 0 {
		switch args[0] {
		case "snapshot":
			return runSnapshot(ctx, args[1:], stdin, stdout, stderr)
		case "emulator":
			return runEmulator(ctx, args[1:], stdout, stderr)
		case "events":
			return runEvents(ctx, args[1:], stdout, stderr)
		case "serve":
			return runServe(ctx, args[1:], stdout, stderr, keys)
		case "help":
			args = []string{"-h"}
		}
	}
	return runDashboard(ctx, args, stdin, stdout, stderr, keys)
}
