package cmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/trtcwatch/trtcwatch/sanitize"
)

// exitUsage is the exit code for bad flags or arguments.
const exitUsage = 2

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

// parseFlags parses args the way users type them: flags may come before,
// between or after the positional arguments (`trtcwatch TASK --region
// ap-mumbai`), and "--" ends the flags, so everything after it is
// positional: a TaskId may start with "-". A lone "-" is positional
// (snapshot reads stdin for it). The positionals are left in fs.Args().
// Flag-package errors become our one-line form; -h prints usage and then
// the flags to stdout, where a user asking for them can page them.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	var pos []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			args = args[1:]
			continue
		}
		n := flagWords(fs, a, len(args))
		if err := fs.Parse(args[:n]); err != nil {
			return flagError(fs, usage, a, err, stdout)
		}
		args = args[n:]
	}
	// fs.Args() is what the last Parse left: make that the positionals.
	return fs.Parse(append([]string{"--"}, pos...))
}

// flagWords is how many arguments the flag word a takes with it: 2 for a
// flag that needs a value not given with "=", else 1 (an unknown flag or
// -h is then the flag package's to report).
func flagWords(fs *flag.FlagSet, a string, left int) int {
	name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
	f := fs.Lookup(name)
	if f == nil || hasValue || left < 2 {
		return 1
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return 1
	}
	return 2
}

// flagError turns an error of the flag package about the word a into our
// one-line form, or prints the help asked for.
func flagError(fs *flag.FlagSet, usage, a string, err error, stdout io.Writer) error {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprint(stdout, usage)
		fs.PrintDefaults()
		return errHelpShown
	}
	cmd := commandName(fs)
	msg := sanitize.String(sanitize.Clip(err.Error(), 200)) // it quotes what was typed
	name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
	if fs.Lookup(name) == nil && takesTasks[fs.Name()] && !strings.HasPrefix(a, "--") {
		// Perhaps a TaskId: real ones can start with "-".
		return usagef("%s (see %s -h); a TASK that starts with - goes after --: %s [flags] -- %s",
			msg, cmd, cmd, sanitize.String(sanitize.Clip(a, 40)))
	}
	return usagef("%s (see %s -h)", msg, cmd)
}

// takesTasks are the commands (by FlagSet name) whose positional
// arguments are TASKs.
var takesTasks = map[string]bool{"trtcwatch": true, "snapshot": true, "serve": true}

// commandName is how the user typed the command: "trtcwatch" for the
// dashboard, "trtcwatch snapshot" for a subcommand.
func commandName(fs *flag.FlagSet) string {
	if fs.Name() == "trtcwatch" {
		return "trtcwatch"
	}
	return "trtcwatch " + fs.Name()
}
