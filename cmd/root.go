// Package cmd is trtcwatch's commands: the dashboard (dashboard.go), team
// mode (serve.go), the one-shot snapshot (snapshot.go), the event log's
// events (events.go) and the local emulator (emulator.go), one file each.
// What they share sits in files named for it: the flags and their errors
// (flags.go), the engine and everything around it that the dashboard and
// serve both run (backend.go), the terminal, the program and the panic
// guard of the dashboard (terminal.go, program.go, guard.go). A command
// file calls those; they never call a command. Every flag error is one
// line naming the flag and the fix, exit code 2, before any request is made.
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
