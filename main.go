// Command trtcwatch watches Tencent Cloud TRTC on-cloud recording tasks live
// in the terminal. This file only sets up the signals and hands the command
// line to package cmd, where every command lives; keymap.go holds the
// user's key bindings.
package main

import (
	"context"
	"os"

	"github.com/trtcwatch/trtcwatch/cmd"
)

func main() {
	ctx, stop := cmd.SignalContext(context.Background())
	code := cmd.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, dashboardKeys())
	stop()
	os.Exit(code)
}
